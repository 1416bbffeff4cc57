/* stub_cache.c - the opt-in cache of shared objects on disk: stub_cache.h says what and where. */
#include "stub_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* 0: not looked at yet, 1: usable (dir holds its path), -1: off or unusable. Settled by the
 * first call, which the stub makes before it starts any thread (stub_prefetch_start). */
static int state;
static char dir[PATH_MAX - 200];

/* 0 when `path` is (after making it 0700 when `make` and it is missing) a folder of the
 * effective user that no one else may write to. */
static int own_folder(const char *path, int make)
{
    struct stat st;
    if (make && mkdir(path, 0700) != 0 && errno != EEXIST)
        return -1;
    return lstat(path, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == geteuid() &&
                   (st.st_mode & 022) == 0
               ? 0
               : -1;
}

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

static int settle(const struct stub_payload *p)
{
    const char *v = stub_payload_manifest_next(p, FROST_MF_NATIVE_CACHE, NULL);
    char base[sizeof dir - 16]; /* room for "/frost/native" */
    if (!v || strcmp(v, "1") != 0 || base_folder(base, sizeof base) != 0)
        return -1;
    /* The base (followed if a link: ~/.cache may be one) must be ours or root's, and no one
     * else may write to it: else another user could rename frost/ away and put a folder of
     * theirs in its place between our checks and the dynamic loader's open. */
    struct stat st;
    if ((mkdir(base, 0700) != 0 && errno != EEXIST) || stat(base, &st) != 0 ||
        !S_ISDIR(st.st_mode) || (st.st_uid != geteuid() && st.st_uid != 0) || (st.st_mode & 022))
        return -1;
    snprintf(dir, sizeof dir, "%s/frost", base);
    if (own_folder(dir, 1) != 0)
        return -1;
    snprintf(dir, sizeof dir, "%s/frost/native", base);
    return own_folder(dir, 1) == 0 ? 1 : -1;
}

int stub_cache_enabled(const struct stub_payload *p)
{
    if (state == 0)
        state = settle(p);
    return state == 1;
}

/* 1 when `fd` is a file the cache may load as `e`: see stub_cache.h. */
static int trusted(int fd, const struct frost_entry *e)
{
    struct stat st;
    return fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
           (st.st_mode & 022) == 0 && (uint64_t)st.st_size == e->raw_size;
}

/* Writes `e` to `final` through a temporary file beside it; 0 once `final` is in place. */
static int write_entry(const struct stub_payload *p, const struct frost_entry *e,
                       const char *final)
{
    char tmp[PATH_MAX];
    static unsigned serial;
    snprintf(tmp, sizeof tmp, "%s/.tmp-%ld-%u", dir, (long)getpid(),
             __atomic_fetch_add(&serial, 1, __ATOMIC_RELAXED));
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0500);
    if (fd < 0)
        return -1;
    int ok = stub_payload_write_to_fd(p, e, fd) == 0 && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    if (ok && rename(tmp, final) == 0)
        return 0;
    unlink(tmp);
    return -1;
}

int stub_cache_path(const struct stub_payload *p, const struct frost_entry *e, char *out,
                    size_t size)
{
    if (!stub_cache_enabled(p))
        return -1;
    size_t nlen;
    const char *name = stub_payload_name(p, e, &nlen);
    const char *base = memrchr(name, '/', nlen);
    base = base ? base + 1 : name;
    int blen = (int)(nlen - (size_t)(base - name));
    char hex[65];
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", e->sha256[i]);
    int n = snprintf(out, size, "%s/%s-%.*s", dir, hex, blen > 100 ? 100 : blen, base);
    if (n < 0 || (size_t)n >= size)
        return -1;
    int fd = open(out, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0) {
        int ok = trusted(fd, e);
        close(fd);
        if (ok)
            return 0;
    }
    /* Missing, or left short by a full disk: write it (again). Another process may do the
     * same at once: each renames a whole file into place. */
    if (write_entry(p, e, out) != 0)
        return -1;
    fd = open(out, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    int ok = fd >= 0 && trusted(fd, e);
    if (fd >= 0)
        close(fd);
    return ok ? 0 : -1;
}
