/* pack.c - build-time tool: `pack STUB IMAGE BLOCK` writes the memory image of the interpreter
 * stub STUB (packed.h) to IMAGE and its LZ4 block (LZ4HC, highest level) to BLOCK. */
#include <elf.h>
#include <lz4hc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned char *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    long n;
    if (f && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)n)) && fread(buf, 1, (size_t)n, f) == (size_t)n) {
        *size = (size_t)n;
    } else {
        free(buf);
        buf = NULL;
    }
    if (f)
        fclose(f);
    return buf;
}

static int spill(const char *path, const void *buf, size_t size)
{
    FILE *f = fopen(path, "wb");
    int ok = f && fwrite(buf, 1, size, f) == size;
    return (f && fclose(f) == 0 && ok) ? 0 : -1;
}

/* The image of `elf`: its PT_LOAD file bytes at their addresses, from the lowest one on. */
static unsigned char *image(const unsigned char *elf, size_t size, size_t *out)
{
    const Elf64_Ehdr *eh = (const void *)elf;
    if (size < sizeof *eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
        eh->e_type != ET_EXEC || eh->e_phoff + (size_t)eh->e_phnum * sizeof(Elf64_Phdr) > size)
        return NULL;
    const Elf64_Phdr *ph = (const void *)(elf + eh->e_phoff);
    uint64_t lo = UINT64_MAX, hi = 0;
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type != PT_LOAD)
            continue;
        if (ph[i].p_offset + ph[i].p_filesz > size || ph[i].p_vaddr < ph[i].p_offset)
            return NULL;
        if (ph[i].p_vaddr - ph[i].p_offset < lo)
            lo = ph[i].p_vaddr - ph[i].p_offset;
        if (ph[i].p_vaddr + ph[i].p_filesz > hi)
            hi = ph[i].p_vaddr + ph[i].p_filesz;
    }
    if (hi <= lo || hi - lo > (1u << 30))
        return NULL;
    unsigned char *img = calloc(1, hi - lo);
    for (unsigned i = 0; img && i < eh->e_phnum; i++)
        if (ph[i].p_type == PT_LOAD)
            memcpy(img + (ph[i].p_vaddr - lo), elf + ph[i].p_offset, ph[i].p_filesz);
    *out = hi - lo;
    return img;
}

int main(int argc, char **argv)
{
    size_t size = 0, isize = 0;
    unsigned char *elf = argc == 4 ? slurp(argv[1], &size) : NULL;
    unsigned char *img = elf ? image(elf, size, &isize) : NULL;
    if (!img) {
        fprintf(stderr, "pack: %s: not a readable x86-64 ET_EXEC stub\n",
                argc > 1 ? argv[1] : "(no stub given)");
        return 1;
    }
    int cap = LZ4_compressBound((int)isize);
    char *block = malloc((size_t)cap);
    int n = block ? LZ4_compress_HC((const char *)img, block, (int)isize, cap, LZ4HC_CLEVEL_MAX)
                  : 0;
    if (n <= 0 || spill(argv[2], img, isize) != 0 || spill(argv[3], block, (size_t)n) != 0) {
        fprintf(stderr, "pack: cannot write %s and %s\n", argv[2], argv[3]);
        return 1;
    }
    return 0;
}
