/* stub_python.h - the self-contained Python stub: an isolated CPython (linked in statically)
 * whose every module comes from the executable's own payload. */
#ifndef STUB_PYTHON_H
#define STUB_PYTHON_H

/* What main() hands over. */
struct stub_python_context {
    int argc;
    char **argv;
};

/* Opens the payload, initializes the interpreter, runs the program. Returns the exit status. */
int stub_main(struct stub_python_context *ctx);

#endif /* STUB_PYTHON_H */
