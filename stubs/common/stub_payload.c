/* stub_payload.c - finding and reading the .frost payload through the ELF headers of the
 * executable's own file. Every offset read from the file is checked against the file size. */
#include "stub_payload.h"

#include <elf.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#ifdef FROST_WITH_ZSTD
#include <zstd.h>
#endif

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    int n = snprintf(err, errlen, "payload damaged: ");
    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < errlen)
        vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

/* 1 when [off, off+len) lies inside [0, limit). */
static int inside(uint64_t off, uint64_t len, uint64_t limit)
{
    return off <= limit && len <= limit - off;
}

static int map_file(struct stub_payload *p, const char *path, char *err, size_t errlen)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open own executable %s", path);
        return -1;
    }
    int rc = -1;
    if (fstat(fd, &st) != 0 || st.st_size < (off_t)sizeof(Elf64_Ehdr)) {
        fail(err, errlen, "file too small for an ELF header");
        goto cleanup;
    }
    void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED) {
        snprintf(err, errlen, "cannot map own executable");
        goto cleanup;
    }
    p->map = map;
    p->map_size = (size_t)st.st_size;
    rc = 0;
cleanup:
    close(fd);
    return rc;
}

/* Locates the .frost section; sets p->section and p->size. */
static int find_section(struct stub_payload *p, char *err, size_t errlen)
{
    const uint8_t *b = p->map;
    const Elf64_Ehdr *eh = p->map;
    uint64_t size = p->map_size;
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS64)
        return fail(err, errlen, "not an ELF64 file");
    if (eh->e_shentsize != sizeof(Elf64_Shdr) || eh->e_shoff == 0 ||
        !inside(eh->e_shoff, sizeof(Elf64_Shdr), size))
        return fail(err, errlen, "section header table missing or past end of file");
    const Elf64_Shdr *sh = (const Elf64_Shdr *)(b + eh->e_shoff);
    uint64_t shnum = eh->e_shnum ? eh->e_shnum : sh[0].sh_size;
    uint64_t strndx = eh->e_shstrndx == SHN_XINDEX ? sh[0].sh_link : eh->e_shstrndx;
    if (shnum > size / sizeof(Elf64_Shdr) ||
        !inside(eh->e_shoff, shnum * sizeof(Elf64_Shdr), size) || strndx >= shnum)
        return fail(err, errlen, "section header table past end of file");
    const Elf64_Shdr *strtab = &sh[strndx];
    if (!inside(strtab->sh_offset, strtab->sh_size, size))
        return fail(err, errlen, "section name table past end of file");
    const char *names = (const char *)b + strtab->sh_offset;
    size_t want = sizeof(FROST_SECTION_NAME);
    for (uint64_t i = 1; i < shnum; i++) {
        if (sh[i].sh_name >= strtab->sh_size || strtab->sh_size - sh[i].sh_name < want ||
            memcmp(names + sh[i].sh_name, FROST_SECTION_NAME, want) != 0)
            continue;
        if (!inside(sh[i].sh_offset, sh[i].sh_size, size))
            return fail(err, errlen, ".frost section past end of file");
        p->section = b + sh[i].sh_offset;
        p->size = sh[i].sh_size;
        return 0;
    }
    return fail(err, errlen, "no .frost section");
}

static int check_index(struct stub_payload *p, char *err, size_t errlen)
{
    struct frost_header h;
    if (p->size < sizeof h)
        return fail(err, errlen, "section smaller than its header");
    memcpy(&h, p->section, sizeof h);
    if (memcmp(h.magic, FROST_MAGIC, FROST_MAGIC_SIZE) != 0)
        return fail(err, errlen, "bad magic");
    if (h.version != FROST_FORMAT_VERSION)
        return fail(err, errlen, "format version %u, expected %u", h.version, FROST_FORMAT_VERSION);
    if (h.index_size != (uint64_t)h.entry_count * sizeof(struct frost_entry) ||
        h.index_offset % 8 != 0 || !inside(h.index_offset, h.index_size, p->size) ||
        !inside(h.names_offset, h.names_size, p->size) ||
        !inside(h.manifest_offset, h.manifest_size, p->size))
        return fail(err, errlen, "index, names or manifest past end of section");
    uLong crc = crc32_z(0, p->section + h.index_offset, (size_t)h.index_size);
    crc = crc32_z(crc, p->section + h.names_offset, (size_t)h.names_size);
    crc = crc32_z(crc, p->section + h.manifest_offset, (size_t)h.manifest_size);
    if ((uint32_t)crc != h.meta_crc32)
        return fail(err, errlen, "index checksum mismatch");
    p->count = h.entry_count;
    p->entries = (const struct frost_entry *)(p->section + h.index_offset);
    p->names = (const char *)p->section + h.names_offset;
    p->names_size = h.names_size;
    p->manifest = (const char *)p->section + h.manifest_offset;
    p->manifest_size = h.manifest_size;
    if (p->manifest_size > 0 && p->manifest[p->manifest_size - 1] != '\0')
        return fail(err, errlen, "manifest not terminated");
    for (uint32_t i = 0; i < p->count; i++) {
        const struct frost_entry *e = &p->entries[i];
        if (!inside(e->name_offset, e->name_size, p->names_size) ||
            !inside(e->data_offset, e->stored_size, p->size))
            return fail(err, errlen, "entry %u past end of section", i);
    }
    return 0;
}

int stub_payload_open(struct stub_payload *p, const char *path, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    if (map_file(p, path, err, errlen) != 0)
        return -1;
    if (find_section(p, err, errlen) != 0 || check_index(p, err, errlen) != 0) {
        stub_payload_close(p);
        return -1;
    }
    return 0;
}

void stub_payload_close(struct stub_payload *p)
{
    if (p->map)
        munmap(p->map, p->map_size);
    memset(p, 0, sizeof *p);
}

const char *stub_payload_name(const struct stub_payload *p, const struct frost_entry *e,
                              size_t *len)
{
    *len = e->name_size;
    return p->names + e->name_offset;
}

static int compare_name(const struct stub_payload *p, const struct frost_entry *e,
                        const char *name, size_t len)
{
    size_t elen;
    const char *ename = stub_payload_name(p, e, &elen);
    int c = memcmp(ename, name, elen < len ? elen : len);
    if (c != 0)
        return c;
    return elen < len ? -1 : elen > len ? 1 : 0;
}

const struct frost_entry *stub_payload_find(const struct stub_payload *p, const char *name,
                                            size_t len)
{
    uint32_t lo = 0, hi = p->count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int c = compare_name(p, &p->entries[mid], name, len);
        if (c == 0)
            return &p->entries[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

int stub_payload_read(const struct stub_payload *p, const struct frost_entry *e, uint8_t **out,
                      char *err, size_t errlen)
{
    size_t nlen;
    const char *name = stub_payload_name(p, e, &nlen);
    if (e->raw_size > (uint64_t)1 << 40)
        return fail(err, errlen, "entry %.*s: size %llu", (int)nlen, name,
                    (unsigned long long)e->raw_size);
    uint8_t *buf = malloc((size_t)e->raw_size + 1);
    if (!buf) {
        snprintf(err, errlen, "out of memory reading %.*s", (int)nlen, name);
        return -1;
    }
    const uint8_t *src = p->section + e->data_offset;
    if (e->compression == FROST_STORED && e->stored_size == e->raw_size) {
        memcpy(buf, src, (size_t)e->raw_size);
    } else if (e->compression == FROST_ZLIB) {
        uLongf dlen = (uLongf)e->raw_size;
        uLong slen = (uLong)e->stored_size;
        if (uncompress2(buf, &dlen, src, &slen) != Z_OK || dlen != e->raw_size) {
            free(buf);
            return fail(err, errlen, "entry %.*s does not inflate", (int)nlen, name);
        }
#ifdef FROST_WITH_ZSTD
    } else if (e->compression == FROST_ZSTD) {
        size_t n = ZSTD_decompress(buf, (size_t)e->raw_size, src, (size_t)e->stored_size);
        if (ZSTD_isError(n) || n != e->raw_size) {
            free(buf);
            return fail(err, errlen, "entry %.*s does not decompress", (int)nlen, name);
        }
#endif
    } else {
        free(buf);
        return fail(err, errlen, "entry %.*s has unknown compression %u", (int)nlen, name,
                    e->compression);
    }
    /* zlib streams carry an Adler-32 and Frost's zstd frames a content checksum, both checked
     * while decompressing; only stored bytes need the CRC-32 here. */
    if (e->compression == FROST_STORED &&
        (uint32_t)crc32_z(0, buf, (size_t)e->raw_size) != e->crc32) {
        free(buf);
        return fail(err, errlen, "entry %.*s CRC-32 mismatch", (int)nlen, name);
    }
    buf[e->raw_size] = '\0';
    *out = buf;
    return 0;
}

const char *stub_payload_manifest_next(const struct stub_payload *p, const char *key,
                                       const char *prev)
{
    const char *cur = p->manifest;
    const char *end = p->manifest + p->manifest_size;
    if (prev)
        cur = prev + strlen(prev) + 1;
    while (cur < end) {
        const char *k = cur;
        const char *v = k + strlen(k) + 1;
        if (v >= end)
            return NULL;
        if (strcmp(k, key) == 0)
            return v;
        cur = v + strlen(v) + 1;
    }
    return NULL;
}
