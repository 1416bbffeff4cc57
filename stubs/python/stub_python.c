/* stub_python.c - start-up of the self-contained Python stub.
 *
 * The interpreter is configured isolated (no PYTHON* variable, no site, no user site, no
 * script directory on sys.path) with sys.path = ["<executable>/lib"], prefixes pointing inside
 * the executable (paths that can never exist), and two-phase initialization: the core is
 * started, the payload importer (the frozen module _frost_bootstrap, made from bootstrap.py at
 * build time) is put on sys.meta_path, and only then the main phase imports `encodings`. */
#define PY_SSIZE_T_CLEAN
#include "stub_pycompat.h"

#include "stub_python.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/stub_daemon.h"
#include "../common/stub_error.h"
#include "../common/stub_payload.h"
#include "../common/stub_self.h"
#include "frost_frozen.h"
#include "stub_hugepage.h"
#include "stub_prefetch.h"
#include "stub_pymod.h"

#define XSTR(x) STR(x)
#define STR(x) #x
#define PY_MM XSTR(PY_MAJOR_VERSION) "." XSTR(PY_MINOR_VERSION)

/* The embedded interpreter's version, installation (sys.base_prefix), bytecode magic and
 * built-in + frozen module names, read by `frost build` from the stub file (section
 * .frost_python): it refuses bytecode of another version and leaves out what the interpreter
 * already holds. */
__attribute__((used, section(".frost_python"))) static const char python_abi[] =
    "python-version=" PY_MM "\0full-version=" PY_VERSION "\0prefix=" FROST_PY_PREFIX
    "\0magic=" FROST_PY_MAGIC "\0provided=" FROST_PY_PROVIDED;

static struct stub_payload payload;
static char exe[PATH_MAX];

/* The file holding the payload: our own, or (started by the compact loader, which execs this
 * stub from a memfd) the one whose descriptor FROST_PAYLOAD_FD names, then `*handed`, else -1.
 * Sets `exe`, the absolute name of that file (stub_self_path when /proc is not mounted). */
static int payload_path(char *path, size_t len, int *handed, const char *argv0)
{
    const char *fd = getenv(FROST_PAYLOAD_FD);
    *handed = -1;
    snprintf(path, len, "/proc/self/exe");
    if (fd && *fd && strspn(fd, "0123456789") == strlen(fd) && strlen(fd) < 8) {
        *handed = atoi(fd);
        snprintf(path, len, "/proc/self/fd/%d", *handed);
    }
    unsetenv(FROST_PAYLOAD_FD);
    ssize_t n = readlink(path, exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        return 0;
    }
    /* No /proc: the handed descriptor is still read through itself; the name comes from
     * AT_EXECFN, argv[0] or PATH (a compact loader's exec from a memfd leaves argv[0]). */
    if (stub_self_path(exe, sizeof exe, argv0, 1) != 0)
        return -1;
    if (*handed < 0)
        snprintf(path, len, "%s", exe);
    return 0;
}

/* Opens the payload (taking over a handed descriptor) and checks that it is for this
 * interpreter. Returns 0, or -1 after printing why not. */
static int open_payload(const char *argv0)
{
    char err[512], path[PATH_MAX];
    int handed;
    if (payload_path(path, sizeof path, &handed, argv0) != 0) {
        if (handed >= 0)
            close(handed);
        return -1;
    }
    int rc = handed >= 0 ? stub_payload_open_fd(&payload, handed, err, sizeof err)
                         : stub_payload_open(&payload, path, err, sizeof err);
    if (rc != 0) {
        STUB_ERROR("%s", err);
        return -1;
    }
    const char *rt = stub_payload_manifest_next(&payload, FROST_MF_RUNTIME, NULL);
    const char *ver = stub_payload_manifest_next(&payload, FROST_MF_PYTHON_VERSION, NULL);
    if (!rt || strcmp(rt, "python") != 0) {
        STUB_ERROR("payload damaged: not a Python payload");
        return -1;
    }
    if (!ver || strcmp(ver, PY_MM) != 0) {
        STUB_ERROR("payload built for Python %s, but this executable embeds Python %s",
                   ver ? ver : "?", PY_MM);
        return -1;
    }
    return 0;
}

/* Sets a path field of `c` to exe + suffix. */
static PyStatus set_path(PyConfig *c, wchar_t **field, const char *suffix)
{
    char buf[PATH_MAX + 16];
    snprintf(buf, sizeof buf, "%s%s", exe, suffix);
    return PyConfig_SetBytesString(c, field, buf);
}

static PyStatus set_search_path(PyConfig *c)
{
    char buf[PATH_MAX + 16];
    snprintf(buf, sizeof buf, "%s/lib", exe);
    wchar_t *w = Py_DecodeLocale(buf, NULL);
    if (!w)
        return PyStatus_NoMemory();
    c->module_search_paths_set = 1;
    PyStatus st = PyWideStringList_Append(&c->module_search_paths, w);
    PyMem_RawFree(w);
    return st;
}

static PyStatus preinitialize(void)
{
    PyPreConfig pre;
    PyPreConfig_InitPythonConfig(&pre);
    pre.isolated = 1;
    pre.use_environment = 0;
    pre.parse_argv = 0;
    return Py_PreInitialize(&pre);
}

/* Fills `c`: isolated, argv as given, every path inside the executable. */
static PyStatus configure(PyConfig *c, struct stub_python_context *ctx)
{
    PyConfig_InitPythonConfig(c);
    c->isolated = 1;
    c->use_environment = 0;
    c->user_site_directory = 0;
    c->site_import = 0;
#if FROST_CONFIG_SAFE_PATH
    c->safe_path = 1;
#endif
    c->write_bytecode = 0;
    c->parse_argv = 0;
    c->pathconfig_warnings = 0;
    c->install_signal_handlers = 1;
    c->buffered_stdio = !stub_payload_manifest_next(&payload, FROST_MF_PYTHON_UNBUFFERED, NULL);
    const char *opt = stub_payload_manifest_next(&payload, FROST_MF_PYTHON_OPTIMIZE, NULL);
    c->optimization_level = opt && (opt[0] == '1' || opt[0] == '2') && !opt[1] ? opt[0] - '0' : 0;
    c->_init_main = 0;
    PyStatus st = PyConfig_SetBytesArgv(c, ctx->argc, ctx->argv);
    if (PyStatus_Exception(st))
        return st;
    wchar_t **fields[] = {&c->executable, &c->base_executable, &c->home, &c->prefix,
                          &c->base_prefix, &c->exec_prefix, &c->base_exec_prefix};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        st = set_path(c, fields[i], "");
        if (PyStatus_Exception(st))
            return st;
    }
#if FROST_CONFIG_STDLIB_DIR
    st = set_path(c, &c->stdlib_dir, "/lib");
    if (PyStatus_Exception(st))
        return st;
#endif
    st = PyConfig_SetBytesString(c, &c->program_name, ctx->argv[0] ? ctx->argv[0] : exe);
    if (PyStatus_Exception(st))
        return st;
    return set_search_path(c);
}

/* Calls _frost_bootstrap.<name>() and returns its result (new reference) or NULL. */
static PyObject *call_bootstrap(const char *name)
{
    PyObject *mod = PyImport_ImportModule("_frost_bootstrap");
    if (!mod)
        return NULL;
    PyObject *r = PyObject_CallMethod(mod, name, NULL);
    Py_DECREF(mod);
    return r;
}

/* Core phase, importer, main phase. Returns -1 after printing why it failed, or an exit status
 * (>= 0) when initialization asked to exit; 0 = continue. */
static int initialize(struct stub_python_context *ctx)
{
    PyConfig c;
    PyStatus st = preinitialize();
    if (!PyStatus_Exception(st)) {
        const char *huge = stub_payload_manifest_next(&payload, FROST_MF_PYTHON_HUGE_PAGES, NULL);
        if (!huge || strcmp(huge, "0") != 0)
            stub_hugepage_install();
        st = configure(&c, ctx);
    }
    if (!PyStatus_Exception(st))
        st = Py_InitializeFromConfig(&c);
    PyConfig_Clear(&c);
    if (PyStatus_Exception(st))
        goto fail;
    PyObject *r = call_bootstrap("install");
    if (!r) {
        PyErr_Print();
        return -1;
    }
    Py_DECREF(r);
    st = _Py_InitializeMain();
    if (!PyStatus_Exception(st))
        return 0;
fail:
    if (PyStatus_IsExit(st))
        return st.exitcode;
    Py_ExitStatusException(st);
}

/* Exits by SIGINT, as python3 does after an uncaught KeyboardInterrupt. */
static void exit_sigint(void)
{
    signal(SIGINT, SIG_DFL);
    kill(getpid(), SIGINT);
    _exit(128 + SIGINT);
}

/* Runs the program: bootstrap.prepare() returns (code, globals); evaluating the code here keeps
 * the importer's frames out of tracebacks. */
static int run(void)
{
    int status = 0;
    int sigint = 0;
    PyObject *res = NULL;
    PyObject *prep = call_bootstrap("prepare");
    if (prep && PyTuple_Check(prep) && PyTuple_GET_SIZE(prep) == 2)
        res = PyEval_EvalCode(PyTuple_GET_ITEM(prep, 0), PyTuple_GET_ITEM(prep, 1),
                              PyTuple_GET_ITEM(prep, 1));
    else if (prep)
        PyErr_SetString(PyExc_RuntimeError, "frost: bad bootstrap");
    if (!res) {
        sigint = PyErr_ExceptionMatches(PyExc_KeyboardInterrupt);
        PyErr_Print(); /* SystemExit: finalizes and exits with its code */
        status = 1;
    }
    Py_XDECREF(res);
    Py_XDECREF(prep);
    if (Py_FinalizeEx() < 0)
        status = 120;
    if (sigint)
        exit_sigint();
    return status;
}

/* Puts the stub's frozen modules ahead of the interpreter's own table (which before 3.11 is
 * all of them, importlib's bootstrap included: stub_pycompat.h). */
static int install_frozen(void)
{
    size_t ours = sizeof frost_frozen_modules / sizeof frost_frozen_modules[0] - 1, theirs = 0;
    const struct _frozen *old = PyImport_FrozenModules;
    while (old && old[theirs].name)
        theirs++;
    struct _frozen *table = calloc(ours + theirs + 1, sizeof *table);
    if (!table) {
        STUB_ERROR("out of memory");
        return -1;
    }
    memcpy(table, frost_frozen_modules, ours * sizeof *table);
    if (theirs)
        memcpy(table + ours, old, theirs * sizeof *table);
    PyImport_FrozenModules = table;
    return 0;
}

int stub_main(struct stub_python_context *ctx)
{
    stub_set_progname(ctx->argc, ctx->argv);
    if (open_payload(ctx->argc > 0 ? ctx->argv[0] : NULL) != 0)
        return STUB_EXIT_CANNOT_RUN;
    if (install_frozen() != 0)
        return STUB_EXIT_CANNOT_RUN;
    if (stub_pymod_register(&payload, exe) != 0)
        return STUB_EXIT_CANNOT_RUN;
    /* Detach before the interpreter starts, so that it sees the daemon's environment. */
    if (stub_daemon_setup(&payload) != 0)
        return STUB_EXIT_CANNOT_RUN;
    stub_prefetch_start(&payload);
    int rc = initialize(ctx);
    if (rc != 0)
        return rc < 0 ? STUB_EXIT_CANNOT_RUN : rc;
    return run();
}
