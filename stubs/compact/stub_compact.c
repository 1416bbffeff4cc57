/* stub_compact.c - decode the interpreter stub into a memfd and exec it. */
#include "stub_compact.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/stub_error.h"
#include "../common/stub_payload.h"
#include "stub_unpack.h"

extern char **environ;

/* A close-on-exec memfd holding the interpreter stub, or -1 (message printed). */
static int interpreter_memfd(const struct stub_payload *p)
{
    char err[256];
    const struct frost_entry *e =
        stub_payload_find(p, STUB_COMPACT_INTERPRETER, strlen(STUB_COMPACT_INTERPRETER));
    if (!e) {
        STUB_ERROR("payload damaged: %s missing", STUB_COMPACT_INTERPRETER);
        return -1;
    }
    int fd = stub_payload_memfd_create(p, e, "frost-python", err, sizeof err);
    if (fd < 0) {
        STUB_PERROR("memfd_create", "cannot hold the interpreter in memory");
        return -1;
    }
    if (stub_unpack_to_fd(p, e, fd) != 0) {
        STUB_ERROR("payload damaged: %s does not decompress or check out",
                   STUB_COMPACT_INTERPRETER);
        close(fd);
        return -1;
    }
    return fd;
}

int stub_compact_main(struct stub_compact_ctx *ctx)
{
    struct stub_payload p;
    char err[256] = "", num[16];
    if (stub_payload_open(&p, ctx->self_path, err, sizeof err) != 0) {
        STUB_ERROR("%s", err);
        return STUB_EXIT_CANNOT_RUN;
    }
    int exe = interpreter_memfd(&p);
    /* A copy of the descriptor read so far, not close-on-exec: the interpreter stub reads the
     * payload through it. */
    int self = exe < 0 ? -1 : fcntl(p.fd, F_DUPFD, 3);
    if (exe >= 0 && self < 0)
        STUB_PERROR("fcntl", "cannot hand %s over", ctx->self_path);
    stub_payload_close(&p);
    if (exe < 0 || self < 0)
        return STUB_EXIT_CANNOT_RUN;
    snprintf(num, sizeof num, "%d", self);
    if (setenv(FROST_PAYLOAD_FD, num, 1) != 0) {
        STUB_PERROR("setenv", "cannot pass the payload on");
        return STUB_EXIT_CANNOT_RUN;
    }
    fexecve(exe, ctx->argv, environ);
    STUB_PERROR("fexecve", "cannot start the interpreter");
    return STUB_EXIT_CANNOT_RUN;
}
