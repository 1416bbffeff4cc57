/* sys.h - the little the packed loader needs from the kernel, without a C library: it runs
 * before any libc exists in the process and leaves nothing behind for the one that follows. */
#ifndef PACKED_SYS_H
#define PACKED_SYS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/syscall.h>

static inline long sys6(long n, long a, long b, long c, long d, long e, long f)
{
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    register long r9 __asm__("r9") = f;
    long ret;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
}

#define SYS(n, a, b, c) sys6((n), (long)(a), (long)(b), (long)(c), 0, 0, 0)

static inline int is_err(long r) { return r < 0 && r > -4096; }

static inline void *sys_mmap(void *addr, size_t len, int prot, int flags, int fd, long off)
{
    return (void *)sys6(SYS_mmap, (long)addr, (long)len, prot, flags, fd, off);
}

#endif /* PACKED_SYS_H */
