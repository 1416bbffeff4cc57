/* stub_import.c - importlib's _find_and_load in C for the modules of the payload (see
 * stub_import.h). The functions' comments name the code of Lib/importlib/_bootstrap.py (3.11)
 * they follow; where that code would do anything this file does not (a changed sys.meta_path, a
 * parent that is not a package, a module already in sys.modules), the work goes back to
 * importlib's own function at a point where nothing differs yet. */
#define PY_SSIZE_T_CLEAN
#include "stub_pycompat.h"

#include "stub_import.h"

#include <string.h>

#include "stub_pymod.h"

static struct {
    PyObject *original;     /* importlib's _find_and_load */
    PyObject *unlocked;     /* importlib's _find_and_load_unlocked */
    PyObject *module_lock;  /* importlib's _get_module_lock */
    PyObject *importer;     /* the payload importer */
    PyObject *finders;      /* sys.meta_path when installed, as a tuple */
    PyObject *builtins;     /* the builtins dict that modules run with */
    PyObject *is_builtin;   /* _imp.is_builtin */
    PyObject *find_frozen;  /* _imp.find_frozen */
    PyObject *fix_filename; /* _imp._fix_co_filename */
    PyObject *sysdict;      /* sys.__dict__ */
} st;

/* A module or package of the payload that the fast path loads. */
struct found {
    int kind;                    /* STUB_PY_MODULE or STUB_PY_PACKAGE */
    const struct frost_entry *e; /* its .pyc entry */
    size_t plen;
    char path[STUB_PY_PATH_MAX]; /* its payload path, as _frost.find gives it */
};

/* Interned attribute names. */
static PyObject *s_modules, *s_meta_path, *s_acquire, *s_release, *s_initializing,
    *s_uninitialized, *s_path, *s_spec, *s_package, *s_loader, *s_file, *s_cached, *s_spec_cached,
    *s_origin, *s_locations, *s_make_spec, *s_pop, *s_builtins, *s_syspath;

/* sys.modules or sys.meta_path (borrowed), looked up each time as importlib does; NULL when
 * missing. (PySys_GetObject makes a str of the name at every call.) */
static PyObject *sys_get(PyObject *name)
{
    PyObject *v = PyDict_GetItemWithError(st.sysdict, name);
    if (!v)
        PyErr_Clear();
    return v;
}

/* sys.modules, or NULL with an exception when the program has deleted it. */
static PyObject *modules_or_error(void)
{
    PyObject *modules = sys_get(s_modules);
    if (!modules)
        PyErr_SetString(PyExc_RuntimeError, "lost sys.modules");
    return modules;
}

/* 1 when sys.meta_path holds the finders it held at install time, in that order. */
static int default_finders(void)
{
    PyObject *mp = sys_get(s_meta_path);
    Py_ssize_t n = PyTuple_GET_SIZE(st.finders);
    if (!mp || !PyList_CheckExact(mp) || PyList_GET_SIZE(mp) != n)
        return 0;
    for (Py_ssize_t i = 0; i < n; i++)
        if (PyList_GET_ITEM(mp, i) != PyTuple_GET_ITEM(st.finders, i))
            return 0;
    return 1;
}

/* 1 when a finder ahead of the payload importer takes `name` (BuiltinImporter, for top-level
 * names only as its find_spec returns None when given a path; FrozenImporter), or when asking
 * fails: importlib then asks again and raises what it raises. */
static int shadowed(PyObject *name, int toplevel)
{
    int yes = 1;
    PyObject *r = toplevel ? PyObject_CallOneArg(st.is_builtin, name) : Py_NewRef(Py_False);
    if (r && (yes = PyObject_IsTrue(r)) == 0) {
        Py_DECREF(r);
        r = PyObject_CallOneArg(st.find_frozen, name);
        yes = !r || (r != Py_None && r != Py_False); /* find_frozen or is_frozen */
    }
    Py_XDECREF(r);
    PyErr_Clear();
    return yes != 0;
}

/* 1 when the parent package `name` (`len` bytes) in `modules` has the __path__ the payload
 * gives it, [<executable>/lib/a/b]; 0 for one whose __path__ was changed (setuptools'
 * distutils shim puts setuptools._distutils in its place; pkgutil.extend_path adds folders),
 * which importlib searches as python3 would. */
static int parent_is_payloads(PyObject *modules, const char *name, size_t len)
{
    char want[STUB_PY_PATH_MAX];
    const char *exe = stub_pymod_executable();
    size_t elen = strlen(exe);
    if (elen + 5 + len >= sizeof want)
        return 0;
    memcpy(want, exe, elen);
    memcpy(want + elen, "/lib/", 5);
    for (size_t i = 0; i < len; i++)
        want[elen + 5 + i] = name[i] == '.' ? '/' : name[i];
    PyObject *key = PyUnicode_FromStringAndSize(name, (Py_ssize_t)len);
    PyObject *parent = key ? PyObject_GetItem(modules, key) : NULL;
    PyObject *path = parent ? PyObject_GetAttr(parent, s_path) : NULL;
    int same = 0;
    if (path && PyList_CheckExact(path) && PyList_GET_SIZE(path) == 1 &&
        PyUnicode_Check(PyList_GET_ITEM(path, 0))) {
        Py_ssize_t plen;
        const char *p = PyUnicode_AsUTF8AndSize(PyList_GET_ITEM(path, 0), &plen);
        same = p && (size_t)plen == elen + 5 + len && memcmp(p, want, (size_t)plen) == 0;
    }
    Py_XDECREF(path);
    Py_XDECREF(parent);
    Py_XDECREF(key);
    PyErr_Clear();
    return same;
}

/* 1 when sys.path names a folder inside the payload (`<executable>/lib/X`) before the
 * payload's root (`<executable>/lib`): a top-level name may then come from that folder, as
 * python3 searches sys.path in order (opencv's loader puts cv2/ first to import its extension
 * as `cv2`); the payload importer's find_spec decides. */
static int subfolder_first(void)
{
    PyObject *path = sys_get(s_syspath);
    const char *exe = stub_pymod_executable();
    size_t elen = exe ? strlen(exe) : 0;
    if (!path || !exe || !PyList_CheckExact(path))
        return 0;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(path); i++) {
        PyObject *item = PyList_GET_ITEM(path, i);
        Py_ssize_t n;
        const char *s = PyUnicode_Check(item) ? PyUnicode_AsUTF8AndSize(item, &n) : NULL;
        if (!s) {
            PyErr_Clear();
            continue;
        }
        if ((size_t)n < elen + 4 || memcmp(s, exe, elen) != 0 || memcmp(s + elen, "/lib", 4) != 0)
            continue;
        if ((size_t)n == elen + 4)
            return 0;
        if (s[elen + 4] == '/')
            return 1;
    }
    return 0;
}

/* 1 when the fast path takes `name` (a module or package of the payload, not in sys.modules,
 * not taken by an earlier finder, sys.meta_path as installed), filling `f`; 0 when it does
 * not, -1 on error. */
static int candidate(PyObject *name, struct found *f)
{
    PyObject *modules = sys_get(s_modules);
    if (!PyUnicode_Check(name) || !modules || !default_finders())
        return 0;
    int present = PySequence_Contains(modules, name);
    if (present != 0)
        return present < 0 ? -1 : 0;
    Py_ssize_t len;
    const char *utf8 = PyUnicode_AsUTF8AndSize(name, &len);
    if (!utf8) {
        PyErr_Clear();
        return 0;
    }
    const char *dot = memrchr(utf8, '.', (size_t)len);
    if (dot ? !parent_is_payloads(modules, utf8, (size_t)(dot - utf8)) : subfolder_first())
        return 0;
    f->kind = stub_pymod_lookup(utf8, (size_t)len, '.', f->path, &f->plen, &f->e);
    if (f->kind != STUB_PY_MODULE && f->kind != STUB_PY_PACKAGE)
        return 0;
    return !shadowed(name, memchr(utf8, '.', (size_t)len) == NULL);
}

/* A `finally:` clause's step, keeping the exception being raised, if any: obj.attr = value,
 * or with `value` NULL, obj.attr(). Returns -1 when the step itself fails. */
static int finally(PyObject *obj, PyObject *attr, PyObject *value)
{
    PyObject *t, *v, *tb;
    PyErr_Fetch(&t, &v, &tb);
    PyObject *r = value ? NULL : PyObject_CallMethodNoArgs(obj, attr);
    int rc = value ? PyObject_SetAttr(obj, attr, value) : r ? 0 : -1;
    Py_XDECREF(r);
    if (t)
        frost_chain_exceptions(t, v, tb);
    return rc;
}

/* module_from_spec(spec) for a payload module: a new module with the attributes
 * _init_module_attrs gives it, in the same order (`origin` is spec.origin). */
static PyObject *new_module(PyObject *name, PyObject *spec, PyObject *origin, PyObject *package,
                            int kind)
{
    PyObject *module = PyModule_NewObject(name), *cached = NULL, *locs = NULL;
    if (!module || PyObject_SetAttr(module, s_package, package) != 0 ||
        PyObject_SetAttr(module, s_loader, st.importer) != 0 ||
        PyObject_SetAttr(module, s_spec, spec) != 0)
        goto fail;
    if (kind == STUB_PY_PACKAGE && (!(locs = PyObject_GetAttr(spec, s_locations)) ||
                                    PyObject_SetAttr(module, s_path, locs) != 0))
        goto fail;
    if (PyObject_SetAttr(module, s_file, origin) != 0 ||
        !(cached = PyObject_GetAttr(spec, s_spec_cached)) ||
        (cached != Py_None && PyObject_SetAttr(module, s_cached, cached) != 0))
        goto fail;
    goto done;
fail:
    Py_CLEAR(module);
done:
    Py_XDECREF(cached);
    Py_XDECREF(locs);
    return module;
}

/* FrostImporter.exec_module(module): the entry's code, named `origin`, run in the module's
 * namespace as exec() runs it (with __builtins__ added when missing). */
static int exec_module(PyObject *module, PyObject *origin, const struct found *f)
{
    PyObject *code = stub_pymod_code(f->e, f->path), *r = NULL;
    PyObject *globals = PyModule_GetDict(module);
    if (!code || !globals)
        goto done;
    if (!PyCode_Check(code)) {
        PyErr_Format(PyExc_ImportError, "bad bytecode entry %s", f->path);
        goto done;
    }
    if (!(r = PyObject_CallFunctionObjArgs(st.fix_filename, code, origin, NULL)))
        goto done;
    Py_DECREF(r);
    int has = PyDict_Contains(globals, s_builtins);
    if (has < 0 || (has == 0 && PyDict_SetItem(globals, s_builtins, st.builtins) != 0))
        r = NULL;
    else
        r = PyEval_EvalCode(code, globals, globals);
done:
    Py_XDECREF(code);
    Py_XDECREF(r);
    return r ? 0 : -1;
}

/* _load_unlocked(spec), past module_from_spec: sys.modules holds the module while it runs
 * (and not after a failure), then moves to the end; returns what sys.modules then holds. */
static PyObject *run_module(PyObject *name, PyObject *spec, PyObject *module, PyObject *origin,
                            const struct found *f)
{
    PyObject *modules, *result = NULL;
    if (PyObject_SetAttr(spec, s_initializing, Py_True) != 0)
        return NULL;
    if (!(modules = modules_or_error()) || PyObject_SetItem(modules, name, module) != 0)
        goto done;
    if (exec_module(module, origin, f) != 0) {
        PyObject *t, *v, *tb;
        PyErr_Fetch(&t, &v, &tb);
        modules = sys_get(s_modules);
        if (modules && PyObject_DelItem(modules, name) != 0 &&
            PyErr_ExceptionMatches(PyExc_KeyError))
            PyErr_Clear();
        frost_chain_exceptions(t, v, tb);
        goto done;
    }
    if ((modules = modules_or_error()) && (result = PyObject_GetItem(modules, name)) &&
        (PyObject_DelItem(modules, name) != 0 || PyObject_SetItem(modules, name, result) != 0))
        Py_CLEAR(result);
done:
    if (finally(spec, s_initializing, Py_False) != 0)
        Py_CLEAR(result);
    return result;
}

/* The parent package of a submodule, as _find_and_load_unlocked looks at it after importing
 * it: the list its spec tracks submodules being imported in goes to `pending` (NULL when
 * the spec is false, or before 3.11: FROST_SPEC_TRACKS_SUBMODULES). Returns 1, or 0 when the
 * parent is not what the fast path handles (no __path__; from 3.11 no __spec__ or no such
 * list): importlib then raises what it raises. */
static int parent_of(PyObject *parent, PyObject **pending)
{
    PyObject *modules = sys_get(s_modules), *pmodule = NULL, *spec = NULL;
    *pending = NULL;
    int ok = 0;
    if (modules && (pmodule = PyObject_GetItem(modules, parent)) &&
        PyObject_HasAttr(pmodule, s_path)) {
#if FROST_SPEC_TRACKS_SUBMODULES
        if ((spec = PyObject_GetAttr(pmodule, s_spec))) {
            int truth = PyObject_IsTrue(spec);
            ok = truth == 0 ||
                 (truth > 0 && (*pending = PyObject_GetAttr(spec, s_uninitialized)) &&
                  PyList_Check(*pending));
        }
#else
        ok = 1;
#endif
    }
    PyErr_Clear();
    Py_XDECREF(pmodule);
    Py_XDECREF(spec);
    if (!ok)
        Py_CLEAR(*pending);
    return ok;
}

/* Sets the module as an attribute of its parent, warning as importlib does when it cannot
 * (raising in 3.8). */
static int set_on_parent(PyObject *parent, PyObject *child, PyObject *module)
{
    PyObject *modules = modules_or_error();
    if (!modules)
        return -1;
    PyObject *pmodule = PyObject_GetItem(modules, parent);
    if (!pmodule)
        return -1;
    int rc = PyObject_SetAttr(pmodule, child, module);
    Py_DECREF(pmodule);
    if (FROST_WARN_ON_PARENT_SETATTR && rc != 0 && PyErr_ExceptionMatches(PyExc_AttributeError)) {
        PyErr_Clear();
        rc = PyErr_WarnFormat(PyExc_ImportWarning, 1,
                              "Cannot set an attribute on %R for child module %R", parent, child);
    }
    return rc;
}

/* Spec, module, run, with the parent's list of submodules being imported kept as importlib
 * keeps it. */
static PyObject *load(PyObject *name, PyObject *child, PyObject *package, PyObject *pending,
                      const struct found *f)
{
    PyObject *spec = NULL, *origin = NULL, *module = NULL, *result = NULL;
    PyObject *found = Py_BuildValue("(is#)", f->kind, f->path, (Py_ssize_t)f->plen);
    if (!found ||
        !(spec = PyObject_CallMethodObjArgs(st.importer, s_make_spec, name, found, NULL)) ||
        !(origin = PyObject_GetAttr(spec, s_origin)) ||
        !(module = new_module(name, spec, origin, package, f->kind)))
        goto done;
    if (pending && PyList_Append(pending, child) != 0)
        goto done;
    result = run_module(name, spec, module, origin, f);
    if (pending && finally(pending, s_pop, NULL) != 0)
        Py_CLEAR(result);
done:
    Py_XDECREF(found);
    Py_XDECREF(spec);
    Py_XDECREF(origin);
    Py_XDECREF(module);
    return result;
}

/* _find_and_load_unlocked(name, import_) for a candidate; the module lock is held. */
static PyObject *load_unlocked(PyObject *name, PyObject *import_, const struct found *f)
{
    PyObject *parent = NULL, *child = NULL, *pending = NULL, *result = NULL;
    Py_ssize_t len = PyUnicode_GET_LENGTH(name);
    Py_ssize_t dot = PyUnicode_FindChar(name, '.', 0, len, -1);
    if (dot == -2)
        return NULL;
    int fast = 1;
    if (dot >= 0) {
        PyObject *modules = sys_get(s_modules);
        if (!(parent = PyUnicode_Substring(name, 0, dot)) ||
            !(child = PyUnicode_Substring(name, dot + 1, len)))
            goto done;
        int present = modules ? PySequence_Contains(modules, parent) : 0;
        if (present < 0)
            goto done;
        if (!present) {
            PyObject *r = PyObject_CallOneArg(import_, parent);
            if (!r)
                goto done;
            Py_DECREF(r);
        }
        modules = sys_get(s_modules);
        present = modules ? PySequence_Contains(modules, name) : 1;
        if (present < 0)
            goto done;
        fast = present == 0 && parent_of(parent, &pending);
    }
    if (!fast || !default_finders()) {
        result = PyObject_CallFunctionObjArgs(st.unlocked, name, import_, NULL);
        goto done;
    }
    PyObject *package = f->kind == STUB_PY_PACKAGE ? name : parent;
    if (!package)
        package = PyUnicode_New(0, 0);
    else
        Py_INCREF(package);
    if (package)
        result = load(name, child, package, pending, f);
    Py_XDECREF(package);
    if (result && parent && set_on_parent(parent, child, result) != 0)
        Py_CLEAR(result);
done:
    Py_XDECREF(parent);
    Py_XDECREF(child);
    Py_XDECREF(pending);
    return result;
}

/* _find_and_load(name, import_): under the module's lock, as `with _ModuleLockManager(name)`;
 * a module that appeared in sys.modules meanwhile goes to importlib's function. */
static PyObject *locked_load(PyObject *const *args, const struct found *f)
{
    PyObject *name = args[0], *result = NULL;
    PyObject *lock = PyObject_CallOneArg(st.module_lock, name);
    PyObject *r = lock ? PyObject_CallMethodNoArgs(lock, s_acquire) : NULL;
    if (!r) {
        Py_XDECREF(lock);
        return NULL;
    }
    Py_DECREF(r);
    PyObject *modules = sys_get(s_modules);
    int present = modules ? PySequence_Contains(modules, name) : 1;
    if (present == 0)
        result = load_unlocked(name, args[1], f);
    int released = finally(lock, s_release, NULL);
    Py_DECREF(lock);
    if (released != 0)
        Py_CLEAR(result);
    else if (present > 0)
        result = PyObject_Vectorcall(st.original, args, 2, NULL);
    return result;
}

PyObject *stub_import_find_and_load(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    (void)self;
    struct found f;
    if (nargs != 2 || !st.original) {
        PyErr_SetString(PyExc_TypeError, "find_and_load(name, import_) after install_import");
        return NULL;
    }
    int fast = candidate(args[0], &f);
    if (fast < 0)
        return NULL;
    if (fast == 0)
        return PyObject_Vectorcall(st.original, args, 2, NULL);
    return locked_load(args, &f);
}

static int intern_names(void)
{
    struct {
        PyObject **slot;
        const char *s;
    } names[] = {
        {&s_modules, "modules"},     {&s_meta_path, "meta_path"},
        {&s_acquire, "acquire"},     {&s_release, "release"},
        {&s_initializing, "_initializing"},
        {&s_uninitialized, "_uninitialized_submodules"},
        {&s_path, "__path__"},       {&s_spec, "__spec__"},
        {&s_package, "__package__"}, {&s_loader, "__loader__"},
        {&s_file, "__file__"},       {&s_cached, "__cached__"},
        {&s_spec_cached, "cached"},
        {&s_origin, "origin"},       {&s_locations, "submodule_search_locations"},
        {&s_make_spec, "_spec"},     {&s_pop, "pop"},
        {&s_builtins, "__builtins__"},
        {&s_syspath, "path"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!*names[i].slot && !(*names[i].slot = PyUnicode_InternFromString(names[i].s)))
            return -1;
    return 0;
}

/* Takes what install needs; 0 when sys.meta_path is not [BuiltinImporter, FrozenImporter,
 * importer, ...] (the fast path would then not know what finds what). */
static int take(PyObject *bootstrap, PyObject *importer)
{
    PyObject *builtins = PyEval_GetBuiltins(); /* of the caller, bootstrap.py */
    PyObject *imp = PyImport_ImportModule("_imp"), *sys = PyImport_ImportModule("sys");
    PyObject *mp = PySys_GetObject("meta_path");
    PyObject *bi = PyObject_GetAttrString(bootstrap, "BuiltinImporter");
    PyObject *fi = PyObject_GetAttrString(bootstrap, "FrozenImporter");
    int ok = imp && sys && bi && fi && mp && PyList_Check(mp) && PyList_GET_SIZE(mp) >= 3 &&
             PyList_GET_ITEM(mp, 0) == bi && PyList_GET_ITEM(mp, 1) == fi &&
             PyList_GET_ITEM(mp, 2) == importer && builtins;
    Py_XDECREF(bi);
    Py_XDECREF(fi);
    if (ok && (!(st.finders = PyList_AsTuple(mp)) ||
               !(st.original = PyObject_GetAttrString(bootstrap, "_find_and_load")) ||
               !(st.unlocked = PyObject_GetAttrString(bootstrap, "_find_and_load_unlocked")) ||
               !(st.module_lock = PyObject_GetAttrString(bootstrap, "_get_module_lock")) ||
               !(st.is_builtin = PyObject_GetAttrString(imp, "is_builtin")) ||
               !(st.find_frozen = PyObject_GetAttrString(imp, FROST_IMP_FIND_FROZEN)) ||
               !(st.fix_filename = PyObject_GetAttrString(imp, "_fix_co_filename"))))
        ok = -1;
    if (ok > 0) {
        st.sysdict = Py_NewRef(PyModule_GetDict(sys));
        st.importer = Py_NewRef(importer);
        st.builtins = Py_NewRef(builtins);
    } else if (ok == 0) {
        PyErr_Clear();
    }
    Py_XDECREF(imp);
    Py_XDECREF(sys);
    return ok;
}

PyObject *stub_import_install(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "install_import(bootstrap, importer)");
        return NULL;
    }
    if (st.original)
        Py_RETURN_FALSE;
    int ok = intern_names() == 0 ? take(args[0], args[1]) : -1;
    PyObject *fn = ok > 0 ? PyObject_GetAttrString(self, "find_and_load") : NULL;
    if (ok > 0 && (!fn || PyObject_SetAttrString(args[0], "_find_and_load", fn) != 0))
        ok = -1;
    Py_XDECREF(fn);
    if (ok <= 0) {
        Py_CLEAR(st.original); /* find_and_load refuses to run without it */
        if (ok < 0)
            return NULL;
        Py_RETURN_FALSE;
    }
    Py_RETURN_TRUE;
}
