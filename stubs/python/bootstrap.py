"""Frost's importer: modules, C extensions, data and metadata from the payload of the running
executable, nothing from the file system.

Frozen into the stub as `_frost_bootstrap` (see freeze_modules.py). It runs during the core
phase of initialization, before `encodings` is imported, so it may only use built-in and
frozen modules at import time. Payload layout: docs/FORMAT.md, "Python payloads".
"""
import sys
import _imp
import _frost

_bootstrap = sys.modules["_frozen_importlib"]
ModuleSpec = _bootstrap.ModuleSpec

ROOT = _frost.executable + "/"  # __file__ of a payload entry is ROOT + its payload path
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

    def __repr__(self):
        return "<FrostImporter %r>" % _frost.executable

    # Finder

    def find_spec(self, fullname, path=None, target=None):
        found = _frost.find(fullname.replace(".", "/"))
        if found is None:
            return None
        return self._spec(fullname, found)

    def _spec(self, fullname, found):
        kind, ppath = found
        if kind == NAMESPACE:
            spec = ModuleSpec(fullname, self, is_package=True, loader_state=found)
            spec.submodule_search_locations = [ROOT + ppath]
            return spec
        origin = ROOT + (ppath[:-1] if kind != EXTENSION else ppath)
        spec = ModuleSpec(fullname, self, origin=origin, is_package=kind == PACKAGE,
                          loader_state=found)
        spec.has_location = True
        if kind == PACKAGE:
            spec.submodule_search_locations = [ROOT + ppath.rpartition("/")[0]]
        return spec

    def invalidate_caches(self):
        pass

    def find_distributions(self, context=None):
        """importlib.metadata support: the *.dist-info folders bundled under lib/."""
        name = getattr(context, "name", None)
        wanted = _normalize(name) if name else None
        dist_class = _distribution_class()
        for entry in _frost.listdir("lib"):
            if not entry.endswith((".dist-info", ".egg-info")):
                continue
            # "name-1.0.dist-info", or "name.egg-info" (setup.py develop: no version)
            if wanted is None or _normalize(entry.rpartition(".")[0].partition("-")[0]) == wanted:
                yield dist_class("lib/" + entry)

    # Loader

    def _found(self, fullname):
        if fullname == "__main__":  # linecache asks by the module's __name__
            spec = getattr(sys.modules.get("__main__"), "__spec__", None)
            fullname = spec.name if spec is not None else fullname
        found = _frost.find(fullname.replace(".", "/"))
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

    def get_code(self, fullname):
        return _code_of(self._found(fullname))

    def get_source(self, fullname):
        kind, ppath = self._found(fullname)
        if kind not in (PACKAGE, MODULE) or _frost.stat(ppath[:-1]) is None:
            return None
        return _decode_source(_frost.read(ppath[:-1]))

    def is_package(self, fullname):
        return self._found(fullname)[0] in (PACKAGE, NAMESPACE)

    def get_filename(self, fullname):
        kind, ppath = self._found(fullname)
        return ROOT + (ppath[:-1] if kind != EXTENSION else ppath)

    def get_data(self, path):
        ppath = _payload_path(path)
        if ppath is None or _frost.stat(ppath) is None:
            raise _not_found(path)
        return _frost.read(ppath)

    def get_resource_reader(self, fullname):
        kind, ppath = self._found(fullname)
        if kind not in (PACKAGE, NAMESPACE):
            return None
        return FrostReader(ppath.rpartition("/")[0] if kind == PACKAGE else ppath)


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


def _decode_source(data):
    import io
    import tokenize
    encoding = tokenize.detect_encoding(io.BytesIO(data).readline)[0]
    return io.IncrementalNewlineDecoder(None, True).decode(data.decode(encoding))


def _normalize(name):
    out = []
    for ch in name.lower():
        out.append("_" if ch in "-_." else ch)
    text = "".join(out)
    while "__" in text:
        text = text.replace("__", "_")
    return text


class FrostPath:
    """A file or folder of the payload, as importlib.resources' Traversable."""

    def __init__(self, ppath):
        self._ppath = ppath

    def __repr__(self):
        return "FrostPath(%r)" % self._ppath

    def __str__(self):
        return ROOT + self._ppath

    def __eq__(self, other):
        return isinstance(other, FrostPath) and other._ppath == self._ppath

    def __hash__(self):
        return hash(self._ppath)

    @property
    def name(self):
        return self._ppath.rpartition("/")[2]

    @property
    def parent(self):
        return FrostPath(self._ppath.rpartition("/")[0])

    def iterdir(self):
        for child in _frost.listdir(self._ppath):
            yield FrostPath(self._ppath + "/" + child)

    def is_dir(self):
        return _frost.isdir(self._ppath)

    def is_file(self):
        return _frost.stat(self._ppath) is not None

    def exists(self):
        return self.is_file() or self.is_dir()

    def joinpath(self, *others):
        parts = self._ppath.split("/")
        for other in others:
            for part in str(other).split("/"):
                if part == "..":
                    parts.pop()
                elif part not in ("", "."):
                    parts.append(part)
        return FrostPath("/".join(parts))

    __truediv__ = joinpath

    def read_bytes(self):
        if not self.is_file():
            raise _not_found(self)
        return _frost.read(self._ppath)

    def read_text(self, encoding=None, errors=None):
        return self.read_bytes().decode(encoding or "utf-8", errors or "strict")

    def open(self, mode="r", *args, **kwargs):
        import io
        stream = io.BytesIO(self.read_bytes())
        if "b" in mode:
            return stream
        return io.TextIOWrapper(stream, *args, **kwargs)


class FrostReader:
    """importlib.resources reader of one package folder of the payload."""

    def __init__(self, ppath):
        self._root = FrostPath(ppath)

    def files(self):
        return self._root

    def open_resource(self, resource):
        return (self._root / resource).open("rb")

    def resource_path(self, resource):
        raise FileNotFoundError(resource)

    def is_resource(self, path):
        return (self._root / path).is_file()

    def contents(self):
        return [p.name for p in self._root.iterdir()]


_dist_class = None


def _distribution_class():
    global _dist_class
    if _dist_class is None:
        import importlib.metadata as metadata

        class FrostDistribution(metadata.Distribution):
            """A *.dist-info folder of the payload."""

            def __init__(self, ppath):
                self._ppath = ppath

            def read_text(self, filename):
                ppath = self._ppath + "/" + filename
                if _frost.stat(ppath) is None:
                    return None
                return _frost.read(ppath).decode("utf-8")

            read_text.__doc__ = metadata.Distribution.read_text.__doc__

            def locate_file(self, path):
                return FrostPath("lib").joinpath(path)

        _dist_class = FrostDistribution
    return _dist_class


class FrostPathEntryFinder:
    """Path-entry finder for sys.path entries inside the executable (pkgutil.iter_modules)."""

    def __init__(self, ppath):
        self._ppath = ppath

    def find_spec(self, fullname, target=None):
        spec = IMPORTER.find_spec(fullname)
        if spec is None or spec.loader_state[1].rpartition("/")[0] != self._ppath:
            return None
        return spec

    def invalidate_caches(self):
        pass

    def iter_modules(self, prefix=""):
        for name in _frost.listdir(self._ppath):
            path = self._ppath + "/" + name
            if name.endswith(".pyc") and name != "__init__.pyc":
                yield prefix + name[:-4], False
            elif name.endswith(".so") and (_frost.stat(path) or (0,))[0] == 4:
                yield prefix + name[:-3], False
            elif "." not in name and _frost.stat(path + "/__init__.pyc") is not None:
                yield prefix + name, True


def _path_hook(path):
    ppath = _payload_path(path)
    if ppath is None or not (ppath == "lib" or ppath.startswith("lib/")) \
            or not _frost.isdir(ppath):
        raise ImportError("not a payload folder", path=path)
    return FrostPathEntryFinder(ppath)


IMPORTER = FrostImporter()


def install():
    """Core phase: makes the payload importable (before `encodings` is imported)."""
    sys.frozen = True
    sys.meta_path.append(IMPORTER)


def _after_main():
    # zipimport's hook would open the executable for every path entry inside it.
    sys.path_hooks.insert(0, _path_hook)
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


# Re-exec commands of multiprocessing (spawn, forkserver, resource tracker): the frozen
# program is its own interpreter, so it recognises them instead of running the program.
_FORK_KEYS = ("tracker_fd", "pipe_handle", "parent_pid")
_TRACKER = "from multiprocessing.resource_tracker import main;main("
_FORKSERVER = "from multiprocessing.forkserver import main; main("


def _multiprocessing_fork(argv):
    args = []
    for arg in argv[2:]:
        key, _, value = arg.partition("=")
        if key not in _FORK_KEYS or not (value == "None" or value.isdigit()):
            return None
        args.append("%s=%s" % (key, value))
    return "from multiprocessing.spawn import spawn_main; spawn_main(%s)" % ", ".join(args)


def _interpreter_command(argv):
    """The -c command of a multiprocessing helper process, rebuilt from checked values."""
    i = 1
    while i < len(argv) and argv[i].startswith("-") and argv[i] != "-c":
        if argv[i] in ("-W", "-X"):
            i += 1
        i += 1
    if i + 1 >= len(argv) or argv[i] != "-c":
        return None
    cmd = argv[i + 1]
    if cmd.startswith(_TRACKER) and cmd.endswith(")") and cmd[len(_TRACKER):-1].isdigit():
        source = _TRACKER + "%d)" % int(cmd[len(_TRACKER):-1])
    elif cmd.startswith(_FORKSERVER) and cmd.endswith(")"):
        import ast
        a, b, rest = cmd[len(_FORKSERVER):-1].split(", ", 2)
        preload, _, data = rest.rpartition(", **")
        source = _FORKSERVER + "%d, %d, %r, **%r)" % (
            int(a), int(b), ast.literal_eval(preload), ast.literal_eval(data))
    else:
        return None
    sys.argv[:] = ["-c"] + argv[i + 2:]
    return source


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


def _excepthook(exc_type, value, tb):
    """With sources bundled: the traceback module prints source lines (via get_source)."""
    import traceback
    traceback.print_exception(exc_type, value, tb)


def prepare():
    """Main phase done: returns (code, globals) of what this process runs."""
    _after_main()
    main = sys.modules["__main__"]
    argv = sys.argv
    command = None
    if len(argv) > 1 and argv[1] == "--multiprocessing-fork":
        command = _multiprocessing_fork(argv)
    elif len(argv) > 2 and argv[1].startswith("-"):
        command = _interpreter_command(argv)
    if command is not None:
        return compile(command, "<string>", "exec"), main.__dict__
    if _frost.manifest("python-source"):
        sys.excepthook = _excepthook
    spec = _main_spec(_frost.manifest("main-module")[0])
    code = _code_of(spec.loader_state)  # as IMPORTER.get_code(spec.name), without a lookup
    main.__dict__.update(__name__="__main__", __file__=spec.origin, __cached__=None,
                         __loader__=IMPORTER, __package__=spec.parent, __spec__=spec)
    return code, main.__dict__
