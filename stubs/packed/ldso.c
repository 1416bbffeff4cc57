/* ldso.c - the packed loader's hand-over to ld.so: mapping it, and the auxiliary vector. */
#include <fcntl.h>

#include "packed.h"
#include "sys.h"

/* Maps the ELF interpreter at `path` where the kernel likes; its load address, or 0. */
uintptr_t packed_map_ld_so(const char *path, uintptr_t *entry)
{
    static uint8_t head[PAGE];
    long fd = SYS(SYS_open, path, O_RDONLY | O_CLOEXEC, 0);
    if (is_err(fd))
        return 0;
    long n = sys6(SYS_pread64, fd, (long)head, sizeof head, 0, 0, 0);
    const Elf64_Ehdr *eh = (const void *)head;
    const Elf64_Phdr *ph = (const void *)(head + eh->e_phoff);
    if (n < (long)sizeof *eh || eh->e_type != ET_DYN || eh->e_phentsize != sizeof *ph ||
        !within(eh->e_phoff, (uint64_t)eh->e_phnum * sizeof *ph, (uint64_t)n))
        return SYS(SYS_close, fd, 0, 0), 0;
    uintptr_t span = 0;
    for (unsigned i = 0; i < eh->e_phnum; i++)
        if (ph[i].p_type == PT_LOAD && UP(ph[i].p_vaddr + ph[i].p_memsz) > span)
            span = UP(ph[i].p_vaddr + ph[i].p_memsz);
    uint8_t *base = sys_mmap(NULL, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (is_err((long)base))
        return SYS(SYS_close, fd, 0, 0), 0;
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        const Elf64_Phdr *p = &ph[i];
        if (p->p_type != PT_LOAD)
            continue;
        int prot = prot_of(p);
        uintptr_t a = DOWN(p->p_vaddr), file_end = p->p_vaddr + p->p_filesz;
        if (is_err((long)sys_mmap(base + a, UP(file_end) - a, prot, MAP_PRIVATE | MAP_FIXED,
                                  (int)fd, (long)DOWN(p->p_offset))))
            return SYS(SYS_close, fd, 0, 0), 0;
        if (p->p_memsz > p->p_filesz && (prot & PROT_WRITE)) {
            memset(base + file_end, 0, UP(file_end) - file_end);
            uintptr_t end = UP(p->p_vaddr + p->p_memsz);
            if (end > UP(file_end) &&
                is_err((long)sys_mmap(base + UP(file_end), end - UP(file_end), prot,
                                      MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS, -1, 0)))
                return SYS(SYS_close, fd, 0, 0), 0;
        }
    }
    SYS(SYS_close, fd, 0, 0);
    *entry = (uintptr_t)base + eh->e_entry;
    return (uintptr_t)base;
}

/* Points the auxiliary vector at the stub and at ld.so. */
void packed_retarget(Elf64_auxv_t *av, const Elf64_Ehdr *stub, uintptr_t phdr, uintptr_t ld)
{
    for (; av->a_type != AT_NULL; av++) {
        switch (av->a_type) {
        case AT_PHDR: av->a_un.a_val = phdr; break;
        case AT_PHNUM: av->a_un.a_val = stub->e_phnum; break;
        case AT_PHENT: av->a_un.a_val = sizeof(Elf64_Phdr); break;
        case AT_ENTRY: av->a_un.a_val = stub->e_entry; break;
        case AT_BASE: av->a_un.a_val = ld; break;
        }
    }
}

