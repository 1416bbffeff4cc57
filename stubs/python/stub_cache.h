/* stub_cache.h - the opt-in cache of shared objects on disk (`frost build --native-cache`).
 *
 * By default every extension module and bundled library is decoded into a memfd at each start:
 * nothing is written to disk, but a program that loads tens of MB of native code (numpy's
 * OpenBLAS is 25 MB) pays for copying all of it, where python maps only the pages it touches.
 * With the manifest key "native-cache" = "1", a shared object is instead written once to
 *
 *     $CACHE_DIRECTORY/frost/native/   (systemd's CacheDirectory=, first of the list)
 *     $XDG_CACHE_HOME/frost/native/    (else)
 *     $HOME/.cache/frost/native/       (else)
 *
 * as SHA256-BASENAME (the digest of its bytes, from the payload index), and later starts load
 * it from there. The folders frost/ and frost/native/ are made 0700; frost/native/ must belong
 * to the effective user and be writable by no one else, checked on its open descriptor, through
 * which every file is opened, written (to a temporary name, synced, renamed; 0500) and loaded
 * (as /proc/self/fd/N). A file is used only when it is a regular file of that user, writable by
 * no one else, of the entry's size. Without /proc the file's path is handed to the loader, and
 * only when the base folder too is the user's (or root's) and no one else may write to it.
 * Anything else (no such folder, a read-only or full disk, a file of another owner) falls back
 * to the memfd, with nothing said: the cache only makes starts faster. No Python here. */
#ifndef STUB_CACHE_H
#define STUB_CACHE_H

#include <stddef.h>

#include "../common/stub_payload.h"

/* 1 when `p` asks for the cache (manifest "native-cache" = "1") and its folder is usable. */
int stub_cache_enabled(const struct stub_payload *p);

/* 0 with the path to dlopen for a cache file holding `e`'s bytes in `out` (written now when
 * it was not there yet): /proc/self/fd/N of a checked descriptor kept open, or without /proc
 * the file's own path; -1 when the cache cannot serve it: use a memfd. */
int stub_cache_path(const struct stub_payload *p, const struct frost_entry *e, char *out,
                    size_t size);

/* A checked descriptor (close-on-exec) of the cache file holding `e`, written first when
 * missing or cut short; -1 when the cache cannot serve it. */
int stub_cache_open(const struct stub_payload *p, const struct frost_entry *e);

#endif /* STUB_CACHE_H */
