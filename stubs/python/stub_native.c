/* stub_native.c - memfd + dlopen for extension modules and the libraries they need.
 *
 * The memfds stay open for the life of the process: glibc matches a later dlopen of the same
 * "/proc/self/fd/N" string against the object already loaded under that name, so a number must
 * never be reused for another object. They are close-on-exec. */
#include "stub_native.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#define MAX_LOADED 256
#define CHUNK (256 * 1024)

static char *loaded[MAX_LOADED]; /* sonames already loaded by this process */
static size_t loaded_count;

static int write_all(int fd, const uint8_t *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        buf += n;
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
    ZSTD_DCtx *zd;
    uint64_t total; /* bytes written */
    uLong crc;      /* CRC-32 of the bytes written (stored entries) */
    int done;       /* the codec saw the end of its stream */
};

static int emit(struct stream *s, const uint8_t *buf, size_t len)
{
    s->total += len;
    return write_all(s->fd, buf, len);
}

/* Feeds `len` stored bytes to the decoder and writes what comes out. */
static int feed(struct stream *s, uint8_t *in, size_t len)
{
    if (s->e->compression == FROST_STORED) {
        s->crc = crc32_z(s->crc, in, len);
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
}

/* Fills `fd` with the raw bytes of `e`, reading and decoding in chunks, so that neither the
 * compressed nor the raw bytes are ever resident in this process as a whole. Compressed entries
 * are checked by their codec (zlib's Adler-32, zstd's content checksum), stored ones by their
 * CRC-32. */
static int fill_memfd(const struct stub_payload *p, const struct frost_entry *e, int fd)
{
    struct stream s = {.e = e, .fd = fd};
    uint8_t *in = malloc(CHUNK);
    s.out = malloc(CHUNK);
    int rc = -1, zinit = 0;
    if (!in || !s.out || (e->compression != FROST_STORED && e->compression != FROST_ZLIB &&
                          e->compression != FROST_ZSTD))
        goto cleanup;
    if (e->compression == FROST_ZLIB && !(zinit = inflateInit(&s.zs) == Z_OK))
        goto cleanup;
    if (e->compression == FROST_ZSTD && !(s.zd = ZSTD_createDCtx()))
        goto cleanup;
    for (uint64_t off = 0; off < e->stored_size;) {
        size_t n = e->stored_size - off < CHUNK ? (size_t)(e->stored_size - off) : CHUNK;
        if (stub_payload_pread(p, e->data_offset + off, in, n) != 0 || feed(&s, in, n) != 0)
            goto cleanup;
        off += n;
    }
    int checked = e->compression == FROST_STORED ? (uint32_t)s.crc == e->crc32 : s.done;
    rc = checked && s.total == e->raw_size ? 0 : -1;
cleanup:
    if (zinit)
        inflateEnd(&s.zs);
    ZSTD_freeDCtx(s.zd);
    free(in);
    free(s.out);
    return rc;
}

int stub_native_memfd(const struct stub_payload *p, const struct frost_entry *e, char *err,
                      size_t errlen)
{
    size_t nlen;
    const char *name = stub_payload_name(p, e, &nlen);
    const char *base = memrchr(name, '/', nlen);
    base = base ? base + 1 : name;
    char mname[64];
    snprintf(mname, sizeof mname, "%.*s", (int)(nlen - (size_t)(base - name)), base);
    int fd = memfd_create(mname, MFD_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "memfd_create for %.*s: %s", (int)nlen, name, strerror(errno));
        return -1;
    }
    if (fill_memfd(p, e, fd) != 0) {
        snprintf(err, errlen, "payload damaged: entry %.*s does not decompress or check out",
                 (int)nlen, name);
        close(fd);
        return -1;
    }
    return fd;
}

static int is_loaded(const char *soname, size_t len)
{
    for (size_t i = 0; i < loaded_count; i++)
        if (strlen(loaded[i]) == len && memcmp(loaded[i], soname, len) == 0)
            return 1;
    return 0;
}

static int load_one(const struct stub_payload *p, const char *soname, size_t len, char *err,
                    size_t errlen)
{
    char path[512];
    if (is_loaded(soname, len))
        return 0;
    if (loaded_count == MAX_LOADED || len > 400) {
        snprintf(err, errlen, "too many bundled libraries");
        return -1;
    }
    int n = snprintf(path, sizeof path, "native/%.*s", (int)len, soname);
    const struct frost_entry *e = stub_payload_find(p, path, (size_t)n);
    if (!e) {
        snprintf(err, errlen, "payload damaged: %s missing", path);
        return -1;
    }
    int fd = stub_native_memfd(p, e, err, errlen);
    if (fd < 0)
        return -1;
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    if (!dlopen(path, RTLD_NOW | RTLD_LOCAL)) {
        snprintf(err, errlen, "cannot load bundled %.*s: %s", (int)len, soname, dlerror());
        close(fd);
        return -1;
    }
    loaded[loaded_count++] = strndup(soname, len);
    return 0;
}

int stub_native_load_needs(const struct stub_payload *p, const char *path, char *err,
                           size_t errlen)
{
    size_t plen = strlen(path);
    const char *v = NULL;
    while ((v = stub_payload_manifest_next(p, "needs", v)) != NULL) {
        if (strncmp(v, path, plen) != 0 || v[plen] != ':')
            continue;
        const char *s = v + plen + 1;
        while (*s) {
            size_t len = strcspn(s, ",");
            if (len > 0 && load_one(p, s, len, err, errlen) != 0)
                return -1;
            s += len + (s[len] == ',');
        }
        return 0;
    }
    return 0;
}
