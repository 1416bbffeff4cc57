"""Frost's importer: modules, C extensions, data and metadata from the payload of the running
executable, nothing from the file system.

Frozen into the stub as `_frost_bootstrap` (see freeze_modules.py). It runs during the core
phase of initialization, before `encodings` is imported, so it may only use built-in and
frozen modules at import time. What only some programs use (importlib.resources, pkgutil,
importlib.metadata, source lines, multiprocessing re-execs) is in `_frost_support`
(support.py), imported on first use. Payload layout: docs/FORMAT.md, "Python payloads".
"""
import sys
import _imp
import _frost

_bootstrap = sys.modules["_frozen_importlib"]
ModuleSpec = _bootstrap.ModuleSpec

ROOT = _frost.executable + "/"  # __file__ of a payload entry is ROOT + its payload path
# The end of a module's __cached__ (importlib.util.cache_from_source): the interpreter's tag
# and optimization level, fixed before this module is imported.
_PYC_SUFFIX = "." + sys.implementation.cache_tag + (
    ".opt-%d" % sys.flags.optimize if sys.flags.optimize else "") + ".pyc"
PACKAGE, MODULE, EXTENSION, NAMESPACE = 1, 2, 3, 4


def _payload_path(path):
    """The payload path for `path` (absolute under the executable, or already relative)."""
    path = str(path)
    if path.startswith(ROOT):
        return path[len(ROOT):]
    if path.startswith("/"):
        return None
    return path


def _not_found(path):
    return FileNotFoundError(2, "No such file in the payload", str(path))


class FrostImporter:
    """Meta-path finder and loader for the modules of the payload (one shared instance)."""

    @property
    def __class__(self):
        # A SourcelessFileLoader to code that dispatches on a loader's __class__
        # (pkg_resources then reads resources by path, which vfs.py answers;
        # functools.singledispatch); isinstance(x, FrostImporter) still holds.
        external = sys.modules.get("_frozen_importlib_external")
        return external.SourcelessFileLoader if external else FrostImporter

    def __repr__(self):
        return "<FrostImporter %r>" % _frost.executable

    # Finder

    def find_spec(self, fullname, path=None, target=None):
        if path is None:
            spec = self._in_subfolder(fullname)
            if spec is not None:
                return spec
        if path is not None and "." in fullname:
            # Only under the folder the payload gives the parent: a parent whose __path__
            # was changed (setuptools' distutils shim, pkgutil.extend_path) is searched
            # through its __path__ entries (FrostPathEntryFinder), as python3 does.
            folder = ROOT + "lib/" + fullname.rpartition(".")[0].replace(".", "/")
            if folder not in path:
                return None
        found = _frost.find(fullname.replace(".", "/"))
        if found is None or found[0] == NAMESPACE:
            # A namespace package is PathFinder's, after this on sys.meta_path: it joins the
            # portions of every sys.path entry (FrostPathEntryFinder gives the payload's), as
            # python3 does: jaraco.functools at the root, pkg_resources' vendored jaraco.text.
            return None
        return self._spec(fullname, found)

    def _in_subfolder(self, fullname):
        """A top-level module of a payload folder that sys.path names before the payload's
        root, as python3 searches sys.path in order (opencv's loader puts cv2/ first to import
        its extension cv2/cv2.abi3.so as `cv2`)."""
        lib = ROOT + "lib"
        for entry in sys.path:
            if entry == lib:
                return None
            if isinstance(entry, str) and entry.startswith(lib + "/"):
                found = _frost.find(entry[len(lib) + 1:].rstrip("/") + "/" + fullname)
                if found is not None and found[0] != NAMESPACE:
                    return self._spec(fullname, found)
        return None

    def _spec(self, fullname, found):
        kind, ppath = found  # a module, package or extension (namespaces are PathFinder's)
        origin = ROOT + (ppath[:-1] if kind != EXTENSION else ppath)
        package = _is_package(found)
        spec = ModuleSpec(fullname, self, origin=origin, is_package=package,
                          loader_state=found)
        spec.has_location = True
        if kind != EXTENSION:
            spec.cached = _cached(origin)
        if package:
            spec.submodule_search_locations = [ROOT + ppath.rpartition("/")[0]]
        return spec

    def invalidate_caches(self):
        pass

    # Loader

    def _found(self, fullname):
        if fullname == "__main__":  # linecache asks by the module's __name__
            spec = getattr(sys.modules.get("__main__"), "__spec__", None)
            fullname = spec.name if spec is not None else fullname
        found = _frost.find(fullname.replace(".", "/"))
        if found is None:
            # A module found through a folder on sys.path or a __path__ (FrostPathEntryFinder):
            # its spec knows where.
            spec = getattr(sys.modules.get(fullname), "__spec__", None)
            found = getattr(spec, "loader_state", None) if spec is not None else None
        if found is None:
            raise ImportError("no module named %r in the payload" % fullname, name=fullname)
        return found

    def _state(self, spec):
        state = getattr(spec, "loader_state", None)
        return state if state is not None else self._found(spec.name)

    def create_module(self, spec):
        kind, ppath = self._state(spec)
        if kind != EXTENSION:
            return None
        fdpath = _frost.load_extension(ppath)
        module = _imp.create_dynamic(ModuleSpec(spec.name, self, origin=fdpath))
        try:
            module.__file__ = spec.origin
        except AttributeError:
            pass
        return module

    def exec_module(self, module):
        spec = module.__spec__
        kind, ppath = self._state(spec)
        if kind == EXTENSION:
            _imp.exec_dynamic(module)
        elif kind != NAMESPACE:
            exec(_code(ppath), module.__dict__)

    def load_module(self, fullname):
        """The loader API before PEP 451, which python3's own loaders keep (deprecated):
        pkgutil's `finder.find_module(name).load_module(name)` (hydra's plugin discovery)."""
        return _bootstrap._load_module_shim(self, fullname)

    def get_code(self, fullname):
        return _code_of(self._found(fullname))

    def get_source(self, fullname):
        kind, ppath = self._found(fullname)
        if kind not in (PACKAGE, MODULE) or _frost.stat(ppath[:-1]) is None:
            return None
        from _frost_support import decode_source
        return decode_source(_frost.read(ppath[:-1]))

    def is_package(self, fullname):
        found = self._found(fullname)
        return found[0] == NAMESPACE or _is_package(found)

    def get_filename(self, fullname):
        kind, ppath = self._found(fullname)
        return ROOT + (ppath[:-1] if kind != EXTENSION else ppath)

    def get_data(self, path):
        ppath = _payload_path(path)
        if ppath is None or _frost.stat(ppath) is None:
            raise _not_found(path)
        return _frost.read(ppath)

    def get_resource_reader(self, fullname):
        found = self._found(fullname)
        kind, ppath = found
        if kind != NAMESPACE and not _is_package(found):
            return None
        from _frost_support import FrostReader
        return FrostReader(ppath if kind == NAMESPACE else ppath.rpartition("/")[0])


def _is_package(found):
    """A package's __init__: bytecode, or an extension module (mypyc's mypy/__init__.so)."""
    kind, ppath = found
    return kind == PACKAGE or (kind == EXTENSION and ppath.endswith("/__init__.so"))


def _cached(origin):
    """What importlib.util.cache_from_source(origin) gives, at a fraction of its cost (the
    `cached` property would call it for every module imported)."""
    head, _, tail = origin.rpartition("/")
    return head + "/__pycache__/" + tail[:-3] + _PYC_SUFFIX


def _code(ppath):
    code = _frost.code(ppath)
    _imp._fix_co_filename(code, ROOT + ppath[:-1])
    return code


def _code_of(found):
    """The code object of what _frost.find found: None for an extension module."""
    kind, ppath = found
    if kind == EXTENSION:
        return None
    if kind == NAMESPACE:
        return compile("", ROOT + ppath, "exec")
    return _code(ppath)


def _path_hook(path):
    ppath = _payload_path(path)
    if ppath is None or not (ppath == "lib" or ppath.startswith("lib/")) \
            or not _frost.isdir(ppath):
        raise ImportError("not a payload folder", path=path)
    from _frost_support import FrostPathEntryFinder
    return FrostPathEntryFinder(ppath)


IMPORTER = FrostImporter()


def install():
    """Core phase: makes the payload importable (before `encodings` is imported)."""
    # No sys.frozen: packages that find it take the branch written for PyInstaller's or
    # cx_Freeze's folders (faker lists its locales under dirname(sys.executable)/lib; black
    # drops its process pool), while a Frost binary's files answer under their module's
    # __file__, as in the venv (docs/PYTHON.md).
    sys.meta_path.append(IMPORTER)
    # The main phase imports zipimport for its path hook, 2.5 % of hello's instructions; with
    # this it gives up ("no zipimporter object -- okay"), and _after_main puts a hook that
    # imports it on first use in its place.
    sys.modules["zipimport"] = None


def _zip_hook(path):
    """zipimport.zipimporter, imported the first time a path entry outside the payload is
    looked at (a .zip file on sys.path imports as under python3)."""
    from zipimport import zipimporter
    return zipimporter(path)


def _after_main():
    # The payload's modules import through the stub's _find_and_load (stub_import.h); with -v
    # importlib's own prints what it does.
    if not sys.flags.verbose:
        _frost.install_import(_bootstrap, IMPORTER)
    if sys.modules.get("zipimport", 0) is None:  # see install()
        del sys.modules["zipimport"]
        sys.path_hooks.insert(0, _zip_hook)
    # zipimport's hook would open the executable for every path entry inside it.
    sys.path_hooks.insert(0, _path_hook)
    # Data read by path (open(dirname(__file__) + "/x")): the payload as read-only files.
    import _frost_vfs
    _frost_vfs.install()
    sys.path_importer_cache.clear()
    # Frozen standard modules get __file__ from sys._stdlib_dir, which the path configuration
    # leaves unset here: point it inside the executable, and fix the modules already imported.
    sys._stdlib_dir = ROOT + "lib"
    for name, module in list(sys.modules.items()):
        spec = getattr(module, "__spec__", None)
        if spec is None or spec.origin != "frozen" or hasattr(module, "__file__"):
            continue
        ispkg = spec.submodule_search_locations is not None
        rel = name.replace(".", "/") + ("/__init__.py" if ispkg else ".py")
        module.__file__ = ROOT + "lib/" + rel
        if ispkg and not spec.submodule_search_locations:
            spec.submodule_search_locations.append(ROOT + "lib/" + name.replace(".", "/"))


def _main_spec(name):
    if "." in name:
        __import__(name.rpartition(".")[0])
    spec = IMPORTER.find_spec(name)
    if spec is not None and spec.submodule_search_locations is not None:
        __import__(name)
        spec = IMPORTER.find_spec(name + ".__main__")
    if spec is None:
        raise ImportError("no module named %r in the payload" % name, name=name)
    return spec


def _parent_is_this_binary():
    """The parent process runs this executable: the program (or a child of it) re-executed
    sys.executable. Two stat calls, so that a program run with a path argument pays nothing
    more."""
    import posix
    return _same_file("/proc/self/exe", "/proc/%d/exe" % posix.getppid())


def _same_file(a, b):
    import posix
    try:
        x, y = posix.stat(a), posix.stat(b)
    except OSError:
        return False
    return (x.st_dev, x.st_ino) == (y.st_dev, y.st_ino)


def _excepthook(exc_type, value, tb):
    """With sources bundled: the traceback module prints source lines (via get_source);
    python's own hook when a trimmed payload (--stdlib imported) has no traceback module."""
    try:
        import traceback
    except ImportError:
        return sys.__excepthook__(exc_type, value, tb)
    traceback.print_exception(exc_type, value, tb)


def prepare():
    """Main phase done: returns (code, globals) of what this process runs."""
    _after_main()
    main = sys.modules["__main__"]
    argv = sys.argv
    command = None
    if len(argv) > 1 and argv[1] == "--multiprocessing-fork":
        from _frost_support import multiprocessing_fork
        command = multiprocessing_fork(argv)
    elif len(argv) > 2 and argv[1].startswith("-") and "-c" in argv:
        from _frost_support import interpreter_command
        command = interpreter_command(argv)
    if command is not None:
        return compile(command, "<string>", "exec"), main.__dict__
    first = argv[1] if len(argv) > 1 else ""
    if ((first[:1] == "-" and first[:2] != "--") or first.endswith(".py") or "/" in first
            or first == argv[0]) and _parent_is_this_binary():
        # python3's command line, from a re-execution of sys.executable (support.py). The
        # multiprocessing commands above are checked value by value instead, and so need
        # no /proc to tell the parent.
        from _frost_support import interpreter_reexec
        run = interpreter_reexec(argv)
        if run is not None and run != "program":
            code, file = run
            main.__dict__.update(__name__="__main__", __cached__=None)
            if file is not None:
                main.__dict__["__file__"] = file
            return code, main.__dict__
    if _frost.manifest("python-source"):
        sys.excepthook = _excepthook
    spec = _main_spec(_frost.manifest("main-module")[0])
    code = _code_of(spec.loader_state)  # as IMPORTER.get_code(spec.name), without a lookup
    main.__dict__.update(__name__="__main__", __file__=spec.origin, __cached__=None,
                         __loader__=IMPORTER, __package__=spec.parent, __spec__=spec)
    return code, main.__dict__
