/* stub_launch.h - how each interpreter family is handed a script that lives in a memfd,
 * keeping $0 / sys.argv[0] the path the user typed and closing the memfd before the
 * program's own code runs. */
#ifndef STUB_LAUNCH_H
#define STUB_LAUNCH_H

#include <stddef.h>
#include <stdint.h>

/* Writes what the interpreter reads into a new memfd (at fd >= 3, inherited across exec,
 * rewound) and returns its number, or -1 with errno set. `launcher` is the manifest's
 * "launcher" value; `script` is the program's entry. */
int stub_launch_memfd(const char *launcher, const char *name, const uint8_t *script,
                      size_t size, const uint8_t *bundle, size_t bundle_size);

/* The argument vector for execv: interpreter, fixed args, launcher glue, argv[0], the user's
 * arguments. Returns a malloc'ed NULL-terminated array, or NULL when out of memory. */
char **stub_launch_argv(const char *launcher, const char *interp, char **fixed, int nfixed,
                        int fd, int argc, char **argv);

#endif /* STUB_LAUNCH_H */
