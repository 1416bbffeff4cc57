/* stub_pymod.c - the `_frost` built-in module. Paths are payload paths ("lib/json/__init__.pyc");
 * every lookup is a binary search of the sorted index, so nothing grows with payload size. */
#define PY_SSIZE_T_CLEAN
#include "stub_pycompat.h"
#include <marshal.h>

#include "stub_pymod.h"
#include "stub_vfs.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "../common/stub_error.h"
#include "../common/stub_self.h"
#include "stub_cache.h"
#include "stub_import.h"
#include "stub_native.h"
#include "stub_prefetch.h"

#define PYC_HEADER 16

static const struct stub_payload *payload;
static const char *exe_path;

/* A fatal error: the payload is damaged. Flushes what the program printed and exits 126. */
static void damaged(const char *err)
{
    fflush(stdout);
    STUB_ERROR("%s", err);
    _exit(STUB_EXIT_CANNOT_RUN);
}

static const struct frost_entry *find_str(const char *s, size_t len)
{
    return stub_payload_find(payload, s, len);
}

/* Index of the first entry whose name is >= (name, len). */
static uint32_t lower_bound(const char *name, size_t len)
{
    uint32_t lo = 0, hi = payload->count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        size_t elen;
        const char *e = stub_payload_name(payload, &payload->entries[mid], &elen);
        int c = memcmp(e, name, elen < len ? elen : len);
        if (c < 0 || (c == 0 && elen < len))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* 1 when some entry's name starts with `dir` + "/". `dir` has room for one more byte. */
static int is_dir(char *dir, size_t len)
{
    dir[len] = '/';
    uint32_t i = lower_bound(dir, len + 1);
    int found = 0;
    if (i < payload->count) {
        size_t elen;
        const char *e = stub_payload_name(payload, &payload->entries[i], &elen);
        found = elen > len + 1 && memcmp(e, dir, len + 1) == 0;
    }
    dir[len] = '\0';
    return found;
}

int stub_pymod_lookup(const char *name, size_t len, int sep, char *path, size_t *plen,
                      const struct frost_entry **entry)
{
    *entry = NULL;
    if (len > STUB_PY_PATH_MAX - 32)
        return 0;
    memcpy(path, "lib/", 4);
    for (size_t i = 0; i < len; i++)
        path[4 + i] = name[i] == sep ? '/' : name[i];
    size_t n = 4 + len;
    memcpy(path + n, "/__init__.pyc", 14);
    if ((*entry = find_str(path, *plen = n + 13)))
        return STUB_PY_PACKAGE;
    memcpy(path + n, ".so", 4);
    if ((*entry = find_str(path, *plen = n + 3)) && (*entry)->kind == FROST_KIND_EXTENSION)
        return STUB_PY_EXTENSION;
    memcpy(path + n, ".pyc", 5);
    if ((*entry = find_str(path, *plen = n + 4)))
        return STUB_PY_MODULE;
    path[*plen = n] = '\0';
    if (!is_dir(path, n))
        return 0;
    /* A package whose __init__ is an extension module (mypyc's mypy/__init__.so). */
    memcpy(path + n, "/__init__.so", 13);
    if ((*entry = find_str(path, *plen = n + 12)) && (*entry)->kind == FROST_KIND_EXTENSION)
        return STUB_PY_EXTENSION;
    *entry = NULL;
    path[*plen = n] = '\0';
    return STUB_PY_NAMESPACE;
}

/* _frost.find(rel) -> (kind, path) | None, for rel = "json/decoder". */
static PyObject *frost_find(PyObject *self, PyObject *arg)
{
    (void)self;
    Py_ssize_t rlen;
    const char *rel = PyUnicode_AsUTF8AndSize(arg, &rlen);
    char buf[STUB_PY_PATH_MAX];
    size_t n;
    const struct frost_entry *e;
    if (!rel)
        return NULL;
    int kind = stub_pymod_lookup(rel, (size_t)rlen, '/', buf, &n, &e);
    if (!kind)
        Py_RETURN_NONE;
    return Py_BuildValue("(is#)", kind, buf, (Py_ssize_t)n);
}

static const struct frost_entry *entry_arg(PyObject *arg, const char **path)
{
    Py_ssize_t len;
    *path = PyUnicode_AsUTF8AndSize(arg, &len);
    if (!*path)
        return NULL;
    const struct frost_entry *e = find_str(*path, (size_t)len);
    if (!e) {
        errno = ENOENT;
        PyErr_SetFromErrnoWithFilenameObject(PyExc_OSError, arg);
    }
    return e;
}

static uint8_t *read_entry(const struct frost_entry *e)
{
    char err[512];
    uint8_t *buf = stub_prefetch_take_bytes(e);
    if (!buf && (stub_prefetch_dictionary(e, err, sizeof err) != 0 ||
                 stub_payload_read(payload, e, &buf, err, sizeof err) != 0))
        damaged(err);
    return buf;
}

/* _frost.read(path) -> bytes */
static PyObject *frost_read(PyObject *self, PyObject *arg)
{
    (void)self;
    const char *path;
    const struct frost_entry *e = entry_arg(arg, &path);
    if (!e)
        return NULL;
    uint8_t *buf = read_entry(e);
    PyObject *r = PyBytes_FromStringAndSize((const char *)buf, (Py_ssize_t)e->raw_size);
    free(buf);
    return r;
}

/* The code object of the .pyc entry `e` at `path`: its 16-byte header skipped. */
PyObject *stub_pymod_code(const struct frost_entry *e, const char *path)
{
    if (e->raw_size < PYC_HEADER) {
        PyErr_Format(PyExc_ImportError, "bad bytecode entry %s", path);
        return NULL;
    }
    uint8_t *buf = read_entry(e);
    PyObject *r = PyMarshal_ReadObjectFromString((const char *)buf + PYC_HEADER,
                                                 (Py_ssize_t)e->raw_size - PYC_HEADER);
    free(buf);
    return r;
}

/* _frost.code(path) -> code object of a .pyc entry. */
static PyObject *frost_code(PyObject *self, PyObject *arg)
{
    (void)self;
    const char *path;
    const struct frost_entry *e = entry_arg(arg, &path);
    return e ? stub_pymod_code(e, path) : NULL;
}

/* _frost.stat(path) -> (kind, size) for a file entry, None otherwise. */
static PyObject *frost_stat(PyObject *self, PyObject *arg)
{
    (void)self;
    Py_ssize_t len;
    const char *path = PyUnicode_AsUTF8AndSize(arg, &len);
    if (!path)
        return NULL;
    const struct frost_entry *e = find_str(path, (size_t)len);
    if (!e)
        Py_RETURN_NONE;
    return Py_BuildValue("(iK)", e->kind, (unsigned long long)e->raw_size);
}

/* _frost.isdir(path) -> bool */
static PyObject *frost_isdir(PyObject *self, PyObject *arg)
{
    (void)self;
    Py_ssize_t len;
    char buf[STUB_PY_PATH_MAX];
    const char *path = PyUnicode_AsUTF8AndSize(arg, &len);
    if (!path)
        return NULL;
    if (len >= STUB_PY_PATH_MAX - 1)
        Py_RETURN_FALSE;
    memcpy(buf, path, (size_t)len + 1);
    return PyBool_FromLong(is_dir(buf, (size_t)len));
}

/* _frost.listdir(path) -> [names directly under path], sorted. */
static PyObject *frost_listdir(PyObject *self, PyObject *arg)
{
    (void)self;
    Py_ssize_t len;
    char buf[STUB_PY_PATH_MAX];
    const char *path = PyUnicode_AsUTF8AndSize(arg, &len);
    if (!path || len >= STUB_PY_PATH_MAX - 1)
        return path ? PyList_New(0) : NULL;
    memcpy(buf, path, (size_t)len);
    buf[len] = '/';
    size_t plen = (size_t)len + 1;
    PyObject *out = PyList_New(0);
    const char *prev = NULL;
    size_t prevlen = 0;
    for (uint32_t i = lower_bound(buf, plen); out && i < payload->count; i++) {
        size_t elen;
        const char *e = stub_payload_name(payload, &payload->entries[i], &elen);
        if (elen <= plen || memcmp(e, buf, plen) != 0)
            break;
        const char *child = e + plen;
        const char *slash = memchr(child, '/', elen - plen);
        size_t clen = slash ? (size_t)(slash - child) : elen - plen;
        if (prev && prevlen == clen && memcmp(prev, child, clen) == 0)
            continue;
        prev = child;
        prevlen = clen;
        PyObject *s = PyUnicode_DecodeUTF8(child, (Py_ssize_t)clen, "surrogateescape");
        if (!s || PyList_Append(out, s) != 0)
            Py_CLEAR(out);
        Py_XDECREF(s);
    }
    return out;
}

/* _frost.manifest(key) -> [values], in order. */
static PyObject *frost_manifest(PyObject *self, PyObject *arg)
{
    (void)self;
    const char *key = PyUnicode_AsUTF8(arg);
    if (!key)
        return NULL;
    PyObject *out = PyList_New(0);
    for (const char *v = NULL; out && (v = stub_payload_manifest_next(payload, key, v));) {
        PyObject *s = PyUnicode_DecodeUTF8(v, (Py_ssize_t)strlen(v), "surrogateescape");
        if (!s || PyList_Append(out, s) != 0)
            Py_CLEAR(out);
        Py_XDECREF(s);
    }
    return out;
}

/* _frost.load_extension(path) -> "/proc/self/fd/N" (or a file of the opt-in cache on disk,
 * stub_cache.h): loads the libraries the extension needs, then puts the extension itself in a
 * memfd, for _imp.create_dynamic. */
static PyObject *frost_load_extension(PyObject *self, PyObject *arg)
{
    (void)self;
    const char *path;
    char err[512], where[PATH_MAX];
    const struct frost_entry *e = entry_arg(arg, &path);
    if (!e)
        return NULL;
    if (!stub_cache_enabled(payload) && !stub_self_has_proc_fd()) {
        PyErr_Format(PyExc_ImportError,
                     "cannot load extension %s: needs /proc mounted (extensions load from memory "
                     "as /proc/self/fd/N), or a build with --native-cache", path);
        return NULL;
    }
    if (stub_native_load_needs(payload, path, err, sizeof err) != 0) {
        if (strncmp(err, "payload damaged", 15) == 0)
            damaged(err);
        PyErr_Format(PyExc_ImportError, "%s (needed by %s)", err, path);
        return NULL;
    }
    if (stub_native_locate(payload, e, where, sizeof where, err, sizeof err) != 0)
        damaged(err);
    return PyUnicode_DecodeFSDefault(where);
}

static PyMethodDef frost_methods[] = {
    {"find", frost_find, METH_O, "find(rel) -> (kind, path) or None"},
    {"read", frost_read, METH_O, "read(path) -> bytes"},
    {"code", frost_code, METH_O, "code(path) -> code object of a .pyc entry"},
    {"stat", frost_stat, METH_O, "stat(path) -> (kind, size) or None"},
    {"isdir", frost_isdir, METH_O, "isdir(path) -> bool"},
    {"listdir", frost_listdir, METH_O, "listdir(path) -> [names]"},
    {"manifest", frost_manifest, METH_O, "manifest(key) -> [values]"},
    {"load_extension", frost_load_extension, METH_O, "load_extension(path) -> fd path"},
    {"find_and_load", (PyCFunction)(void (*)(void))stub_import_find_and_load, METH_FASTCALL,
     "find_and_load(name, import_) -> module (importlib's _find_and_load)"},
    {"install_import", (PyCFunction)(void (*)(void))stub_import_install, METH_FASTCALL,
     "install_import(bootstrap, importer, builtins) -> bool"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef frost_module = {
    PyModuleDef_HEAD_INIT, "_frost", "The payload of this Frost executable.", -1, frost_methods,
    NULL, NULL, NULL, NULL,
};

static PyObject *init_frost(void)
{
    PyObject *m = PyModule_Create(&frost_module);
    if (!m)
        return NULL;
    PyObject *exe = PyUnicode_DecodeUTF8(exe_path, (Py_ssize_t)strlen(exe_path), "surrogateescape");
    if (!exe || PyModule_AddObject(m, "executable", exe) != 0) {
        Py_XDECREF(exe);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}

const char *stub_pymod_executable(void)
{
    return exe_path;
}

int stub_pymod_register(const struct stub_payload *p, const char *executable)
{
    payload = p;
    exe_path = executable;
    stub_vfs_init(p, executable);
    return PyImport_AppendInittab("_frost", init_frost);
}
