/* stub_vfs.h - payload files opened by path from C (open, fopen, access, dlopen of
 * `<executable>/lib/...`) get a memfd holding them: stub_vfs.c. */
#ifndef STUB_VFS_H
#define STUB_VFS_H

#include "../common/stub_payload.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Answers paths under `executable` from `p` from now on; both must outlive the process's use
 * of such paths (the stub's payload and argv-derived path do). Without it, every call goes to
 * the C library unchanged. */
void stub_vfs_init(const struct stub_payload *p, const char *executable);

/* Called with each name (`len` bytes, not NUL-terminated) in a payload folder, whether it
 * is a folder itself, and a number that is its own among the folder's names (an inode). */
typedef void (*stub_vfs_each_fn)(const char *name, size_t len, int folder, uint64_t ino,
                                 void *arg);

/* Calls `each` for every name in the payload folder `path` names (a path under the executable,
 * made normal as open makes it), once each, in the payload's order. Returns 0; -1 with errno
 * ENOENT or ENOTDIR when `path` lies under the executable but names no folder; 1 when it does
 * not lie under the executable (the C library's to answer). stub_vfs_dir.c lists with it. */
int stub_vfs_list(const char *path, stub_vfs_each_fn each, void *arg);

/* Records that memfd `fd` holds payload entry `e` (a shared object about to be loaded), so
 * that dladdr() names `<executable>/<entry path>` for code in it. */
void stub_vfs_note(int fd, const struct frost_entry *e);

/* The same for an entry loaded as `loaded` (a file of the cache on disk, stub_cache.h). */
void stub_vfs_note_path(const char *loaded, const struct frost_entry *e);

/* Forgets what was noted as `loaded` (a memfd closed after its load failed: its number may
 * name another file later). */
void stub_vfs_forget(const char *loaded);

/* A loaded payload object: the device and inode of the file it was loaded from (a memfd, or
 * a file of the cache on disk) and its payload path, `<executable>/<entry path>`. */
struct stub_vfs_object {
    dev_t dev;
    ino_t ino;
    const char *path; /* kept for the process's life */
};

/* Fills `out` with up to `max` objects noted so far; returns how many. */
size_t stub_vfs_objects(struct stub_vfs_object *out, size_t max);

#endif
