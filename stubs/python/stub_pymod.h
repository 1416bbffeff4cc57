/* stub_pymod.h - the built-in module `_frost`: the payload as seen by the bootstrap importer
 * (lookup, listing, reading, unmarshalling, loading extension modules from memory). */
#ifndef STUB_PYMOD_H
#define STUB_PYMOD_H

#include "../common/stub_payload.h"

/* Module kinds returned by _frost.find(). */
enum stub_pymod_kind {
    STUB_PY_PACKAGE = 1,   /* lib/NAME/__init__.pyc */
    STUB_PY_MODULE = 2,    /* lib/NAME.pyc */
    STUB_PY_EXTENSION = 3, /* lib/NAME.so, kind extension */
    STUB_PY_NAMESPACE = 4, /* lib/NAME/ holds entries but no __init__.pyc */
};

/* Room for a payload path of a module (longer names are not in any payload). */
#define STUB_PY_PATH_MAX 4096

/* The kind of module `name` in the payload (enum stub_pymod_kind), 0 when it has none; its
 * path goes to `path` (STUB_PY_PATH_MAX bytes, NUL-terminated), its length to `plen` and its
 * entry to `entry` (NULL for a namespace package). `sep` separates the name's parts: '/'
 * ("json/decoder") or '.' ("json.decoder"). */
int stub_pymod_lookup(const char *name, size_t len, int sep, char *path, size_t *plen,
                      const struct frost_entry **entry);

/* The code object of the .pyc entry `e` at `path` (Python.h must come first); NULL with an
 * exception set. Exits 126 when the entry is damaged. */
PyObject *stub_pymod_code(const struct frost_entry *e, const char *path);

/* Registers `_frost` as a built-in module (PyImport_AppendInittab); call before initializing
 * the interpreter. `p` and `executable` must outlive it. */
int stub_pymod_register(const struct stub_payload *p, const char *executable);

/* The executable's path given to stub_pymod_register (the root of every __file__). */
const char *stub_pymod_executable(void);

#endif /* STUB_PYMOD_H */
