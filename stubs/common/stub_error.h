/* stub_error.h - error reporting for every stub: one line on stderr, prefixed by the name the
 * program was started as. */
#ifndef STUB_ERROR_H
#define STUB_ERROR_H

#include <stdio.h>

/* Set once by main() from argv[0] (stub_set_progname); used as the prefix of every message. */
extern const char *stub_progname;

/* Sets stub_progname to the base name of argv[0], or leaves "frost" when argv[0] is missing or
 * empty. */
void stub_set_progname(int argc, char **argv);

/* Exit status of a stub that cannot start its program (as a shell's "cannot execute"). */
#define STUB_EXIT_CANNOT_RUN 126

#define STUB_ERROR(...)                                     \
    do {                                                    \
        fprintf(stderr, "%s: ", stub_progname);             \
        fprintf(stderr, __VA_ARGS__);                       \
        fputc('\n', stderr);                                \
    } while (0)

#define STUB_PERROR(what, ...)                              \
    do {                                                    \
        int stub_errno_ = errno;                            \
        fprintf(stderr, "%s: ", stub_progname);             \
        fprintf(stderr, __VA_ARGS__);                       \
        fprintf(stderr, ": %s: %s\n", what, strerror(stub_errno_)); \
    } while (0)

#endif /* STUB_ERROR_H */
