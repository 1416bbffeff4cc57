"""Frost's importer, the parts a program may never use: importlib.resources and pkgutil over
the payload, source decoding for tracebacks, and the re-exec commands of multiprocessing.
importlib.metadata finds the bundled *.dist-info folders through sys.path, as under python3
(the payload's folders are readable by path: vfs.py).

Frozen into the stub as `_frost_support` (see freeze_modules.py) and imported by
`_frost_bootstrap` on first use, so that a program that needs none of it does not pay for
building these classes at every start (hello: 2.2 % of its instructions).
"""
import sys
import _frost
from _frost_bootstrap import IMPORTER, NAMESPACE, ROOT, ModuleSpec, _code, _same_file


def decode_source(data):
    import io
    import tokenize
    encoding = tokenize.detect_encoding(io.BytesIO(data).readline)[0]
    return io.IncrementalNewlineDecoder(None, True).decode(data.decode(encoding))


_path_class = []
_as_file_registered = set()  # the modules whose as_file() answers payload_path's class


def payload_path(ppath):
    """The pathlib path of the payload file or folder `ppath`, as importlib.resources.files()
    gives for a package on disk under python3: a PosixPath of `<executable>/ppath`, every
    method of which works (vfs.py answers its stat, listdir, scandir, open and access), of a
    subclass whose as_file() is a memfd (_as_file)."""
    if not _path_class:
        _path_class.append(_make_path_class())
    cls = _path_class[0]
    # importlib.resources (3.9 on) or the importlib_resources backport, whichever asks first
    # or later: each has its own as_file().
    for name in ("importlib.resources", "importlib_resources"):
        if name not in _as_file_registered and hasattr(sys.modules.get(name), "as_file"):
            sys.modules[name].as_file.register(cls, _as_file)
            _as_file_registered.add(name)
    return cls(ROOT + ppath)


def _make_path_class():
    """The class of payload_path, made on first use (importing pathlib would cost a program
    that only imports this module for a traceback)."""
    import pathlib
    base = type(pathlib.Path())

    class PosixPath(base):
        """A path under the executable (python3's name, so that its repr and type name are
        those a program prints under python3). Paths made from it (`/`, joinpath, parent,
        iterdir, glob) are of this class too: as pathlib makes them from type(self)."""
        __slots__ = ()

        def __reduce__(self):
            return base, (str(self),)  # a plain PosixPath, which any Python reads

    return PosixPath


_memfds = {}


def real_path(ppath):
    """A path that C code can open for the payload file `ppath`: /proc/PID/fd/N of a memfd
    holding its bytes (made once, kept for the process's life). PID is this process's, not
    `self`, so that a child given the path reads it while this process lives even when the
    descriptor is not inherited (subprocess closes it by default: `curl --cacert
    $(certifi.where())`); a child that inherits it reads it after. Nothing is written to
    disk."""
    import os
    fd = _memfds.get(ppath)
    if fd is None:
        data = _frost.read(ppath)
        fd = os.memfd_create(ppath.rpartition("/")[2] or "frost", 0)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        _memfds[ppath] = fd
    return "/proc/%d/fd/%d" % (os.getpid(), fd)


def _as_file(path):
    """importlib.resources.as_file() of a payload_path: of a payload file, its memfd path
    (see real_path); of anything else (a folder, which Python code reads by path, a path
    that names nothing or lies outside the executable), the path itself, as python3 gives
    for a pathlib.Path."""
    import contextlib
    import pathlib
    from _frost_vfs import _ppath

    @contextlib.contextmanager
    def context():
        ppath = _ppath(path)
        if ppath and _frost.stat(ppath) is not None and not _frost.isdir(ppath):
            yield pathlib.Path(real_path(ppath))
        else:
            yield path
    return context()


class FrostReader:
    """importlib.resources reader of one package folder of the payload."""

    def __init__(self, ppath):
        self._ppath = ppath

    def files(self):
        return payload_path(self._ppath)

    def open_resource(self, resource):
        return self.files().joinpath(resource).open("rb")

    def resource_path(self, resource):
        """importlib.resources.path() before 3.11: the memfd path of as_file() (which 3.11
        on uses), not a temporary file (3.9, 3.10) nor a path only this process can open."""
        ppath = self._ppath + "/" + resource
        if "/" in resource or _frost.stat(ppath) is None:
            raise FileNotFoundError(resource)
        return real_path(ppath)

    def is_resource(self, path):
        return self.files().joinpath(path).is_file()

    def contents(self):
        return [p.name for p in self.files().iterdir()]


class FrostPathEntryFinder(sys.modules["_frozen_importlib_external"].FileFinder):
    """Path-entry finder for sys.path entries inside the executable (pkgutil.iter_modules).
    A FileFinder to the code that dispatches on the finder's type (pkg_resources finds
    distributions on a FileFinder's folder by listing it, which vfs.py answers), with its
    own lookups."""

    def __init__(self, ppath):
        self._ppath = ppath
        self.path = ROOT + ppath

    def find_spec(self, fullname, target=None):
        # The last component, in this folder: a package's __path__ entry, or a folder that
        # the program put on sys.path (pkg_resources adds setuptools/_vendor).
        base = self._ppath[len("lib/"):] if self._ppath != "lib" else ""
        last = fullname.rpartition(".")[2]
        found = _frost.find(base + "/" + last if base else last)
        if found is None:
            return None
        if found[0] == NAMESPACE:
            # A portion, as FileFinder gives for a folder without __init__: PathFinder joins
            # those of every sys.path entry into one namespace package, as under python3
            # (jaraco.functools at the root and pkg_resources' setuptools/_vendor/jaraco/text).
            spec = ModuleSpec(fullname, None)
            spec.submodule_search_locations = [ROOT + found[1]]
            return spec
        return IMPORTER._spec(fullname, found)

    def invalidate_caches(self):
        pass

    def iter_modules(self, prefix=""):
        for name in _frost.listdir(self._ppath):
            path = self._ppath + "/" + name
            if name.endswith(".pyc") and name != "__init__.pyc":
                yield prefix + name[:-4], False
            elif name.endswith(".so") and (_frost.stat(path) or (0,))[0] == 4:
                yield prefix + name[:-3], False
            elif "." not in name and (_frost.stat(path + "/__init__.pyc") is not None
                                       or _frost.stat(path + "/__init__.so") is not None):
                yield prefix + name, True


# Re-exec commands of multiprocessing (spawn, forkserver, resource tracker): the frozen
# program is its own interpreter, so it recognises them instead of running the program.
_FORK_KEYS = ("tracker_fd", "pipe_handle", "parent_pid")
_SPAWN = "from multiprocessing.spawn import spawn_main; spawn_main("
_TRACKER = "from multiprocessing.resource_tracker import main;main("
_FORKSERVER = "from multiprocessing.forkserver import main; main("


def _fork_args(pairs):
    """spawn_main's keyword arguments, checked: "tracker_fd=5, pipe_handle=7"; None if any is
    not one of them with a number or None."""
    args = []
    for pair in pairs:
        key, _, value = pair.partition("=")
        if key not in _FORK_KEYS or not (value == "None" or value.isdigit()):
            return None
        args.append("%s=%s" % (key, value))
    return ", ".join(args)


def multiprocessing_fork(argv):
    """The frozen form of a spawned child's command line: BINARY --multiprocessing-fork K=V..."""
    args = _fork_args(argv[2:])
    return None if args is None else _SPAWN + args + ")"


def interpreter_command(argv):
    """The -c command of a multiprocessing helper process, rebuilt from checked values."""
    i = 1
    while i < len(argv) and argv[i].startswith("-") and argv[i] != "-c":
        if argv[i] in ("-W", "-X"):
            i += 1
        i += 1
    if i + 1 >= len(argv) or argv[i] != "-c":
        return None
    cmd = argv[i + 1]
    if cmd.startswith(_SPAWN) and cmd.endswith(")") and argv[i + 2:] == ["--multiprocessing-fork"]:
        # A spawned child, as multiprocessing starts one of python3 (no sys.frozen).
        args = _fork_args(cmd[len(_SPAWN):-1].split(", "))
        if args is None:
            return None
        source = _SPAWN + args + ")"
    elif cmd.startswith(_TRACKER) and cmd.endswith(")") and cmd[len(_TRACKER):-1].isdigit():
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


# Other re-executions of sys.executable as an interpreter, by the program or its children:
# loky's workers (-m joblib.externals.loky.backend.popen_loky_posix --pipe N), anyio's
# (-u -m anyio.to_process), py-cpuinfo (a module's file, --json), a helper script written to
# disk, and reloaders that start the program again ([sys.executable] + sys.argv: werkzeug,
# django). Only when the parent process runs this same executable: from a shell or a service
# manager, the binary's arguments are the program's, whatever they look like.
_SHORT_FLAGS = frozenset("bBdEiIOqRsSuvx")  # python3's options that take no value


def _interpreter_args(argv):
    """(flags, -W values, kind, value, rest) of python3's command line argv[1:], kind one of
    "-m", "-c", "script" and "-" (stdin); None when argv is not one."""
    flags, warnoptions = set(), []
    i = 1
    while i < len(argv):
        arg = argv[i]
        if arg == "-" or not arg.startswith("-") or arg.startswith("--"):
            break
        for j in range(1, len(arg)):
            ch = arg[j]
            if ch in "cmWX":
                attached = arg[j + 1:]
                if not attached and i + 1 >= len(argv):
                    return None
                value = attached or argv[i + 1]
                i += 0 if attached else 1
                if ch in "cm":
                    return flags, warnoptions, "-" + ch, value, argv[i + 1:]
                if ch == "W":
                    warnoptions.append(value)
                break
            if ch not in _SHORT_FLAGS:
                return None
            flags.add(ch)
        i += 1
    if i >= len(argv) or argv[i] == "-":
        return (flags, warnoptions, "-", None, argv[i + 1:]) if i < len(argv) else None
    return flags, warnoptions, "script", argv[i], argv[i + 1:]


def _unbuffered():
    """python3 -u: stdout and stderr on their descriptors with no buffer between."""
    import io
    for name, fd in (("stdout", 1), ("stderr", 2)):
        old = getattr(sys, name)
        if old is None:
            continue
        setattr(sys, name, io.TextIOWrapper(
            io.FileIO(fd, "w", closefd=False), encoding=old.encoding, errors=old.errors,
            write_through=True))


def interpreter_reexec(argv):
    """What a re-execution of the binary as python3 runs: (code, __file__) with sys.argv set
    as python3 sets it; "program" when it names the binary itself (the program, sys.argv
    without that path); None when argv is not such a command. Called only when the parent
    process runs this same binary (bootstrap.py)."""
    parsed = _interpreter_args(argv)
    if parsed is None:
        return None
    flags, warnoptions, kind, value, rest = parsed
    if kind == "script" and _same_file(value, "/proc/self/exe"):
        sys.argv[:] = [argv[0]] + rest
        result = "program"
    elif kind == "-m":
        sys.argv[:] = ["-m"] + rest
        result = compile("import runpy\nrunpy._run_module_as_main(%r)\n" % value,
                         "<frost>", "exec"), None
    elif kind == "-c":
        sys.argv[:] = ["-c"] + rest
        result = compile(value, "<string>", "exec"), None
    elif kind == "-":
        sys.argv[:] = ["-"] + rest
        result = compile(sys.stdin.read(), "<stdin>", "exec"), None
    else:
        result = _script(value)
        if result is None:
            return None
        sys.argv[:] = [value] + rest
        import os
        sys.path.insert(0, os.path.dirname(os.path.abspath(value)))
    if "u" in flags:
        _unbuffered()
    if warnoptions:
        import warnings
        sys.warnoptions.extend(warnoptions)
        warnings._processoptions(warnoptions)
    return result


def _script(path):
    """(code, __file__) of a script python3 would run: a module of the payload by its
    __file__ (its bytecode), or a file on disk; None when there is none."""
    if path.startswith(ROOT) and path.endswith(".py") and _frost.stat(path[len(ROOT):] + "c"):
        return _code(path[len(ROOT):] + "c"), path
    try:
        with open(path, "rb") as f:
            source = f.read()
    except OSError:
        return None
    return compile(source, path, "exec"), path
