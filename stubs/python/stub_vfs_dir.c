/* stub_vfs_dir.c - opendir() of a payload folder (`<executable>/lib/pkg`, the folders that
 * stat answers in stub_vfs.c) lists the names under it, as a folder on disk does: C code that
 * walks a package's folder sees its files, and the ones it names open as stub_vfs.c opens them.
 *
 * glibc's DIR is opaque, so such a listing is a struct of the stub's own, known by its address
 * among the listings open (never by reading a DIR of glibc's). Every function that takes a DIR
 * (readdir, readdir64, their _r forms, telldir, seekdir, rewinddir, dirfd, closedir) answers a
 * listing and passes any other DIR to the C library's function unchanged. A listing has no
 * descriptor: dirfd() fails with ENOTSUP (which POSIX allows), as fdopendir() has no payload
 * folder to take (open() of one fails). glibc's own walkers (scandir, nftw, glob) open folders
 * with its internal opendir, which this does not reach: they still fail there. */
#include "stub_vfs.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* One name of a listing: its offset in `names`, its inode number and its d_type. */
struct listed {
    size_t name;
    uint64_t ino;
    unsigned char type;
};

/* A payload folder opened by opendir(). */
struct listing {
    struct listing *next; /* the listings open */
    struct listed *items;
    size_t count, cap; /* names in `items` */
    size_t pos;        /* the next to read: 0 and 1 are "." and "..", then items[pos - 2] */
    char *names; /* NUL-terminated names, one after the other */
    size_t names_len, names_cap;
    int failed; /* out of memory while listing */
    struct dirent64 ent; /* what readdir() returns: valid until the next call, as glibc's */
};

static struct listing *listings;
static int listings_open; /* how many: read without the lock, so that other DIRs pay one load */
static pthread_mutex_t listings_lock = PTHREAD_MUTEX_INITIALIZER;

/* The C library's functions. */
typedef DIR *(*opendir_fn)(const char *);
typedef int (*dir_int_fn)(DIR *);
typedef struct dirent *(*readdir_fn)(DIR *);
typedef struct dirent64 *(*readdir64_fn)(DIR *);
typedef int (*readdir_r_fn)(DIR *, struct dirent *, struct dirent **);
typedef int (*readdir64_r_fn)(DIR *, struct dirent64 *, struct dirent64 **);
typedef void (*dir_void_fn)(DIR *);
typedef long (*telldir_fn)(DIR *);
typedef void (*seekdir_fn)(DIR *, long);

/* The C library's definition of NAME (the next object after the stub), looked up once. */
#define DIR_NEXT(type, name)                                                                   \
    static type next_fn;                                                                       \
    if (!__atomic_load_n(&next_fn, __ATOMIC_ACQUIRE))                                          \
        __atomic_store_n(&next_fn, (type)dlsym(RTLD_NEXT, name), __ATOMIC_RELEASE);            \
    type next = __atomic_load_n(&next_fn, __ATOMIC_ACQUIRE)

static int grow(void **buf, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 1;
    size_t n = *cap ? *cap * 2 : 64;
    while (n < need)
        n *= 2;
    void *p = realloc(*buf, n * size);
    if (!p)
        return 0;
    *buf = p;
    *cap = n;
    return 1;
}

/* Appends one name to listing `arg` (stub_vfs_each_fn). */
static void add_name(const char *name, size_t len, int folder, uint64_t ino, void *arg)
{
    struct listing *l = arg;
    if (l->failed || len >= sizeof l->ent.d_name)
        return; /* no folder on disk holds a longer name */
    if (!grow((void **)&l->items, &l->cap, l->count + 1, sizeof *l->items) ||
        !grow((void **)&l->names, &l->names_cap, l->names_len + len + 1, 1)) {
        l->failed = 1;
        return;
    }
    l->items[l->count++] = (struct listed){l->names_len, ino, folder ? DT_DIR : DT_REG};
    memcpy(l->names + l->names_len, name, len);
    l->names[l->names_len + len] = '\0';
    l->names_len += len + 1;
}

static void free_listing(struct listing *l)
{
    if (l) {
        free(l->items);
        free(l->names);
        free(l);
    }
}

/* The listing of payload folder `path`; NULL with errno set (`*under` is 0 when `path` does
 * not lie under the executable: nothing was allocated then). */
static struct listing *list_folder(const char *path, int *under)
{
    struct listing found = {0};
    int r = stub_vfs_list(path, add_name, &found);
    *under = r != 1;
    struct listing *l = r == 0 && !found.failed ? malloc(sizeof *l) : NULL;
    if (!l) {
        int err = r != 0 ? errno : ENOMEM;
        free(found.items);
        free(found.names);
        errno = err;
        return NULL;
    }
    *l = found;
    return l;
}

/* `d` as a listing when opendir() below made it, else NULL. */
static struct listing *listing_of(DIR *d)
{
    if (!__atomic_load_n(&listings_open, __ATOMIC_ACQUIRE))
        return NULL;
    pthread_mutex_lock(&listings_lock);
    struct listing *l = listings;
    while (l && (DIR *)l != d)
        l = l->next;
    pthread_mutex_unlock(&listings_lock);
    return l;
}

DIR *opendir(const char *path)
{
    DIR_NEXT(opendir_fn, "opendir");
    int under = 0;
    struct listing *l = list_folder(path, &under);
    if (!l && !under) {
        if (next)
            return next(path);
        errno = ENOSYS;
    }
    if (!l)
        return NULL;
    pthread_mutex_lock(&listings_lock);
    l->next = listings;
    listings = l;
    __atomic_add_fetch(&listings_open, 1, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&listings_lock);
    return (DIR *)l;
}

int closedir(DIR *d)
{
    DIR_NEXT(dir_int_fn, "closedir");
    struct listing *l = listing_of(d);
    if (!l) {
        if (next)
            return next(d);
        errno = ENOSYS;
        return -1;
    }
    pthread_mutex_lock(&listings_lock);
    struct listing **p = &listings;
    while (*p != l)
        p = &(*p)->next;
    *p = l->next;
    __atomic_sub_fetch(&listings_open, 1, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&listings_lock);
    free_listing(l);
    return 0;
}

/* The next name of `l` in its dirent, or NULL at the end (errno untouched, as glibc's): "."
 * and ".." first, as a folder on disk gives them, then the payload's names. */
static struct dirent64 *next_name(struct listing *l)
{
    if (l->pos >= l->count + 2)
        return NULL;
    size_t i = l->pos++;
    static const struct listed dot = {0, 1, DT_DIR};
    const struct listed *it = i < 2 ? &dot : &l->items[i - 2];
    const char *name = i == 0 ? "." : i == 1 ? ".." : l->names + it->name;
    size_t len = strlen(name);
    l->ent.d_ino = it->ino;
    l->ent.d_off = (off64_t)l->pos; /* telldir()'s value for the name after this one */
    l->ent.d_reclen = (unsigned short)((offsetof(struct dirent64, d_name) + len + 1 + 7) & ~7u);
    l->ent.d_type = it->type;
    memcpy(l->ent.d_name, name, len + 1);
    return &l->ent;
}

/* struct dirent and struct dirent64 are one layout on x86-64 (glibc makes readdir64 an alias
 * of readdir there). */
struct dirent *readdir(DIR *d)
{
    DIR_NEXT(readdir_fn, "readdir");
    struct listing *l = listing_of(d);
    if (l)
        return (struct dirent *)next_name(l);
    if (next)
        return next(d);
    errno = ENOSYS;
    return NULL;
}

struct dirent64 *readdir64(DIR *d)
{
    DIR_NEXT(readdir64_fn, "readdir64");
    struct listing *l = listing_of(d);
    if (l)
        return next_name(l);
    if (next)
        return next(d);
    errno = ENOSYS;
    return NULL;
}

/* readdir_r and readdir64_r (deprecated, still called): a copy of the next name in `ent`. */
static int next_name_r(struct listing *l, struct dirent64 *ent, struct dirent64 **out)
{
    struct dirent64 *e = next_name(l);
    if (e)
        memcpy(ent, e, e->d_reclen < sizeof *ent ? e->d_reclen : sizeof *ent);
    *out = e ? ent : NULL;
    return 0;
}

int readdir_r(DIR *d, struct dirent *ent, struct dirent **out)
{
    DIR_NEXT(readdir_r_fn, "readdir_r");
    struct listing *l = listing_of(d);
    if (l)
        return next_name_r(l, (struct dirent64 *)ent, (struct dirent64 **)out);
    return next ? next(d, ent, out) : ENOSYS;
}

int readdir64_r(DIR *d, struct dirent64 *ent, struct dirent64 **out)
{
    DIR_NEXT(readdir64_r_fn, "readdir64_r");
    struct listing *l = listing_of(d);
    if (l)
        return next_name_r(l, ent, out);
    return next ? next(d, ent, out) : ENOSYS;
}

void rewinddir(DIR *d)
{
    DIR_NEXT(dir_void_fn, "rewinddir");
    struct listing *l = listing_of(d);
    if (l)
        l->pos = 0;
    else if (next)
        next(d);
}

long telldir(DIR *d)
{
    DIR_NEXT(telldir_fn, "telldir");
    struct listing *l = listing_of(d);
    if (l)
        return (long)l->pos;
    if (next)
        return next(d);
    errno = ENOSYS;
    return -1;
}

void seekdir(DIR *d, long pos)
{
    DIR_NEXT(seekdir_fn, "seekdir");
    struct listing *l = listing_of(d);
    if (l)
        l->pos = pos < 0 ? 0 : (size_t)pos;
    else if (next)
        next(d, pos);
}

int dirfd(DIR *d)
{
    DIR_NEXT(dir_int_fn, "dirfd");
    if (listing_of(d)) {
        errno = ENOTSUP;
        return -1;
    }
    if (next)
        return next(d);
    errno = ENOSYS;
    return -1;
}
