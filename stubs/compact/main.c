/* main.c - the compact Python loader: fills a context and runs it (stub_compact.c). */
#include "stub_compact.h"

#include "../common/stub_error.h"

int main(int argc, char **argv)
{
    struct stub_compact_ctx ctx = {.argv = argv, .self_path = "/proc/self/exe"};
    stub_set_progname(argc, argv);
    return stub_compact_main(&ctx);
}
