/* packed.c - the packed Python loader: it runs the interpreter stub that its payload holds
 * LZ4-compressed (entry frost/interpreter, a memory image: stubs/packed/packed.h) in this
 * same process, without a memfd and without a second execve. It decodes the image straight
 * into anonymous memory at the addresses the stub was linked for (transparent huge pages where
 * the kernel gives them), maps the stub's ELF interpreter (ld.so) from its file, points the
 * auxiliary vector at the stub and jumps to ld.so, which then starts the stub as if the kernel
 * had loaded it. /proc/self/exe stays this file, so the stub finds the payload there.
 *
 * No C library: the loader is a static PIE built with -nostdlib, so that nothing of it (no
 * TLS, no rseq or robust-list registration, no heap) is left for the libc the stub brings. */
#include <fcntl.h>

#include "packed.h"
#include "sys.h"

/* The C functions the compiler may call. */
void *memcpy(void *d, const void *s, size_t n)
{
    void *r = d;
    __asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
    return r;
}

void *memmove(void *d, const void *s, size_t n)
{
    unsigned char *dp = d;
    const unsigned char *sp = s;
    if (dp <= sp || dp >= sp + n)
        return memcpy(d, s, n);
    while (n--)
        dp[n] = sp[n];
    return d;
}

void *memset(void *d, int c, size_t n)
{
    void *r = d;
    __asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
    return r;
}

static size_t len(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

/* "NAME: WHAT" on stderr, then exit status 126 (STUB_EXIT_CANNOT_RUN). */
__attribute__((noreturn)) void packed_fail(const char *name, const char *what)
{
    const char *base = name && *name ? name : "frost";
    for (const char *c = base; *c; c++)
        if (*c == '/' && c[1])
            base = c + 1;
    SYS(SYS_write, 2, base, len(base));
    SYS(SYS_write, 2, ": ", 2);
    SYS(SYS_write, 2, what, len(what));
    SYS(SYS_write, 2, "\n", 1);
    SYS(SYS_exit_group, 126, 0, 0);
    __builtin_unreachable();
}

__attribute__((noreturn, used)) void packed_main(uintptr_t *sp)
{
    char **argv = (char **)(sp + 1);
    const char *me = sp[0] > 0 ? argv[0] : "frost";
    char **envp = argv + sp[0] + 1;
    while (*envp)
        envp++;
    long fd = SYS(SYS_open, "/proc/self/exe", O_RDONLY | O_CLOEXEC, 0);
    /* No /proc (a chroot, an initramfs): the name execve was given, from the auxiliary vector
     * (the interpreter stub looks further, in argv[0] and PATH: common/stub_self.c). */
    for (const Elf64_auxv_t *av = (const Elf64_auxv_t *)(envp + 1); is_err(fd) && av->a_type;
         av++)
        if (av->a_type == AT_EXECFN)
            fd = SYS(SYS_open, av->a_un.a_val, O_RDONLY | O_CLOEXEC, 0);
    long size = is_err(fd) ? fd : SYS(SYS_lseek, fd, 0, 2 /* SEEK_END */);
    const uint8_t *f = is_err(size) ? NULL : sys_mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (!f || is_err((long)f))
        packed_fail(me, "cannot read its own executable (/proc/self/exe, nor AT_EXECFN)");
    const uint8_t *sec = NULL;
    const struct frost_entry *e = packed_find_image(f, (uint64_t)size, &sec);
    if (!e)
        packed_fail(me, "payload damaged: " PACKED_INTERPRETER " missing");
    /* The stored image in one call rather than a page-cache fault per 64 KiB (ignored by
     * kernels before 5.14). */
    uintptr_t src = DOWN(sec + e->data_offset);
    SYS(SYS_madvise, src, (uintptr_t)(sec + e->data_offset + e->stored_size) - src,
        22 /* MADV_POPULATE_READ */);
    const Elf64_Ehdr *stub = packed_unpack(me, e, sec + e->data_offset);
    SYS(SYS_munmap, f, size, 0);
    SYS(SYS_close, fd, 0, 0);
    const char *interp = packed_interp_path(stub);
    uintptr_t ld_entry = 0, ld = interp ? packed_map_ld_so(interp, &ld_entry) : 0;
    if (!ld)
        packed_fail(me, "cannot load the interpreter's ELF interpreter (ld.so)");
    packed_retarget((Elf64_auxv_t *)(envp + 1), stub, (uintptr_t)stub + stub->e_phoff, ld);
    __asm__ volatile("mov %0, %%rsp\n\txor %%edx, %%edx\n\tjmp *%1"
                     :
                     : "r"(sp), "r"(ld_entry)
                     : "memory");
    __builtin_unreachable();
}

__asm__(".text\n"
        ".globl _start\n"
        ".type _start, @function\n"
        "_start:\n"
        "\txor %ebp, %ebp\n"
        "\tmov %rsp, %rdi\n"
        "\tand $-16, %rsp\n"
        "\tcall packed_main\n"
        "\thlt\n");
