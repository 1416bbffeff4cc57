/* stub_error.c - the program name that prefixes every stub message (stub_error.h). */
#include "stub_error.h"

#include <string.h>

const char *stub_progname = "frost";

/* Sets stub_progname to the base name of argv[0]; "frost" stays when argv[0] is missing or
 * empty. */
void stub_set_progname(int argc, char **argv)
{
    if (argc > 0 && argv[0] != NULL && argv[0][0] != '\0') {
        const char *slash = strrchr(argv[0], '/');
        stub_progname = slash ? slash + 1 : argv[0];
    }
}
