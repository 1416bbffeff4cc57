/* stub_cache.c - the opt-in cache of shared objects on disk: stub_cache.h says what and where.
 *
 * Everything goes through one descriptor of the cache folder, checked once it is open (ours,
 * writable by no one else): files are opened, written and renamed relative to it and loaded
 * as /proc/self/fd/N of a checked descriptor, so that what lies above the folder (a ~/.cache
 * that the user's group may write to, a base folder of root's) cannot swap what is loaded
 * between a check and the dynamic loader's open. */
#include "stub_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/stub_self.h"

/* 0: not looked at yet, 1: usable, -1: off or unusable. Settled by the first call, which the
 * stub makes before it starts any thread (stub_prefetch_start). */
static int state;
static int folder = -1;         /* the checked descriptor of BASE/frost/native */
static char dir[PATH_MAX - 200]; /* its path */
static int base_safe;           /* the base is ours or root's and no one else may write to it */

/* The base folder the environment names (stub_cache.h), in `out`; -1 when none is absolute. */
static int base_folder(char *out, size_t size)
{
    const char *systemd = getenv("CACHE_DIRECTORY");
    const char *xdg = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    int n;
    if (systemd && systemd[0] == '/')
        n = snprintf(out, size, "%.*s", (int)strcspn(systemd, ":"), systemd);
    else if (xdg && xdg[0] == '/')
        n = snprintf(out, size, "%s", xdg);
    else if (home && home[0] == '/')
        n = snprintf(out, size, "%s/.cache", home);
    else
        return -1;
    return n > 0 && (size_t)n < size ? 0 : -1;
}

/* 1 when `st` is a folder or file of the effective user that no one else may write to. */
static int ours(const struct stat *st)
{
    return st->st_uid == geteuid() && (st->st_mode & 022) == 0;
}

static int settle(const struct stub_payload *p)
{
    const char *v = stub_payload_manifest_next(p, FROST_MF_NATIVE_CACHE, NULL);
    char base[sizeof dir - 16]; /* room for "/frost/native" */
    struct stat st;
    if (!v || strcmp(v, "1") != 0 || base_folder(base, sizeof base) != 0)
        return -1;
    /* Made 0700 when missing; an existing base is taken as it is (~/.cache may be 0775). */
    if ((mkdir(base, 0700) != 0 && errno != EEXIST) || stat(base, &st) != 0 ||
        !S_ISDIR(st.st_mode))
        return -1;
    base_safe = (st.st_uid == geteuid() || st.st_uid == 0) && (st.st_mode & 022) == 0;
    snprintf(dir, sizeof dir, "%s/frost", base);
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return -1;
    snprintf(dir, sizeof dir, "%s/frost/native", base);
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return -1;
    folder = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (folder >= 0 && fstat(folder, &st) == 0 && ours(&st))
        return 1;
    if (folder >= 0)
        close(folder);
    folder = -1;
    return -1;
}

int stub_cache_enabled(const struct stub_payload *p)
{
    if (state == 0)
        state = settle(p);
    return state == 1;
}

/* The file name of `e` in the folder: SHA256-BASENAME. */
static void file_name(const struct stub_payload *p, const struct frost_entry *e, char *out,
                      size_t size)
{
    static const char digits[] = "0123456789abcdef";
    size_t len;
    const char *base = stub_payload_base_name(p, e, &len);
    char hex[65];
    for (int i = 0; i < 32; i++) {
        hex[2 * i] = digits[e->sha256[i] >> 4];
        hex[2 * i + 1] = digits[e->sha256[i] & 15];
    }
    hex[64] = '\0';
    snprintf(out, size, "%s-%.*s", hex, len > 100 ? 100 : (int)len, base);
}

/* A descriptor of file `name` of the folder when the cache may load it as `e` (a regular file
 * of ours that no one else may write to, of the entry's size), else -1. */
static int open_trusted(const char *name, const struct frost_entry *e)
{
    struct stat st;
    int fd = openat(folder, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && ours(&st) &&
        (uint64_t)st.st_size == e->raw_size)
        return fd;
    if (fd >= 0)
        close(fd);
    return -1;
}

/* Writes `e` as `name` through a temporary file beside it; 0 once it is in place. Another
 * process may do the same at once: each renames a whole file into place. */
static int write_entry(const struct stub_payload *p, const struct frost_entry *e,
                       const char *name)
{
    char tmp[64];
    static unsigned serial;
    snprintf(tmp, sizeof tmp, ".tmp-%ld-%u", (long)getpid(),
             __atomic_fetch_add(&serial, 1, __ATOMIC_RELAXED));
    int fd = openat(folder, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0500);
    if (fd < 0)
        return -1;
    int ok = stub_payload_write_to_fd(p, e, fd) == 0 && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    if (ok && renameat(folder, tmp, folder, name) == 0)
        return 0;
    unlinkat(folder, tmp, 0);
    return -1;
}

int stub_cache_open(const struct stub_payload *p, const struct frost_entry *e)
{
    char name[200];
    if (!stub_cache_enabled(p))
        return -1;
    file_name(p, e, name, sizeof name);
    int fd = open_trusted(name, e);
    if (fd < 0 && write_entry(p, e, name) == 0)
        fd = open_trusted(name, e);
    return fd;
}

int stub_cache_path(const struct stub_payload *p, const struct frost_entry *e, char *out,
                    size_t size)
{
    int fd = stub_cache_open(p, e);
    if (fd < 0)
        return -1;
    int n;
    if (stub_self_has_proc_fd()) {
        /* Kept open, as memfds are: glibc matches a later dlopen of the same string. */
        n = snprintf(out, size, "/proc/self/fd/%d", fd);
    } else {
        /* No /proc: the loader needs the file's path, which only a base folder that no one
         * else may write to keeps from being swapped. */
        char name[200];
        file_name(p, e, name, sizeof name);
        close(fd);
        if (!base_safe)
            return -1;
        n = snprintf(out, size, "%s/%s", dir, name);
    }
    return n > 0 && (size_t)n < size ? 0 : -1;
}
