/* image.c - the packed loader's interpreter image: finding it in the payload, decoding it
 * into place, protecting its segments. */
#include "lz4_block.h"
#include "packed.h"
#include "sys.h"

static int name_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    for (size_t i = 0; i < an && i < bn; i++)
        if (a[i] != b[i])
            return (unsigned char)a[i] < (unsigned char)b[i] ? -1 : 1;
    return an < bn ? -1 : an > bn;
}

/* The .frost section of the file mapped at `f` (`size` bytes), or NULL. The headers and the
 * payload are read in place, as structs: the section header table and the section must be
 * 8-byte aligned in the file (as every linker, strip and Frost put them), since reading a
 * struct at an unaligned address is undefined behaviour (found by fuzz/fuzz_payload.c). */
static const uint8_t *frost_section(const uint8_t *f, uint64_t size, uint64_t *sec_size)
{
    const Elf64_Ehdr *eh = (const void *)f;
    if (size < sizeof *eh || eh->e_shentsize != sizeof(Elf64_Shdr) || eh->e_shoff % 8 != 0 ||
        !within(eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr), size) ||
        eh->e_shstrndx >= eh->e_shnum)
        return NULL;
    const Elf64_Shdr *sh = (const void *)(f + eh->e_shoff);
    const Elf64_Shdr *strs = &sh[eh->e_shstrndx];
    if (!within(strs->sh_offset, strs->sh_size, size))
        return NULL;
    for (unsigned i = 0; i < eh->e_shnum; i++) {
        uint64_t at = sh[i].sh_name;
        if (at + sizeof FROST_SECTION_NAME <= strs->sh_size &&
            name_cmp((const char *)f + strs->sh_offset + at, sizeof FROST_SECTION_NAME,
                     FROST_SECTION_NAME, sizeof FROST_SECTION_NAME) == 0 &&
            within(sh[i].sh_offset, sh[i].sh_size, size) && sh[i].sh_offset % 8 == 0) {
            *sec_size = sh[i].sh_size;
            return f + sh[i].sh_offset;
        }
    }
    return NULL;
}

/* The payload's entry named PACKED_INTERPRETER, or NULL. The index must be 8-byte aligned,
 * as the stub's reader requires too (read_index): its records are read in place. */
static const struct frost_entry *interpreter_entry(const uint8_t *s, uint64_t size)
{
    const struct frost_header *h = (const void *)s;
    if (size < sizeof *h || name_cmp(h->magic, FROST_MAGIC_SIZE, FROST_MAGIC,
                                     FROST_MAGIC_SIZE) != 0 ||
        h->version != FROST_FORMAT_VERSION || h->index_offset % 8 != 0 ||
        !within(h->index_offset, (uint64_t)h->entry_count * sizeof(struct frost_entry), size) ||
        !within(h->names_offset, h->names_size, size))
        return NULL;
    const struct frost_entry *e = (const void *)(s + h->index_offset);
    const char *names = (const char *)s + h->names_offset;
    size_t lo = 0, hi = h->entry_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (!within(e[mid].name_offset, e[mid].name_size, h->names_size))
            return NULL;
        int c = name_cmp(names + e[mid].name_offset, e[mid].name_size, PACKED_INTERPRETER,
                         sizeof PACKED_INTERPRETER - 1);
        if (c == 0)
            return within(e[mid].data_offset, e[mid].stored_size, size) ? &e[mid] : NULL;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* The stub's program headers, from the first page of its image (`head`, `n` bytes decoded);
 * sets the address range its segments take. NULL when it is not an x86-64 ET_EXEC stub. */
static const Elf64_Phdr *image_layout(const uint8_t *head, long n, uintptr_t *lo, uintptr_t *hi)
{
    const Elf64_Ehdr *eh = (const void *)head;
    if (n < (long)sizeof *eh || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
        eh->e_machine != EM_X86_64 || eh->e_type != ET_EXEC ||
        eh->e_phentsize != sizeof(Elf64_Phdr) ||
        !within(eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr), (uint64_t)n))
        return NULL;
    const Elf64_Phdr *ph = (const void *)(head + eh->e_phoff);
    *lo = UINTPTR_MAX;
    *hi = 0;
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type != PT_LOAD)
            continue;
        if (ph[i].p_vaddr - ph[i].p_offset < *lo)
            *lo = ph[i].p_vaddr - ph[i].p_offset;
        if (UP(ph[i].p_vaddr + ph[i].p_memsz) > *hi)
            *hi = UP(ph[i].p_vaddr + ph[i].p_memsz);
    }
    return *lo != DOWN(*lo) || *hi <= *lo ? NULL : ph;
}

/* Where memory may not become executable (systemd's MemoryDenyWriteExecute=, the kernel's
 * PR_SET_MDWE), maps the bytes at [a, a + len) anew from a memfd holding a copy of them:
 * a new mapping that is executable but not writable is allowed. Slower: no huge pages. */
static int exec_from_memfd(uintptr_t a, size_t len, int prot)
{
    long fd = SYS(SYS_memfd_create, "frost-interpreter", 1 /* MFD_CLOEXEC */, 0);
    if (is_err(fd))
        return -1;
    for (size_t done = 0; done < len;) {
        long n = SYS(SYS_write, fd, a + done, len - done);
        if (n == -4 /* EINTR */)
            continue;
        if (n <= 0)
            return SYS(SYS_close, fd, 0, 0), -1;
        done += (size_t)n;
    }
    long r = (long)sys_mmap((void *)a, len, prot, MAP_PRIVATE | MAP_FIXED, (int)fd, 0);
    SYS(SYS_close, fd, 0, 0);
    return is_err(r) ? -1 : 0;
}

/* Gives each PT_LOAD of the image (in address order, as ELF has them) its own protection, and
 * none to the pages between and after them in [lo, hi). Executable segments go first, while
 * the image is still readable, in case they must come from a memfd. */
static int protect(const Elf64_Phdr *ph, unsigned n, uintptr_t lo, uintptr_t hi)
{
    for (unsigned i = 0; i < n; i++) {
        uintptr_t a = DOWN(ph[i].p_vaddr), len = UP(ph[i].p_vaddr + ph[i].p_memsz) - a;
        if (ph[i].p_type == PT_LOAD && (ph[i].p_flags & PF_X) &&
            is_err(SYS(SYS_mprotect, a, len, prot_of(&ph[i]))) &&
            exec_from_memfd(a, len, prot_of(&ph[i])) != 0)
            return -1;
    }
    uintptr_t cursor = lo;
    for (unsigned i = 0; i < n; i++) {
        if (ph[i].p_type != PT_LOAD)
            continue;
        uintptr_t a = DOWN(ph[i].p_vaddr), end = UP(ph[i].p_vaddr + ph[i].p_memsz);
        if ((a > cursor && is_err(SYS(SYS_mprotect, cursor, a - cursor, PROT_NONE))) ||
            (!(ph[i].p_flags & PF_X) && is_err(SYS(SYS_mprotect, a, end - a, prot_of(&ph[i])))))
            return -1;
        cursor = end > cursor ? end : cursor;
    }
    return hi > cursor && is_err(SYS(SYS_mprotect, cursor, hi - cursor, PROT_NONE)) ? -1 : 0;
}

/* The first `cap` bytes of the image (all of them unless `prefix`) into `dst`: the number
 * written, or -1. Frost writes the image as LZ4; a stored one is taken too. */
static long decode(const struct frost_entry *e, const uint8_t *src, uint8_t *dst, size_t cap,
                   int prefix)
{
    if (e->compression == FROST_LZ4)
        return lz4_block_decode(src, e->stored_size, dst, cap, prefix);
    if (e->compression != FROST_STORED || e->stored_size != e->raw_size ||
        (!prefix && cap != e->raw_size))
        return -1;
    size_t n = cap < e->stored_size ? cap : e->stored_size;
    memcpy(dst, src, n);
    return (long)n;
}

/* Decodes the interpreter image into place; returns its ELF header. */
const Elf64_Ehdr *packed_unpack(const char *me, const struct frost_entry *e, const uint8_t *src)
{
    static uint8_t head[PAGE];
    uintptr_t lo, hi;
    if (e->raw_size > (1u << 30))
        packed_fail(me, "payload damaged: " PACKED_INTERPRETER " is not an interpreter image");
    long n = decode(e, src, head, sizeof head, 1);
    const Elf64_Phdr *ph = n > 0 ? image_layout(head, n, &lo, &hi) : NULL;
    if (!ph || e->raw_size > hi - lo)
        packed_fail(me, "payload damaged: " PACKED_INTERPRETER " is not an interpreter image");
    /* Up to a huge page boundary, so that the last part of the image faults in as a huge page
     * too: on this kind of VM 4 KiB faults cost ~1.5 ms per 2 MiB, a huge page ~0.2 ms. */
    hi = (hi + HUGE - 1) & ~(HUGE - 1);
    uint8_t *at = sys_mmap((void *)lo, hi - lo, PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if ((uintptr_t)at != lo)
        packed_fail(me, "cannot map the interpreter at its address");
    SYS(SYS_madvise, at, hi - lo, MADV_HUGEPAGE);
    if (decode(e, src, at, e->raw_size, 0) != (long)e->raw_size)
        packed_fail(me, "payload damaged: " PACKED_INTERPRETER " does not decompress");
    const Elf64_Ehdr *eh = (const void *)at;
    if (protect(ph, eh->e_phnum, lo, hi) != 0)
        packed_fail(me, "cannot protect the interpreter's memory");
    return eh;
}

/* The path in the stub's PT_INTERP, or NULL when it has none or it lies outside the first
 * page of the image (where the linker puts it, in the image's read-only head). */
const char *packed_interp_path(const Elf64_Ehdr *eh)
{
    const Elf64_Phdr *ph = (const void *)((const uint8_t *)eh + eh->e_phoff);
    uintptr_t lo = (uintptr_t)eh;
    for (unsigned i = 0; i < eh->e_phnum; i++)
        if (ph[i].p_type == PT_INTERP && ph[i].p_vaddr >= lo && ph[i].p_filesz > 1 &&
            ph[i].p_vaddr - lo + ph[i].p_filesz <= PAGE &&
            ((const char *)ph[i].p_vaddr)[ph[i].p_filesz - 1] == 0)
            return (const char *)ph[i].p_vaddr;
    return NULL;
}

const struct frost_entry *packed_find_image(const uint8_t *f, uint64_t size,
                                            const uint8_t **section)
{
    uint64_t sec_size = 0;
    *section = frost_section(f, size, &sec_size);
    return *section ? interpreter_entry(*section, sec_size) : NULL;
}
