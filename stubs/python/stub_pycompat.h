/* stub_pycompat.h - every difference between the CPython versions the Python stub builds
 * against (3.8 to 3.13), in one place. The rest of stubs/python/ is written against 3.11's
 * API; each macro or inline function here gives that API on the versions that lack it.
 *
 * C API:
 *   Py_NewRef                          3.10; before: Py_INCREF and the object
 *   PyObject_CallOneArg, _CallMethodNoArgs, PyObject_Vectorcall
 *                                      3.9; 3.8 has _PyObject_Vectorcall
 *   _PyErr_ChainExceptions             3.8-3.12; 3.12 adds _PyErr_ChainExceptions1 and 3.13
 *                                      drops the three-argument form (frost_chain_exceptions)
 * PyConfig:
 *   safe_path, stdlib_dir              3.11 (FROST_CONFIG_* below); before, sys.path[0] is
 *                                      never prepended in an isolated interpreter, and
 *                                      bootstrap.py sets sys._stdlib_dir itself
 * Frozen modules: PyImport_FrozenModules is the interpreter's whole table (importlib's
 *   bootstrap included) before 3.11 and an extra table searched first from 3.11: the stub
 *   appends the interpreter's entries to its own on every version (stub_python.c), and writes
 *   rows as {name, code, size}, the fields common to every version's struct _frozen.
 * Import machinery: _imp.find_frozen (3.11) answers None or a tuple; before it, _imp.is_frozen
 *   answers a bool (FROST_IMP_FIND_FROZEN; stub_import.c takes either). A package's spec lists
 *   the submodules being imported (_uninitialized_submodules) from 3.11; before, importlib's
 *   _find_and_load_unlocked needs only the parent's __path__ (FROST_SPEC_TRACKS_SUBMODULES).
 *   A parent that refuses its child as an attribute: ImportWarning from 3.9, the
 *   AttributeError itself in 3.8 (FROST_WARN_ON_PARENT_SETATTR).
 */
#ifndef FROST_STUB_PYCOMPAT_H
#define FROST_STUB_PYCOMPAT_H

#ifndef PY_SSIZE_T_CLEAN
#define PY_SSIZE_T_CLEAN
#endif
#include <Python.h>

#if PY_VERSION_HEX < 0x030A0000
static inline PyObject *frost_new_ref(PyObject *o)
{
    Py_INCREF(o);
    return o;
}
#define Py_NewRef(o) frost_new_ref((PyObject *)(o))
#endif

#if PY_VERSION_HEX < 0x03090000
static inline PyObject *frost_call_one_arg(PyObject *f, PyObject *arg)
{
    return _PyObject_Vectorcall(f, &arg, 1, NULL);
}
#define PyObject_CallOneArg frost_call_one_arg
#define PyObject_CallMethodNoArgs(o, name) PyObject_CallMethodObjArgs((o), (name), NULL)
#define PyObject_Vectorcall _PyObject_Vectorcall
#endif

/* Re-raises (t, v, tb), taken by PyErr_Fetch, with the current exception as its context. */
static inline void frost_chain_exceptions(PyObject *t, PyObject *v, PyObject *tb)
{
#if PY_VERSION_HEX >= 0x030C0000
    /* From 3.12 PyErr_Fetch gives (type(exc), exc, exc.__traceback__). */
    Py_XDECREF(t);
    Py_XDECREF(tb);
    if (v)
        _PyErr_ChainExceptions1(v);
#else
    _PyErr_ChainExceptions(t, v, tb);
#endif
}

#define FROST_WARN_ON_PARENT_SETATTR (PY_VERSION_HEX >= 0x03090000)

#if PY_VERSION_HEX >= 0x030B0000
#define FROST_SPEC_TRACKS_SUBMODULES 1
#define FROST_CONFIG_SAFE_PATH 1
#define FROST_CONFIG_STDLIB_DIR 1
#define FROST_IMP_FIND_FROZEN "find_frozen"
#else
#define FROST_SPEC_TRACKS_SUBMODULES 0
#define FROST_CONFIG_SAFE_PATH 0
#define FROST_CONFIG_STDLIB_DIR 0
#define FROST_IMP_FIND_FROZEN "is_frozen"
#endif

#endif
