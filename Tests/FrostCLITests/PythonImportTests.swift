import Foundation
import Testing

/// The stub's import of payload modules (stubs/python/stub_import.c, importlib's
/// _find_and_load in C): the same modules, attributes, sys.modules order, failures, circular
/// import messages, module locks between threads and finder hooks as python3 importing the same
/// files, tracebacks without importlib's frames, as python3 shows them, and a zip archive put on
/// sys.path (zipimport is imported on first use, stubs/python/bootstrap.py).
@Suite("Self-contained Python: importing the payload's modules")
struct PythonImportTests {
  /// imports.py prints what importing the package pk does, with paths relative to its folder
  /// (the executable's lib/ when frozen).
  static let files: [String: String] = [
    "imports.py": """
    import importlib, os, sys, threading, traceback

    base = os.path.dirname(os.path.abspath(__file__)) + "/"


    def rel(path):
        return path.replace(base, "<base>/") if isinstance(path, str) else path


    def show(name):
        m = sys.modules[name]
        keys = [k for k in vars(m) if k.startswith("__")]
        print(name, keys, rel(m.__file__), rel(m.__cached__), repr(m.__package__),
              m.__loader__ is m.__spec__.loader, m.__spec__._initializing,
              [rel(p) for p in getattr(m, "__path__", [])])


    import pk.plain
    show("pk"), show("pk.plain")
    print("last while running:", pk.plain.LAST)
    import pk.sub.deep
    show("pk.sub"), show("pk.sub.deep")
    print("parent attributes:", pk.sub.deep is sys.modules["pk.sub.deep"], pk.sub is sys.modules["pk.sub"])
    import pk.outer
    print("order:", [n for n in sys.modules if n.startswith("pk.")][-3:])
    import pk.replaced
    print("replaced:", pk.replaced, sys.modules["pk.replaced"])
    for attempt in (1, 2):
        try:
            import pk.fails
            print("attempt", attempt, "imported", pk.fails.ATTEMPTS)
        except ValueError as e:
            print("attempt", attempt, e, "pk.fails" in sys.modules, hasattr(pk, "fails"))
            print("  frames:", [(os.path.basename(f.filename), f.name)
                                for f in traceback.extract_tb(e.__traceback__)])
    try:
        import pk.circ_a
    except ImportError as e:
        print("circular:", rel(str(e)))
    print("pending:", getattr(pk.__spec__, "_uninitialized_submodules", "3.11+"))
    for name in ("nowhere", "pk.plain.inner", "pk.nowhere"):
        try:
            importlib.import_module(name)
        except ImportError as e:
            print(type(e).__name__, e, e.name)
    threads = [threading.Thread(target=importlib.import_module, args=("pk.slow",)) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("slow ran", pk.RUNS["slow"], "time(s)")


    class Spy:
        asked = []

        def find_spec(self, name, path=None, target=None):
            self.asked.append(name)
            return None


    sys.meta_path.insert(0, Spy())
    import pk.spied
    print("spy asked:", Spy.asked, pk.spied.VALUE)
    sys.meta_path.pop(0)
    print("reload:", importlib.reload(pk.plain) is pk.plain, pk.RUNS["plain"])
    import tempfile, zipfile
    with tempfile.TemporaryDirectory() as tmp:
        archive = os.path.join(tmp, "zipped.zip")
        with zipfile.ZipFile(archive, "w") as z:
            z.writestr("zipped_mod.py", "WHERE = 'in a zip'\\n")
        sys.path.append(archive)
        import zipped_mod
        print("zip:", zipped_mod.WHERE, type(sys.path_importer_cache[archive]).__name__)
        sys.path.remove(archive)
    """,
    "pk/__init__.py": "RUNS = {}\n",
    "pk/circ_a.py": "from pk import circ_b\n",
    "pk/circ_b.py": "from pk.circ_a import NAME\n",
    "pk/fails.py": """
    import pk
    pk.RUNS["fails"] = ATTEMPTS = pk.RUNS.get("fails", 0) + 1
    if ATTEMPTS == 1:
        raise ValueError("first attempt fails")
    """,
    "pk/inner.py": "INNER = 1\n",
    "pk/outer.py": "import pk.inner\n",
    "pk/plain.py": """
    import sys
    import pk
    LAST = list(sys.modules)[-1]
    pk.RUNS["plain"] = pk.RUNS.get("plain", 0) + 1
    """,
    "pk/replaced.py": """
    import sys, types
    sys.modules[__name__] = types.SimpleNamespace(replaced=True)
    """,
    "pk/slow.py": """
    import time
    import pk
    time.sleep(0.3)
    pk.RUNS["slow"] = pk.RUNS.get("slow", 0) + 1
    """,
    "pk/spied.py": "VALUE = \"spied\"\n",
    "pk/sub/__init__.py": "",
    "pk/sub/deep.py": "DEEP = True\n",
  ]

  /// Builds `script` of `files` with `flags` (and `python`, in `environment`), runs it and
  /// `python` on the same files, expects both to succeed and print the same, and returns what
  /// the frozen program printed.
  static func sameOutput(
    _ files: [String: String], _ script: String, _ flags: [String],
    python: String = PythonFixtures.python, environment: [String: String]? = nil
  ) throws -> String {
    try sameRun(files, script, flags, python: python, environment: environment).stdout
  }

  /// Freezes `script` of `files` with `flags` and runs it, and runs it under `python`: both
  /// exit 0 and print the same. Returns the frozen run (its stderr too).
  static func sameRun(
    _ files: [String: String], _ script: String, _ flags: [String],
    python: String = PythonFixtures.python, environment: [String: String]? = nil
  ) throws -> CLI.Result {
    let root = try PythonFixtures.project(files)
    defer { CLI.cleanup(root) }
    let r = try CLI.frost(
      ["build", root + "/" + script + ".py", "-o", root + "/frozen", "--python", python] + flags,
      env: environment)
    #expect(r.status == 0, "\(r.stderr)")
    let frozen = try CLI.run(root + "/frozen")
    let host = try CLI.run(python, ["-B", "-E", "-s", root + "/" + script + ".py"])
    #expect(frozen.status == 0, "\(frozen.stderr)")
    #expect(host.status == 0, "\(host.stderr)")
    #expect(frozen.stdout == host.stdout, "frozen:\n\(frozen.stdout)\(frozen.stderr)")
    return frozen
  }

  @Test("importing modules and packages gives what python3 gives, tracebacks included")
  func sameAsPython() throws {
    let out = try Self.sameOutput(Self.files, "imports", ["--include-package", "pk"])
    #expect(out.contains("frames: [('imports.py', '<module>'), ('fails.py', '<module>')]"))
    #expect(out.contains("slow ran 1 time(s)"))
    #expect(out.contains("zip: in a zip zipimporter"))
  }

  /// edge.py: the cases the stub leaves to importlib, or where importlib does something unusual:
  /// a namespace package inside one, a module that takes itself out of sys.modules, a parent
  /// whose __spec__ is None, a finder that a package's __init__ puts first, an extension module.
  static let edgeFiles: [String: String] = [
    "edge.py": """
    import os, sys
    base = os.path.dirname(os.path.abspath(__file__)) + "/"
    rel = lambda p: str(p).replace(base, "<base>/")
    import nsp.inner.mod
    print("namespace:", nsp.inner.mod.X, [rel(p) for p in nsp.inner.__path__],
          nsp.__spec__.origin, nsp.__file__ if hasattr(nsp, "__file__") else "-")
    try:
        import q.vanish
    except KeyError as e:
        print("vanished: KeyError", e)
    print("q.vanish in sys.modules:", "q.vanish" in sys.modules, hasattr(sys.modules["q"], "vanish"))
    import q
    q.__spec__ = None
    import q.nospec
    print("parent spec None:", q.nospec.Y)
    import hook.child
    print("hook:", hook.SEEN, hook.child.Z)
    import json, _json
    print("extension:", json.loads("[1]"), type(_json).__name__)
    """,
    "hook/__init__.py": """
    import sys
    SEEN = []
    class Finder:
        def find_spec(self, name, path=None, target=None):
            SEEN.append(name)
            return None
    sys.meta_path.insert(0, Finder())
    """,
    "hook/child.py": "Z = \"child\"\n",
    "nsp/inner/mod.py": "X = \"ns\"\n",
    "q/__init__.py": "",
    "q/nospec.py": "Y = \"ok\"\n",
    "q/vanish.py": "import sys\ndel sys.modules[__name__]\n",
  ]

  @Test("sources are bundled by default, those of the modules frozen into the interpreter too")
  func sourcesByDefault() throws {
    // pylint (astroid) reads os from find_spec("os").loader_state.filename; typeguard and
    // jedi read sources with inspect; linecache prints them in tracebacks.
    let files = [
      "src.py": """
      import importlib.util, inspect, json, linecache, os, posixpath
      import helper
      spec = importlib.util.find_spec("os")
      print("os", os.path.isfile(spec.loader_state.filename), "def getenv(" in inspect.getsource(os))
      print("posixpath", "def join(" in inspect.getsource(posixpath))
      print("json", inspect.getsource(json.dumps).splitlines()[0])
      print("helper", inspect.getsource(helper.twice).strip())
      print("line", linecache.getline(helper.__file__, 1).strip())

      """,
      "helper.py": "def twice(x):\n    return 2 * x\n",
    ]
    let out = try Self.sameOutput(files, "src", [])
    #expect(out.contains("os True True"))
    #expect(out.contains("helper def twice(x):\n    return 2 * x"))
  }

  @Test("a namespace package joins its portions from every sys.path entry, a vendored folder's too")
  func namespacePortions() throws {
    // pkg_resources puts setuptools/_vendor on sys.path and imports jaraco.text from there,
    // while jaraco.functools is installed at the root: one namespace package `jaraco`.
    let files = [
      "portions.py": """
      import os, sys
      import pk2
      sys.path.append(os.path.join(os.path.dirname(pk2.__file__), "_vendor"))
      import ns.a
      import ns.b
      base = os.path.dirname(os.path.abspath(__file__)) + "/"
      print(ns.a.X, ns.b.X, [p.replace(base, "<base>/") for p in ns.__path__])
      print(type(ns.__spec__.loader).__name__, ns.__file__ if hasattr(ns, "__file__") else "-")

      """,
      "ns/a.py": "X = 'root'\n",
      "pk2/__init__.py": "",
      "pk2/_vendor/ns/b.py": "X = 'vendored'\n",
    ]
    let out = try Self.sameOutput(
      files, "portions", ["--include-package", "pk2", "--include-module", "pk2._vendor.ns.b"])
    #expect(out.contains("root vendored ['<base>/ns', '<base>/pk2/_vendor/ns']"))
  }

  @Test("the loader API before PEP 451: pkgutil's finder.find_module(name).load_module(name)")
  func legacyLoaderAPI() throws {
    // hydra's plugin discovery loads modules so; python3's loaders keep load_module (deprecated).
    let files = [
      "legacy.py": """
      import pkgutil, sys, warnings
      import plug
      warnings.simplefilter("ignore", DeprecationWarning)
      for finder, name, ispkg in pkgutil.iter_modules(plug.__path__, "plug."):
          loader = finder.find_module(name) if hasattr(finder, "find_module") else None
          if loader is None:
              loader = finder.find_spec(name).loader
          module = loader.load_module(name)
          print(name, ispkg, module.__name__, module.VALUE, sys.modules[name] is module)
      again = loader.load_module(name)
      print("reloaded in place:", again is module)

      """,
      "plug/__init__.py": "",
      "plug/a.py": "VALUE = 'a'\n",
      "plug/b/__init__.py": "VALUE = 'b'\n",
    ]
    let out = try Self.sameOutput(files, "legacy", ["--include-package", "plug"])
    #expect(out.contains("plug.a False plug.a a True"))
    #expect(out.contains("plug.b True plug.b b True"))
  }

  @Test("what the stub leaves to importlib imports as under python3, namespace packages too")
  func edgeCases() throws {
    let out = try Self.sameOutput(
      Self.edgeFiles, "edge", ["--include-package", "q", "--include-package", "hook"])
    #expect(out.contains("namespace: ns ['<base>/nsp/inner'] None None"))
  }
}
