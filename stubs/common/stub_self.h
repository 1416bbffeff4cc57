/* stub_self.h - finding the running executable, with or without /proc. */
#ifndef STUB_SELF_H
#define STUB_SELF_H

#include <stddef.h>

/* Puts into `path` (of `len` bytes) a name that opens the running executable, and returns 0:
 * /proc/self/exe when it can be read; else (no /proc: a chroot, an initramfs, some sandboxes)
 * the name the kernel was given at execve (the auxiliary vector's AT_EXECFN), then argv[0]
 * when it holds a '/', then argv[0] looked up in PATH, each only if it names a readable
 * regular file. With `resolved`, the name is absolute and free of symbolic links
 * (realpath(3)), as /proc/self/exe's target is. Returns -1 after printing one line when no
 * way works. */
int stub_self_path(char *path, size_t len, const char *argv0, int resolved);

/* Whether /proc/self/fd/N names work (they hand memfds to interpreters and to dlopen). */
int stub_self_has_proc_fd(void);

#endif /* STUB_SELF_H */
