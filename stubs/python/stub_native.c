/* stub_native.c - memfd + dlopen for extension modules and the libraries they need.
 *
 * The memfds stay open for the life of the process: glibc matches a later dlopen of the same
 * "/proc/self/fd/N" string against the object already loaded under that name, so a number must
 * never be reused for another object. They are close-on-exec. */
#include "stub_native.h"
#include "stub_cache.h"
#include "stub_prefetch.h"
#include "stub_vfs.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_LOADED 256

static char *loaded[MAX_LOADED]; /* sonames already loaded by this process */
static size_t loaded_count;

/* The memfd name of `e`: the base name of its path, cut to fit `mname`. */
static void memfd_name(const struct stub_payload *p, const struct frost_entry *e, char *mname,
                       size_t size)
{
    size_t len;
    const char *base = stub_payload_base_name(p, e, &len);
    snprintf(mname, size, "%.*s", (int)len, base);
}

int stub_native_create(const struct stub_payload *p, const struct frost_entry *e, char *err,
                       size_t errlen)
{
    char mname[64];
    memfd_name(p, e, mname, sizeof mname);
    return stub_payload_memfd_create(p, e, mname, err, errlen);
}

int stub_native_memfd(const struct stub_payload *p, const struct frost_entry *e, char *err,
                      size_t errlen)
{
    char mname[64];
    int fd = stub_prefetch_take(e);
    if (fd < 0) {
        if (stub_prefetch_dictionary(e, err, errlen) != 0)
            return -1;
        memfd_name(p, e, mname, sizeof mname);
        fd = stub_payload_memfd(p, e, mname, err, errlen);
    }
    stub_vfs_note(fd, e);
    return fd;
}

int stub_native_locate(const struct stub_payload *p, const struct frost_entry *e, char *out,
                       size_t size, char *err, size_t errlen)
{
    /* The thread's memfd, or with the cache on disk its checked file (waiting for either). */
    int fd = stub_prefetch_take(e);
    if (fd < 0 && stub_cache_path(p, e, out, size) == 0) {
        stub_vfs_note_path(out, e);
        return 0;
    }
    if (fd >= 0)
        stub_vfs_note(fd, e);
    else if ((fd = stub_native_memfd(p, e, err, errlen)) < 0)
        return -1;
    snprintf(out, size, "/proc/self/fd/%d", fd);
    return 0;
}

static int is_loaded(const char *soname, size_t len)
{
    for (size_t i = 0; i < loaded_count; i++)
        if (strlen(loaded[i]) == len && memcmp(loaded[i], soname, len) == 0)
            return 1;
    return 0;
}

/* 1 when a manifest value "X:Y" of FROST_MF_NATIVE_CUT names `soname` (`len` bytes) as X
 * (`side` 0) or as Y (`side` 1). */
static int in_cut(const struct stub_payload *p, const char *soname, size_t len, int side)
{
    const char *v = NULL;
    while ((v = stub_payload_manifest_next(p, FROST_MF_NATIVE_CUT, v)) != NULL) {
        const char *colon = strchr(v, ':');
        if (!colon)
            continue;
        const char *name = side ? colon + 1 : v;
        size_t nlen = side ? strlen(colon + 1) : (size_t)(colon - v);
        if (nlen == len && memcmp(name, soname, len) == 0)
            return 1;
    }
    return 0;
}

/* dlopen flags of bundled library `soname`: one whose DT_NEEDED of a library in a cycle was cut
 * at build time binds lazily (its calls into that library bind on first use), and that library
 * goes into the global scope, where those calls find it. */
static int load_flags(const struct stub_payload *p, const char *soname, size_t len)
{
    return (in_cut(p, soname, len, 0) ? RTLD_LAZY : RTLD_NOW) |
           (in_cut(p, soname, len, 1) ? RTLD_GLOBAL : RTLD_LOCAL);
}

static int load_one(const struct stub_payload *p, const char *soname, size_t len, char *err,
                    size_t errlen)
{
    char path[PATH_MAX];
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
    if (stub_native_locate(p, e, path, sizeof path, err, errlen) != 0)
        return -1;
    if (!dlopen(path, load_flags(p, soname, len))) {
        snprintf(err, errlen, "cannot load bundled %.*s: %s", (int)len, soname, dlerror());
        if (strncmp(path, "/proc/self/fd/", 14) == 0) { /* a memfd nothing else will load */
            stub_vfs_forget(path);
            close(atoi(path + 14));
        }
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
    while ((v = stub_payload_manifest_next(p, FROST_MF_NEEDS, v)) != NULL) {
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
