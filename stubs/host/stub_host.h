/* stub_host.h - running a script through the host's interpreter, in the same process. */
#ifndef STUB_HOST_H
#define STUB_HOST_H

/* What main() knows. */
struct stub_host_ctx {
    int argc;
    char **argv;
    const char *self_path; /* the executable holding the payload (stub_self_path) */
};

/* Reads the payload, puts the script in a memfd and execs its interpreter; returns only on
 * failure, with the exit status to use (126 damaged payload, 127 interpreter not found). */
int stub_host_main(struct stub_host_ctx *ctx);

#endif /* STUB_HOST_H */
