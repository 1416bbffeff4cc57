/* main.c - the compact Python loader: fills a context and runs it (stub_compact.c). */
#include "stub_compact.h"

#include <limits.h>

#include "../common/stub_error.h"
#include "../common/stub_self.h"

int main(int argc, char **argv)
{
    static char self[PATH_MAX];
    stub_set_progname(argc, argv);
    if (stub_self_path(self, sizeof self, argc > 0 ? argv[0] : NULL, 0) != 0)
        return STUB_EXIT_CANNOT_RUN;
    struct stub_compact_ctx ctx = {.argv = argv, .self_path = self};
    return stub_compact_main(&ctx);
}
