/* stub_launch.h - how each interpreter family is handed a script that lives in a memfd,
 * keeping $0 / sys.argv[0] the path the user typed and closing the memfd before the
 * program's own code runs. */
#ifndef STUB_LAUNCH_H
#define STUB_LAUNCH_H

#include <stddef.h>

#include "../common/stub_payload.h"

/* Writes what the interpreter reads into a new memfd named `name` (at fd >= 3, inherited
 * across exec, rewound) and returns its number. `launcher` is the manifest's "launcher" value;
 * `entry` is the program's entry. Returns -1 with a reason in `err` when the payload is damaged,
 * else -1 with `err` left empty and errno set. */
int stub_launch_memfd(const char *launcher, const char *name, const struct stub_payload *p,
                      const struct frost_entry *entry, char *err, size_t errlen);

/* The argument vector for execv: interpreter, fixed args, launcher glue, argv[0], the user's
 * arguments. The script goes by its descriptor: `. /proc/self/fd/N` for the sh family (without
 * /proc, the script's text itself after -c, up to 128 KiB), a descriptor number for python and
 * perl, /proc/self/fd/N for other interpreters (which then need /proc). Returns a malloc'ed
 * NULL-terminated array, or NULL when out of memory ("out of memory" printed) or when the
 * script cannot be handed over (the reason printed). */
char **stub_launch_argv(const char *launcher, const char *interp, char **fixed, int nfixed,
                        int fd, int argc, char **argv);

#endif /* STUB_LAUNCH_H */
