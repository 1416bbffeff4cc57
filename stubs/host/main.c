/* main.c - the host-interpreter stub: fills a context and runs it (stub_host.c). */
#include "stub_host.h"

#include "../common/stub_error.h"

int main(int argc, char **argv)
{
    struct stub_host_ctx ctx = {
        .argc = argc,
        .argv = argv,
        .self_path = "/proc/self/exe",
    };
    stub_set_progname(argc, argv);
    return stub_host_main(&ctx);
}
