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

#define CHUNK (256 * 1024)
#define MAX_LOADED 256

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

/* Streams the zlib entry `src` into `fd`; returns the CRC-32 of what was written, via `crc`. */
static int inflate_to(int fd, const uint8_t *src, uint64_t srclen, uint64_t rawlen, uLong *crc)
{
    int rc = -1;
    z_stream zs = {0};
    uint8_t *out = malloc(CHUNK);
    if (!out || inflateInit(&zs) != Z_OK)
        goto cleanup;
    zs.next_in = (Bytef *)src;
    zs.avail_in = (uInt)srclen;
    uint64_t total = 0;
    int zr = Z_OK;
    while (zr != Z_STREAM_END) {
        zs.next_out = out;
        zs.avail_out = CHUNK;
        zr = inflate(&zs, Z_NO_FLUSH);
        if (zr != Z_OK && zr != Z_STREAM_END)
            goto cleanup;
        size_t got = CHUNK - zs.avail_out;
        if (got == 0 && zr != Z_STREAM_END)
            goto cleanup;
        *crc = crc32_z(*crc, out, got);
        total += got;
        if (write_all(fd, out, got) != 0)
            goto cleanup;
    }
    rc = total == rawlen ? 0 : -1;
cleanup:
    inflateEnd(&zs);
    free(out);
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
    const uint8_t *src = p->section + e->data_offset;
    uLong crc = 0;
    int rc;
    if (e->compression == FROST_ZLIB) {
        rc = inflate_to(fd, src, e->stored_size, e->raw_size, &crc);
    } else {
        rc = e->stored_size == e->raw_size ? write_all(fd, src, e->stored_size) : -1;
        crc = crc32_z(0, src, e->stored_size);
    }
    if (rc != 0 || (uint32_t)crc != e->crc32) {
        snprintf(err, errlen, "payload damaged: entry %.*s does not inflate or CRC-32 mismatch",
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
