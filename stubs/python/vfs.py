"""The payload as read-only files under the executable's path, for code that reads its data by
path: `open(os.path.join(os.path.dirname(__file__), "x.txt"))`, `os.path.exists`,
`os.listdir`, `os.scandir`, `os.walk`, `glob`, `pathlib.Path` all see `<executable>/lib/...`
as folders and files, and nothing is written anywhere.

Frozen into the stub as `_frost_vfs` (see freeze_modules.py) and installed by
`_frost_bootstrap` when the main phase is done. Only str paths (or path-likes giving str)
that start with `<executable>/` are answered here; every other call goes to the original
function unchanged. Module entries show as their source names (`mod.py` for `mod.pyc`), as
in the folder they came from. A file opened here is read from memory; its fileno() opens a
descriptor, which the stub's C open() gives of a memfd holding it (stub_vfs.c answers C code's
opens of these paths so), as importlib.resources.as_file() hands out a memfd path (support.py).

It patches `posix`, the built-in module that `os` re-exports (`from posix import *`), and `os`
too when it is already imported: a program that imports `os` later gets the patched functions,
and one that never does (hello) does not import it here either: before 3.11, where `os` and
`posixpath` are not frozen into the interpreter, importing them cost hello a tenth of its start.
"""
import builtins
import errno
import io
import posix
import sys
import _frost

ROOT = _frost.executable + "/"
_KIND_DIR = 0
_MODULE_KINDS = (1, 2, 3)  # program, stdlib, third-party bytecode
_EXTENSION = 4
_S_IFDIR = 0o040000  # stat.S_IFDIR and S_IFREG (POSIX), without importing stat
_S_IFREG = 0o100000


def _ppath(path):
    """The payload path of `path` when it lies under the executable, else None."""
    if isinstance(path, int):
        return None
    try:
        path = posix.fspath(path)
    except TypeError:
        return None
    if not isinstance(path, str) or not path.startswith(ROOT):
        return None
    if "/." in path or "//" in path:
        import posixpath
        rel = posixpath.normpath(path)[len(ROOT):]
    else:
        rel = path[len(ROOT):]
    return rel.rstrip("/")


def _lookup(ppath):
    """(is a folder, size, mode, the entry to read or None) of `ppath`, or None."""
    if ppath == "" or _frost.isdir(ppath):
        return True, 0, _S_IFDIR | 0o555, None
    found = _frost.stat(ppath)
    if found is not None:
        kind, size = found
        mode = 0o555 if kind == _EXTENSION or ppath.startswith("native/") else 0o444
        return False, size, _S_IFREG | mode, ppath
    if ppath.endswith(".py"):
        found = _frost.stat(ppath + "c")
        if found is not None and found[0] in _MODULE_KINDS:
            return False, found[1], _S_IFREG | 0o444, None
    return None


def _missing(path):
    return FileNotFoundError(errno.ENOENT, posix.strerror(errno.ENOENT), path)


_times = []  # the executable's (mtime, mtime_ns), read once


def _stat_of(path, ppath):
    """A stat_result as the file system gives: every field set (st_mtime_ns, st_blksize, ...;
    Sphinx compares templates' st_mtime_ns), with the executable's own time, when the files
    inside it were last written."""
    found = _lookup(ppath)
    if found is None:
        raise _missing(path)
    if not _times:
        try:
            own = posix.stat(_frost.executable)
            _times.append((own.st_mtime, own.st_mtime_ns))
        except OSError:
            _times.append((0.0, 0))
    seconds, ns = _times[0]
    size = found[1]
    return posix.stat_result(
        (found[2], 0, 0, 1, 0, 0, size, int(seconds), int(seconds), int(seconds)),
        {"st_atime": seconds, "st_mtime": seconds, "st_ctime": seconds, "st_atime_ns": ns,
         "st_mtime_ns": ns, "st_ctime_ns": ns, "st_blksize": 4096, "st_blocks": (size + 511) // 512})


def _names(ppath):
    """The names in folder `ppath`, modules under their source names."""
    out = []
    for name in _frost.listdir(ppath):
        if name.endswith(".pyc"):
            found = _frost.stat(ppath + "/" + name)
            if found is not None and found[0] in _MODULE_KINDS:
                name = name[:-1]
                if name in out:
                    continue
        out.append(name)
    return out


class _DirEntry:
    """os.DirEntry of a payload entry."""

    def __init__(self, folder, name, ppath):
        self.name = name
        self.path = folder.rstrip("/") + "/" + name
        self._ppath = ppath

    def __fspath__(self):
        return self.path

    def __repr__(self):
        return "<DirEntry %r>" % self.name

    def is_dir(self, *, follow_symlinks=True):
        return _frost.isdir(self._ppath)

    def is_file(self, *, follow_symlinks=True):
        return not self.is_dir()

    def is_symlink(self):
        return False

    def inode(self):
        return 0

    def stat(self, *, follow_symlinks=True):
        return _stat_of(self.path, self._ppath)


class _ScandirIterator:
    def __init__(self, entries):
        self._it = iter(entries)

    def __iter__(self):
        return self

    def __next__(self):
        return next(self._it)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self._it = iter(())


def _reader(path, ppath, mode):
    """A read-only file object for `ppath`, as open() in `mode` gives."""
    if any(c in mode for c in "wax+"):
        raise OSError(errno.EROFS, posix.strerror(errno.EROFS), path)
    found = _lookup(ppath)
    if found is None:
        raise _missing(path)
    if found[0]:
        raise IsADirectoryError(errno.EISDIR, posix.strerror(errno.EISDIR), path)
    if found[3] is None:  # a module whose source is not bundled
        raise _missing(path)
    return _PayloadFile(_frost.read(found[3]), posix.fspath(path), found[3])


class _PayloadFile(io.BytesIO):
    """A payload file open for reading, where python3 gives a BufferedReader: its bytes in
    memory, and a descriptor only once fileno() is called (mmap.mmap, os.fstat, os.sendfile,
    numpy's memmap, C code handed the file), so that reading thousands of data files keeps
    no descriptor or memfd for each. Read-only, as a file opened "rb": not writable."""

    mode = "rb"

    def __init__(self, data, name, ppath):
        self._fd = None
        super().__init__(data)
        self.name = name
        self._ppath = ppath

    def __repr__(self):
        return "<_io.BufferedReader name=%r>" % self.name

    def fileno(self):
        """A descriptor of the file, opened on first call and closed with the file: the real
        os.open of its path, which the stub's C open() answers with a new descriptor of a
        memfd holding the entry (stub_vfs.c), at this file's position."""
        if self.closed:
            raise ValueError("I/O operation on closed file")
        if self._fd is None:
            fd = posix.open(ROOT + self._ppath, posix.O_RDONLY | posix.O_CLOEXEC)
            if self.tell():
                posix.lseek(fd, self.tell(), 0)  # SEEK_SET
            if self._fd is None:
                self._fd = fd
            else:  # another thread made one meanwhile
                posix.close(fd)
        return self._fd

    def close(self):
        fd, self._fd = self._fd, None
        try:
            super().close()
        finally:
            if fd is not None:
                posix.close(fd)

    def writable(self):
        if self.closed:
            raise ValueError("I/O operation on closed file")
        return False

    def write(self, data):
        raise io.UnsupportedOperation("write")

    def writelines(self, lines):
        raise io.UnsupportedOperation("write")

    def truncate(self, size=None):
        raise io.UnsupportedOperation("truncate")

    def peek(self, size=0):
        """The bytes ahead without moving, as BufferedReader.peek gives: a buffer's worth, or
        what is left. (getbuffer() would copy the whole file.)"""
        pos = self.tell()
        data = self.read(io.DEFAULT_BUFFER_SIZE)
        self.seek(pos)
        return data


class _Patched:
    """What install() puts in place of a built-in function: a callable object, as the built-in
    is, not a Python function, so that it does not turn into a method where code stores it in
    a class (pathlib's _NormalAccessor before 3.11 has `stat = os.stat`, and `open = io.open`
    in 3.10)."""

    def __init__(self, call, original):
        self._call = call
        self.__name__ = original.__name__
        self.__qualname__ = getattr(original, "__qualname__", original.__name__)
        self.__doc__ = original.__doc__
        self.__wrapped__ = original

    def __call__(self, *args, **kwargs):
        return self._call(*args, **kwargs)

    def __repr__(self):
        return "<built-in function %s>" % self.__name__


def _wrap_open(original):
    def open(file, mode="r", buffering=-1, encoding=None, errors=None, newline=None,
             closefd=True, opener=None):
        ppath = _ppath(file)
        if ppath is None:
            return original(file, mode, buffering, encoding, errors, newline, closefd, opener)
        stream = _reader(file, ppath, mode)
        if "b" in mode:
            return stream
        text = io.TextIOWrapper(stream, encoding, errors, newline)
        text.mode = mode
        return text
    return _Patched(open, original)


def _wrap(original, virtual):
    def call(*args, **kwargs):
        ppath = _ppath(args[0]) if args else None
        if ppath is None or kwargs.get("dir_fd") is not None:
            return original(*args, **kwargs)
        return virtual(args[0], ppath, *args[1:], **kwargs)
    return _Patched(call, original)


def _open_code(original):
    def open_code(path):
        ppath = _ppath(path)
        return original(path) if ppath is None else _reader(path, ppath, "rb")
    return _Patched(open_code, original)


def _stat_call(path, ppath, *args, **kwargs):
    return _stat_of(path, ppath)


def _listdir(path, ppath):
    found = _lookup(ppath)
    if found is None:
        raise _missing(path)
    if not found[0]:
        raise NotADirectoryError(errno.ENOTDIR, posix.strerror(errno.ENOTDIR), path)
    return _names(ppath)


def _scandir(path, ppath):
    folder = posix.fspath(path)
    return _ScandirIterator(
        [_DirEntry(folder, n, (ppath + "/" if ppath else "") + n) for n in _listdir(path, ppath)])


def _access(path, ppath, mode, *args, **kwargs):
    return _lookup(ppath) is not None and not mode & posix.W_OK


def install():
    """Answers the payload's paths in open(), io.open_code() and the os functions that
    read the file system (those os.path and pathlib build on)."""
    builtins.open = io.open = _wrap_open(io.open)
    io.open_code = _open_code(io.open_code)
    os = sys.modules.get("os")
    for name, virtual in (("stat", _stat_call), ("lstat", _stat_call), ("listdir", _listdir),
                          ("scandir", _scandir), ("access", _access)):
        patched = _wrap(getattr(posix, name), virtual)
        setattr(posix, name, patched)
        if os is not None:
            setattr(os, name, patched)
