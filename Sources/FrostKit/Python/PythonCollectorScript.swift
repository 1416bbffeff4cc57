// The collector: run by the program's Python (`python -I -c SOURCE`), JSON in and out.
// Kept as Python because it must run inside the interpreter whose modules it collects.
// swift-format-ignore-file

/// Source of the Python collector script (see `PythonCollector`).
enum PythonCollectorScript {
  static let source = #"""
"""frost's Python collector: run by the interpreter whose modules are collected.

Input (JSON on stdin): entry, roots, paths, include/exclude lists, add_data, blob (a file to
write bytecode to), provided (built-in and frozen module names of the stub).
Output (JSON on stdout): full version, magic, modules, native libraries and their order, data
files, metadata, missing imports and the preload list. Bytecode goes to `blob`, each module's
at (offset, size), with a 16-byte header (hash-based, unchecked), so that builds are
reproducible.
"""
import importlib.machinery
import importlib.metadata
import importlib.util
import json
import marshal
import os
import struct
import subprocess
import sys
import sysconfig
import urllib.parse
import _imp
import opcode

MAGIC = importlib.util.MAGIC_NUMBER
IMPORT_NAME = opcode.opmap["IMPORT_NAME"]
LOAD_CONST = opcode.opmap["LOAD_CONST"]
LOAD_NAME = opcode.opmap["LOAD_NAME"]
EXTENDED_ARG = opcode.EXTENDED_ARG
JUMP_IF_FALSE = opcode.opmap.get("POP_JUMP_FORWARD_IF_FALSE", -1)
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
}
# Development tools the standard library imports only in its own test and demo helpers
# (pickle._test imports doctest, ...): followed only from the program and third-party code.
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
        stdlib = {os.path.realpath(sysconfig.get_paths()[k]) for k in ("stdlib", "platstdlib")}
        # Built-in modules of python3 that the stub carries as extension modules.
        self.stub_lib = [os.path.realpath(p) for p in req.get("stub_lib", [])]
        self.stdlib = sorted(stdlib) + self.stub_lib
        site = [p for p in sys.path if p and os.path.isdir(p)]
        site = [p for p in site if os.path.realpath(p) not in [os.path.realpath(r) for r in self.roots]]
        self.search = self.stub_lib + self.roots + self.paths + site
        # Deepest folder first: a venv or a --path folder inside the program's folder holds
        # third-party code, not the program's.
        self.kinds = [(p, "stdlib") for p in self.stdlib]
        self.kinds = sorted(
            [(os.path.realpath(p), "program") for p in self.roots]
            + [(os.path.realpath(p), "third-party") for p in self.paths + site
               if self.kind_of(p) != "stdlib"]
            + self.kinds, key=lambda k: -len(k[0]))
        self.provided = set(req.get("provided", []))
        self.excludes = set(req.get("exclude_modules", []))
        self.modules = {}   # name -> record
        self.missing = set()
        self.blob = open(req["blob"], "wb")
        self.offset = 0
        self.queue = []
        self.from_stdlib = False

    # Classification

    def kind_of(self, path):
        real = os.path.realpath(path)
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
        self.kinds = sorted(self.kinds + [(os.path.realpath(p), kind) for p in paths],
                            key=lambda k: -len(k[0]))

    def add(self, name, reason=None):
        """Adds module `name` and queues its imports; returns its record or None."""
        if name in self.modules:
            return self.modules[name]
        if self.excluded(name):
            return None
        if name in self.provided or name in NEVER:
            rec = {"name": name, "type": "provided", "search": None}
            self.modules[name] = rec
            if _imp.is_frozen(name) and name not in NOT_SCANNED and not name.startswith("__"):
                rec["search"] = self.frozen_search(name)
                rec["kind"] = "stdlib"
                self.scan(_imp.get_frozen_object(name), name, rec["search"] is not None)
            for extra in HIDDEN.get(name, []):
                self.hidden(extra)
            return rec
        spec = self.find(name)
        if spec is None:
            self.missing.add(name)
            return None
        return self.add_spec(name, spec)

    def frozen_search(self, name):
        if not _imp.is_frozen_package(name):
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, self.search)
        return list(spec.submodule_search_locations) if spec else []

    def add_spec(self, name, spec):
        loc = spec.submodule_search_locations
        rec = {"name": name, "search": list(loc) if loc is not None else None}
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
                self.scan(code, name, rec["type"] == "package")
        for extra in HIDDEN.get(name, []):
            self.hidden(extra)
        return rec

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
        """Reads a valid cached .pyc or compiles `path`; writes it to the blob."""
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
            code = marshal.loads(data)
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
            return "lib/%s.so" % rel
        return "lib/%s.pyc" % rel

    def scan(self, code, name, is_package):
        """Queues the modules imported anywhere in `code` (nested code objects too)."""
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
            i = raw.find(bytes([IMPORT_NAME]))
            while i != -1:
                if i % 2 == 0 and not (skip and skip[0] <= i < skip[1]):
                    found = self.import_at(raw, i, consts, names, package)
                    if found and co is code:
                        rec.setdefault("eager", []).append(found)
                i = raw.find(bytes([IMPORT_NAME]), i + 1)
            for c in consts:
                if hasattr(c, "co_code") and not (self.from_stdlib and c.co_name in CLI_FUNCS):
                    stack.append(c)

    @staticmethod
    def main_block(co):
        """Byte range of the module's `if __name__ == "__main__":` block, or None."""
        raw = co.co_code
        if "__name__" not in co.co_names or "__main__" not in co.co_consts:
            return None
        name_arg = co.co_names.index("__name__")
        const_arg = co.co_consts.index("__main__")
        pattern = bytes([LOAD_NAME, name_arg, LOAD_CONST, const_arg]) if max(
            name_arg, const_arg) < 256 else None
        i = raw.find(pattern) if pattern else -1
        while i != -1 and i % 2:
            i = raw.find(pattern, i + 1)
        if i == -1:
            return None
        for j in range(i + 4, min(i + 20, len(raw)), 2):
            if raw[j] == JUMP_IF_FALSE:
                return (j, j + 2 + 2 * raw[j + 1]) if raw[j - 2] != EXTENDED_ARG else None
        return None

    def import_at(self, raw, i, consts, names, package):
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
        if self.from_stdlib and target.split(".")[0] in DEV_TOOLS:
            return None
        item = ("import", target, tuple(fromlist) if isinstance(fromlist, tuple) else ())
        self.queue.append(item)
        return item[1:]

    def drain(self):
        while self.queue:
            item = self.queue.pop()
            if item[0] == "import":
                _, target, fromlist = item
                rec = self.add(target)
                if rec is not None and rec.get("search") is not None:
                    for sub in fromlist:
                        full = target + "." + sub
                        if sub != "*" and full not in self.modules and not self.excluded(full):
                            spec = self.find(full)
                            if spec is not None:
                                self.add_spec(full, spec)
            elif item[0] == "one":
                self.add(item[1])
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
            try:
                names = sorted(os.listdir(folder))
            except OSError:
                continue
            for entry in names:
                full = os.path.join(folder, entry)
                if entry.endswith(".py") and entry != "__init__.py":
                    sub = entry[:-3]
                elif entry.endswith(EXT_SUFFIXES):
                    sub = entry.split(".")[0]
                elif os.path.isfile(os.path.join(full, "__init__.py")):
                    sub = entry
                else:
                    continue
                if sub.isidentifier():
                    self.queue.append(("all", name + "." + sub) if os.path.isdir(full)
                                      else ("one", name + "." + sub))


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


def elf_needed(path):
    """DT_NEEDED names of an ELF64 little-endian shared object."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        return []
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    out = []
    for i in range(shnum):
        base = shoff + i * shentsize
        sh_type, = struct.unpack_from("<I", data, base + 4)
        if sh_type != 6:  # SHT_DYNAMIC
            continue
        offset, size, link = struct.unpack_from("<QQI", data, base + 0x18)
        str_base = shoff + link * shentsize
        str_off, = struct.unpack_from("<Q", data, str_base + 0x18)
        for j in range(0, size, 16):
            tag, val = struct.unpack_from("<qQ", data, offset + j)
            if tag == 0:
                break
            if tag == 1:  # DT_NEEDED
                end = data.index(b"\0", str_off + val)
                out.append(data[str_off + val:end].decode())
    return out


def resolve_libraries(files):
    """soname -> path of every library the files need, as the dynamic loader finds them."""
    found = {}
    if not files:
        return found
    ldd = "/usr/bin/ldd" if os.path.exists("/usr/bin/ldd") else "ldd"
    out = subprocess.run([ldd] + files, capture_output=True, text=True).stdout
    for line in out.splitlines():
        line = line.strip()
        if "=>" in line:
            soname, _, rest = line.partition("=>")
            path = rest.strip().split(" (")[0].strip()
            if path.startswith("/"):
                found.setdefault(soname.strip(), path)
    return found


def native_order(extensions):
    """(libraries [(soname, path)], needs {ext file: [sonames, dependencies first]})."""
    where = resolve_libraries(extensions)
    libs = {}
    needs = {}

    def visit(path, seen, order):
        for soname in elf_needed(path):
            if soname in GLIBC or soname.startswith("libnss_") or soname in seen:
                continue
            seen.add(soname)
            lib = where.get(soname)
            if lib is None:
                continue
            visit(lib, seen, order)
            order.append(soname)
            libs[soname] = lib

    for ext in extensions:
        order = []
        visit(ext, set(), order)
        needs[ext] = order
    return sorted(libs.items()), needs


def data_files(collector):
    """Non-code files inside the program's and third-party packages' folders."""
    out = []
    for rec in collector.modules.values():
        if rec.get("type") != "package" or rec.get("kind") == "stdlib":
            continue
        folder = os.path.dirname(rec["file"])
        prefix = "lib/" + rec["name"].replace(".", "/")
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = sorted(d for d in skip_cache(dirnames)
                                 if not os.path.isfile(os.path.join(dirpath, d, "__init__.py")))
            for fn in sorted(filenames):
                if fn.endswith((".py", ".pyc", ".pyo")) or fn.endswith(EXT_SUFFIXES):
                    continue
                src = os.path.join(dirpath, fn)
                rel = os.path.relpath(src, folder)
                out.append({"src": src, "dest": prefix + "/" + rel})
    return out


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
    return os.path.realpath(urllib.parse.unquote(url.path))


def editable_tops(dist, third_party):
    """Top-level names of the bundled third-party modules whose source lies in the source
    folder of an editable install of `dist` (outside the folder holding its metadata, as a
    venv inside the project): the RECORD of such a dist may list only the .pth and finder
    files it put in site-packages, and not every build backend writes top_level.txt."""
    source = editable_source(dist)
    if source is None:
        return set()
    site = os.path.realpath(os.path.dirname(str(dist._path)))
    out = set()
    for rec in third_party:
        real = os.path.realpath(rec["file"])
        if under(real, source) and not under(real, site):
            out.add(rec["name"].split(".")[0])
    return out


def metadata(collector):
    """The *.dist-info folders of the distributions that provide bundled top-level names."""
    third_party = [r for r in collector.modules.values()
                   if r.get("kind") == "third-party" and "file" in r]
    tops = {r["name"].split(".")[0] for r in collector.modules.values()
            if r.get("kind") == "third-party"}
    wanted = set(collector.req.get("include_packages", []))
    out = []
    seen = set()
    for dist in importlib.metadata.distributions(path=collector.paths + collector.search):
        path = getattr(dist, "_path", None)
        if path is None or str(path) in seen or not os.path.isdir(str(path)):
            continue
        provided = set()
        text = dist.read_text("top_level.txt")
        if text:
            provided = set(text.split())
        else:
            for f in dist.files or []:
                parts = f.parts
                if parts and not parts[0].endswith((".dist-info", ".data")) and parts[0] != "..":
                    provided.add(parts[0][:-3] if parts[0].endswith(".py") else parts[0])
        provided |= editable_tops(dist, third_party)
        name = dist.metadata["Name"] or ""
        if not (provided & tops) and name not in wanted:
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
            key = (rec["dest"], os.path.realpath(rec["src"]))
            if key not in seen:
                seen.add(key)
                out.append(rec)
    return out


def main():
    req = json.load(sys.stdin)
    sys.path[:] = [p for p in sys.path if p and os.path.abspath(p) != os.getcwd()]
    c = Collector(req)
    entry = req["entry"]
    if entry["type"] == "script":
        c.add_script(entry["module"], entry["path"])
    else:
        c.queue.append(("one", entry["module"]))
        if entry["type"] == "package":
            c.queue.append(("one", entry["module"] + ".__main__"))
    for name in ["encodings", "encodings.aliases", "encodings.utf_8"] + req.get(
            "include_modules", []):
        c.queue.append(("one", name))
    for name in req.get("include_packages", []):
        c.queue.append(("all", name))
    if req.get("include_source"):
        for name in SOURCE_SUPPORT:
            c.queue.append(("one", name))
    c.drain()
    c.add_codecs()
    c.drain()
    c.blob.close()
    modules = []
    extensions = []
    for name in sorted(c.modules):
        rec = c.modules[name]
        if rec["type"] in ("provided", "namespace"):
            continue
        rec["path"] = c.payload_path(rec)
        modules.append(dict((k, v) for k, v in rec.items() if k not in ("search", "eager")))
        if rec["type"] == "extension":
            extensions.append(rec["file"])
    libs, needs = native_order(extensions)
    main_module = entry["module"] + (".__main__" if entry["type"] == "package" else "")
    preload = preload_order(c, main_module)
    out = {
        "full_version": sys.version.split()[0],
        "magic": int.from_bytes(MAGIC[:2], "little"),
        "modules": modules,
        "natives": [{"soname": s, "src": p} for s, p in libs],
        "needs": [{"path": Collector.payload_path(c.modules[n]), "sonames": needs[c.modules[n]["file"]]}
                  for n in sorted(c.modules) if c.modules[n].get("type") == "extension"
                  and needs.get(c.modules[n]["file"])],
        "data": merge_data(data_files(c), add_data(req.get("add_data", []))),
        "metadata": metadata(c),
        "missing": sorted(c.missing),
        "preload": preload,
    }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
"""#
}
