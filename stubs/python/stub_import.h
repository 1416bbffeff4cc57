/* stub_import.h - importlib's _find_and_load in C for the modules of the payload.
 *
 * CPython's import statement calls importlib._bootstrap._find_and_load (Python) for every
 * module not yet in sys.modules: some forty Python calls an import (the module lock, every
 * finder on sys.meta_path, module_from_spec, _init_module_attrs, the loader), 15 of the 25 us a
 * warm import of a small module takes here. The stub puts its own _find_and_load in its place:
 * for a module or package of the payload, with sys.meta_path as the interpreter set it up and
 * no built-in or frozen module of that name, it does what importlib does, in the same order,
 * with the same module lock, module attributes, sys.modules updates and parent attribute, in C
 * and without any Python frame; anything else goes to importlib's own function. A traceback
 * from a module's import therefore shows no importlib frames, as under python3. */
#ifndef STUB_IMPORT_H
#define STUB_IMPORT_H

/* _frost.install_import(bootstrap, importer): puts _frost.find_and_load in
 * bootstrap._find_and_load, keeping the original for everything else. `importer` is the payload
 * importer on sys.meta_path, whose finders (as they are now) the fast path takes as the
 * default; modules run with the caller's builtins. Python.h must come first. */
PyObject *stub_import_install(PyObject *self, PyObject *const *args, Py_ssize_t nargs);

/* _frost.find_and_load(name, import_): importlib._bootstrap._find_and_load. */
PyObject *stub_import_find_and_load(PyObject *self, PyObject *const *args, Py_ssize_t nargs);

#endif /* STUB_IMPORT_H */
