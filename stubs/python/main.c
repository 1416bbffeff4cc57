/* main.c - entry point of the self-contained Python stub: fills the context, runs stub_main. */
#include "stub_python.h"

int main(int argc, char **argv)
{
    struct stub_python_context ctx = {.argc = argc, .argv = argv};
    return stub_main(&ctx);
}
