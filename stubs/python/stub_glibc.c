/* stub_glibc.c - functions that glibc gained after 2.28, the floor every stub is linked against
 * (docs/GLIBC.md). The stubs are compiled with the build machine's headers and its libpython,
 * which call a few of them; the libraries a Python payload carries were linked against the
 * build machine's glibc and call a few more, and `frost build` rebinds those references to
 * whichever definition comes first at run time (Sources/FrostKit/ELF/GlibcFloor.swift): the
 * Python stub exports these (-E), so on an old glibc they are the definitions found. Each one
 * calls the running glibc's own function when it has one, else does the same job with what
 * glibc 2.28 and the kernel provide. stat, lstat, fstatat and their 64 twins are stub_vfs.c's;
 * fstat is here, since glibc 2.28's libc_nonshared.a defines it hidden (not exported). */
#include <dlfcn.h>
#include <link.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <netinet/in.h>
#include <resolv.h>
#include <semaphore.h>
#include <spawn.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* The running glibc's definition of NAME, if it has one (RTLD_NEXT: the next object after the
 * stub in the global scope), looked up once. */
#define STUB_GLIBC_NEXT(type, name)                                                           \
    static type next_fn;                                                                       \
    static int next_looked;                                                                    \
    if (!__atomic_load_n(&next_looked, __ATOMIC_ACQUIRE)) {                                    \
        __atomic_store_n(&next_fn, (type)dlsym(RTLD_NEXT, name), __ATOMIC_RELAXED);            \
        __atomic_store_n(&next_looked, 1, __ATOMIC_RELEASE);                                   \
    }                                                                                          \
    type next = __atomic_load_n(&next_fn, __ATOMIC_RELAXED)

/* glibc 2.33 (before, an inline wrapper of __fxstat): the system call, whose struct stat is
 * glibc's on x86-64. */
int fstat(int fd, struct stat *st)
{
    return (int)syscall(SYS_fstat, fd, st);
}

int fstat64(int fd, struct stat64 *st)
{
    return (int)syscall(SYS_fstat, fd, st);
}

/* glibc 2.34; the system call is what glibc's own does (ENOSYS before Linux 5.9, which callers
 * such as CPython's os.closerange handle by closing one by one). */
int close_range(unsigned int first, unsigned int last, int flags)
{
    return (int)syscall(SYS_close_range, first, last, flags);
}

/* glibc 2.30: sem_timedwait with a clock; a CLOCK_MONOTONIC deadline becomes the
 * CLOCK_REALTIME deadline the same time away. */
int sem_clockwait(sem_t *sem, clockid_t clock, const struct timespec *abstime)
{
    typedef int (*fn)(sem_t *, clockid_t, const struct timespec *);
    STUB_GLIBC_NEXT(fn, "sem_clockwait");
    if (next)
        return next(sem, clock, abstime);
    if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC) {
        errno = EINVAL;
        return -1;
    }
    struct timespec deadline = *abstime;
    if (clock == CLOCK_MONOTONIC) {
        struct timespec mono, real;
        clock_gettime(CLOCK_MONOTONIC, &mono);
        clock_gettime(CLOCK_REALTIME, &real);
        int64_t ns = (abstime->tv_sec - mono.tv_sec) * 1000000000LL + (abstime->tv_nsec - mono.tv_nsec);
        if (ns < 0)
            ns = 0;
        int64_t at = real.tv_nsec + ns % 1000000000LL;
        deadline.tv_sec = real.tv_sec + (time_t)(ns / 1000000000LL) + (time_t)(at / 1000000000LL);
        deadline.tv_nsec = (long)(at % 1000000000LL);
    }
    return sem_timedwait(sem, &deadline);
}

/* glibc 2.36: the kernel's random bytes (getrandom, Linux 3.17; glibc 2.36 does the same). */
void arc4random_buf(void *buf, size_t n)
{
    unsigned char *p = buf;
    while (n > 0) {
        long got = syscall(SYS_getrandom, p, n, 0);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            abort(); /* as glibc's: no way to report it, and no weak bytes */
        }
        p += got;
        n -= (size_t)got;
    }
}

uint32_t arc4random(void)
{
    uint32_t v;
    arc4random_buf(&v, sizeof v);
    return v;
}

/* Uniform in [0, upper): rejection of the biased low values, as glibc does. */
uint32_t arc4random_uniform(uint32_t upper)
{
    if (upper < 2)
        return 0;
    uint32_t min = -upper % upper;
    for (;;) {
        uint32_t v = arc4random();
        if (v >= min)
            return v % upper;
    }
}

/* glibc 2.34 gave the resolver's functions their own names in libc; before, libresolv
 * defined them as __res_nsearch etc. (resolv.h's macros). The running glibc's function, else
 * libresolv's __NAME. */
static void *resolver_function(const char *name, const char *old_name)
{
    void *f = dlsym(RTLD_NEXT, name);
    if (!f) {
        void *resolv = dlopen("libresolv.so.2", RTLD_LAZY);
        f = resolv ? dlsym(resolv, old_name) : NULL;
    }
    return f;
}

#define STUB_RESOLVER(ret, name, params, args)                                                 \
    ret name params                                                                            \
    {                                                                                          \
        typedef ret(*fn) params;                                                               \
        static fn cached;                                                                      \
        fn f = __atomic_load_n(&cached, __ATOMIC_ACQUIRE);                                     \
        if (!f) {                                                                              \
            f = (fn)resolver_function(#name, "__" #name);                                      \
            __atomic_store_n(&cached, f, __ATOMIC_RELEASE);                                    \
        }                                                                                      \
        if (!f) {                                                                              \
            errno = ENOSYS;                                                                    \
            return -1;                                                                         \
        }                                                                                      \
        return f args;                                                                         \
    }

#undef res_nsearch
#undef res_nquery
#undef res_search
#undef res_query
#undef res_send
#undef res_mkquery
#undef dn_expand
#undef dn_skipname
STUB_RESOLVER(int, res_nsearch, (res_state s, const char *n, int c, int t, unsigned char *a, int l),
              (s, n, c, t, a, l))
STUB_RESOLVER(int, res_nquery, (res_state s, const char *n, int c, int t, unsigned char *a, int l),
              (s, n, c, t, a, l))
STUB_RESOLVER(int, res_search, (const char *n, int c, int t, unsigned char *a, int l), (n, c, t, a, l))
STUB_RESOLVER(int, res_query, (const char *n, int c, int t, unsigned char *a, int l), (n, c, t, a, l))
STUB_RESOLVER(int, res_send, (const unsigned char *m, int ml, unsigned char *a, int al), (m, ml, a, al))
STUB_RESOLVER(int, res_mkquery,
              (int op, const char *d, int c, int t, const unsigned char *data, int dl,
               const unsigned char *nr, unsigned char *b, int bl),
              (op, d, c, t, data, dl, nr, b, bl))
STUB_RESOLVER(int, dn_expand,
              (const unsigned char *m, const unsigned char *e, const unsigned char *c, char *d, int l),
              (m, e, c, d, l))
STUB_RESOLVER(int, dn_skipname, (const unsigned char *c, const unsigned char *e), (c, e))

/* glibc 2.32: 0 means "maybe several threads", which is always safe to answer (libstdc++ then
 * keeps its atomic reference counts). */
char __libc_single_threaded = 0;

/* glibc 2.30. */
pid_t gettid(void)
{
    return (pid_t)syscall(SYS_gettid);
}

/* glibc 2.30. */
ssize_t getdents64(int fd, void *buf, size_t n)
{
    return (ssize_t)syscall(SYS_getdents64, fd, buf, n);
}

/* glibc 2.33 (before, inline wrappers of __xmknod). */
int mknodat(int dirfd, const char *path, mode_t mode, dev_t dev)
{
    return (int)syscall(SYS_mknodat, dirfd, path, mode, dev);
}

int mknod(const char *path, mode_t mode, dev_t dev)
{
    return mknodat(AT_FDCWD, path, mode, dev);
}

/* glibc 2.34: close_range, else one by one up to the descriptor limit. */
void closefrom(int low)
{
    if (low < 0)
        low = 0;
    if (close_range((unsigned)low, ~0U, 0) == 0)
        return;
    long max = sysconf(_SC_OPEN_MAX);
    for (long fd = low; fd < max; fd++)
        close((int)fd);
}

/* glibc 2.33: mallinfo with size_t fields; before, the int fields of mallinfo. */
struct mallinfo2 mallinfo2(void)
{
    typedef struct mallinfo2 (*fn)(void);
    STUB_GLIBC_NEXT(fn, "mallinfo2");
    if (next)
        return next();
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    struct mallinfo m = mallinfo();
#pragma GCC diagnostic pop
    struct mallinfo2 out = {
        (size_t)(unsigned)m.arena,    (size_t)(unsigned)m.ordblks,  (size_t)(unsigned)m.smblks,
        (size_t)(unsigned)m.hblks,    (size_t)(unsigned)m.hblkhd,   (size_t)(unsigned)m.usmblks,
        (size_t)(unsigned)m.fsmblks,  (size_t)(unsigned)m.uordblks, (size_t)(unsigned)m.fordblks,
        (size_t)(unsigned)m.keepcost,
    };
    return out;
}

#undef p_type /* resolv.h's name for __p_type: here, Elf64_Phdr's field */

/* glibc 2.35: the object that holds an address and its PT_GNU_EH_FRAME (libgcc_s's unwinder
 * asks for it at every C++ or Rust exception); before, found by walking dl_iterate_phdr. */
struct find_object {
    uintptr_t pc;
    struct dl_find_object *out;
    int found;
};

static int find_object_in(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    struct find_object *f = data;
    uintptr_t start = UINTPTR_MAX, end = 0;
    const void *eh = NULL;
    int inside = 0;
    for (size_t i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        uintptr_t at = info->dlpi_addr + ph->p_vaddr;
        if (ph->p_type == PT_LOAD) {
            if (at < start)
                start = at;
            if (at + ph->p_memsz > end)
                end = at + ph->p_memsz;
            if (f->pc >= at && f->pc < at + ph->p_memsz)
                inside = 1;
        } else if (ph->p_type == PT_GNU_EH_FRAME) {
            eh = (const void *)at;
        }
    }
    if (!inside)
        return 0;
    memset(f->out, 0, sizeof *f->out);
    f->out->dlfo_map_start = (void *)start;
    f->out->dlfo_map_end = (void *)end;
    f->out->dlfo_eh_frame = (void *)eh;
    Dl_info dl;
    void *map = NULL;
    if (dladdr1((void *)f->pc, &dl, &map, RTLD_DL_LINKMAP))
        f->out->dlfo_link_map = map;
    f->found = 1;
    return 1;
}

int _dl_find_object(void *address, struct dl_find_object *result)
{
    typedef int (*fn)(void *, struct dl_find_object *);
    STUB_GLIBC_NEXT(fn, "_dl_find_object");
    if (next)
        return next(address, result);
    struct find_object f = {(uintptr_t)address, result, 0};
    dl_iterate_phdr(find_object_in, &f);
    return f.found ? 0 : -1;
}

/* glibc 2.34. An older glibc's posix_spawn cannot close descriptors from a number on, and its
 * file actions are opaque: there, nothing is added and the child inherits only the
 * descriptors without close-on-exec (Python makes every descriptor close-on-exec unless asked:
 * PEP 446), which is what subprocess's own fork path would leave open too with close_fds. */
int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *actions, int from)
{
    typedef int (*fn)(posix_spawn_file_actions_t *, int);
    STUB_GLIBC_NEXT(fn, "posix_spawn_file_actions_addclosefrom_np");
    if (next)
        return next(actions, from);
    return from < 0 ? EBADF : 0;
}
