/* stub_native.h - shared objects from the payload, loaded from memory: each entry is inflated
 * into a memfd and handed to the dynamic loader as /proc/self/fd/N (or, when the build asked
 * for it, loaded from the cache on disk of stub_cache.h). No Python here. */
#ifndef STUB_NATIVE_H
#define STUB_NATIVE_H

#include <stddef.h>

#include "../common/stub_payload.h"

/* An empty close-on-exec memfd named after the entry's base name, or -1 with a reason in
 * `err`. */
int stub_native_create(const struct stub_payload *p, const struct frost_entry *e, char *err,
                       size_t errlen);

/* A close-on-exec memfd holding the raw bytes of `e`: the prefetch thread's (stub_prefetch.h)
 * or decoded here in chunks (no buffer of the whole file). Returns the fd, or -1 with a reason
 * in `err`. */
int stub_native_memfd(const struct stub_payload *p, const struct frost_entry *e, char *err,
                      size_t errlen);

/* The path to dlopen for `e` in `out`: a file of the opt-in cache on disk (stub_cache.h) when
 * it serves, else /proc/self/fd/N of stub_native_memfd's memfd. Returns 0, or -1 with a reason
 * in `err`. */
int stub_native_locate(const struct stub_payload *p, const struct frost_entry *e, char *out,
                       size_t size, char *err, size_t errlen);

/* Loads the bundled shared libraries listed for `path` in the manifest ("needs" values of the
 * form "PATH:SONAME,SONAME,...", dependencies first), each once per process, from
 * native/SONAME. Returns 0, or -1 with a reason in `err`. */
int stub_native_load_needs(const struct stub_payload *p, const char *path, char *err,
                           size_t errlen);

#endif /* STUB_NATIVE_H */
