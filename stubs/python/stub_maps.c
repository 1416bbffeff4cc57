/* stub_maps.c - /proc/self/maps (and smaps) as python shows them: a shared object loaded from
 * a memfd appears there as "/memfd:libopenblas.so (deleted)", under python as the file's path.
 * Code that finds the loaded libraries by reading maps (threadpoolctl, which scikit-learn and
 * numpy users rely on to limit BLAS and OpenMP threads; psutil's memory_maps) matches their
 * file names, and then opens or dlopens those paths. So an open of the process's own maps
 * gets a memfd holding them with each line of a payload object naming its payload path,
 * `<executable>/native/libopenblas.so` (which open and dlopen answer, stub_vfs.c); every other
 * line is as the kernel wrote it. */
#include "stub_maps.h"
#include "stub_vfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#ifndef MFD_CLOEXEC
#define MFD_CLOEXEC 1U
#endif

#define MAX_OBJECTS 1024

int stub_maps_wanted(const char *path, int flags)
{
    static const char *const tails[] = {"/maps", "/smaps"};
    if (!path || (flags & O_ACCMODE) != O_RDONLY || strncmp(path, "/proc/", 6) != 0)
        return 0;
    const char *rest = path + 6;
    char pid[32];
    int n = snprintf(pid, sizeof pid, "%d", (int)getpid());
    if (strncmp(rest, "self", 4) == 0)
        rest += 4;
    else if (strncmp(rest, "thread-self", 11) == 0)
        rest += 11;
    else if (n > 0 && strncmp(rest, pid, (size_t)n) == 0)
        rest += n;
    else
        return 0;
    for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++)
        if (strcmp(rest, tails[i]) == 0)
            return 1;
    return 0;
}

/* The whole of `path`, read with the system call (not through stub_vfs.c); NULL on failure. */
static char *slurp(const char *path, size_t *len)
{
    int fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    size_t cap = 1 << 16, used = 0;
    char *buf = malloc(cap);
    for (ssize_t r = 1; buf && r > 0;) {
        if (used == cap) {
            char *bigger = cap < ((size_t)1 << 30) ? realloc(buf, cap * 2) : NULL;
            if (!bigger) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
        r = read(fd, buf + used, cap - used);
        if (r < 0 && errno == EINTR)
            r = 1;
        else if (r < 0) {
            free(buf);
            buf = NULL;
        } else
            used += (size_t)r;
    }
    close(fd);
    *len = used;
    return buf;
}

/* The payload path for a maps line "ADDR PERMS OFFSET MAJ:MIN INODE PATH" of an object in
 * `objs`, with `*path_at` set to where PATH starts; NULL for any other line. */
static const char *payload_name(const char *line, size_t len, const struct stub_vfs_object *objs,
                                size_t count, size_t *path_at)
{
    unsigned maj, min;
    unsigned long long ino;
    int at = 0;
    char copy[256];
    size_t n = len < sizeof copy - 1 ? len : sizeof copy - 1;
    memcpy(copy, line, n);
    copy[n] = '\0';
    if (sscanf(copy, "%*s %*s %*s %x:%x %llu %n", &maj, &min, &ino, &at) != 3 || at <= 0 ||
        (size_t)at >= len || line[at] != '/' || ino == 0)
        return NULL;
    for (size_t i = 0; i < count; i++)
        if (objs[i].ino == ino && objs[i].dev == makedev(maj, min)) {
            *path_at = (size_t)at;
            return objs[i].path;
        }
    return NULL;
}

int stub_maps_open(const char *path, int flags)
{
    size_t len = 0, count = 0;
    struct stub_vfs_object *objs = malloc(MAX_OBJECTS * sizeof *objs);
    if (objs && (count = stub_vfs_objects(objs, MAX_OBJECTS)) == 0) {
        free(objs); /* nothing to rename: the kernel's file itself */
        return (int)syscall(SYS_openat, AT_FDCWD, path, flags);
    }
    char *text = objs ? slurp(path, &len) : NULL;
    if (!text) {
        free(objs);
        return -1;
    }
    int fd = (int)syscall(SYS_memfd_create, "maps", (flags & O_CLOEXEC) ? MFD_CLOEXEC : 0u);
    int copy = fd >= 0 ? fcntl(fd, F_DUPFD_CLOEXEC, 0) : -1;
    FILE *out = copy >= 0 ? fdopen(copy, "w") : NULL;
    if (copy >= 0 && !out)
        close(copy);
    int failed = !out;
    for (size_t at = 0; out && at < len;) {
        const char *line = text + at;
        const char *nl = memchr(line, '\n', len - at);
        size_t n = nl ? (size_t)(nl - line) + 1 : len - at, path_at = 0;
        const char *name = payload_name(line, n, objs, count, &path_at);
        if (name)
            failed |= fprintf(out, "%.*s%s\n", (int)path_at, line, name) < 0;
        else
            failed |= fwrite(line, 1, n, out) != n;
        at += n;
    }
    free(text);
    free(objs);
    if (out)
        failed |= fclose(out) != 0;
    if (fd >= 0 && (failed || lseek(fd, 0, SEEK_SET) != 0)) {
        close(fd);
        fd = -1;
        errno = EIO;
    }
    return fd;
}
