/* stub_vfs.c - C code that opens a payload file by its path under the executable
 * (`<executable>/lib/pkg/data.db`, a path Python code builds from a module's __file__) opens a
 * memfd holding it instead: sqlite3 opening a bundled database, OpenSSL a bundled bundle,
 * ctypes loading a library shipped inside a package.
 *
 * The stub is linked with -E, so its definitions of open, open64, openat, openat64, fopen,
 * fopen64, access and dlopen come first in the global scope: every library loaded later
 * binds to them, and the interpreter linked into the stub calls them directly; stat, lstat
 * and fstatat (their 64 twins, and glibc's names for them before 2.33, __xstat and the rest)
 * answer for payload files and folders, so that code that resolves a path first (sqlite3's
 * unixFullPathname lstats each component) gets that far; opendir lists a payload folder
 * (stub_vfs_dir.c). The part after `<executable>/` is made normal first ("a/./b//../c" is
 * "a/c"). A path that does not start with `<executable>/`, or whose ".." climbs above it, goes
 * to the C library's function unchanged; one that names no payload file or folder fails with
 * ENOENT (dlopen passes it on, so that dlerror() says why). A payload file opened for writing
 * fails with EROFS. Each entry's memfd is made once (close-on-exec, kept for the process's
 * life). The Python side of the same view (os.stat, os.listdir, ...) is vfs.py. */
#include "stub_vfs.h"
#include "stub_cache.h"
#include "stub_maps.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static const struct stub_payload *vfs_payload;
static char *vfs_root; /* "<executable>/" */
static size_t vfs_root_len;
static int *vfs_fds; /* memfd of entry i, or -1 (0: not made yet) */
static pthread_mutex_t vfs_lock = PTHREAD_MUTEX_INITIALIZER;

void stub_vfs_init(const struct stub_payload *p, const char *executable)
{
    size_t len = strlen(executable);
    char *root = malloc(len + 2);
    int *fds = calloc(p->count ? p->count : 1, sizeof *fds);
    if (!root || !fds) {
        free(root);
        free(fds);
        return;
    }
    memcpy(root, executable, len);
    memcpy(root + len, "/", 2);
    vfs_payload = p;
    vfs_fds = fds;
    vfs_root_len = len + 1;
    vfs_root = root;
}

/* The memfd of payload entry `e`, made on first use; -1 when it cannot be. */
static int entry_fd(const struct frost_entry *e)
{
    size_t i = (size_t)(e - vfs_payload->entries);
    char err[256];
    pthread_mutex_lock(&vfs_lock);
    if (vfs_fds[i] == 0) {
        size_t len;
        const char *base = stub_payload_base_name(vfs_payload, e, &len);
        char mname[64];
        snprintf(mname, sizeof mname, "%.*s", (int)len, base);
        int fd = stub_payload_memfd(vfs_payload, e, mname, err, sizeof err);
        vfs_fds[i] = fd >= 0 ? fd : -1;
    }
    int fd = vfs_fds[i];
    pthread_mutex_unlock(&vfs_lock);
    return fd;
}

/* The index of the first entry whose name is not before `key` (`len` bytes): entries are
 * sorted by name, byte by byte, so those under a folder "rel/" follow it in one run. */
static uint32_t first_from(const char *key, size_t len)
{
    uint32_t lo = 0, hi = vfs_payload->count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        size_t elen;
        const char *e = stub_payload_name(vfs_payload, &vfs_payload->entries[mid], &elen);
        int c = memcmp(e, key, elen < len ? elen : len);
        if (c < 0 || (c == 0 && elen < len))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* 1 when entry `i` lies under the folder whose name with its '/' is `key` (`len` bytes). */
static int entry_under(uint32_t i, const char *key, size_t len)
{
    if (i >= vfs_payload->count)
        return 0;
    size_t elen;
    const char *e = stub_payload_name(vfs_payload, &vfs_payload->entries[i], &elen);
    return elen > len && memcmp(e, key, len) == 0;
}

/* A path under the executable, as the payload names it. */
struct vfs_path {
    char rel[PATH_MAX]; /* "lib/pkg/data.db"; "" for the executable's own folder; NUL-ended */
    size_t len;
    int folder_only; /* it ended in "/", "." or "..": it names a folder or nothing */
};

/* Appends component `name` (`n` bytes) of a path to `p`, or pops one for ".."; 0 when that
 * climbs above the executable or the result does not fit. */
static int path_step(struct vfs_path *p, const char *name, size_t n)
{
    if (n == 0 || (n == 1 && name[0] == '.'))
        return 1;
    if (n == 2 && name[0] == '.' && name[1] == '.') {
        if (p->len == 0)
            return 0;
        while (p->len > 0 && p->rel[p->len - 1] != '/')
            p->len--;
        if (p->len > 0)
            p->len--;
        return 1;
    }
    if (p->len + 1 + n >= sizeof p->rel)
        return 0;
    if (p->len > 0)
        p->rel[p->len++] = '/';
    memcpy(p->rel + p->len, name, n);
    p->len += n;
    return 1;
}

/* 1 when `path` lies under the executable: `out` then holds the part after `<executable>/`
 * made normal as os.path.normpath makes it (no empty, "." or ".." component), since code
 * builds such paths from a module's __file__ (pycryptodome dlopens `Crypto/Util/../Util/x.so`)
 * and the payload has no symbolic links for ".." to follow. 0 for every other path, and for
 * one whose ".." climbs above the executable: the kernel resolves that one as it is (and
 * fails with ENOTDIR if it goes through the executable, a file). */
static int payload_path(const char *path, struct vfs_path *out)
{
    if (!vfs_root || !path || strncmp(path, vfs_root, vfs_root_len) != 0)
        return 0;
    out->len = 0;
    const char *s = path + vfs_root_len;
    for (;;) {
        const char *end = strchrnul(s, '/');
        size_t n = (size_t)(end - s);
        if (!path_step(out, s, n))
            return 0;
        if (!*end) {
            out->folder_only = n == 0 || (s[0] == '.' && (n == 1 || (n == 2 && s[1] == '.')));
            break;
        }
        s = end + 1;
    }
    out->rel[out->len] = '\0';
    return 1;
}

/* 1 when `p` names a payload folder: the executable's own, or one that some entry's name
 * starts with ("rel/", written in place after `rel`: payload_path leaves room for it). */
static int names_folder(struct vfs_path *p)
{
    if (p->len == 0)
        return 1;
    p->rel[p->len] = '/';
    int found = entry_under(first_from(p->rel, p->len + 1), p->rel, p->len + 1);
    p->rel[p->len] = '\0';
    return found;
}

/* The payload file entry that `p` names, or NULL. */
static const struct frost_entry *file_entry(const struct vfs_path *p)
{
    return p->folder_only ? NULL : stub_payload_find(vfs_payload, p->rel, p->len);
}

/* 1 when `path` lies under the executable (`where` is then its payload path): then `out`
 * holds the memfd path of its payload file, or is empty when it names none. 0 for every
 * other path. */
static int mapped(const char *path, struct vfs_path *where, char *out, size_t size)
{
    if (!payload_path(path, where))
        return 0;
    out[0] = '\0';
    const struct frost_entry *e = file_entry(where);
    int fd = e ? entry_fd(e) : -1;
    if (fd >= 0)
        snprintf(out, size, "/proc/self/fd/%d", fd);
    return 1;
}

int stub_vfs_list(const char *path, stub_vfs_each_fn each, void *arg)
{
    struct vfs_path where;
    if (!payload_path(path, &where))
        return 1;
    if (!names_folder(&where)) {
        errno = file_entry(&where) ? ENOTDIR : ENOENT;
        return -1;
    }
    size_t plen = where.len ? where.len + 1 : 0; /* "rel/", or "" for the root */
    where.rel[where.len] = '/';
    const char *last = NULL;
    size_t last_len = 0;
    for (uint32_t i = first_from(where.rel, plen); entry_under(i, where.rel, plen); i++) {
        size_t elen;
        const char *name = stub_payload_name(vfs_payload, &vfs_payload->entries[i], &elen);
        const char *child = name + plen;
        const char *slash = memchr(child, '/', elen - plen);
        size_t clen = slash ? (size_t)(slash - child) : elen - plen;
        if (last && clen == last_len && memcmp(child, last, clen) == 0)
            continue; /* another entry of the same sub-folder */
        each(child, clen, slash != NULL, (uint64_t)i + 1, arg);
        last = child;
        last_len = clen;
    }
    return 0;
}

/* The path to hand the C library for `path` opened with `flags`, or NULL with errno set. */
static const char *redirect(const char *path, int flags, char *buf, size_t size)
{
    struct vfs_path where;
    if (!mapped(path, &where, buf, size))
        return path;
    if ((flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC))) {
        errno = EROFS;
        return NULL;
    }
    if (!buf[0]) {
        errno = ENOENT;
        return NULL;
    }
    return buf;
}

static int open_mode(int flags, va_list ap)
{
    return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? va_arg(ap, int) : 0;
}

int openat(int dirfd, const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    int mode = open_mode(flags, ap);
    va_end(ap);
    if (stub_maps_wanted(path, flags))
        return stub_maps_open(path, flags);
    char buf[64];
    const char *real = redirect(path, flags, buf, sizeof buf);
    if (real == buf) /* /proc/self/fd/N is a link to the memfd: O_NOFOLLOW would refuse it */
        flags &= ~O_NOFOLLOW;
    return real ? (int)syscall(SYS_openat, dirfd, real, flags, mode) : -1;
}

int open(const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    int mode = open_mode(flags, ap);
    va_end(ap);
    return openat(AT_FDCWD, path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    int mode = open_mode(flags, ap);
    va_end(ap);
    return openat(AT_FDCWD, path, flags, mode);
}

int openat64(int dirfd, const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    int mode = open_mode(flags, ap);
    va_end(ap);
    return openat(dirfd, path, flags, mode);
}

typedef FILE *(*fopen_fn)(const char *, const char *);

static FILE *fopen_via(const char *name, const char *path, const char *mode)
{
    static fopen_fn real[2];
    int i = name[5] == '6';
    if (!real[i])
        real[i] = (fopen_fn)dlsym(RTLD_NEXT, name);
    char buf[64];
    int flags = strchr(mode, 'r') && !strchr(mode, '+') ? O_RDONLY : O_RDWR;
    if (stub_maps_wanted(path, flags)) {
        int fd = stub_maps_open(path, strchr(mode, 'e') ? O_CLOEXEC : 0);
        FILE *f = fd >= 0 ? fdopen(fd, mode) : NULL;
        if (fd >= 0 && !f)
            close(fd);
        return f;
    }
    const char *target = redirect(path, flags, buf, sizeof buf);
    if (!target)
        return NULL;
    if (!real[i]) {
        errno = ENOSYS;
        return NULL;
    }
    return real[i](target, mode);
}

FILE *fopen(const char *path, const char *mode)
{
    return fopen_via("fopen", path, mode);
}

FILE *fopen64(const char *path, const char *mode)
{
    return fopen_via("fopen64", path, mode);
}

int access(const char *path, int amode)
{
    char buf[64];
    struct vfs_path where;
    if (!mapped(path, &where, buf, sizeof buf))
        return (int)syscall(SYS_faccessat, AT_FDCWD, path, amode);
    if (!buf[0] && !names_folder(&where)) {
        errno = ENOENT;
        return -1;
    }
    if (amode & W_OK) {
        errno = EROFS;
        return -1;
    }
    return 0; /* payload files and folders are readable (and extension modules executable) */
}

/* stat of a payload folder: read-only, as vfs.py shows it. */
static int folder_stat(struct stat *st)
{
    memset(st, 0, sizeof *st);
    st->st_mode = S_IFDIR | 0555;
    st->st_nlink = 2;
    st->st_blksize = 4096;
    return 0;
}

int fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
    char buf[64];
    struct vfs_path where;
    if (mapped(path, &where, buf, sizeof buf)) {
        if (!buf[0] && names_folder(&where))
            return folder_stat(st);
        if (!buf[0]) {
            errno = ENOENT;
            return -1;
        }
        path = buf;
        flags &= ~AT_SYMLINK_NOFOLLOW; /* /proc/self/fd/N is a link to the memfd */
    }
    return (int)syscall(SYS_newfstatat, dirfd, path, st, flags);
}

int stat(const char *path, struct stat *st)
{
    return fstatat(AT_FDCWD, path, st, 0);
}

int lstat(const char *path, struct stat *st)
{
    return fstatat(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}

int stat64(const char *path, struct stat64 *st)
{
    return fstatat(AT_FDCWD, path, (struct stat *)st, 0);
}

int lstat64(const char *path, struct stat64 *st)
{
    return fstatat(AT_FDCWD, path, (struct stat *)st, AT_SYMLINK_NOFOLLOW);
}

int fstatat64(int dirfd, const char *path, struct stat64 *st, int flags)
{
    return fstatat(dirfd, path, (struct stat *)st, flags);
}

/* glibc's entry points of the stat family before 2.33 (the functions above were inline
 * wrappers of these): libraries built for an older glibc, as manylinux2014 wheels are, call
 * them by these names (pyproj's SQLite lstats each folder up to proj.db with __lxstat64), and
 * newer glibc still has them as GLIBC_2.2.5 compatibility symbols, which a reference binds
 * to the stub's definitions first. On x86-64 `vers` is _STAT_VER_KERNEL (0) or
 * _STAT_VER_LINUX (1), both meaning the kernel's struct stat, as glibc's own accept; any
 * other is EINVAL there too. They answer as stat, lstat and fstatat above. */
#define STAT_VER_LINUX 1

static int xstat_at(int vers, int dirfd, const char *path, void *st, int flags)
{
    if (vers < 0 || vers > STAT_VER_LINUX) {
        errno = EINVAL;
        return -1;
    }
    return fstatat(dirfd, path, st, flags);
}

int __xstat(int vers, const char *path, struct stat *st);
int __xstat64(int vers, const char *path, struct stat64 *st);
int __lxstat(int vers, const char *path, struct stat *st);
int __lxstat64(int vers, const char *path, struct stat64 *st);
int __fxstatat(int vers, int dirfd, const char *path, struct stat *st, int flags);
int __fxstatat64(int vers, int dirfd, const char *path, struct stat64 *st, int flags);

int __xstat(int vers, const char *path, struct stat *st)
{
    return xstat_at(vers, AT_FDCWD, path, st, 0);
}

int __xstat64(int vers, const char *path, struct stat64 *st)
{
    return xstat_at(vers, AT_FDCWD, path, st, 0);
}

int __lxstat(int vers, const char *path, struct stat *st)
{
    return xstat_at(vers, AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}

int __lxstat64(int vers, const char *path, struct stat64 *st)
{
    return xstat_at(vers, AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}

int __fxstatat(int vers, int dirfd, const char *path, struct stat *st, int flags)
{
    return xstat_at(vers, dirfd, path, st, flags);
}

int __fxstatat64(int vers, int dirfd, const char *path, struct stat64 *st, int flags)
{
    return xstat_at(vers, dirfd, path, st, flags);
}

#define MAX_NOTED 1024
static struct {
    char *loaded; /* the name the loader got: "/proc/self/fd/N" or a cache file's path */
    char *path;   /* "<executable>/<entry path>" */
    const struct frost_entry *e;
} noted[MAX_NOTED];
static size_t noted_count;

void stub_vfs_note_path(const char *loaded, const struct frost_entry *e)
{
    if (!vfs_root)
        return;
    size_t nlen;
    const char *name = stub_payload_name(vfs_payload, e, &nlen);
    char *path = malloc(vfs_root_len + nlen + 1);
    char *copy = strdup(loaded);
    if (path && copy) {
        memcpy(path, vfs_root, vfs_root_len);
        memcpy(path + vfs_root_len, name, nlen);
        path[vfs_root_len + nlen] = '\0';
        pthread_mutex_lock(&vfs_lock);
        if (noted_count < MAX_NOTED) {
            noted[noted_count].loaded = copy;
            noted[noted_count].e = e;
            noted[noted_count++].path = path;
            path = copy = NULL;
        }
        pthread_mutex_unlock(&vfs_lock);
    }
    free(path);
    free(copy);
}

void stub_vfs_note(int fd, const struct frost_entry *e)
{
    char loaded[32];
    if (fd < 0)
        return;
    snprintf(loaded, sizeof loaded, "/proc/self/fd/%d", fd);
    stub_vfs_note_path(loaded, e);
}

void stub_vfs_forget(const char *loaded)
{
    pthread_mutex_lock(&vfs_lock);
    for (size_t i = 0; i < noted_count; i++)
        if (strcmp(noted[i].loaded, loaded) == 0) {
            free(noted[i].loaded); /* the path is kept: stub_vfs_objects hands it out */
            noted[i--] = noted[--noted_count];
        }
    pthread_mutex_unlock(&vfs_lock);
}

size_t stub_vfs_objects(struct stub_vfs_object *out, size_t max)
{
    size_t n = 0;
    pthread_mutex_lock(&vfs_lock);
    for (size_t i = 0; i < noted_count && n < max; i++) {
        struct stat st;
        /* The system call: stat here would answer payload paths (fstatat above). */
        if (syscall(SYS_newfstatat, AT_FDCWD, noted[i].loaded, &st, 0) == 0)
            out[n++] = (struct stub_vfs_object){st.st_dev, st.st_ino, noted[i].path};
    }
    pthread_mutex_unlock(&vfs_lock);
    return n;
}

typedef int (*dladdr_fn)(const void *, Dl_info *);

/* dladdr() of code loaded from a memfd (or the cache on disk) names the payload path it came
 * from, `<executable>/lib/pkg/mod.so`, not /proc/self/fd/N: an extension that finds its own folder
 * this way then opens its siblings there (open and dlopen above answer those paths). */
int dladdr(const void *addr, Dl_info *info)
{
    static dladdr_fn real;
    if (!real)
        real = (dladdr_fn)dlsym(RTLD_NEXT, "dladdr");
    int r = real ? real(addr, info) : 0;
    if (r && info->dli_fname) {
        pthread_mutex_lock(&vfs_lock);
        for (size_t i = 0; i < noted_count; i++)
            if (strcmp(noted[i].loaded, info->dli_fname) == 0)
                info->dli_fname = noted[i].path;
        pthread_mutex_unlock(&vfs_lock);
    }
    return r;
}

typedef void *(*dlopen_fn)(const char *, int);

/* Payload entry `e` served by the opt-in cache on disk (stub_cache.h): 1 with the path to load
 * in `out`. The descriptor is kept as the entry's, so that loading it again opens nothing
 * more. */
static int cached(const struct frost_entry *e, char *out, size_t size)
{
    if (!stub_cache_enabled(vfs_payload))
        return 0;
    size_t i = (size_t)(e - vfs_payload->entries);
    pthread_mutex_lock(&vfs_lock);
    int fd = vfs_fds[i];
    pthread_mutex_unlock(&vfs_lock);
    if (fd > 0) {
        snprintf(out, size, "/proc/self/fd/%d", fd);
        return 1;
    }
    if (stub_cache_path(vfs_payload, e, out, size) != 0)
        return 0;
    if (strncmp(out, "/proc/self/fd/", 14) == 0) {
        pthread_mutex_lock(&vfs_lock);
        if (vfs_fds[i] == 0)
            vfs_fds[i] = atoi(out + 14);
        pthread_mutex_unlock(&vfs_lock);
    }
    return 1;
}

/* The name the loader already got for entry `e` or for an identical entry (one that shares its
 * stored bytes, docs/FORMAT.md): `out` holds it and 1 is returned. So a library loaded as
 * `native/libx.so` is the object that a dlopen of `<executable>/native/libx.so`, or of its twin
 * `<executable>/lib/pkg/libx.so`, gets, as one file is under python: one copy, one state. */
static int noted_twin(const struct frost_entry *e, char *out, size_t size)
{
    int found = 0;
    pthread_mutex_lock(&vfs_lock);
    for (size_t i = 0; !found && i < noted_count; i++) {
        const struct frost_entry *n = noted[i].e;
        if (n->data_offset == e->data_offset && n->stored_size == e->stored_size &&
            n->raw_size == e->raw_size && strlen(noted[i].loaded) < size) {
            strcpy(out, noted[i].loaded);
            found = 1;
        }
    }
    pthread_mutex_unlock(&vfs_lock);
    return found;
}

/* Where the loader gets payload entry `e` from, in `out`: the object already loaded for it (or
 * an identical entry), else its file in the cache on disk, else its memfd; noted, so that the
 * object takes the entry's path as its name. 0 when it has none. */
static int loadable(const struct frost_entry *e, char *out, size_t size)
{
    if (noted_twin(e, out, size))
        return 1;
    if (!cached(e, out, size)) {
        int fd = entry_fd(e);
        if (fd < 0)
            return 0;
        snprintf(out, size, "/proc/self/fd/%d", fd);
    }
    stub_vfs_note_path(out, e);
    return 1;
}

/* An object just loaded from a memfd (or the cache) takes its payload path as its name
 * (`l_name`, public in <link.h>): dl_iterate_phdr(), dladdr() and link maps then name
 * `<executable>/native/libopenblas.so` as python names the file, not /proc/self/fd/N, so code
 * that finds libraries by name (threadpoolctl, behind scikit-learn's thread limits) finds
 * them. glibc keeps the name it was given among the object's names, so a later dlopen of
 * "/proc/self/fd/N" still matches; $ORIGIN was settled from it at load time. The string is
 * never freed (glibc frees l_name only if the object is unloaded: it is malloc'ed). */
static void name_loaded(void *handle, const char *loaded)
{
    struct link_map *map = NULL;
    if (!handle || !loaded || dlinfo(handle, RTLD_DI_LINKMAP, &map) != 0 || !map || !map->l_name ||
        strcmp(map->l_name, loaded) != 0)
        return;
    char *name = NULL;
    pthread_mutex_lock(&vfs_lock);
    for (size_t i = 0; !name && i < noted_count; i++)
        if (strcmp(noted[i].loaded, loaded) == 0)
            name = strdup(noted[i].path);
    pthread_mutex_unlock(&vfs_lock);
    if (name)
        map->l_name = name;
}

/* A path under the executable that names no loadable entry goes to the C library as it is:
 * the kernel refuses it (the executable is a file: ENOTDIR) and glibc sets dlerror() to
 * "<path>: cannot open shared object file: Not a directory", as python3 gets for such a path;
 * callers format that message (cffi crashes on a NULL one, ctypes says only "dlopen() error"). */
void *dlopen(const char *path, int flags)
{
    static dlopen_fn real;
    if (!real)
        real = (dlopen_fn)dlsym(RTLD_NEXT, "dlopen");
    if (!real)
        return NULL;
    char buf[PATH_MAX];
    const char *target = path;
    struct vfs_path where;
    if (payload_path(path, &where)) {
        const struct frost_entry *e = file_entry(&where);
        if (e && loadable(e, buf, sizeof buf))
            target = buf;
    }
    void *handle = real(target, flags);
    if (handle && target && target[0] == '/')
        name_loaded(handle, target);
    return handle;
}
