"""frost's Python collector: run by the interpreter whose modules are collected
(`python -I frost-collect.py`, installed next to the stubs by `make`).

Input (JSON on stdin): entry, roots, paths, include/exclude lists, add_data, blob (a file to
write bytecode to), provided (built-in and frozen module names of the stub), stdlib ("all" or
"imported").
Output (JSON on stdout): full version, magic, modules, native libraries and their order, data
files, metadata, missing imports by importer, the main module and the preload list. Bytecode
goes to `blob`, each module's at (offset, size), with a 16-byte header (hash-based,
unchecked), so that builds are reproducible.

What is bundled (docs/PYTHON.md, "What a build bundles"): the program and what it imports;
with stdlib "all", every module of the standard library; and every distribution that owns a
bundled module, whole (each file of its RECORD), with the distributions it requires.
Runs on the target's Python (3.8 and later): no syntax newer than 3.8.
"""
import csv
import dis
import importlib.machinery
import importlib.metadata
import importlib.util
import json
import marshal
import operator
import os
import re
import struct
import subprocess
import sys
import sysconfig
import urllib.parse
import _imp
import opcode


_realpaths = {}


def realpath(path):
    """os.path.realpath, once per path: the collector asks for the same folders thousands of
    times (numpy's program: 6,800 calls, 0.45 s of 2.9 in a profile), and nothing it does
    changes what they resolve to."""
    try:
        return _realpaths[path]
    except KeyError:
        real = _realpaths[path] = os.path.realpath(path)
        return real


MAGIC = importlib.util.MAGIC_NUMBER
IMPORT_NAME = opcode.opmap["IMPORT_NAME"]
# What runs before the program: the interpreter's start (encodings and the standard streams),
# and what the stub's own modules may import (vfs.py imports posixpath, and so os and stat,
# for a path with "/." or "//"). From 3.11 io, abc, codecs, os, posixpath and stat are frozen
# into the interpreter (provided: neither bundled nor scanned for a program that does not
# import them); before, they come from the payload.
STARTUP = ["encodings", "encodings.aliases", "encodings.utf_8", "io", "abc", "codecs", "os",
           "posixpath", "stat"]
LOAD_NAME = opcode.opmap["LOAD_NAME"]
LOAD_CONST = opcode.opmap["LOAD_CONST"]
EXTENDED_ARG = opcode.EXTENDED_ARG
EXT_SUFFIXES = tuple(importlib.machinery.EXTENSION_SUFFIXES)
GLIBC = {
    "linux-vdso.so.1", "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1", "libc.so.6",
    "libm.so.6", "libpthread.so.0", "libdl.so.2", "librt.so.1", "libutil.so.1",
    "libresolv.so.2", "libanl.so.1", "libmvec.so.1", "libBrokenLocale.so.1",
    "libthread_db.so.1", "libc_malloc_debug.so.0", "libnss_files.so.2", "libnss_dns.so.2",
}
# Imports made from C or by name at run time, which scanning bytecode cannot see.
HIDDEN = {
    "socket": ["encodings.idna"],
    "_datetime": ["_strptime"],
    "datetime": ["_strptime"],
    "time": ["_strptime"],
    "_decimal": ["numbers", "collections", "contextvars"],
    "_pickle": ["copyreg", "_compat_pickle"],
    "_elementtree": ["xml.etree.ElementPath", "copy"],
    "xml.etree.ElementTree": ["xml.etree.ElementPath"],
    "multiprocessing": ["multiprocessing.*", "ast"],
    "zoneinfo": ["zoneinfo._zoneinfo", "zoneinfo._common", "zoneinfo._tzpath"],
    "sysconfig": ["_sysconfigdata"],
    "ctypes": ["ctypes.util"],
    # stubs/python/frost.py, frozen into the stub: its imports are not scanned here.
    "frost": ["os", "socket", "stat", "threading", "atexit", "signal"],
}
# Modules that site.py imports on a normal start, from the distribution's configuration
# (Debian's sitecustomize imports apport): a frozen program runs no site, so never bundled
# unless the program imports them.
SITE_HOOKS = {"sitecustomize", "usercustomize"}
# Modules of other systems and implementations: an import of one that is not found is
# expected here, and counted with the optional ones.
OTHER_PLATFORMS = {
    "msvcrt", "winreg", "_winreg", "_winapi", "nt", "winsound", "_overlapped", "_msi", "msilib",
    "win32api", "win32con", "win32file", "win32pipe", "win32process", "win32security",
    "win32console", "win32event", "pywintypes", "winerror", "wmi", "_scproxy", "java", "org",
    "__pypy__", "_pypy_winbase_cffi", "_dummy_thread", "dummy_thread", "vms_lib", "riscos",
    "riscosenviron", "ce", "os2", "AppKit", "Foundation", "CoreFoundation", "objc", "_osx_support",
}
# CPython's own test helpers and test suite: not bundled by stdlib "all".
TEST_ONLY = {
    "_testcapi", "_testinternalcapi", "_testbuffer", "_testclinic", "_testimportmultiple",
    "_testmultiphase", "_testsinglephase", "_xxtestfuzz", "_ctypes_test", "xxlimited",
    "xxlimited_35", "xxsubtype",
    # CPython's regression suite (30 MB of bytecode in a pyenv or python.org build; Debian
    # ships it apart, as libpython3.X-testsuite): bundled only when the program imports it.
    "test",
}
# Development tools the standard library imports only in its own test and demo helpers
# (pickle._test imports doctest, ...): with stdlib "imported", followed only from the program,
# third-party code and the tool's own package.
DEV_TOOLS = {
    "doctest", "unittest", "pdb", "pydoc", "pydoc_data", "test", "tkinter", "idlelib", "turtle",
    "turtledemo", "lib2to3", "distutils", "ensurepip", "venv", "bdb", "cProfile", "profile",
    "pstats", "trace", "tabnanny", "timeit", "_pyrepl", "code", "codeop",
}
# Functions of standard modules that run only when the module is run as a script.
CLI_FUNCS = {"_test", "test", "_main", "main", "_demo", "demo", "_script", "_cli"}
# Frozen start-up modules whose lazy imports serve file-system importing only.
NOT_SCANNED = {"_frozen_importlib", "_frozen_importlib_external", "zipimport", "site",
               "_sitebuiltins"}
# Source twins of frozen modules, never loaded (importlib uses the frozen ones).
NEVER = {"importlib._bootstrap", "importlib._bootstrap_external"}
SOURCE_SUPPORT = ["io", "tokenize", "traceback", "linecache"]
# importlib's own finders on sys.meta_path (PathFinder is run first, over the search path).
IMPORTLIB_FINDERS = (importlib.machinery.BuiltinImporter, importlib.machinery.FrozenImporter,
                     importlib.machinery.PathFinder)
# Finders on sys.meta_path that answer by importing another module (setuptools' distutils shim
# imports setuptools._distutils and redirects `distutils` to it): never asked.
REDIRECTING_FINDERS = {"_distutils_hack"}


def skip_cache(names):
    return [n for n in names if n != "__pycache__"]


def under(path, folder):
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


class Collector:
    def __init__(self, req):
        self.req = req
        self.roots = [os.path.abspath(p) for p in req["roots"]]
        self.paths = [os.path.abspath(p) for p in req.get("paths", [])]
        stdlib = {realpath(sysconfig.get_paths()[k]) for k in ("stdlib", "platstdlib")}
        # Built-in modules of python3 that the stub carries as extension modules.
        self.stub_lib = [realpath(p) for p in req.get("stub_lib", [])]
        self.stdlib = sorted(stdlib) + self.stub_lib
        site = [p for p in sys.path if p and os.path.isdir(p)]
        site = [p for p in site if realpath(p) not in [realpath(r) for r in self.roots]]
        self.search = self.stub_lib + self.roots + self.paths + site
        # Deepest folder first: a venv or a --path folder inside the program's folder holds
        # third-party code, not the program's.
        self.kinds = [(p, "stdlib") for p in self.stdlib]
        self.kinds = sorted(
            [(realpath(p), "program") for p in self.roots]
            + [(realpath(p), "third-party") for p in self.paths + site
               if self.kind_of(p) != "stdlib"]
            + self.kinds, key=lambda k: -len(k[0]))
        self.provided = set(req.get("provided", []))
        self.excludes = set(req.get("exclude_modules", []))
        self.modules = {}   # name -> record
        self.missing = {}   # importer -> {name: inside a try block}
        self.py_names = {}  # third-party module -> its string constants naming a .py file
        # --stdlib all: standard modules bundled before anything imports them; their code is
        # scanned once something scanned imports them (add_stdlib).
        self.deferring = False
        self.deferred = {}  # name -> (code, name, is a package): scan()'s arguments
        self.blob = open(req["blob"], "wb")
        self.offset = 0
        self.queue = []
        self.from_stdlib = False

    # Classification

    def kind_of(self, path):
        folder, base = os.path.split(path)
        # The folder's real path (once per folder), then the file's own link if it is one.
        real = realpath(path) if os.path.islink(path) else os.path.join(realpath(folder), base)
        for root, kind in self.kinds:
            if real == root or real.startswith(root + os.sep):
                if kind == "stdlib" and "-packages" in real[len(root):]:
                    continue
                return kind
        return "third-party"

    def excluded(self, name):
        parts = name.split(".")
        return any(".".join(parts[:i]) in self.excludes for i in range(1, len(parts) + 1))

    # Resolution

    def find(self, name):
        """The spec of `name` (parents resolved first, never imported), or None."""
        parent, _, _ = name.rpartition(".")
        if parent:
            prec = self.add(parent)
            if prec is None or prec.get("search") is None:
                return None
            path = prec["search"]
        else:
            path = self.search
        try:
            spec = importlib.machinery.PathFinder.find_spec(name, path)
        except KeyError:
            # A namespace package inside a namespace package: PathFinder looks its parent up
            # in sys.modules, and nothing is imported here.
            spec = self.namespace_spec(name, path)
        except (ImportError, ValueError, SyntaxError):
            spec = None
        if spec is None:
            spec = self.find_on_meta_path(name, path if parent else None)
        return spec

    @staticmethod
    def namespace_spec(name, path):
        """The spec of namespace package `name` (PEP 420): its folders under `path`, or None."""
        last = name.rpartition(".")[2]
        portions = [os.path.join(p, last) for p in path if os.path.isdir(os.path.join(p, last))]
        if not portions:
            return None
        spec = importlib.machinery.ModuleSpec(name, None, is_package=True)
        spec.submodule_search_locations = portions
        return spec

    def find_on_meta_path(self, name, path):
        """The spec that the other finders on sys.meta_path give `name` (those that the .pth
        files of an editable install put there map names to source folders), as the
        interpreter asks them after PathFinder; None unless it names a source or extension
        file. Such a module, and its submodules, are third-party wherever their source lies."""
        for finder in sys.meta_path:
            if finder in IMPORTLIB_FINDERS or getattr(
                    finder, "__module__", None) in REDIRECTING_FINDERS:
                continue
            find_spec = getattr(finder, "find_spec", None)
            try:
                spec = find_spec(name, path) if find_spec else None
            except Exception:
                continue
            if spec is None:
                continue
            if not self.file_spec(spec):
                return None
            loc = spec.submodule_search_locations
            self.classify(list(loc) if loc is not None else [spec.origin], "third-party")
            return spec
        return None

    @staticmethod
    def file_spec(spec):
        """Whether `spec` loads its module from its origin file, as bundling it does."""
        origin = spec.origin
        if not isinstance(origin, str) or not os.path.isfile(origin):
            return False
        if isinstance(spec.loader, importlib.machinery.ExtensionFileLoader):
            return origin.endswith(EXT_SUFFIXES)
        return isinstance(spec.loader, importlib.machinery.SourceFileLoader) and origin.endswith(
            ".py")

    def classify(self, paths, kind):
        """Files under each of `paths` (folders or files) are of `kind`, deepest first."""
        self.kinds = sorted(self.kinds + [(realpath(p), kind) for p in paths],
                            key=lambda k: -len(k[0]))

    def add(self, name, via=None):
        """Adds module `name` and queues its imports; returns its record or None. `via` is
        (importer, inside a try block) of an import statement, for the missing report."""
        if name.endswith(".__init__"):
            # `import pkg.__init__` runs pkg/__init__.py again as a module of that name, which
            # the package's own file (lib/pkg/__init__.pyc) answers at run time.
            return self.add(name[:-len(".__init__")], via)
        soft = via is not None and (via[1] or self.modules.get(via[0], {}).get("soft", False))
        if name in self.modules:
            rec = self.modules[name]
            if via is not None and not soft:
                rec["soft"] = False
            if self.deferred and not self.deferring:
                self.undefer(name)
            return rec
        if self.excluded(name):
            return None
        # `import __main__` (django's autoreload, dill, pkg_resources): the running program,
        # always in sys.modules, never a file to bundle.
        if name in self.provided or name in NEVER or name == "__main__":
            rec = {"name": name, "type": "provided", "search": None}
            self.modules[name] = rec
            if _imp.is_frozen(name) and name not in NOT_SCANNED and not name.startswith("__"):
                rec["search"] = self.frozen_search(name)
                rec["kind"] = "stdlib"
                self.scan_or_defer(_imp.get_frozen_object(name), name, rec["search"] is not None)
            for extra in HIDDEN.get(name, []):
                self.hidden(extra)
            return rec
        if (via is not None and name.split(".")[0] in TEST_ONLY
                and self.modules.get(via[0], {}).get("kind") == "stdlib"):
            return None  # test.support's _testcapi...: only when the program imports them
        if via is not None and "." in name and self.bounded(via[0]):
            # Judged by its top-level package, before find() adds that package as a parent.
            top = self.find(name.partition(".")[0])
            if top is not None and self.reaches_out(via[0], top):
                return None
        spec = self.find(name)
        if spec is not None and via is not None and self.reaches_out(via[0], spec):
            return None
        if spec is None:
            if via is not None:
                optional = via[1] or self.never_here(name)
                found = self.missing.setdefault(via[0], {})
                found[name] = found.get(name, True) and optional
            return None
        rec = self.add_spec(name, spec)
        rec["soft"] = soft  # reached only through imports in try blocks: itself optional
        if via is not None:
            rec["via"] = via[0]  # the first module seen importing it (distribution_report)
        return rec

    def never_here(self, name):
        """Whether an import of `name` that resolves to nothing is expected on this platform:
        a module of another system (msvcrt, winreg, java...), or a submodule of a plain
        module (six.moves.urllib: made at run time by that module's own importer)."""
        parts = name.split(".")
        if parts[0] in OTHER_PLATFORMS:
            return True
        for i in range(len(parts) - 1, 0, -1):
            rec = self.modules.get(".".join(parts[:i]))
            if rec is not None:
                return rec.get("type") in ("module", "extension")
        return False

    def reaches_out(self, importer, spec):
        """Whether `importer` imports, from `spec`, something outside the standard library
        that is not followed: from a standard module (ensurepip's pip, Debian's
        sitecustomize's apport: the standard library never needs them), or from a module
        bundled only as part of a whole distribution (the program never reaches it; what it
        needs at run time comes with the distribution or its Requires-Dist). What the program
        uses, its own imports bring."""
        if not self.bounded(importer):
            return False
        origin = spec.origin if isinstance(spec.origin, str) else None
        return origin is None or not os.path.isfile(origin) or self.kind_of(origin) != "stdlib"

    def bounded(self, importer):
        """Whether what `importer` imports outside the standard library is left out: it is a
        standard module, or a module bundled only as part of a whole distribution."""
        rec = self.modules.get(importer)
        return rec is not None and (rec.get("kind") == "stdlib" or bool(rec.get("whole")))

    def add_whole(self, name):
        """Adds `name`, a module of a distribution bundled whole (its parents first)."""
        if name in self.modules or self.excluded(name):
            return
        parent = name.rpartition(".")[0]
        if parent:
            self.add_whole(parent)
        spec = self.find(name)
        if spec is not None:
            self.add_spec(name, spec, whole=True)

    def frozen_search(self, name):
        if not _imp.is_frozen_package(name):
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, self.search)
        return list(spec.submodule_search_locations) if spec else []

    def add_spec(self, name, spec, whole=False):
        loc = spec.submodule_search_locations
        rec = {"name": name, "search": list(loc) if loc is not None else None}
        if whole:
            rec["whole"] = True
        self.modules[name] = rec
        if len(self.modules) % 10 == 0:
            sys.stderr.write("progress %d\n" % len(self.modules))
            sys.stderr.flush()
        origin = spec.origin
        if spec.loader is None or origin in (None, "namespace") or not os.path.isfile(origin):
            rec["type"] = "namespace"
            return rec
        rec["file"] = origin
        rec["kind"] = self.kind_of(origin)
        if origin.endswith(EXT_SUFFIXES) or isinstance(
                spec.loader, importlib.machinery.ExtensionFileLoader):
            rec["type"] = "extension"
        else:
            rec["type"] = "package" if loc is not None else "module"
            code = self.bytecode(rec, origin)
            if code is not None:
                self.scan_or_defer(code, name, rec["type"] == "package")
        for extra in HIDDEN.get(name, []):
            self.hidden(extra)
        return rec

    def scan_or_defer(self, code, name, is_package):
        if self.deferring and self.modules[name].get("kind") == "stdlib":
            self.deferred[name] = (code, name, is_package)
        else:
            self.scan(code, name, is_package)

    def undefer(self, name):
        """Scans `name` and its parent packages, those whose scan add_stdlib put off (an
        import of a submodule runs its parents' code too)."""
        parts = name.split(".")
        for i in range(1, len(parts) + 1):
            item = self.deferred.pop(".".join(parts[:i]), None)
            if item is not None:
                self.scan(*item)

    def add_stdlib(self, name):
        """--stdlib all: adds the standard module `name` (a package with all its modules),
        bundled whether or not anything imports it. Its imports are followed once a scanned
        module imports it (add): every standard module is bundled anyway, and what the program
        reaches is scanned all the same (the order modules load in at start, HIDDEN)."""
        self.deferring = True
        try:
            rec = self.add(name)
        finally:
            self.deferring = False
        if rec is None or rec.get("search") is None:
            return
        for folder in rec["search"]:
            for sub, is_package in folder_modules(folder):
                if sub.isidentifier() and sub != "__init__":
                    self.queue.append(("stdlib", name + "." + sub))

    def add_script(self, name, path):
        rec = {"name": name, "type": "module", "file": path, "kind": "program", "search": None}
        self.modules[name] = rec
        code = self.bytecode(rec, path)
        if code is not None:
            self.scan(code, name, False)
        return rec

    def hidden(self, extra):
        if extra == "_sysconfigdata":
            extra = sysconfig._get_sysconfigdata_name()
        if extra.endswith(".*"):
            self.queue.append(("all", extra[:-2]))
        else:
            self.queue.append(("one", extra))

    # Bytecode

    def bytecode(self, rec, path):
        """Reads a valid cached .pyc or compiles `path`; writes it to the blob. Returns the code
        object, or a cached one's marshalled bytes (loaded only if scanned: with --stdlib all,
        most standard modules are bundled unscanned, and loading them took 0.08 s)."""
        with open(path, "rb") as f:
            source = f.read()
        code = None
        data = None
        cached = None
        optimize = self.req.get("optimize", 0)
        if rec["kind"] != "program" and optimize == 0:
            try:
                cached = importlib.util.cache_from_source(path)
            except (NotImplementedError, ValueError):
                cached = None
        if cached and os.path.isfile(cached):
            with open(cached, "rb") as f:
                pyc = f.read()
            if self.fresh(pyc, path, source):
                data = pyc[16:]
        if data is None:
            filename = self.payload_path(rec)[:-1] if rec["kind"] == "program" else path
            try:
                code = compile(source, filename, "exec", dont_inherit=True, optimize=optimize)
            except SyntaxError as e:
                rec["error"] = "%s:%s: %s" % (path, e.lineno, e.msg)
                return None
            data = marshal.dumps(code)
        else:
            code = data
        header = MAGIC + struct.pack("<I", 0b01) + _imp.source_hash(
            importlib.util._RAW_MAGIC_NUMBER, source)
        rec["pyc"] = [self.offset, len(header) + len(data)]
        self.blob.write(header)
        self.blob.write(data)
        self.offset += len(header) + len(data)
        if self.req.get("include_source"):
            rec["source"] = path
        return code

    def fresh(self, pyc, path, source):
        if len(pyc) < 16 or pyc[:4] != MAGIC:
            return False
        flags = struct.unpack("<I", pyc[4:8])[0]
        if flags & 1:
            return pyc[8:16] == _imp.source_hash(importlib.util._RAW_MAGIC_NUMBER, source)
        st = os.stat(path)
        mtime, size = struct.unpack("<II", pyc[8:16])
        return mtime == (int(st.st_mtime) & 0xFFFFFFFF) and size == (st.st_size & 0xFFFFFFFF)

    @staticmethod
    def payload_path(rec):
        rel = rec["name"].replace(".", "/")
        if rec["type"] == "package":
            return "lib/%s/__init__.pyc" % rel
        if rec["type"] == "extension":
            # An extension that is a package's __init__ (mypyc compiles mypy/__init__.py to
            # mypy/__init__.cpython-311-x86_64-linux-gnu.so, which python3 takes first).
            if rec.get("search") is not None:
                return "lib/%s/__init__.so" % rel
            return "lib/%s.so" % rel
        return "lib/%s.pyc" % rel

    def scan(self, code, name, is_package):
        """Queues the modules imported anywhere in `code` (nested code objects too; marshalled
        bytes are loaded first)."""
        if isinstance(code, bytes):
            code = marshal.loads(code)
        package = name if is_package else name.rpartition(".")[0]
        rec = self.modules.get(name) or {}
        self.from_stdlib = rec.get("kind") == "stdlib"
        stack = [code]
        while stack:
            co = stack.pop()
            raw = co.co_code
            consts = co.co_consts
            names = co.co_names
            skip = self.main_block(co) if co is code and self.from_stdlib else None
            skips = ([skip] if skip else []) + self.type_checking_blocks(co) + version_blocks(co)
            guarded = None  # try_ranges(co), read only for code that imports (dis is slow)
            i = raw.find(bytes([IMPORT_NAME]))
            while i != -1:
                if i % 2 == 0 and not any(a <= i < b for a, b in skips):
                    if guarded is None:
                        guarded = try_ranges(co)
                    in_try = any(a <= i < b for a, b in guarded)
                    found = self.import_at(raw, i, consts, names, package, (name, in_try))
                    if found and co is code:
                        rec.setdefault("eager", []).append(found)
                i = raw.find(bytes([IMPORT_NAME]), i + 1)
            for c in consts:
                if hasattr(c, "co_code") and not (self.from_stdlib and c.co_name in CLI_FUNCS):
                    stack.append(c)
                elif (type(c) is str and not self.from_stdlib and c.endswith(".py")
                      and len(c) < 256):
                    self.py_names.setdefault(name, set()).add(c)

    @staticmethod
    def main_block(co):
        """Byte range of the module's `if __name__ == "__main__":` block, or None."""
        if "__name__" not in co.co_names or "__main__" not in co.co_consts:
            return None
        if not imports_after(co, LOAD_NAME, co.co_names.index("__name__")):
            return None
        blocks = false_branches(co, lambda code, i: code[i].opname == "LOAD_NAME"
                                and code[i].argval == "__name__", 4)
        return blocks[0] if blocks else None

    @staticmethod
    def type_checking_blocks(co):
        """Byte ranges of `if TYPE_CHECKING:` (or `typing.TYPE_CHECKING`) blocks in `co`:
        imports there never run."""
        if "TYPE_CHECKING" not in co.co_names:
            return []
        return false_branches(co, lambda code, i: code[i].opname in (
            "LOAD_NAME", "LOAD_GLOBAL", "LOAD_ATTR") and code[i].argval == "TYPE_CHECKING", 3)

    def import_at(self, raw, i, consts, names, package, via):
        arg = raw[i + 1]
        j = i - 2
        shift = 8
        while j >= 0 and raw[j] == EXTENDED_ARG:
            arg |= raw[j + 1] << shift
            shift += 8
            j -= 2
        level, fromlist = 0, None
        args = []
        k = j
        while k >= 0 and len(args) < 2:
            if raw[k] != LOAD_CONST:
                break
            carg = raw[k + 1]
            shift, m = 8, k - 2
            while m >= 0 and raw[m] == EXTENDED_ARG:
                carg |= raw[m + 1] << shift
                shift += 8
                m -= 2
            args.append(consts[carg] if carg < len(consts) else None)
            k = m
        if len(args) == 2:
            fromlist, level = args[0], args[1]
        if not isinstance(level, int):
            level = 0
        target = names[arg] if arg < len(names) else None
        if target is None:
            return None
        if level > 0:
            base = package.rsplit(".", level - 1)[0] if level > 1 else package
            if not base:
                return None
            target = base + "." + target if target else base
        top = target.split(".")[0]
        if (self.from_stdlib and self.req.get("stdlib") == "imported" and top in DEV_TOOLS
                and via[0].split(".")[0] != top):
            return None
        fromlist = tuple(fromlist) if isinstance(fromlist, tuple) else ()
        self.queue.append(("import", target, fromlist, via))
        return target, fromlist

    def drain(self):
        while self.queue:
            item = self.queue.pop()
            if item[0] == "import":
                _, target, fromlist, via = item
                rec = self.add(target, via)
                if rec is not None and rec.get("search") is not None:
                    for sub in fromlist:
                        full = target + "." + sub
                        if full in self.deferred:
                            self.undefer(full)
                        elif sub != "*" and full not in self.modules and not self.excluded(full):
                            spec = self.find(full)
                            if spec is not None:
                                self.add_spec(full, spec)
            elif item[0] == "one":
                self.add(item[1])
            elif item[0] == "whole":
                self.add_whole(item[1])
            elif item[0] == "stdlib":
                self.add_stdlib(item[1])
            else:
                self.add_package(item[1])

    def add_codecs(self):
        """Adds every codec of `encodings` whose imports are bundled already (a codec is looked
        up by name at run time); codecs needing more (CJK, bz2_codec, ...) come only when the
        program imports what they need, or with --include-package encodings."""
        rec = self.add("encodings")
        if rec is None:
            return
        folder = os.path.dirname(rec["file"])
        for entry in sorted(os.listdir(folder)):
            name = "encodings." + entry[:-3]
            if not entry.endswith(".py") or name in self.modules or entry == "__init__.py":
                continue
            with open(os.path.join(folder, entry), "rb") as f:
                code = compile(f.read(), entry, "exec", dont_inherit=True)
            saved, self.queue = self.queue, []
            self.from_stdlib = False
            self.scan(code, name, False)
            needed, self.queue = self.queue, saved
            if all(item[1] in self.modules or item[1] == "encodings" for item in needed):
                self.add(name)

    def add_package(self, name):
        rec = self.add(name)
        if rec is None or rec.get("search") is None:
            return
        for folder in rec["search"]:
            for sub, is_package in folder_modules(folder):
                if sub.isidentifier() and sub != "__init__":
                    self.queue.append(("all" if is_package else "one", name + "." + sub))


def folder_modules(folder, namespaces=False):
    """(name, is a package) of each module in `folder`, in name order: sources, extension
    modules, packages (folders with __init__.py), and with `namespaces` any other folder whose
    name has no dot. Nothing when the folder cannot be read."""
    try:
        entries = sorted(os.listdir(folder))
    except OSError:
        return []
    out = []
    for entry in entries:
        full = os.path.join(folder, entry)
        if entry.endswith(".py"):
            out.append((entry[:-3], False))
        elif entry.endswith(EXT_SUFFIXES):
            out.append((entry.split(".")[0], False))
        elif os.path.isfile(os.path.join(full, "__init__.py")) or (
                namespaces and "." not in entry and os.path.isdir(full)):
            out.append((entry, True))
    return out


# Before 3.11 (no exception table), the opcodes that open a block with a handler; the
# handler is their relative jump, counted in bytes (3.8, 3.9) or in instructions (3.10).
SETUP_OPS = {"SETUP_FINALLY", "SETUP_WITH", "SETUP_ASYNC_WITH", "SETUP_EXCEPT"}
SETUP_CODES = {dis.opmap[name] for name in SETUP_OPS if name in dis.opmap}
JUMP_UNIT = 2 if sys.version_info[:2] == (3, 10) else 1


def even_find(raw, pattern, start=0):
    """The first offset of `pattern` at an even offset (an instruction) of `raw`, or -1."""
    i = raw.find(pattern, start)
    while i != -1 and i % 2:
        i = raw.find(pattern, i + 1)
    return i


def imports_after(co, op, arg):
    """Whether `co` imports after its first instruction `op arg` (or may: an argument of more
    than a byte): dis, which reads every instruction, is then worth running."""
    if arg > 255:
        return True
    first = even_find(co.co_code, bytes([op, arg]))
    return first != -1 and even_find(co.co_code, bytes([IMPORT_NAME]), first) != -1


def false_branches(co, test, window):
    """(jump, target) byte ranges of the blocks that run when a condition holds: an
    instruction at which `test(instructions, index)` holds, followed within `window`
    instructions by a jump if false (POP_JUMP_IF_FALSE, 3.11's POP_JUMP_FORWARD_IF_FALSE) to a
    later offset. dis gives the target as an offset on every version (absolute, relative, in
    bytes or in words)."""
    try:
        code = list(dis.get_instructions(co))
    except Exception:
        return []
    out = []
    for i in range(len(code)):
        if not test(code, i):
            continue
        for jump in code[i + 1:i + 1 + window]:
            if "JUMP" in jump.opname:
                if jump.opname.endswith("IF_FALSE") and isinstance(jump.argval, int) \
                        and jump.argval > jump.offset:
                    out.append((jump.offset, jump.argval))
                break
    return out


VERSION_TESTS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
                 "==": operator.eq, "!=": operator.ne}


def version_blocks(co):
    """(jump, target) byte ranges of `if sys.version_info OP (X, Y):` blocks (also
    `version_info[:2]`) whose test is false for this interpreter, the target's: imports there
    never run (annotationlib behind `>= (3, 14)`, tomli behind `< (3, 11)` on 3.11)."""
    if "version_info" not in co.co_names:
        return []
    return false_branches(co, version_test_fails, 8)


def version_test_fails(code, i):
    """code[i] loads `version_info`, compared next with a constant tuple, and the comparison
    is false for this interpreter."""
    ins = code[i]
    if ins.argval != "version_info" or not any(
            kind in ins.opname for kind in ("ATTR", "NAME", "GLOBAL")):
        return False
    window = code[i + 1:i + 8]
    for k, w in enumerate(window):
        if w.opname != "COMPARE_OP":
            continue
        test = VERSION_TESTS.get(str(w.argval).replace("bool(", "").rstrip(")"))
        const = window[k - 1].argval if k and window[k - 1].opname == "LOAD_CONST" else None
        if test is None or not isinstance(const, tuple):
            return False
        sliced = any("SLICE" in x.opname for x in window[:k])
        try:
            return not test(tuple(sys.version_info)[:len(const)] if sliced else sys.version_info,
                            const)
        except TypeError:
            return False
    return False


def try_ranges(co):
    """Byte ranges of `co` covered by an exception handler (try and with blocks): an import
    there is likely optional. From 3.11 the exception table; before, SETUP_* to its handler,
    read from the bytecode directly (dis takes seconds over the standard library)."""
    parse = getattr(dis, "_parse_exception_table", None)
    if parse is not None and hasattr(co, "co_exceptiontable"):
        try:
            return [(e.start, e.end) for e in parse(co)]
        except Exception:
            return []
    raw = co.co_code
    if not SETUP_CODES.intersection(raw[::2]):
        return []
    out, ext = [], 0
    for i in range(0, len(raw) - 1, 2):
        op, arg = raw[i], raw[i + 1] | ext
        ext = arg << 8 if op == dis.EXTENDED_ARG else 0
        if op in SETUP_CODES:
            out.append((i, i + 2 + arg * JUMP_UNIT))
    return out


def stdlib_tops(collector):
    """Top-level names of every module of the standard library (stdlib "all"): sources,
    packages and extension modules, in the stdlib folders, lib-dynload and the stub's
    folder; CPython's test-only extension modules and site-packages left out."""
    folders = list(collector.stdlib)
    for p in sys.path:
        if p and any(under(realpath(p), s) for s in collector.stdlib):
            folders.append(realpath(p))
    # A venv's platstdlib is the venv's own lib/pythonX.Y, which holds site-packages.
    folders = [f for f in folders if "-packages" not in f]
    names = set()
    for folder in folders:
        for name, _ in folder_modules(folder):
            if name.isidentifier() and name not in TEST_ONLY and name not in SITE_HOOKS:
                names.add(name)
    return sorted(names)


def preload_order(collector, main):
    """Payload paths of the modules and extension modules that importing `main` loads, in load
    order: module-level imports followed depth-first, parents first, as the interpreter runs
    them (imports inside functions are left to load on demand)."""
    order = []
    seen = set()
    stack = [iter([main])]
    while stack:
        for name in stack[-1]:
            if name in seen:
                continue
            parent = name.rpartition(".")[0]
            if parent and parent not in seen:
                stack.append(iter([parent, name]))
                break
            seen.add(name)
            rec = collector.modules.get(name)
            if rec is None:
                continue
            if rec.get("type") in ("module", "package", "extension") and "file" in rec:
                order.append(collector.payload_path(rec))
            children = []
            for target, fromlist in rec.get("eager", []):
                children.append(target)
                children += [target + "." + s for s in fromlist
                             if target + "." + s in collector.modules]
            stack.append(iter(children))
            break
        else:
            stack.pop()
    return order


def dynamic_entries(data):
    """([(file offset, d_tag, d_val)] of the SHT_DYNAMIC section, a function giving the
    string at an offset of its string table) of an ELF64 little-endian file's bytes."""
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        return [], lambda v: ""
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    for i in range(shnum):
        base = shoff + i * shentsize
        sh_type, = struct.unpack_from("<I", data, base + 4)
        if sh_type != 6:  # SHT_DYNAMIC
            continue
        offset, size, link = struct.unpack_from("<QQI", data, base + 0x18)
        str_off, = struct.unpack_from("<Q", data, shoff + link * shentsize + 0x18)
        out = []
        for j in range(0, size, 16):
            tag, val = struct.unpack_from("<qQ", data, offset + j)
            if tag == 0:
                break
            out.append((offset + j, tag, val))

        def string(val, str_off=str_off):
            end = data.index(b"\0", str_off + val)
            return data[str_off + val:end].decode()
        return out, string
    return [], lambda v: ""


def data_sections(data):
    """(start, end) of each loaded section of an ELF64 little-endian file that is not code
    (.rodata, .data, .data.rel.ro, ...): where a string literal such as a module name that
    the code imports lies. The whole file when it has no section headers: the names are
    looked for there, and code is most of an extension's bytes (numpy's: 0.6 s for them)."""
    whole = [(0, len(data))]
    if len(data) < 64 or data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        return whole
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    if shnum == 0 or shentsize < 64 or shoff + shnum * shentsize > len(data):
        return whole
    out = []
    for i in range(shnum):
        base = shoff + i * shentsize
        sh_type, flags = struct.unpack_from("<IQ", data, base + 4)
        offset, size = struct.unpack_from("<QQ", data, base + 0x18)
        # SHT_PROGBITS, SHF_ALLOC and not SHF_EXECINSTR, inside the file
        if sh_type == 1 and flags & 2 and not flags & 4 and offset + size <= len(data):
            out.append((offset, offset + size))
    return out or whole


def elf_needed(path):
    """DT_NEEDED names of an ELF64 little-endian shared object."""
    with open(path, "rb") as f:
        data = f.read()
    entries, string = dynamic_entries(data)
    return [string(val) for _, tag, val in entries if tag == 1]


def ldd_runs(files):
    """{file: [(soname, path)]} as ldd prints them, the files in a few runs at once."""
    ldd = "/usr/bin/ldd" if os.path.exists("/usr/bin/ldd") else "ldd"
    n = max(1, min(os.cpu_count() or 1, 4, len(files) // 8))
    size = -(-len(files) // n)
    chunks = [files[i:i + size] for i in range(0, len(files), size)]
    runs = [subprocess.Popen([ldd] + chunk, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             text=True) for chunk in chunks]
    out = {}
    for chunk, run in zip(chunks, runs):
        current = chunk[0] if len(chunk) == 1 else None
        for line in run.communicate()[0].splitlines():
            if len(chunk) > 1 and not line[:1].isspace() and line.endswith(":"):
                current = line[:-1]  # ldd of several files heads each with "FILE:"
                continue
            line = line.strip()
            if current is not None and "=>" in line:
                soname, _, rest = line.partition("=>")
                path = rest.strip().split(" (")[0].strip()
                if path.startswith("/"):
                    out.setdefault(current, []).append([soname.strip(), path])
    return out


def ldd_key(path, system):
    """What ldd's answer for `path` depends on: the file and the loader's configuration."""
    st = os.stat(path)
    return "%s|%d|%d|%d|%s" % (path, st.st_size, st.st_mtime_ns, st.st_ino, system)


def resolve_libraries(files, cache=None):
    """soname -> path of every library the files need, as the dynamic loader finds them.

    ldd runs the loader once per file (0.15 s for the standard library's 65 extensions): its
    answers are kept in `cache` (a JSON file), keyed by each file's path, size, modification
    time and inode with /etc/ld.so.cache's and LD_LIBRARY_PATH, so later builds skip it."""
    found = {}
    if not files:
        return found
    try:
        st = os.stat("/etc/ld.so.cache")
        system = "%d:%d:%s" % (st.st_size, st.st_mtime_ns, os.environ.get("LD_LIBRARY_PATH", ""))
    except OSError:
        system = "none:" + os.environ.get("LD_LIBRARY_PATH", "")
    known = {}
    if cache:
        try:
            with open(cache) as f:
                known = json.load(f)
        except (OSError, ValueError):
            known = {}
        if not isinstance(known, dict):
            known = {}
    keys = {f: ldd_key(f, system) for f in files}
    todo = [f for f in files if not isinstance(known.get(keys[f]), list)]
    if todo:
        fresh = ldd_runs(todo)
        for f in todo:
            known[keys[f]] = fresh.get(f, [])
        if cache:
            if len(known) > 20000:  # a cache of very many venvs: start again
                known = {keys[f]: known[keys[f]] for f in files}
            try:
                os.makedirs(os.path.dirname(cache), exist_ok=True)
                tmp = "%s.%d.tmp" % (cache, os.getpid())
                with open(tmp, "w") as f:
                    json.dump(known, f)
                os.replace(tmp, cache)
            except OSError:
                pass
    for f in files:
        for pair in known[keys[f]]:
            if isinstance(pair, list) and len(pair) == 2:
                found.setdefault(pair[0], pair[1])
    return found


def native_order(extensions, work, cache=None):
    """(libraries [(soname, path)], needs {ext file: [sonames, dependencies first]}, cuts
    [(soname, soname it no longer names)], the paths of the libraries as installed).

    Each library is loaded from memory after the libraries it names, which the dynamic loader
    then finds by soname; a cycle (Pillow's libfreetype and libharfbuzz name each other) has
    no such order. It is cut at the edge that closes it, found by a depth-first walk in sorted
    order: the library X that names Y is bundled as a copy whose DT_NEEDED of Y names a glibc
    library it names anyway (patched_needed), loaded with lazy binding, Y right after it and
    made global, so that X's calls into Y bind on first use (docs/FORMAT.md, `native-cut`)."""
    where = resolve_libraries(extensions, cache)

    read = {}

    def deps(path):
        """The bundled libraries `path` names (each file is read once)."""
        if path not in read:
            read[path] = [s for s in elf_needed(path)
                          if s not in GLIBC and not s.startswith("libnss_") and s in where]
        return read[path]

    graph = {}
    stack = sorted(set(s for e in extensions for s in deps(e)))
    while stack:
        soname = stack.pop()
        if soname not in graph:
            graph[soname] = deps(where[soname])
            stack.extend(graph[soname])
    cuts, state = set(), {}

    def walk(soname):
        state[soname] = 1
        for d in graph[soname]:
            if state.get(d) == 1:
                cuts.add((soname, d))
            elif d not in state:
                walk(d)
        state[soname] = 2

    for soname in sorted(graph):
        if soname not in state:
            walk(soname)
    after = {}
    for x, y in cuts:
        after.setdefault(x, []).append(y)

    def visit(soname, seen, order):
        if soname in seen:
            return
        seen.add(soname)
        for d in graph[soname]:
            if (soname, d) not in cuts:
                visit(d, seen, order)
        order.append(soname)
        for y in sorted(after.get(soname, [])):
            visit(y, seen, order)

    needs = {}
    for ext in extensions:
        order, seen = [], set()
        for soname in deps(ext):
            visit(soname, seen, order)
        needs[ext] = order
    libs = {s: where[s] for s in graph}
    for x in sorted(after):
        libs[x] = patched_needed(where[x], set(after[x]), work)
    return sorted(libs.items()), needs, sorted(cuts), set(where.values())


def patched_needed(path, drop, work):
    """A copy of the shared object at `path`, in `work`, whose DT_NEEDED entries naming
    `drop` name the first glibc library it names instead (a name it needs anyway)."""
    with open(path, "rb") as f:
        data = bytearray(f.read())
    entries, strings = dynamic_entries(bytes(data))
    needed = [(at, strings(val)) for at, tag, val in entries if tag == 1]
    keep = next((at for at, name in needed if name in GLIBC), None)
    if keep is None:
        return path
    val = data[keep + 8:keep + 16]
    for at, name in needed:
        if name in drop:
            data[at + 8:at + 16] = val
    out = os.path.join(work, "cut-" + os.path.basename(path))
    with open(out, "wb") as f:
        f.write(data)
    return out


def data_files(collector):
    """Non-code files inside the program's and third-party packages' folders, and with stdlib
    "all" the standard library's too (lib2to3's grammars, venv's scripts: 84 kB)."""
    out = []
    everything = collector.req.get("stdlib", "all") == "all"
    for rec in collector.modules.values():
        if rec.get("type") != "package" or (rec.get("kind") == "stdlib" and not everything):
            continue
        folder = os.path.dirname(rec["file"])
        prefix = "lib/" + rec["name"].replace(".", "/")
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = sorted(d for d in skip_cache(dirnames)
                                 if not os.path.isfile(os.path.join(dirpath, d, "__init__.py")))
            for fn in sorted(filenames):
                src = os.path.join(dirpath, fn)
                if fn.endswith((".py", ".pyc", ".pyo")) or (
                        fn.endswith(EXT_SUFFIXES) and is_extension(src, fn.split(".")[0])):
                    continue  # modules; a library shipped in the package is data
                rel = os.path.relpath(src, folder)
                out.append({"src": src, "dest": prefix + "/" + rel})
    return out


def normalize(name):
    """A distribution name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement(text):
    """(normalized name, True when it applies here with no extra) of a Requires-Dist line,
    its marker evaluated for this interpreter (the target's) by packaging when the
    environment has it (pip vendors it), else: a marker that names an extra does not apply."""
    for module in ("packaging.requirements", "pip._vendor.packaging.requirements"):
        try:
            parse = __import__(module, fromlist=["Requirement"]).Requirement
            req = parse(text)
            return normalize(req.name), req.marker is None or req.marker.evaluate({"extra": ""})
        except ImportError:
            continue
        except Exception:
            break
    m = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", text)
    return normalize(m.group(1) if m else ""), "extra" not in text.partition(";")[2]


def module_name(parts):
    """The module name of a file at `parts` (relative to its import root), or None when it is
    not a module: a .py file, or an extension module (a plain `.so` only if it defines its
    PyInit_ function: libraries shipped inside packages are not modules)."""
    last = parts[-1]
    if last.endswith(".py"):
        stem = last[:-3]
    elif last.endswith(EXT_SUFFIXES):
        stem = last.split(".")[0]
    else:
        return None
    dirs = list(parts[:-1])
    if not stem or "." in stem or any(not d or "." in d for d in dirs):
        return None
    if stem == "__init__":
        return ".".join(dirs) if dirs else None
    return ".".join(dirs + [stem])


def is_extension(path, stem):
    """Whether the shared object at `path` is an extension module named `stem`."""
    if not path.endswith(".so") or any(path.endswith(s) for s in EXT_SUFFIXES if s != ".so"):
        return True
    try:
        with open(path, "rb") as f:
            return b"PyInit_" + stem.encode() + b"\0" in f.read()
    except OSError:
        return False


class Distributions:
    """The installed distributions on the third-party search path: which owns a file, and
    which one a name means (the first on the path, as importlib.metadata finds it)."""

    def __init__(self, folders):
        self.by_file = {}
        self.by_name = {}
        seen = set()
        for dist in importlib.metadata.distributions(path=folders):
            path = getattr(dist, "_path", None)
            if path is None or realpath(str(path)) in seen:
                continue
            seen.add(realpath(str(path)))
            self.by_name.setdefault(normalize(dist.metadata["Name"] or ""), dist)
            base = realpath(str(dist.locate_file("")))
            for parts in file_parts(dist):
                if parts and parts[0] != "..":
                    self.by_file.setdefault(os.path.join(base, *parts), dist)

    def owner(self, path):
        folder, name = os.path.split(path)
        return self.by_file.get(os.path.join(realpath(folder), name))

    def required(self, dist):
        """The installed distributions that `dist` requires here, by name."""
        out = []
        for text in dist.requires or []:
            name, applies = requirement(text)
            if applies and name in self.by_name:
                out.append(self.by_name[name])
        return out


_file_parts = {}


def file_parts(dist):
    """The parts of each path `dist` installed, as `dist.files` gives them (PackagePath.parts),
    read once per distribution and from RECORD without pathlib when it has one (numpy's
    program: 20,000 PackagePaths took 0.2 s)."""
    key = str(getattr(dist, "_path", "")) or id(dist)
    if key in _file_parts:
        return _file_parts[key]
    text = dist.read_text("RECORD")
    if text is None:
        out = [f.parts for f in dist.files or []]
    else:
        out = []
        for row in csv.reader(text.splitlines()):
            if row and row[0]:
                parts = tuple(p for p in row[0].split("/") if p not in ("", "."))
                out.append(("/",) + parts if row[0].startswith("/") else parts)
    _file_parts[key] = out
    return out


def dist_key(dist):
    return realpath(str(dist._path))


def add_distribution(collector, dist):
    """Queues every module in `dist`'s RECORD and returns its other files as data (shared
    libraries that the bundled extensions need travel as native libraries instead)."""
    base = str(dist.locate_file(""))
    data = []
    for parts in file_parts(dist):
        if (not parts or parts[0] == ".." or "__pycache__" in parts
                or parts[0].endswith((".dist-info", ".egg-info"))
                or parts[-1].endswith((".pyc", ".pyo")) or (len(parts) == 1 and parts[0].endswith(".pth"))):
            continue
        src = os.path.join(base, *parts)
        name = module_name(parts)
        if name is not None and not is_extension(src, parts[-1].split(".")[0]):
            name = None
        if name is not None:
            collector.queue.append(("whole", name))
        elif os.path.isfile(src) and not collector.excluded(".".join(parts[:-1])):
            data.append({"src": src, "dest": "lib/" + "/".join(parts)})
    return data


def add_distributions(collector):
    """Bundles, whole, every distribution that owns a bundled third-party module, and those
    they require (transitively): compiled code imports where no analysis sees, reads its
    files by path and loads plugins by name. Returns (their keys, their data files)."""
    folders = collector.paths + [p for p in collector.search if collector.kind_of(p) != "stdlib"]
    dists = None  # read only when a third-party module is bundled (every RECORD: seconds)
    done, data, scanned = {}, [], {}
    # distribution key -> (why it is bundled, the key of the distribution that brought it)
    collector.pulled = {}
    while True:
        wanted = {}
        third = [rec for rec in list(collector.modules.values())
                 if rec.get("kind") == "third-party" and "file" in rec]
        if dists is None and (third or collector.req.get("include_packages")):
            dists = Distributions(folders)
        for rec in third:
            d = dists.owner(rec["file"])
            if d is not None:
                wanted[dist_key(d)] = d
                importer = collector.modules.get(rec.get("via", ""), {})
                by = dists.owner(importer["file"]) if "file" in importer else None
                if importer and by is not d:
                    collector.pulled.setdefault(dist_key(d), (
                        "imported by " + importer["name"], dist_key(by) if by else None))
        for name in collector.req.get("include_packages", []):
            if normalize(name) in dists.by_name:
                d = dists.by_name[normalize(name)]
                wanted[dist_key(d)] = d
                collector.pulled.setdefault(dist_key(d), ("--include-package " + name, None))
        stack = list(wanted.values())
        while stack:
            by = stack.pop()
            for req in dists.required(by):
                if dist_key(req) not in wanted:
                    wanted[dist_key(req)] = req
                    stack.append(req)
                    collector.pulled.setdefault(
                        dist_key(req), ("required by " + (by.metadata["Name"] or "?"), dist_key(by)))
        new = sorted(k for k in wanted if k not in done)
        if not new and not compiled_imports(collector, scanned):
            collector.bundled_dists = done
            collector.dists = dists
            return set(done), data
        for key in new:
            done[key] = wanted[key]
            data += add_distribution(collector, wanted[key])
        collector.drain()


# Names of .py files that code names for other reasons than to read them (a package folder's
# marker, a build script): never a reason to bundle sources.
NOT_READ_AS_SOURCE = {"__init__.py", "__main__.py", "setup.py", "conftest.py"}
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%[sdr]")


def source_pattern(text):
    """A regex for the paths a string constant such as "config-{}.{}.py" names (a placeholder
    stands for any name), or None when it names no file in particular ("{}.py")."""
    if os.path.basename(text) in NOT_READ_AS_SOURCE:
        return None
    parts = PLACEHOLDER.split(text)
    if not re.search(r"[A-Za-z0-9_]", "".join(parts)[:-3]):
        return None
    regex = "[^/]*".join(re.escape(p) for p in parts)
    return re.compile(("(?:.*/)?" if not text.startswith("/") else "") + regex.lstrip("/"))


def sources_read_as_files(collector):
    """The .py files of bundled distributions that their own code names in a string constant,
    as data files (their source): a package that reads its own Python files as text and
    exec()s them (opencv's cv2/config.py, config-3.py) finds them. Bytecode alone serves
    imports; this is for reading. Nothing with --include-source, which bundles every source."""
    dists = getattr(collector, "bundled_dists", {})
    if collector.req.get("include_source") or not dists or not collector.py_names:
        return []
    out = []
    for module in sorted(collector.py_names):
        rec = collector.modules.get(module, {})
        d = collector.dists.owner(rec["file"]) if "file" in rec else None
        if d is None or dist_key(d) not in dists:
            continue
        patterns = [p for p in map(source_pattern, sorted(collector.py_names[module])) if p]
        if not patterns:
            continue
        base = str(d.locate_file(""))
        for parts in file_parts(d):
            rel = "/".join(parts)
            if (parts and parts[0] != ".." and rel.endswith(".py")
                    and any(p.fullmatch(rel) for p in patterns)):
                out.append({"src": os.path.join(base, *parts), "dest": "lib/" + rel})
    return out


def frozen_sources(collector):
    """With sources bundled: the sources of the standard modules frozen into the interpreter
    (os, posixpath, codecs, ...), whose __file__ names lib/os.py in the payload as it names
    the stdlib folder under python3: inspect.getsource(os) and pylint's `import os` read it.
    Their bytecode is the interpreter's own; only the text is bundled."""
    if not collector.req.get("include_source"):
        return []
    stdlib = os.path.dirname(os.__file__)
    out = []
    for name in sorted(collector.modules):
        rec = collector.modules[name]
        if rec["type"] != "provided" or rec.get("kind") != "stdlib":
            continue
        rel = name.replace(".", "/") + ("/__init__.py" if rec["search"] is not None else ".py")
        if os.path.isfile(os.path.join(stdlib, rel)):
            out.append({"src": os.path.join(stdlib, rel), "dest": "lib/" + rel})
    return out


def distribution_report(collector, data, metadata_files):
    """Each distribution bundled whole: its name, the bytes of its files in the payload (raw),
    why it is there (the first module seen importing one of its modules, or the distribution
    that requires it) and the distributions it came through, largest first: what `frost build`
    shows for a large payload, so that the user sees where the size comes from and what
    --exclude-module would leave out."""
    dists = getattr(collector, "bundled_dists", {})
    if not dists:
        return []
    size = {key: 0 for key in dists}

    def count(path):
        d = collector.dists.owner(path)
        if d is not None and dist_key(d) in size:
            try:
                size[dist_key(d)] += os.path.getsize(path)
            except OSError:
                pass

    for rec in collector.modules.values():
        if rec.get("kind") == "third-party" and "file" in rec:
            count(rec["file"])
    for item in list(data) + list(metadata_files):
        count(item["src"])

    def chain(key):
        """The distributions through which the program reaches `key`'s, nearest first."""
        out, seen = [], {key}
        parent = collector.pulled.get(key, ("", None))[1]
        while parent in dists and parent not in seen and len(out) < 8:
            out.append(dists[parent].metadata["Name"] or "?")
            seen.add(parent)
            parent = collector.pulled.get(parent, ("", None))[1]
        return out

    out = [{"name": d.metadata["Name"] or "?", "version": d.version or "",
            "bytes": size[key], "why": collector.pulled.get(key, ("", None))[0],
            "through": chain(key)}
           for key, d in dists.items()]
    return sorted(out, key=lambda x: (-x["bytes"], x["name"]))


# A module name as compiled code spells it for PyImport_ImportModule: NUL-terminated.
MODULE_STRING = re.compile(rb"(?<![A-Za-z0-9_.])([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\0")


def site_tops(collector):
    """Top-level module names importable from the third-party folders of the search path."""
    return {name for folder in collector.paths + collector.search
            if collector.kind_of(folder) != "stdlib"
            for name, _ in folder_modules(folder, namespaces=True)}


def compiled_imports(collector, scanned):
    """Adds the third-party extension modules that bundled third-party extension modules name
    in their strings, as their code imports them (PyImport_ImportModule("_cffi_backend")): a
    distribution installed without the metadata that names what it needs (Debian's
    python3-cryptography and python3-cffi-backend) still gets it. Only names whose top level is
    importable from the third-party folders and not bundled yet, and that resolve to an
    extension module, count; with stdlib "imported", standard modules named so count too.
    Returns True when it added one."""
    if "site_tops" not in scanned:
        scanned["site_tops"] = site_tops(collector)
        # With stdlib "imported", a standard module that compiled code imports (orjson's
        # PyCapsule_Import("datetime.datetime_CAPI"), PyImport_ImportModule("uuid")) is
        # bundled only if found here: a missing one makes the import return NULL, which
        # extensions rarely check (orjson crashes at import). Development tools left out.
        scanned["stdlib_tops"] = set()
        if collector.req.get("stdlib") == "imported":
            scanned["stdlib_tops"] = set(stdlib_tops(collector)) - DEV_TOOLS - TEST_ONLY
    tops = scanned["site_tops"]
    std = scanned["stdlib_tops"]
    added = False
    before = set(collector.modules)
    for rec in list(collector.modules.values()):
        if rec.get("type") != "extension" or rec.get("kind") != "third-party":
            continue
        if rec["file"] in scanned:
            continue
        scanned[rec["file"]] = True
        try:
            with open(rec["file"], "rb") as f:
                data = f.read()
        except OSError:
            continue
        found = set()
        for start, end in data_sections(data):
            found.update(MODULE_STRING.findall(data, start, end))
        # In order, and judged against what was bundled before: find() adds the parents of a
        # dotted name, and a set's order decided whether duckdb's "numpy.core._multiarray_umath"
        # (a .py, numpy half added) or "numpy._core._multiarray_umath" (an extension, numpy
        # whole) came first: two builds gave different binaries.
        for m in sorted(found):
            name = m.decode("ascii")
            top = name.split(".")[0]
            if top in tops and name not in collector.modules and top not in before:
                # Only extension modules (compiled code importing compiled helpers, as
                # cryptography's bindings import _cffi_backend): a Python package named in
                # strings is mostly an optional integration (orjson names numpy), which the
                # program imports itself when it uses it. So is a package whose __init__ is
                # compiled (mypyc's mypy, named by the strings of other mypyc modules).
                spec = collector.find(name)
                origin = getattr(spec, "origin", None) if spec is not None else None
                if (isinstance(origin, str) and origin.endswith(EXT_SUFFIXES)
                        and spec.submodule_search_locations is None):
                    if collector.add(name) is not None:
                        added = True
            elif top in std and top not in tops:
                # A capsule's name ("datetime.datetime_CAPI") names its module's attribute.
                while name not in collector.modules and collector.add(name) is None:
                    if "." not in name:
                        break
                    name = name.rsplit(".", 1)[0]
                else:
                    added = added or name not in before
    # Parents that find() added are bundled: their imports are followed too.
    added = added or set(collector.modules) != before
    if added:
        collector.drain()
    return added


def editable_source(dist):
    """The source folder of `dist` when pip installed it in editable mode (its
    direct_url.json says so), else None."""
    try:
        info = json.loads(dist.read_text("direct_url.json") or "{}")
        url = urllib.parse.urlsplit(info["url"])
        editable = info.get("dir_info", {}).get("editable")
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    if not editable or url.scheme != "file" or not url.path:
        return None
    return realpath(urllib.parse.unquote(url.path))


def editable_tops(dist, third_party):
    """Top-level names of the bundled third-party modules whose source lies in the source
    folder of an editable install of `dist` (outside the folder holding its metadata, as a
    venv inside the project): the RECORD of such a dist may list only the .pth and finder
    files it put in site-packages, and not every build backend writes top_level.txt."""
    source = editable_source(dist)
    if source is None:
        return set()
    site = realpath(os.path.dirname(str(dist._path)))
    out = set()
    for rec in third_party:
        real = realpath(rec["file"])
        if under(real, source) and not under(real, site):
            out.add(rec["name"].split(".")[0])
    return out


def metadata(collector, bundled=()):
    """The *.dist-info folders of the distributions bundled whole (`bundled`, their keys) and
    of those that provide bundled top-level names."""
    third_party = [r for r in collector.modules.values()
                   if r.get("kind") == "third-party" and "file" in r]
    tops = {r["name"].split(".")[0] for r in collector.modules.values()
            if r.get("kind") == "third-party"}
    wanted = set(collector.req.get("include_packages", []))
    out = []
    seen = set()
    if not tops and not wanted and not bundled:
        return out  # no third-party code: no need to read every installed METADATA (0.2 s)
    for dist in importlib.metadata.distributions(path=collector.paths + collector.search):
        path = getattr(dist, "_path", None)
        if path is None or str(path) in seen or not os.path.isdir(str(path)):
            continue
        provided = set()
        text = dist.read_text("top_level.txt")
        if text:
            provided = set(text.split())
        else:
            for parts in file_parts(dist):
                if parts and not parts[0].endswith((".dist-info", ".data")) and parts[0] != "..":
                    provided.add(parts[0][:-3] if parts[0].endswith(".py") else parts[0])
        provided |= editable_tops(dist, third_party)
        if (not (provided & tops) and realpath(str(path)) not in bundled
                and (not wanted or (dist.metadata["Name"] or "") not in wanted)):
            continue
        seen.add(str(path))
        base = os.path.basename(str(path))
        for dirpath, dirnames, filenames in os.walk(str(path)):
            dirnames.sort()
            for fn in sorted(filenames):
                # direct_url.json names the build machine's source folder (pip's record of a
                # local install): nothing the program needs, and not the build's to publish.
                if fn == "direct_url.json" and dirpath == str(path):
                    continue
                src = os.path.join(dirpath, fn)
                out.append({"src": src, "dest": "lib/%s/%s" % (
                    base, os.path.relpath(src, str(path)))})
    return out


def missing_report(collector):
    """The imports of the program and of third-party code that resolve to nothing, by
    importer; `optional` when each sits in a try block (the importer copes without it), names
    another platform's module, or the importer itself is reached only through optional
    imports."""
    out = []
    for importer in sorted(collector.missing):
        rec = collector.modules.get(importer) or {}
        if rec.get("kind") not in ("program", "third-party") or rec.get("whole"):
            continue
        names = collector.missing[importer]
        soft = rec.get("soft", False)
        # Judged name by name: an importer with one unguarded import still has its guarded
        # ones and other platforms' modules (dill's winreg) counted as optional.
        needed = sorted(n for n, optional in names.items() if not (soft or optional))
        optional = sorted(n for n, optional in names.items() if soft or optional)
        for group, is_optional in ((needed, False), (optional, True)):
            if group:
                out.append({"importer": importer, "names": group, "optional": is_optional})
    return out


def add_data(specs):
    out = []
    for src, dest in specs:
        dest = dest.strip("/")
        if os.path.isdir(src):
            for dirpath, dirnames, filenames in os.walk(src):
                dirnames[:] = sorted(skip_cache(dirnames))
                for fn in sorted(filenames):
                    full = os.path.join(dirpath, fn)
                    rel = os.path.relpath(full, src)
                    out.append({"src": full, "dest": "/".join(
                        p for p in ("lib", dest, rel) if p and p != ".")})
        else:
            name = os.path.basename(src)
            out.append({"src": src, "dest": "/".join(
                p for p in ("lib", dest, name) if p and p != ".")})
    return out


def merge_data(*groups):
    """The data files of all groups, the same file at the same place once: --add-data of a
    folder that a bundled package already brings along is not a conflict. Two different files
    for one place are kept, for the build to refuse."""
    out, seen = [], set()
    for group in groups:
        for rec in group:
            key = (rec["dest"], realpath(rec["src"]))
            if key not in seen:
                seen.add(key)
                out.append(rec)
    return out


def console_value(name):
    """The "module:attr" of console script `name` in this environment, or None."""
    eps = importlib.metadata.entry_points()
    group = eps.select(group="console_scripts") if hasattr(eps, "select") else eps.get(
        "console_scripts", [])
    for ep in group:
        if ep.name == name:
            return ep.value
    return None


def console_source(name, value):
    """The main program of console script `name` = `value` ("module:attr.path [extras]"),
    as pip's generated script runs it."""
    target = value.split("[")[0].strip()
    module, _, attr = target.partition(":")
    if not module or not all(p.isidentifier() for p in module.strip().split(".")):
        return None
    parts = attr.strip().split(".") if attr.strip() else []
    if not all(p.isidentifier() for p in parts):
        return None
    call = ("_entry." + ".".join(parts)) if parts else "_entry"
    return ("# The console script %r (%s), as pip's generated script runs it.\n"
            "import sys\nimport %s as _entry\nif __name__ == \"__main__\":\n"
            "    sys.exit(%s())\n" % (name, target, module.strip(), call))


def console_script(req, entry):
    """Writes the console script's main program next to the bytecode blob; returns its path,
    or exits with a one-line reason."""
    value = entry.get("value") or console_value(entry["console"])
    if value is None:
        sys.exit("console script %r not found among the console_scripts entry points of %s"
                 % (entry["console"], sys.executable))
    source = console_source(entry["console"], value)
    if source is None:
        sys.exit("console script %r: cannot read entry point %r" % (entry["console"], value))
    path = os.path.join(os.path.dirname(req["blob"]), entry["module"] + ".py")
    with open(path, "w") as f:
        f.write(source)
    return path


def main():
    req = json.load(sys.stdin)
    sys.path[:] = [p for p in sys.path if p and os.path.abspath(p) != os.getcwd()]
    c = Collector(req)
    entry = req["entry"]
    if entry["type"] == "console":
        c.add_script(entry["module"], console_script(req, entry))
    elif entry["type"] == "script":
        c.add_script(entry["module"], entry["path"])
    else:
        c.queue.append(("one", entry["module"]))
        if entry["type"] == "package":
            c.queue.append(("one", entry["module"] + ".__main__"))
    if req.get("stdlib", "all") == "all":
        for name in stdlib_tops(c):
            c.queue.append(("stdlib", name))
    startup = [name for name in STARTUP if name not in c.provided]
    for name in startup + req.get("include_modules", []):
        c.queue.append(("one", name))
    for name in req.get("include_packages", []):
        c.queue.append(("all", name))
    # What prints source lines in tracebacks, with sources bundled; `--stdlib imported` (an
    # explicit trim) keeps to what the program imports: without traceback in the payload,
    # the stub's hook falls back to python's own (file names and line numbers).
    if req.get("include_source") and req.get("stdlib", "all") == "all":
        for name in SOURCE_SUPPORT:
            c.queue.append(("one", name))
    c.drain()
    main_module = entry["module"] + (".__main__" if entry["type"] == "package" else "")
    rec = c.modules.get(main_module)
    if entry["type"] == "module" and rec is not None and rec.get("type") == "package":
        main_module += ".__main__"  # -m PKG runs PKG.__main__, as python3 -m does
        c.add(main_module)
    c.add_codecs()
    c.drain()
    bundled, dist_data = add_distributions(c)
    c.blob.close()
    modules = []
    extensions = []
    for name in sorted(c.modules):
        rec = c.modules[name]
        if rec["type"] in ("provided", "namespace"):
            continue
        if rec.get("error") and rec.get("kind") != "program":
            continue  # a file of a distribution that this Python cannot compile: not importable
        rec["path"] = c.payload_path(rec)
        modules.append(dict((k, v) for k, v in rec.items() if k not in ("search", "eager")))
        if rec["type"] == "extension":
            extensions.append(rec["file"])
    libs, needs, cuts, installed = native_order(
        extensions, os.path.dirname(req["blob"]), req.get("ldd_cache"))
    preload = preload_order(c, main_module)
    natives = {realpath(p) for p in installed}
    dist_data = [d for d in dist_data if realpath(d["src"]) not in natives]
    dist_data += sources_read_as_files(c) + frozen_sources(c)
    meta = metadata(c, bundled)
    out = {
        "full_version": sys.version.split()[0],
        "magic": int.from_bytes(MAGIC[:2], "little"),
        "modules": modules,
        "natives": [{"soname": s, "src": p} for s, p in libs],
        "cuts": [{"soname": x, "names": y} for x, y in cuts],
        "needs": [{"path": Collector.payload_path(c.modules[n]), "sonames": needs[c.modules[n]["file"]]}
                  for n in sorted(c.modules) if c.modules[n].get("type") == "extension"
                  and needs.get(c.modules[n]["file"])],
        "data": merge_data(data_files(c), dist_data, add_data(req.get("add_data", []))),
        "metadata": meta,
        "distributions": distribution_report(
            c, dist_data + [{"src": p} for p in sorted(installed)], meta),
        "missing": missing_report(c),
        "main_module": main_module,
        "preload": preload,
    }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
