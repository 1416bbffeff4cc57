/* stub_payload.c - finding and reading the .frost payload through the ELF headers of the
 * executable's own file. Every offset read from the file is checked against the file size. */
#include "stub_payload.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#ifdef FROST_WITH_ZSTD
#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_createDDict_byReference; the stubs link libzstd.a */
#include <zstd.h>
#endif

#include "stub_crc32.h"

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

static int read_at(int fd, uint64_t off, void *buf, size_t len)
{
    uint8_t *b = buf;
    while (len > 0) {
        ssize_t n = pread(fd, b, len, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        b += n;
        off += (uint64_t)n;
        len -= (size_t)n;
    }
    return 0;
}

/* Reads `len` stored bytes at `offset` from the start of the section. Returns 0 or -1. */
static int stub_payload_pread(const struct stub_payload *p, uint64_t offset, void *buf,
                              size_t len)
{
    if (!inside(offset, len, p->size))
        return -1;
    return read_at(p->fd, p->section_offset + offset, buf, len);
}

/* The section headers (malloc'ed) and their count, after checking them against `size`. */
static Elf64_Shdr *read_section_headers(int fd, uint64_t size, uint64_t *count,
                                        uint64_t *strndx, char *err, size_t errlen)
{
    Elf64_Ehdr eh;
    Elf64_Shdr first;
    if (read_at(fd, 0, &eh, sizeof eh) != 0 || memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
        eh.e_ident[EI_CLASS] != ELFCLASS64) {
        fail(err, errlen, "not an ELF64 file");
        return NULL;
    }
    if (eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_shoff == 0 ||
        !inside(eh.e_shoff, sizeof first, size) || read_at(fd, eh.e_shoff, &first, sizeof first)) {
        fail(err, errlen, "section header table missing or past end of file");
        return NULL;
    }
    *count = eh.e_shnum ? eh.e_shnum : first.sh_size;
    *strndx = eh.e_shstrndx == SHN_XINDEX ? first.sh_link : eh.e_shstrndx;
    Elf64_Shdr *sh = NULL;
    if (*count > size / sizeof *sh || !inside(eh.e_shoff, *count * sizeof *sh, size) ||
        *strndx >= *count || !(sh = malloc((size_t)*count * sizeof *sh)) ||
        read_at(fd, eh.e_shoff, sh, (size_t)*count * sizeof *sh) != 0) {
        free(sh);
        fail(err, errlen, "section header table past end of file");
        return NULL;
    }
    return sh;
}

/* Locates the .frost section; sets p->section_offset and p->size. */
static int find_section(struct stub_payload *p, uint64_t size, char *err, size_t errlen)
{
    uint64_t count, strndx;
    Elf64_Shdr *sh = read_section_headers(p->fd, size, &count, &strndx, err, errlen);
    if (!sh)
        return -1;
    int rc = -1;
    const Elf64_Shdr *strtab = &sh[strndx];
    char *names = NULL;
    if (!inside(strtab->sh_offset, strtab->sh_size, size) ||
        !(names = malloc((size_t)strtab->sh_size + 1)) ||
        read_at(p->fd, strtab->sh_offset, names, (size_t)strtab->sh_size) != 0) {
        fail(err, errlen, "section name table past end of file");
        goto cleanup;
    }
    size_t want = sizeof(FROST_SECTION_NAME);
    for (uint64_t i = 1; i < count; i++) {
        if (sh[i].sh_name >= strtab->sh_size || strtab->sh_size - sh[i].sh_name < want ||
            memcmp(names + sh[i].sh_name, FROST_SECTION_NAME, want) != 0)
            continue;
        if (!inside(sh[i].sh_offset, sh[i].sh_size, size)) {
            fail(err, errlen, ".frost section past end of file");
            goto cleanup;
        }
        p->section_offset = sh[i].sh_offset;
        p->size = sh[i].sh_size;
        rc = 0;
        goto cleanup;
    }
    fail(err, errlen, "no .frost section");
cleanup:
    free(names);
    free(sh);
    return rc;
}

/* Keeps the manifest without its input-sha256 pairs, in a copy: one per input file, read only
 * by the build tools, they would otherwise be walked by every lookup of a key the payload does
 * not have (301 of them for a package of 300 modules). A malformed tail (a key without its
 * value) is kept as it is, for stub_payload_manifest_next to stop at. */
static int keep_manifest(struct stub_payload *p, const char *m, uint32_t size)
{
    const char *end = m + size, *cur = m;
    char *out = p->manifest_kept = malloc((size_t)size + 1);
    if (!out)
        return -1;
    while (cur < end) {
        const char *v = cur + strlen(cur) + 1;
        if (v >= end)
            break;
        const char *next = v + strlen(v) + 1;
        if (strcmp(cur, FROST_MF_INPUT_SHA256) != 0) {
            memcpy(out, cur, (size_t)(next - cur));
            out += next - cur;
        }
        cur = next;
    }
    memcpy(out, cur, (size_t)(end - cur));
    p->manifest = p->manifest_kept;
    p->manifest_size = (uint32_t)(out - p->manifest_kept + (end - cur));
    return 0;
}

/* Above this many bytes, the header, index, names and manifest are mapped rather than read:
 * a 300-module package has 71 kB of them (most of it the input digests), which reading
 * copies into 18 fresh heap pages, faulted in one by one, where a mapping of the page cache
 * takes a fault or two. */
#define META_MAP_MIN (16 * 1024)

/* Points p->meta at the first `len` bytes of the section. The index is used in place as an
 * array of struct frost_entry, so a mapping is used only when the section starts 8-byte
 * aligned in the file (as Frost, linkers and strip put it): a crafted section at an odd offset
 * would otherwise give misaligned records, undefined behaviour (found by fuzz/fuzz_payload.c);
 * malloc'ed memory is always aligned. */
static int load_meta(struct stub_payload *p, size_t len)
{
    if (len >= META_MAP_MIN && p->section_offset % 8 == 0) {
        uint64_t start = p->section_offset, page = (uint64_t)sysconf(_SC_PAGESIZE);
        uint64_t delta = start % page;
        void *m = mmap(NULL, len + delta, PROT_READ, MAP_PRIVATE, p->fd, (off_t)(start - delta));
        if (m != MAP_FAILED) {
            p->map = m;
            p->map_len = len + delta;
            p->meta = (const uint8_t *)m + delta;
            return 0;
        }
    }
    uint8_t *buf = malloc(len);
    if (!buf || stub_payload_pread(p, 0, buf, len) != 0) {
        free(buf);
        return -1;
    }
    p->meta = buf;
    return 0;
}

static int compare_name(const struct stub_payload *p, const struct frost_entry *e,
                        const char *name, size_t len);

/* Checks record `i` against docs/FORMAT.md ("What a valid payload is"): bounds, a name after
 * the previous one (sorted, unique), known kind and compression, zero reserved fields, and a
 * raw size that its stored bytes can give (equal when stored, at most FROST_MAX_RATIO times
 * when compressed), so that no reader allocates more than the file can justify. */
static int check_entry(const struct stub_payload *p, uint32_t i, char *err, size_t errlen)
{
    const struct frost_entry *e = &p->entries[i];
    if (!inside(e->name_offset, e->name_size, p->names_size) || e->name_size == 0)
        return fail(err, errlen, "entry %u: name past end of the names", i);
    size_t nlen;
    const char *name = stub_payload_name(p, e, &nlen);
    if (memchr(name, '\0', nlen) || name[0] == '/')
        return fail(err, errlen, "entry %u: bad name", i);
    if (i > 0 && compare_name(p, &p->entries[i - 1], name, nlen) >= 0)
        return fail(err, errlen, "entry %.*s: index not sorted or not unique", (int)nlen, name);
    if (!inside(e->data_offset, e->stored_size, p->size) || e->data_offset % 8 != 0)
        return fail(err, errlen, "entry %.*s: data past end of section", (int)nlen, name);
    if (e->kind == 0 || e->kind > FROST_KIND_MAX)
        return fail(err, errlen, "entry %.*s: unknown kind %u", (int)nlen, name, e->kind);
    if (e->compression > FROST_COMPRESSION_MAX)
        return fail(err, errlen, "entry %.*s: unknown compression %u", (int)nlen, name,
                    e->compression);
    if (e->reserved0 != 0 || e->reserved1 != 0)
        return fail(err, errlen, "entry %.*s: reserved field set", (int)nlen, name);
    int sized = e->compression == FROST_STORED
                    ? e->raw_size == e->stored_size
                    : e->stored_size > 0 && e->raw_size / FROST_MAX_RATIO <= e->stored_size;
    if (!sized)
        return fail(err, errlen, "entry %.*s: raw size %llu impossible for stored size %llu",
                    (int)nlen, name, (unsigned long long)e->raw_size,
                    (unsigned long long)e->stored_size);
    return 0;
}

/* 0 when the entry `v` (`len` bytes, or up to its NUL when len is (size_t)-1), after `prefix`,
 * exists; else -1 with `key` named. */
static int must_exist(const struct stub_payload *p, const char *key, const char *prefix,
                      const char *v, size_t len, char *err, size_t errlen)
{
    char path[4096];
    size_t plen = strlen(prefix);
    if (len == (size_t)-1)
        len = strlen(v);
    if (plen + len >= sizeof path)
        return fail(err, errlen, "manifest %s: name too long", key);
    memcpy(path, prefix, plen);
    memcpy(path + plen, v, len);
    if (!stub_payload_find(p, path, plen + len))
        return fail(err, errlen, "manifest %s: entry '%.*s' missing", key, (int)(plen + len), path);
    return 0;
}

/* Every entry that the manifest names exists: entry, preload, zstd-dictionary, each needs'
 * extension and native/ libraries, and both libraries of each native-cut. */
static int check_references(const struct stub_payload *p, char *err, size_t errlen)
{
    static const char *const single[] = {FROST_MF_ENTRY, FROST_MF_PRELOAD,
                                         FROST_MF_ZSTD_DICTIONARY};
    for (size_t k = 0; k < sizeof single / sizeof *single; k++)
        for (const char *v = NULL; (v = stub_payload_manifest_next(p, single[k], v));)
            if (must_exist(p, single[k], "", v, (size_t)-1, err, errlen) != 0)
                return -1;
    for (const char *v = NULL; (v = stub_payload_manifest_next(p, FROST_MF_NATIVE_CUT, v));) {
        const char *colon = strchr(v, ':');
        if (!colon || must_exist(p, FROST_MF_NATIVE_CUT, "native/", v, (size_t)(colon - v), err,
                                 errlen) != 0)
            return colon ? -1 : fail(err, errlen, "manifest native-cut: no ':' in '%s'", v);
        if (must_exist(p, FROST_MF_NATIVE_CUT, "native/", colon + 1, (size_t)-1, err, errlen))
            return -1;
    }
    for (const char *v = NULL; (v = stub_payload_manifest_next(p, FROST_MF_NEEDS, v));) {
        const char *colon = strchr(v, ':');
        if (!colon || must_exist(p, FROST_MF_NEEDS, "", v, (size_t)(colon - v), err, errlen))
            return colon ? -1 : fail(err, errlen, "manifest needs: no ':' in '%s'", v);
        for (const char *s = colon + 1; *s;) {
            size_t len = strcspn(s, ",");
            if (len > 0 && must_exist(p, FROST_MF_NEEDS, "native/", s, len, err, errlen) != 0)
                return -1;
            s += len + (s[len] == ',');
        }
    }
    return 0;
}

/* Reads header, index, names and manifest into p->meta and checks them. */
static int read_index(struct stub_payload *p, char *err, size_t errlen)
{
    struct frost_header h;
    if (p->size < sizeof h || stub_payload_pread(p, 0, &h, sizeof h) != 0)
        return fail(err, errlen, "section smaller than its header");
    if (memcmp(h.magic, FROST_MAGIC, FROST_MAGIC_SIZE) != 0)
        return fail(err, errlen, "bad magic");
    if (h.version != FROST_FORMAT_VERSION)
        return fail(err, errlen, "format version %u, expected %u", h.version, FROST_FORMAT_VERSION);
    if (h.index_size != (uint64_t)h.entry_count * sizeof(struct frost_entry) ||
        h.index_offset % 8 != 0 || !inside(h.index_offset, h.index_size, p->size) ||
        !inside(h.names_offset, h.names_size, p->size) ||
        !inside(h.manifest_offset, h.manifest_size, p->size))
        return fail(err, errlen, "index, names or manifest past end of section");
    uint64_t end = h.manifest_offset + h.manifest_size;
    if (h.index_offset + h.index_size > end)
        end = h.index_offset + h.index_size;
    if (h.names_offset + h.names_size > end)
        end = h.names_offset + h.names_size;
    if (end > ((uint64_t)1 << 31) || load_meta(p, (size_t)end) != 0)
        return fail(err, errlen, "cannot read the index (%llu bytes)", (unsigned long long)end);
    uint32_t crc = stub_crc32_update(0, p->meta + h.index_offset, (size_t)h.index_size);
    crc = stub_crc32_update(crc, p->meta + h.names_offset, (size_t)h.names_size);
    crc = stub_crc32_update(crc, p->meta + h.manifest_offset, (size_t)h.manifest_size);
    if (crc != h.meta_crc32)
        return fail(err, errlen, "index checksum mismatch");
    p->count = h.entry_count;
    p->entries = (const struct frost_entry *)(p->meta + h.index_offset);
    p->names = (const char *)p->meta + h.names_offset;
    p->names_size = h.names_size;
    const char *manifest = (const char *)p->meta + h.manifest_offset;
    if (h.manifest_size > 0 && manifest[h.manifest_size - 1] != '\0')
        return fail(err, errlen, "manifest not terminated");
    if (keep_manifest(p, manifest, h.manifest_size) != 0)
        return fail(err, errlen, "out of memory reading the manifest");
    for (uint32_t i = 0; i < p->count; i++)
        if (check_entry(p, i, err, errlen) != 0)
            return -1;
    return check_references(p, err, errlen);
}

int stub_payload_open(struct stub_payload *p, const char *path, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        memset(p, 0, sizeof *p);
        snprintf(err, errlen, "cannot open own executable %s", path);
        return -1;
    }
    return stub_payload_open_fd(p, fd, err, errlen);
}

int stub_payload_open_fd(struct stub_payload *p, int fd, char *err, size_t errlen)
{
    struct stat st;
    memset(p, 0, sizeof *p);
    p->fd = fd;
    if (fcntl(fd, F_SETFD, FD_CLOEXEC) != 0 || fstat(fd, &st) != 0) {
        snprintf(err, errlen, "cannot read own executable: %s", strerror(errno));
        stub_payload_close(p);
        return -1;
    }
    if (find_section(p, (uint64_t)st.st_size, err, errlen) != 0 ||
        read_index(p, err, errlen) != 0) {
        stub_payload_close(p);
        return -1;
    }
    return 0;
}

void stub_payload_close(struct stub_payload *p)
{
    if (p->fd > 0)
        close(p->fd);
#ifdef FROST_WITH_ZSTD
    ZSTD_freeDDict(p->ddict);
#endif
    free(p->dict);
    free(p->manifest_kept);
    if (p->map)
        munmap(p->map, p->map_len);
    else
        free((void *)p->meta);
    memset(p, 0, sizeof *p);
}

const char *stub_payload_name(const struct stub_payload *p, const struct frost_entry *e,
                              size_t *len)
{
    *len = e->name_size;
    return p->names + e->name_offset;
}

const char *stub_payload_base_name(const struct stub_payload *p, const struct frost_entry *e,
                                   size_t *len)
{
    size_t nlen;
    const char *name = stub_payload_name(p, e, &nlen);
    const char *slash = memrchr(name, '/', nlen);
    const char *base = slash ? slash + 1 : name;
    *len = nlen - (size_t)(base - name);
    return base;
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

#ifdef FROST_WITH_ZSTD
/* The zstd context of this thread, kept: creating one per entry costs more than decoding a
 * small module, and its streaming window (at most 1 MiB, as Frost writes frames) is then
 * faulted in once per thread rather than once per entry. Holds no dictionary between uses. */
static __thread ZSTD_DCtx *tls_dctx;

static ZSTD_DCtx *thread_dctx(void)
{
    if (!tls_dctx)
        tls_dctx = ZSTD_createDCtx();
    return tls_dctx;
}
#endif

void stub_payload_thread_done(void)
{
#ifdef FROST_WITH_ZSTD
    ZSTD_freeDCtx(tls_dctx);
    tls_dctx = NULL;
#endif
}

/* 1 when `e` is zstd that this stub decodes: built with zstd, and for FROST_ZSTD_DICT with
 * the dictionary loaded. */
static int zstd_ready(const struct stub_payload *p, const struct frost_entry *e)
{
#ifdef FROST_WITH_ZSTD
    return e->compression == FROST_ZSTD || (e->compression == FROST_ZSTD_DICT && p->ddict);
#else
    (void)p;
    (void)e;
    return 0;
#endif
}

/* Decompresses `stored_size` bytes in `src` into `buf`; 0 when they give exactly raw_size. */
static int decompress(const struct stub_payload *p, const struct frost_entry *e,
                      const uint8_t *src, uint8_t *buf)
{
    if (e->compression == FROST_ZLIB) {
        uLongf dlen = (uLongf)e->raw_size;
        uLong slen = (uLong)e->stored_size;
        return uncompress2(buf, &dlen, src, &slen) == Z_OK && dlen == e->raw_size ? 0 : -1;
    }
#ifdef FROST_WITH_ZSTD
    if (zstd_ready(p, e)) {
        ZSTD_DCtx *dctx = thread_dctx();
        if (!dctx)
            return -1;
        size_t n = e->compression == FROST_ZSTD
                       ? ZSTD_decompressDCtx(dctx, buf, (size_t)e->raw_size, src,
                                             (size_t)e->stored_size)
                       : ZSTD_decompress_usingDDict(dctx, buf, (size_t)e->raw_size, src,
                                                    (size_t)e->stored_size, p->ddict);
        return !ZSTD_isError(n) && n == e->raw_size ? 0 : -1;
    }
#else
    (void)p;
#endif
    return -1;
}

int stub_payload_read(const struct stub_payload *p, const struct frost_entry *e, uint8_t **out,
                      char *err, size_t errlen)
{
    size_t nlen;
    const char *name = stub_payload_name(p, e, &nlen);
    if (e->raw_size > (uint64_t)1 << 40 || e->stored_size > (uint64_t)1 << 40)
        return fail(err, errlen, "entry %.*s: size %llu", (int)nlen, name,
                    (unsigned long long)e->raw_size);
    /* check_entry held these when the payload opened; checked again here since the whole
     * bound of the allocation and of the read below rests on them. */
    if (e->compression == FROST_STORED ? e->stored_size != e->raw_size
                                       : e->raw_size / FROST_MAX_RATIO > e->stored_size)
        return fail(err, errlen, "entry %.*s: raw size %llu impossible for stored size %llu",
                    (int)nlen, name, (unsigned long long)e->raw_size,
                    (unsigned long long)e->stored_size);
    uint8_t *buf = malloc((size_t)e->raw_size + 1);
    uint8_t *tmp = e->compression == FROST_STORED ? NULL : malloc((size_t)e->stored_size + 1);
    uint8_t *stored = tmp ? tmp : buf;
    int rc = -1;
    if (!buf || (!tmp && e->compression != FROST_STORED)) {
        snprintf(err, errlen, "out of memory reading %.*s", (int)nlen, name);
        goto cleanup;
    }
    if (stub_payload_pread(p, e->data_offset, stored, (size_t)e->stored_size) != 0) {
        fail(err, errlen, "entry %.*s cannot be read", (int)nlen, name);
        goto cleanup;
    }
    /* zlib streams carry an Adler-32 and Frost's zstd frames a content checksum, both checked
     * while decompressing; only stored bytes need the CRC-32 here. */
    if (e->compression == FROST_STORED
            ? e->stored_size != e->raw_size ||
                  stub_crc32_update(0, buf, (size_t)e->raw_size) != e->crc32
            : decompress(p, e, stored, buf) != 0) {
        fail(err, errlen, "entry %.*s does not decompress or check out", (int)nlen, name);
        goto cleanup;
    }
    buf[e->raw_size] = '\0';
    *out = buf;
    buf = NULL;
    rc = 0;
cleanup:
    free(tmp);
    free(buf);
    return rc;
}

#define CHUNK (256 * 1024)

int stub_write_all(int fd, const void *buf, size_t len)
{
    const uint8_t *b = buf;
    while (len > 0) {
        ssize_t n = write(fd, b, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        b += n;
        len -= (size_t)n;
    }
    return 0;
}

/* The decoder state of one entry being streamed into a memfd. */
struct stream {
    const struct frost_entry *e;
    int fd;
    uint8_t *out;
    z_stream zs;
    void *zd;       /* ZSTD_DCtx, when built with zstd */
    uint64_t total; /* bytes written */
    uint32_t crc;   /* CRC-32 of the bytes written (stored entries) */
    int done;       /* the codec saw the end of its stream */
};

static int emit(struct stream *s, const uint8_t *buf, size_t len)
{
    s->total += len;
    return stub_write_all(s->fd, buf, len);
}

/* Feeds `len` stored bytes to the decoder and writes what comes out. */
static int feed(struct stream *s, uint8_t *in, size_t len)
{
    if (s->e->compression == FROST_STORED) {
        s->crc = stub_crc32_update(s->crc, in, len);
        return emit(s, in, len);
    }
    if (s->e->compression == FROST_ZLIB) {
        s->zs.next_in = in;
        s->zs.avail_in = (uInt)len;
        do {
            s->zs.next_out = s->out;
            s->zs.avail_out = CHUNK;
            int zr = inflate(&s->zs, Z_NO_FLUSH);
            if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR)
                return -1;
            if (emit(s, s->out, CHUNK - s->zs.avail_out) != 0)
                return -1;
            s->done = zr == Z_STREAM_END;
        } while (s->zs.avail_out == 0 && !s->done);
        return 0;
    }
#ifdef FROST_WITH_ZSTD
    ZSTD_inBuffer ib = {in, len, 0};
    for (;;) {
        ZSTD_outBuffer ob = {s->out, CHUNK, 0};
        size_t r = ZSTD_decompressStream(s->zd, &ob, &ib);
        if (ZSTD_isError(r) || emit(s, s->out, ob.pos) != 0)
            return -1;
        s->done = r == 0;
        if (ib.pos == ib.size && ob.pos < ob.size)
            return 0;
    }
#else
    return -1;
#endif
}

/* 1 when this stub can decode `e`'s compression. */
static int known_codec(const struct stub_payload *p, const struct frost_entry *e)
{
    return e->compression == FROST_STORED || e->compression == FROST_ZLIB || zstd_ready(p, e);
}

int stub_payload_write_to_fd(const struct stub_payload *p, const struct frost_entry *e, int fd)
{
    struct stream s = {.e = e, .fd = fd};
    uint8_t *in = malloc(CHUNK);
    s.out = malloc(CHUNK);
    int rc = -1, zinit = 0;
    if (!in || !s.out || !known_codec(p, e))
        goto cleanup;
    if (e->compression == FROST_ZLIB && !(zinit = inflateInit(&s.zs) == Z_OK))
        goto cleanup;
#ifdef FROST_WITH_ZSTD
    if (zstd_ready(p, e) &&
        (!(s.zd = thread_dctx()) ||
         ZSTD_isError(ZSTD_DCtx_reset(s.zd, ZSTD_reset_session_and_parameters)) ||
         (e->compression == FROST_ZSTD_DICT && ZSTD_isError(ZSTD_DCtx_refDDict(s.zd, p->ddict)))))
        goto cleanup;
#endif
    for (uint64_t off = 0; off < e->stored_size;) {
        size_t n = e->stored_size - off < CHUNK ? (size_t)(e->stored_size - off) : CHUNK;
        if (stub_payload_pread(p, e->data_offset + off, in, n) != 0 || feed(&s, in, n) != 0)
            goto cleanup;
        off += n;
    }
    int checked = e->compression == FROST_STORED ? s.crc == e->crc32 : s.done;
    rc = checked && s.total == e->raw_size ? 0 : -1;
cleanup:
    if (zinit)
        inflateEnd(&s.zs);
#ifdef FROST_WITH_ZSTD
    if (s.zd) /* keeps its buffers, drops the dictionary and any half-read frame */
        ZSTD_DCtx_reset(s.zd, ZSTD_reset_session_and_parameters);
#endif
    free(in);
    free(s.out);
    return rc;
}

int stub_payload_memfd_create(const struct stub_payload *p, const struct frost_entry *e,
                              const char *name, char *err, size_t errlen)
{
    int fd = memfd_create(name, MFD_CLOEXEC);
    if (fd < 0) {
        int saved = errno;
        size_t nlen;
        const char *path = stub_payload_name(p, e, &nlen);
        snprintf(err, errlen, "memfd_create for %.*s: %s", (int)nlen, path, strerror(saved));
        errno = saved;
    }
    return fd;
}

int stub_payload_memfd(const struct stub_payload *p, const struct frost_entry *e,
                       const char *name, char *err, size_t errlen)
{
    int fd = stub_payload_memfd_create(p, e, name, err, errlen);
    if (fd < 0)
        return -1;
    if (stub_payload_write_to_fd(p, e, fd) != 0) {
        size_t nlen;
        const char *path = stub_payload_name(p, e, &nlen);
        snprintf(err, errlen, "payload damaged: entry %.*s does not decompress or check out",
                 (int)nlen, path);
        close(fd);
        errno = 0;
        return -1;
    }
    return fd;
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

int stub_payload_load_dictionary(struct stub_payload *p, char *err, size_t errlen)
{
    if (p->ddict)
        return 0;
    const char *path = stub_payload_manifest_next(p, FROST_MF_ZSTD_DICTIONARY, NULL);
    if (!path)
        return 0;
#ifdef FROST_WITH_ZSTD
    const struct frost_entry *e = stub_payload_find(p, path, strlen(path));
    if (!e || e->compression == FROST_ZSTD_DICT)
        return fail(err, errlen, "dictionary %s is missing", path);
    if (stub_payload_read(p, e, &p->dict, err, errlen) != 0)
        return -1;
    /* By reference, not a copy: the dictionary's bytes stay in p->dict until the close. */
    p->ddict = ZSTD_createDDict_byReference(p->dict, (size_t)e->raw_size);
    return p->ddict ? 0 : fail(err, errlen, "dictionary %s cannot be loaded", path);
#else
    return fail(err, errlen, "dictionary %s needs zstd", path);
#endif
}
