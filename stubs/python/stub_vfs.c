/* stub_vfs.c - C code that opens a payload file by its path under the executable
 * (`<executable>/lib/pkg/data.db`, a path Python code builds from a module's __file__) opens a
 * memfd holding it instead: sqlite3 opening a bundled database, OpenSSL a bundled bundle,
 * ctypes loading a library shipped inside a package.
 *
 * The stub is linked with -E, so its definitions of open, open64, openat, openat64, fopen,
 * fopen64, access and dlopen come first in the global scope: every library loaded later
 * binds to them, and the interpreter linked into the stub calls them directly; stat, lstat
 * and fstatat (and their 64 twins) answer for payload files and folders, so that code that
 * resolves a path first (sqlite3's unixFullPathname lstats each component) gets that far. A path that
 * does not start with `<executable>/`, or names no file entry, goes to the C library's
 * function unchanged. A payload file opened for writing fails with EROFS. Each entry's memfd
 * is made once (close-on-exec, kept for the process's life). The Python side of the same
 * view (os.stat, os.listdir, ...) is vfs.py. */
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

/* 1 when payload path `rel` (`len` bytes) is a folder: some entry's name starts with
 * "rel/". Binary search for the first name not before "rel/". */
static int is_folder(const char *rel, size_t len)
{
    char key[4096];
    if (len + 1 >= sizeof key)
        return 0;
    memcpy(key, rel, len);
    key[len] = '/';
    uint32_t lo = 0, hi = vfs_payload->count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        size_t elen;
        const char *e = stub_payload_name(vfs_payload, &vfs_payload->entries[mid], &elen);
        int c = memcmp(e, key, elen < len + 1 ? elen : len + 1);
        if (c < 0 || (c == 0 && elen < len + 1))
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == vfs_payload->count)
        return 0;
    size_t elen;
    const char *e = stub_payload_name(vfs_payload, &vfs_payload->entries[lo], &elen);
    return elen > len + 1 && memcmp(e, key, len + 1) == 0;
}

/* 1 when `path` lies under the executable: then `out` holds the memfd path of its payload
 * file, or is empty when it names none. 0 for every other path. */
static int mapped(const char *path, char *out, size_t size)
{
    if (!vfs_root || !path || strncmp(path, vfs_root, vfs_root_len) != 0)
        return 0;
    out[0] = '\0';
    const char *rel = path + vfs_root_len;
    const struct frost_entry *e = stub_payload_find(vfs_payload, rel, strlen(rel));
    int fd = e ? entry_fd(e) : -1;
    if (fd >= 0)
        snprintf(out, size, "/proc/self/fd/%d", fd);
    return 1;
}

/* The path to hand the C library for `path` opened with `flags`, or NULL with errno set. */
static const char *redirect(const char *path, int flags, char *buf, size_t size)
{
    if (!mapped(path, buf, size))
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
    if (!mapped(path, buf, sizeof buf))
        return (int)syscall(SYS_faccessat, AT_FDCWD, path, amode);
    const char *rel = path + vfs_root_len;
    size_t len = strlen(rel);
    while (len > 0 && rel[len - 1] == '/')
        len--;
    if (!buf[0] && len > 0 && !is_folder(rel, len)) {
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
    if (mapped(path, buf, sizeof buf)) {
        const char *rel = path + vfs_root_len;
        size_t len = strlen(rel);
        while (len > 0 && rel[len - 1] == '/')
            len--;
        if (!buf[0] && (len == 0 || is_folder(rel, len)))
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

void *dlopen(const char *path, int flags)
{
    static dlopen_fn real;
    if (!real)
        real = (dlopen_fn)dlsym(RTLD_NEXT, "dlopen");
    char buf[PATH_MAX];
    const struct frost_entry *e = NULL;
    if (vfs_root && path && strncmp(path, vfs_root, vfs_root_len) == 0) {
        const char *rel = path + vfs_root_len;
        e = stub_payload_find(vfs_payload, rel, strlen(rel));
    }
    const char *target = e ? (loadable(e, buf, sizeof buf) ? buf : NULL)
                       : path && strchr(path, '/') ? redirect(path, O_RDONLY, buf, sizeof buf)
                                                   : path;
    if (!real || (path && !target))
        return NULL; /* dlerror() then says nothing new: the caller sees the failure */
    void *handle = real(target, flags);
    if (handle && target && target[0] == '/')
        name_loaded(handle, target);
    return handle;
}
