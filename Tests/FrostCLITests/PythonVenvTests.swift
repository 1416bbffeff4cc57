import Foundation
import FrostKit
import Testing

/// A venv made once per test run (`/usr/bin/python3 -m venv`) with two tiny packages that pip
/// installs from local folders, without an index or the network: `greet-lib` (pure Python,
/// pyproject.toml, package data, entry points; its import name is `greetlib`) and `fastsum`
/// (setup.py and a C extension module).
enum PythonVenv {
  /// The venv's setuptools (66) builds wheels with the `wheel` package, which a Debian venv
  /// lacks; the host's (python3-wheel, which python3-pip needs) is copied into the venv.
  static let wheel = "/usr/lib/python3/dist-packages/wheel"

  /// Folder holding `venv/`, the package sources and the programs; nil with the setup's log.
  static let made: (root: String?, log: String) = {
    guard let root = try? PythonFixtures.project(sources) else { return (nil, "no folder") }
    let script = """
      set -e
      /usr/bin/python3 -m venv venv
      cp -r \(wheel) \(wheel)-*.egg-info venv/lib/python3*/site-packages/
      venv/bin/pip install -q --no-cache-dir --no-build-isolation --no-index ./greet ./fastsum
      """
    guard let r = try? PythonFixtures.sh(script, cwd: root) else { return (nil, "sh did not run") }
    return (r.status == 0 ? root : nil, r.stdout + r.stderr)
  }()

  static var python: String { (made.root ?? "") + "/venv/bin/python" }

  /// Builds `program` (under the fixture's folder) with the venv's python into `name`.
  static func build(_ name: String, _ program: String, _ more: [String] = []) throws -> (
    String, String
  ) {
    let root = try #require(made.root, "\(made.log)")
    let (bin, log) = PythonFixtures.build(name, [root + "/" + program, "--python", python] + more)
    return (try #require(bin, "\(log)"), log)
  }

  /// The venv's python and the frozen binary (every host Python and the venv hidden) print
  /// the same; returns that output.
  static func sameOutput(_ program: String, binary: String) throws -> String {
    let root = try #require(made.root)
    let expected = try CLI.run(python, ["-I", root + "/" + program])
    #expect(expected.status == 0, "\(expected.stderr)")
    let frozen = try PythonFixtures.runHidden(binary, alsoHidden: [root])
    #expect(frozen.status == 0, "\(frozen.stderr)")
    #expect(frozen.stdout == expected.stdout)
    return frozen.stdout
  }

  /// The metadata program, built once (its build log is the summary test's input).
  static let metaBuild: Result<(String, String), Error> = Result {
    try build("venv-meta", "meta.py")
  }

  static let sources: [String: String] = [
    "greet/pyproject.toml": """
    [build-system]
    requires = ["setuptools"]
    build-backend = "setuptools.build_meta"

    [project]
    name = "greet-lib"
    version = "1.2.3"

    [project.entry-points."greet.plugins"]
    loud = "greetlib:loud"

    [project.scripts]
    greet = "greetlib:main"

    [tool.setuptools]
    packages = ["greetlib"]

    [tool.setuptools.package-data]
    greetlib = ["words.txt"]

    """,
    "greet/greetlib/__init__.py": """
    from . import words

    def hello(name):
        return words.GREETING + ", " + name

    def loud(text):
        return text.upper()

    def main():
        print(hello("cli"))

    """,
    "greet/greetlib/words.py": "GREETING = 'hello'\n",
    "greet/greetlib/words.txt": "package data of greetlib\n",
    "fastsum/setup.py": """
    from setuptools import Extension, setup
    setup(name="fastsum", version="0.4.0", ext_modules=[Extension("fastsum", ["fastsum.c"])])

    """,
    "fastsum/fastsum.c": """
    #define PY_SSIZE_T_CLEAN
    #include <Python.h>

    static PyObject *total(PyObject *self, PyObject *args) {
        long a, b;
        if (!PyArg_ParseTuple(args, "ll", &a, &b)) return NULL;
        return PyLong_FromLong(a + b);
    }

    static PyMethodDef methods[] = {{"total", total, METH_VARARGS, "a + b"}, {NULL, NULL, 0, NULL}};
    static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "fastsum", NULL, -1, methods};
    PyMODINIT_FUNC PyInit_fastsum(void) { return PyModule_Create(&module); }

    """,
    "pure.py": """
    from importlib import resources
    import greetlib
    print(greetlib.hello("venv"), greetlib.words.__name__)
    print(resources.files("greetlib").joinpath("words.txt").read_text().strip())
    print(resources.files("greetlib").joinpath("nothing.txt").is_file())

    """,
    "cext.py": """
    import fastsum
    print("total", fastsum.total(40, 2), type(fastsum.total).__name__)
    try:
        fastsum.total("x", 1)
    except TypeError as e:
        print("TypeError", e)

    """,
    "meta.py": """
    from importlib.metadata import distribution, entry_points, version
    import fastsum, greetlib
    print("versions", version("greet-lib"), version("greet_lib"), version("fastsum"))
    plugins = entry_points(group="greet.plugins")
    print("plugins", [(ep.name, ep.value) for ep in plugins])
    print("loaded", plugins["loud"].load()("shout"))
    print("scripts", [ep.name for ep in entry_points(group="console_scripts") if ep.value.startswith("greetlib")])
    print("files", sorted(str(f) for f in distribution("greet-lib").files if f.suffix == ".py"))
    print("summary", distribution("fastsum").metadata["Name"])

    """,
  ]
}

/// Third-party packages from a venv (`--python VENV/bin/python`), their metadata, the other
/// flags of `frost build` for Python and `[tool.frost]`, the summary and progress lines.
@Suite("Self-contained Python: venvs, packages, flags")
struct PythonVenvTests {
  @Test(
    "a pure-Python package from a venv: same output as the venv's python, host Python and venv hidden"
  )
  func purePackage() throws {
    let (bin, _) = try PythonVenv.build("venv-pure", "pure.py")
    let out = try PythonVenv.sameOutput("pure.py", binary: bin)
    #expect(out == "hello, venv greetlib.words\npackage data of greetlib\nFalse\n")
    let ls = try listing(bin)
    #expect(ls["lib/greetlib/__init__.pyc"] == "third-party")
    #expect(ls["lib/greetlib/words.txt"] == "data")
  }

  @Test("a C extension from a venv: same output as the venv's python, host Python and venv hidden")
  func extensionPackage() throws {
    let (bin, _) = try PythonVenv.build("venv-cext", "cext.py")
    let out = try PythonVenv.sameOutput("cext.py", binary: bin)
    #expect(out.hasPrefix("total 42 builtin_function_or_method\nTypeError "))
    #expect(try listing(bin)["lib/fastsum.so"] == "extension")
  }

  @Test(
    "*.dist-info of the bundled packages only: importlib.metadata version(), entry_points(), files")
  func metadata() throws {
    let (bin, _) = try PythonVenv.metaBuild.get()
    let out = try PythonVenv.sameOutput("meta.py", binary: bin)
    #expect(out.hasPrefix("versions 1.2.3 1.2.3 0.4.0\nplugins [('loud', 'greetlib:loud')]\n"))
    #expect(out.contains("loaded SHOUT\nscripts ['greet']\n"))
    let ls = try listing(bin)
    let dists = Set(
      ls.keys.compactMap { $0.split(separator: "/").dropFirst().first }.filter {
        $0.hasSuffix(".dist-info") || $0.hasSuffix(".egg-info")
      })
    #expect(dists == ["greet_lib-1.2.3.dist-info", "fastsum-0.4.0.dist-info"])
    #expect(ls["lib/greet_lib-1.2.3.dist-info/entry_points.txt"] == "metadata")
    #expect(!ls.keys.contains { $0.hasSuffix("/direct_url.json") }, "no build-machine path")
  }

  @Test(
    "[tool.frost] in pyproject.toml: python, path, include-module, add-data, include-source, relative to its folder"
  )
  func pyprojectTable() throws {
    let root = try #require(PythonVenv.made.root)
    let proj = try PythonFixtures.project([
      "pyproject.toml": """
      [project]
      name = "proj"

      [tool.frost]
      python = "venv/bin/python"
      path = ["vendor"]
      include-module = [
          "plugins.extra",  # imported by name
      ]
      add-data = ["assets:plugins/assets"]
      include-source = true

      """,
      "main.py": """
      import importlib
      from importlib import resources
      import greetlib, vendored
      extra = importlib.import_module("plugins." + "extra")
      print(extra.NAME, vendored.VALUE, greetlib.hello("pyproject"))
      print(resources.files("plugins").joinpath("assets/a.txt").read_text().strip())

      """,
      "plugins/__init__.py": "",
      "plugins/extra.py": "NAME = 'extra'\n",
      "vendor/vendored.py": "VALUE = 7\n",
      "assets/a.txt": "an asset\n",
    ])
    defer { CLI.cleanup(proj) }
    try FileManager.default.createSymbolicLink(
      atPath: proj + "/venv", withDestinationPath: root + "/venv")
    // Built from another folder: every relative path is the pyproject's folder's.
    let (bin, log) = PythonFixtures.build("pyproject", [proj + "/main.py"], cwd: PythonFixtures.dir)
    let path = try #require(bin, "\(log)")
    let r = try PythonFixtures.runHidden(path, alsoHidden: [root, proj])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout == "extra 7 hello, pyproject\nan asset\n")
    let ls = try listing(path)
    #expect(ls["lib/main.py"] == "program")
    #expect(ls["lib/vendored.pyc"] == "third-party")
    #expect(ls["lib/greetlib/__init__.py"] == "third-party")
  }

  @Test("--include-module bundles a module imported by name only")
  func includeModule() throws {
    let proj = try PythonFixtures.project([
      "main.py": "import importlib\nprint(importlib.import_module('dyn_' + 'mod').VALUE)\n",
      "dyn_mod.py": "VALUE = 'dynamic'\n",
    ])
    defer { CLI.cleanup(proj) }
    let without = try #require(PythonFixtures.build("inc-without", [proj + "/main.py"]).0)
    let missing = try CLI.run(without)
    #expect(missing.status == 1)
    #expect(missing.stderr.contains("ModuleNotFoundError: No module named 'dyn_mod'"))
    let with = try #require(
      PythonFixtures.build("inc-with", [proj + "/main.py", "--include-module", "dyn_mod"]).0)
    #expect(try CLI.run(with).stdout == "dynamic\n")
  }

  @Test("--include-package bundles every submodule, subpackages too")
  func includePackage() throws {
    let proj = try PythonFixtures.project([
      "main.py": """
      import importlib, pkgutil, plugins
      names = [m.name for m in pkgutil.walk_packages(plugins.__path__, "plugins.")]
      print(sorted(names), [importlib.import_module(n).__name__ for n in sorted(names)] == sorted(names))

      """,
      "plugins/__init__.py": "",
      "plugins/a.py": "",
      "plugins/b.py": "",
      "plugins/sub/__init__.py": "",
      "plugins/sub/c.py": "",
    ])
    defer { CLI.cleanup(proj) }
    let without = try #require(PythonFixtures.build("incpkg-without", [proj + "/main.py"]).0)
    #expect(try CLI.run(without).stdout == "[] True\n")
    let with = try #require(
      PythonFixtures.build("incpkg-with", [proj + "/main.py", "--include-package", "plugins"]).0)
    let r = try CLI.run(with)
    #expect(
      r.stdout == "['plugins.a', 'plugins.b', 'plugins.sub', 'plugins.sub.c'] True\n", "\(r.stderr)"
    )
  }

  @Test("--exclude-module leaves a module and its submodules out")
  func excludeModule() throws {
    let proj = try PythonFixtures.project([
      "main.py": """
      try:
          import heavy.sub
          print("heavy", heavy.sub.X)
      except ImportError as e:
          print("no", e.name)

      """,
      "heavy/__init__.py": "",
      "heavy/sub.py": "X = 1\n",
    ])
    defer { CLI.cleanup(proj) }
    let plain = try #require(PythonFixtures.build("exc-without", [proj + "/main.py"]).0)
    #expect(try CLI.run(plain).stdout == "heavy 1\n")
    let bin = try #require(
      PythonFixtures.build("exc-with", [proj + "/main.py", "--exclude-module", "heavy"]).0)
    #expect(try CLI.run(bin).stdout == "no heavy\n")
    #expect(try listing(bin).keys.filter { $0.hasPrefix("lib/heavy") }.isEmpty)
  }

  @Test("--path adds an import root whose modules are third-party")
  func pathOption() throws {
    let proj = try PythonFixtures.project([
      "app/main.py": "import extlib\nprint(extlib.VALUE)\n",
      "libs/extlib.py": "VALUE = 'from --path'\n",
    ])
    defer { CLI.cleanup(proj) }
    let bin = try #require(
      PythonFixtures.build("path", [proj + "/app/main.py", "--path", proj + "/libs"]).0)
    let r = try PythonFixtures.runHidden(bin, alsoHidden: [proj])
    #expect(r.stdout == "from --path\n", "\(r.stderr)")
    #expect(try listing(bin)["lib/extlib.pyc"] == "third-party")
  }

  @Test("the summary counts and sizes what `frost ls` lists, by kind, the packed interpreter aside")
  func summary() throws {
    let (bin, log) = try PythonVenv.metaBuild.get()
    var count: [String: Int] = [:]
    var raw: [String: UInt64] = [:]
    let listed = try rows(bin)
    // 5 MB of libraries make it a large program: auto packs the interpreter, which is not
    // the program's and not in the summary.
    #expect(listed.contains { $0.path == "frost/interpreter" })
    for row in listed where row.path != "frost/interpreter" {
      if ["program", "stdlib", "third-party"].contains(row.kind) {
        raw["modules", default: 0] += row.raw
        if row.path.hasSuffix(".pyc") { count["module:" + row.kind, default: 0] += 1 }
      } else {
        raw[row.kind, default: 0] += row.raw
        count[row.kind, default: 0] += 1
      }
    }
    let modules = ["program", "stdlib", "third-party"].map { count["module:" + $0] ?? 0 }
    #expect(modules[0] == 1 && modules[1] > 50 && modules[2] == 2, "\(modules)")
    let line =
      "frost: python: \(modules.reduce(0, +)) modules (1 program, \(modules[1]) stdlib, 2 third-party), "
      + "\(Report.bytes(raw["modules"] ?? 0)); "
      + "\(Report.count(count["extension"] ?? 0, "extension", "extensions")) \(Report.bytes(raw["extension"] ?? 0)); "
      + "\(Report.count(count["native-lib"] ?? 0, "native library", "native libraries")) \(Report.bytes(raw["native-lib"] ?? 0)); "
      + "\(Report.count(count["data"] ?? 0, "data file", "data files")) \(Report.bytes(raw["data"] ?? 0)); "
      + "\(Report.count(count["metadata"] ?? 0, "metadata file", "metadata files")) \(Report.bytes(raw["metadata"] ?? 0))\n"
    #expect(log.contains(line), "\(log)")
    #expect((count["extension"] ?? 0) >= 1 && (count["metadata"] ?? 0) >= 10)
  }

  @Test("with --progress, a build that takes over a second prints progress lines, then the summary")
  func progress() throws {
    let proj = try PythonFixtures.project([
      "hello.py": "print('hi')\n",
      // An interpreter slow to start makes the build take over a second.
      "slow-python": "#!/bin/sh\nsleep 1.5\nexec /usr/bin/python3 \"$@\"\n",
    ])
    defer { CLI.cleanup(proj) }
    chmod(proj + "/slow-python", 0o755)
    let r = try CLI.frost([
      "build", proj + "/hello.py", "--python", proj + "/slow-python", "-o", proj + "/hello",
      "--progress",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    let lines = r.stderr.split(separator: "\n")
    #expect(lines.first?.hasPrefix("frost: collecting modules: ") == true, "\(r.stderr)")
    #expect(lines.first?.hasSuffix(" found") == true)
    let modules = try #require(r.stdout.split(separator: " ").dropFirst(2).first)
    let last = try #require(lines.last)
    #expect(last.hasPrefix("frost: collected \(modules) modules, "), "\(r.stderr) \(r.stdout)")
    #expect(last.hasSuffix(" s; compressing"))
    #expect(lines.count <= 4)
    #expect(r.stdout.hasPrefix("frost: python: \(modules) modules (1 program, "))
    #expect(try CLI.run(proj + "/hello").stdout == "hi\n")
  }

  /// `frost ls` of `path`: entry path -> kind.
  func listing(_ path: String) throws -> [String: String] {
    Dictionary(try rows(path).map { ($0.path, $0.kind) }, uniquingKeysWith: { a, _ in a })
  }

  /// The rows of `frost ls` (path, kind, raw size), without the header and the total.
  func rows(_ path: String) throws -> [(path: String, kind: String, raw: UInt64)] {
    let r = try CLI.frost(["ls", path])
    #expect(r.status == 0, "\(r.stderr)")
    return r.stdout.split(separator: "\n").dropFirst().compactMap { line in
      let f = line.split(separator: " ", omittingEmptySubsequences: true)
      guard f.count >= 4, !f[0].hasPrefix("total"), let raw = UInt64(f[3]) else { return nil }
      return (String(f[0]), String(f[1]), raw)
    }
  }
}
