/* packed.h - the packed Python loader (packed.c) and its build-time packer (pack.c).
 *
 * A packed binary is this loader plus a payload whose entry PACKED_INTERPRETER holds the
 * interpreter stub (frost-stub-python, an x86-64 ET_EXEC) as a memory image: byte i of the
 * image belongs at address L + i, where L is the lowest PT_LOAD's p_vaddr - p_offset, and the
 * image ends with the last byte a segment takes from the file. Between segments it is zero.
 * The entry is compressed FROST_LZ4 (one LZ4 block). `make` builds the image and its block
 * once (frost-stub-python.img, frost-stub-python.img.lz4), so that `frost build` only copies
 * them. */
#ifndef PACKED_H
#define PACKED_H

#include <elf.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h> /* memcpy, memset: packed.c defines them, as no C library is linked */
#include <sys/mman.h>

#include "../include/frost_format.h"

#define PACKED_INTERPRETER "frost/interpreter"

#define PAGE 4096UL
#define HUGE (2UL << 20)
#define DOWN(x) ((uintptr_t)(x) & ~(PAGE - 1))
#define UP(x) DOWN((uintptr_t)(x) + PAGE - 1)

/* packed.c: "NAME: WHAT" on stderr (NAME: the base name of argv[0]), then exit status 126. */
__attribute__((noreturn)) void packed_fail(const char *name, const char *what);

/* image.c: the payload's PACKED_INTERPRETER entry in the file mapped at `f` (`size` bytes),
 * and in *section the .frost section it is in; NULL when there is none. */
const struct frost_entry *packed_find_image(const uint8_t *f, uint64_t size,
                                            const uint8_t **section);
/* image.c: decodes the image of `e` (its stored bytes at `src`) into place and protects its
 * segments; returns its ELF header, or fails (packed_fail) as `me`. */
const Elf64_Ehdr *packed_unpack(const char *me, const struct frost_entry *e, const uint8_t *src);
/* image.c: the path in the stub's PT_INTERP, or NULL. */
const char *packed_interp_path(const Elf64_Ehdr *eh);

/* ldso.c: maps the ELF interpreter at `path` where the kernel likes; its load address and
 * entry point, or 0. */
uintptr_t packed_map_ld_so(const char *path, uintptr_t *entry);
/* ldso.c: points the auxiliary vector `av` at the stub (its program headers at `phdr`) and at
 * ld.so (loaded at `ld`). */
void packed_retarget(Elf64_auxv_t *av, const Elf64_Ehdr *stub, uintptr_t phdr, uintptr_t ld);

/* Whether [off, off + size) lies within `limit` bytes. */
static inline int within(uint64_t off, uint64_t size, uint64_t limit)
{
    return off <= limit && size <= limit - off;
}

/* The mmap/mprotect protection of a program header's flags. */
static inline int prot_of(const Elf64_Phdr *p)
{
    return (p->p_flags & PF_R ? PROT_READ : 0) | (p->p_flags & PF_W ? PROT_WRITE : 0) |
           (p->p_flags & PF_X ? PROT_EXEC : 0);
}

#endif /* PACKED_H */
