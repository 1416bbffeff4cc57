/* main.c - the compact Python loader: fills a context and runs it (stub_compact.c). */
#include "stub_compact.h"

#include <string.h>

#include "../common/stub_error.h"

const char *stub_progname = "frost";

int main(int argc, char **argv)
{
    struct stub_compact_ctx ctx = {.argv = argv, .self_path = "/proc/self/exe"};
    if (argc > 0 && argv[0][0] != '\0') {
        const char *slash = strrchr(argv[0], '/');
        stub_progname = slash ? slash + 1 : argv[0];
    }
    return stub_compact_main(&ctx);
}
