/* stub_host.c - the host-interpreter stub: payload -> memfd -> execv(interpreter). One
 * process: nothing stays behind, the program gets this process's PID, stdio and signals. */
#include "stub_host.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/stub_daemon.h"
#include "../common/stub_error.h"
#include "../common/stub_payload.h"
#include "stub_launch.h"

#define MAX_FIXED_ARGS 64

/* The manifest of a host-runtime payload. */
struct host_manifest {
    const char *entry;
    const char *interpreter;
    const char *interp_name;
    const char *launcher;
    char *fixed[MAX_FIXED_ARGS];
    int nfixed;
};

/* Reads the manifest into `m`; -1 (message printed) when a required key is missing. */
static int read_manifest(const struct stub_payload *p, struct host_manifest *m)
{
    const char *runtime = stub_payload_manifest_next(p, FROST_MF_RUNTIME, NULL);
    m->entry = stub_payload_manifest_next(p, FROST_MF_ENTRY, NULL);
    m->interpreter = stub_payload_manifest_next(p, FROST_MF_INTERPRETER, NULL);
    m->interp_name = stub_payload_manifest_next(p, FROST_MF_INTERP_NAME, NULL);
    m->launcher = stub_payload_manifest_next(p, FROST_MF_LAUNCHER, NULL);
    if (!runtime || strcmp(runtime, "host") != 0 || !m->entry || !m->interpreter ||
        !m->launcher) {
        STUB_ERROR("payload damaged: manifest lacks runtime, entry, interpreter or launcher");
        return -1;
    }
    m->nfixed = 0;
    for (const char *a = stub_payload_manifest_next(p, FROST_MF_ARG, NULL); a;
         a = stub_payload_manifest_next(p, FROST_MF_ARG, a)) {
        if (m->nfixed == MAX_FIXED_ARGS) {
            STUB_ERROR("payload damaged: more than %d fixed arguments", MAX_FIXED_ARGS);
            return -1;
        }
        m->fixed[m->nfixed++] = (char *)a;
    }
    return 0;
}

/* The interpreter to exec: the recorded absolute path, else `name` found on PATH. */
static const char *find_interpreter(const struct host_manifest *m, char *buf, size_t len)
{
    if (access(m->interpreter, X_OK) == 0)
        return m->interpreter;
    const char *path = getenv("PATH");
    if (!m->interp_name || !path || strchr(m->interp_name, '/'))
        return NULL;
    while (*path) {
        size_t dirlen = strcspn(path, ":");
        if (dirlen > 0 &&
            (size_t)snprintf(buf, len, "%.*s/%s", (int)dirlen, path, m->interp_name) < len &&
            access(buf, X_OK) == 0)
            return buf;
        path += dirlen + (path[dirlen] == ':');
    }
    return NULL;
}

/* The memfd holding what the interpreter reads, or -1 (message printed). */
static int open_script(const struct stub_payload *p, const struct host_manifest *m)
{
    char err[256] = "";
    const struct frost_entry *e = stub_payload_find(p, m->entry, strlen(m->entry));
    if (!e) {
        STUB_ERROR("payload damaged: entry '%s' missing", m->entry);
        return -1;
    }
    int fd = stub_launch_memfd(m->launcher, stub_progname, p, e, err, sizeof err);
    if (fd < 0 && err[0])
        STUB_ERROR("%s", err);
    else if (fd < 0)
        STUB_PERROR("memfd_create", "cannot hold the script in memory");
    return fd;
}

int stub_host_main(struct stub_host_ctx *ctx)
{
    struct stub_payload p;
    struct host_manifest m;
    char err[256] = "", pathbuf[4096];
    if (stub_payload_open(&p, ctx->self_path, err, sizeof err) != 0) {
        STUB_ERROR("%s", err);
        return STUB_EXIT_CANNOT_RUN;
    }
    if (read_manifest(&p, &m) != 0)
        return STUB_EXIT_CANNOT_RUN;
    const char *interp = find_interpreter(&m, pathbuf, sizeof pathbuf);
    if (!interp) {
        STUB_ERROR("interpreter %s not found (nor '%s' on PATH)", m.interpreter,
                   m.interp_name ? m.interp_name : "");
        return 127;
    }
    /* Detach first (daemon mode): what the program inherits is opened after this. */
    if (stub_daemon_setup(&p) != 0)
        return STUB_EXIT_CANNOT_RUN;
    int fd = open_script(&p, &m);
    if (fd < 0)
        return STUB_EXIT_CANNOT_RUN;
    char **argv = stub_launch_argv(m.launcher, interp, m.fixed, m.nfixed, fd, ctx->argc,
                                   ctx->argv);
    if (!argv) /* out of memory, or a launcher that needs /proc (said by stub_launch_argv) */
        return STUB_EXIT_CANNOT_RUN;
    execv(interp, argv);
    STUB_PERROR("execv", "cannot run %s", interp);
    return errno == ENOENT ? 127 : STUB_EXIT_CANNOT_RUN;
}
