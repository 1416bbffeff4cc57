/* main.c - the host-interpreter stub: fills a context and runs it (stub_host.c). */
#include "stub_host.h"

#include <limits.h>

#include "../common/stub_error.h"
#include "../common/stub_self.h"

int main(int argc, char **argv)
{
    static char self[PATH_MAX];
    stub_set_progname(argc, argv);
    if (stub_self_path(self, sizeof self, argc > 0 ? argv[0] : NULL, 0) != 0)
        return STUB_EXIT_CANNOT_RUN;
    struct stub_host_ctx ctx = {
        .argc = argc,
        .argv = argv,
        .self_path = self,
    };
    return stub_host_main(&ctx);
}
