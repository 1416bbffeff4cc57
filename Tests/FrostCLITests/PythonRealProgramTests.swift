import Foundation
import FrostKit
import Testing

/// What real programs need from a default build (issue "Real programs"): each test failed on
/// the build before whole standard library and whole distributions.
@Suite("Self-contained Python: real programs, default flags")
struct PythonRealProgramTests {
  /// Builds `files` (its `main.py`) with `flags`, runs the binary with every host Python
  /// hidden; returns the build's stderr and the run.
  static func run(_ files: [String: String], _ flags: [String] = [], args: [String] = [])
    throws -> (build: CLI.Result, run: CLI.Result, binary: String)
  {
    let root = try PythonFixtures.project(files)
    let binary = root + "/main"
    let build = try CLI.frost(["build", root + "/main.py", "-o", binary] + flags, cwd: root)
    guard build.status == 0 else { return (build, build, binary) }
    return (build, try PythonFixtures.runHidden(binary, args), binary)
  }

  @Test("a program that runs its own unittest suite, with no unittest import seen by Python")
  func unittestSuite() throws {
    let (build, r, _) = try Self.run([
      "main.py": """
      import importlib, sys
      unittest = importlib.import_module("unit" + "test")
      class T(unittest.TestCase):
          def test_add(self):
              self.assertEqual(1 + 1, 2)
          def test_mock(self):
              from unittest import mock
              m = mock.Mock(return_value=3)
              self.assertEqual(m(), 3)
      r = unittest.TextTestRunner(stream=sys.stdout, verbosity=0).run(
          unittest.defaultTestLoader.loadTestsFromTestCase(T))
      print(r.testsRun, r.wasSuccessful(), "x".encode("idna"))
      import pdb, doctest, cProfile, timeit, code
      print(timeit.timeit("1", number=10) >= 0)

      """
    ])
    #expect(build.status == 0, "\(build.stderr)")
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.hasSuffix("2 True b'x'\nTrue\n"), "\(r.stdout)")
  }

  @Test("import frost works in a program that imports nothing else")
  func importFrost() throws {
    let (build, r, _) = try Self.run(["main.py": "import frost\nprint(frost.__name__)\n"])
    #expect(build.status == 0)
    #expect(r.status == 0 && r.stdout == "frost\n", "\(r.stderr)")
  }

  @Test("data read by path: open, exists, listdir, scandir, walk, glob, pathlib; nothing written")
  func dataByPath() throws {
    let root = try PythonFixtures.project([
      "main.py": """
      import glob, os, pathlib, ssl, importlib.resources as res
      import pkg
      d = os.path.dirname(pkg.__file__)
      print(open(os.path.join(d, "data", "a.txt")).read().strip())
      print(os.path.isdir(os.path.join(d, "data")), os.path.isfile(d + "/data/a.txt"))
      print(sorted(os.listdir(d)), sorted(e.name for e in os.scandir(d + "/data")))
      print([len(f) for _, _, f in os.walk(d)], len(glob.glob(d + "/data/*.txt")))
      print(pathlib.Path(d, "data", "a.txt").read_text().strip(), os.path.exists(d + "/nope"))
      with res.as_file(res.files("pkg") / "data" / "a.txt") as p:
          print(open(p).read().strip(), str(p).startswith("/proc/%d/fd/" % os.getpid()))
      try:
          open(d + "/data/new.txt", "w")
      except OSError as e:
          print(type(e).__name__, e.errno)
      import sys
      st = os.stat(d + "/data/a.txt")  # every field, as a file system's (Sphinx sorts by them)
      print(st.st_size, st.st_mtime_ns == os.stat(sys.executable).st_mtime_ns > 0,
            st.st_blksize, st.st_blocks)

      """,
      "pkg/__init__.py": "",
      "pkg/data/a.txt": "alpha\n",
      "pkg/data/b.txt": "beta\n",
    ])
    defer { CLI.cleanup(root) }
    #expect(try CLI.frost(["build", root + "/main.py", "-o", root + "/main"]).status == 0)
    let r = try PythonFixtures.runHidden(root + "/main")
    #expect(r.status == 0, "\(r.stderr)")
    #expect(
      r.stdout == """
        alpha
        True True
        ['__init__.py', 'data'] ['a.txt', 'b.txt']
        [1, 2] 2
        alpha False
        alpha True
        OSError 30
        6 True 4096 1

        """, "\(r.stdout)")
    let log = root + "/strace.log"
    let (_, opened) = try CLI.strace("open,openat,creat,mkdir,rename", log: log, [root + "/main"])
    #expect(CLI.writes(opened).isEmpty, "\(CLI.writes(opened))")
  }

  @Test("C code opens payload files by path: sqlite3, OpenSSL's cafile, ctypes.CDLL of a library in the package")
  func cByPath() throws {
    let root = try PythonFixtures.project([
      "main.py": """
      import ctypes, os, sqlite3, ssl, pkg
      d = os.path.dirname(pkg.__file__)
      db = sqlite3.connect("file:%s?mode=ro" % os.path.join(d, "data.db"), uri=True)
      print(db.execute("select x from t").fetchone())
      ctx = ssl.create_default_context(cafile=os.path.join(d, "ca.pem"))
      print(ctx.cert_store_stats()["x509_ca"] > 10)
      print(ctypes.CDLL(os.path.join(d, "libanswer.so")).answer())
      print(ctypes.CDLL(None).access(os.path.join(d, "ca.pem").encode(), os.W_OK))

      """,
      "pkg/__init__.py": "",
      "answer.c": "int answer(void) { return 7; }\n",
    ])
    defer { CLI.cleanup(root) }
    let make = try PythonFixtures.sh(
      """
      set -e
      gcc -shared -fPIC -o pkg/libanswer.so answer.c
      cp /etc/ssl/certs/ca-certificates.crt pkg/ca.pem
      /usr/bin/python3 -c "import sqlite3; c = sqlite3.connect('pkg/data.db'); c.execute('create table t(x)'); c.execute('insert into t values (42)'); c.commit()"
      """, cwd: root)
    #expect(make.status == 0, "\(make.stderr)")
    #expect(try CLI.frost(["build", root + "/main.py", "-o", root + "/main"]).status == 0)
    let r = try PythonFixtures.runHidden(root + "/main")
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout == "(42,)\nTrue\n7\n-1\n", "\(r.stdout)")
    let (_, opened) = try CLI.strace(
      "open,openat,creat,mkdir,rename", log: root + "/strace.log", [root + "/main"])
    #expect(CLI.writes(opened).isEmpty, "\(CLI.writes(opened))")
  }

  @Test("an extension that finds its own folder with dladdr reads a file beside it")
  func dladdrSelf() throws {
    let root = try PythonFixtures.project([
      "main.py": """
      import os
      from pkg import selfpath
      path, line = selfpath.where()
      print(os.path.basename(os.path.dirname(path)), line.strip(), os.path.exists(path))

      """,
      "pkg/__init__.py": "",
      "pkg/sibling.txt": "beside\n",
      "selfpath.c": PythonFixtures.selfPathSource,
    ])
    defer { CLI.cleanup(root) }
    try PythonFixtures.compileExtension("selfpath.c", as: "pkg/selfpath", cwd: root)
    #expect(try CLI.frost(["build", root + "/main.py", "-o", root + "/main"]).status == 0)
    let r = try PythonFixtures.runHidden(root + "/main")
    #expect(r.status == 0 && r.stdout == "pkg beside True\n", "\(r.stdout)\(r.stderr)")
  }

  @Test("an extension module that compiled code imports by name comes along, with no metadata naming it")
  func compiledImport() throws {
    let root = try PythonFixtures.project([
      "main.py": "import fastext\nprint(fastext.helper_value())\n",
      "hiddendep.c": #"""
      #include <Python.h>
      static struct PyModuleDef def = {PyModuleDef_HEAD_INIT, "hiddendep", 0, -1, 0};
      PyMODINIT_FUNC PyInit_hiddendep(void) {
          PyObject *m = PyModule_Create(&def);
          if (m) PyModule_AddStringConstant(m, "VALUE", "found");
          return m;
      }
      """#,
      "fastext.c": #"""
      #include <Python.h>
      static PyObject *helper_value(PyObject *self, PyObject *args) {
          PyObject *m = PyImport_ImportModule("hiddendep");
          return m ? PyObject_GetAttrString(m, "VALUE") : NULL;
      }
      static PyMethodDef methods[] = {{"helper_value", helper_value, METH_NOARGS, ""}, {0}};
      static struct PyModuleDef def = {PyModuleDef_HEAD_INIT, "fastext", 0, -1, methods};
      PyMODINIT_FUNC PyInit_fastext(void) { return PyModule_Create(&def); }
      """#,
    ])
    defer { CLI.cleanup(root) }
    let make = try PythonFixtures.sh(
      """
      set -e
      mkdir -p site
      suffix=$(/usr/bin/python3 -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))')
      for m in fastext hiddendep; do
        gcc -shared -fPIC -I/usr/include/python3.11 -o site/$m$suffix $m.c
      done
      """, cwd: root)
    #expect(make.status == 0, "\(make.stderr)")
    let build = try CLI.frost([
      "build", root + "/main.py", "--path", root + "/site", "-o", root + "/main",
    ])
    #expect(build.status == 0, "\(build.stderr)")
    let r = try PythonFixtures.runHidden(root + "/main")
    #expect(r.status == 0 && r.stdout == "found\n", "\(r.stdout)\(r.stderr)")
  }

  @Test("a distribution is bundled whole: hyphenated modules, data, and what it requires")
  func wholeDistribution() throws {
    let root = try PythonFixtures.project([
      "main.py": """
      import importlib, importlib.metadata as md
      import fakedist
      print(importlib.import_module("fakedist.uni-code-1").VALUE)
      print(importlib.import_module(fakedist.plugin_name()).NAME)
      print(md.version("fakedist"), md.version("helperdist"))

      """,
      "site/fakedist/__init__.py": "def plugin_name():\n    return 'helper' + 'dist'\n",
      "site/fakedist/uni-code-1.py": "VALUE = 'dashed'\n",
      "site/fakedist-1.0.dist-info/METADATA":
        "Metadata-Version: 2.1\nName: fakedist\nVersion: 1.0\nRequires-Dist: helperdist\n"
        + "Requires-Dist: notinstalled; extra == \"x\"\n",
      "site/fakedist-1.0.dist-info/RECORD":
        "fakedist/__init__.py,,\nfakedist/uni-code-1.py,,\nfakedist-1.0.dist-info/METADATA,,\n"
        + "fakedist-1.0.dist-info/RECORD,,\n",
      "site/helperdist.py": "NAME = 'helper'\n",
      "site/helperdist-2.0.dist-info/METADATA":
        "Metadata-Version: 2.1\nName: helperdist\nVersion: 2.0\n",
      "site/helperdist-2.0.dist-info/RECORD":
        "helperdist.py,,\nhelperdist-2.0.dist-info/METADATA,,\nhelperdist-2.0.dist-info/RECORD,,\n",
    ])
    defer { CLI.cleanup(root) }
    let build = try CLI.frost([
      "build", root + "/main.py", "--path", root + "/site", "-o", root + "/main",
    ])
    #expect(build.status == 0, "\(build.stderr)")
    let r = try PythonFixtures.runHidden(root + "/main")
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout == "dashed\nhelper\n1.0 2.0\n", "\(r.stdout)")
  }

  @Test("unresolved imports are warned by importer, optional ones counted; --strict refuses")
  func missingImports() throws {
    let files = [
      "main.py": """
      import helper
      try:
          import maybe_there
      except ImportError:
          pass

      """,
      // One unguarded import beside a guarded one and another platform's module: only the
      // first is warned; a version test false here and `import __main__` are not missing.
      "helper.py": """
      import sys
      import __main__
      import surely_not_installed_anywhere
      try:
          import also_maybe_there
      except ImportError:
          pass
      if sys.platform == "win32":
          import winreg
      if sys.version_info >= (4, 0):
          import from_the_future
      if sys.version_info[:2] < (3, 0):
          import from_the_past

      """,
    ]
    let (build, _, _) = try Self.run(files)
    #expect(build.status == 0)
    #expect(
      build.stderr.contains(
        "frost: warning: helper imports surely_not_installed_anywhere: not found\n"),
      "\(build.stderr)")
    #expect(build.stderr.contains("--include-module NAME"))
    #expect(
      build.stderr.contains("frost: note: 3 optional imports (in try blocks) not found, in helper, main"),
      "\(build.stderr)")
    for name in ["__main__", "from_the_future", "from_the_past"] {
      #expect(!build.stderr.contains(name), "\(build.stderr)")
    }
    let (strict, _, binary) = try Self.run(files, ["--strict"])
    #expect(strict.status == 1)
    #expect(strict.stderr.hasPrefix("frost: helper imports surely_not_installed_anywhere, which"))
    #expect(!FileManager.default.fileExists(atPath: binary))
  }

  @Test("[project.scripts]: frost build with no script builds each, named after it")
  func projectScripts() throws {
    let root = try PythonFixtures.project([
      "pyproject.toml": """
      [project]
      name = "tool"

      [project.scripts]
      tool-hello = "tool.cli:main"
      tool-bye = "tool.cli:Runner.bye"

      """,
      "src/tool/__init__.py": "",
      "src/tool/cli.py": """
      import os, sys
      def main():
          print("hello", os.path.basename(sys.argv[0]), sys.argv[1:], __name__)
      class Runner:
          @staticmethod
          def bye():
              print("bye")
              return 3

      """,
    ])
    defer { CLI.cleanup(root) }
    let build = try CLI.frost(["build"], cwd: root)
    #expect(build.status == 0, "\(build.stderr)")
    #expect(
      build.stderr.hasPrefix(
        "frost: building the [project.scripts] of ./pyproject.toml: tool-bye (tool.cli:Runner.bye), "
          + "tool-hello (tool.cli:main)\n"), "\(build.stderr)")
    let hello = try PythonFixtures.runHidden(root + "/tool-hello", ["a", "b"])
    #expect(hello.stdout == "hello tool-hello ['a', 'b'] tool.cli\n", "\(hello.stderr)")
    let bye = try PythonFixtures.runHidden(root + "/tool-bye")
    #expect(bye.status == 3 && bye.stdout == "bye\n")
    let none = try CLI.frost(["build"], cwd: root + "/src")
    #expect(none.status == 1)
    #expect(none.stderr == "frost: pyproject.toml: no script given, and no [project.scripts] here to build\n")
  }
}
