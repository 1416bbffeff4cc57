import Foundation
import Testing

/// Packages that load their own parts the way opencv's `cv2` does: they read a Python file of
/// theirs as text and exec() it, then put their own folder first on sys.path and import their
/// extension module under the package's name.
@Suite("Self-contained Python: packages with their own loader")
struct PythonLoaderTests {
  static let extensionSource = #"""
    #include <Python.h>
    static PyObject *answer(PyObject *self, PyObject *args) { return PyLong_FromLong(42); }
    static PyMethodDef m[] = {{"answer", answer, METH_NOARGS, ""}, {0}};
    static struct PyModuleDef d = {PyModuleDef_HEAD_INIT, "fakecv", 0, -1, m};
    PyMODINIT_FUNC PyInit_fakecv(void) { return PyModule_Create(&d); }
    """#

  @Test("a package's config-N.py read by path and its extension imported from its own folder")
  func opencvStyleLoader() throws {
    let root = try PythonFixtures.project([
      "main.py": "import fakecv\nprint(fakecv.VALUE, fakecv.ANSWER, fakecv.NATIVE_FILE)\n",
      "site/fakecv/__init__.py": """
      import importlib, os, sys
      HERE = os.path.dirname(os.path.abspath(__file__))
      names = {}
      for name in ["config.py", "config-{}.py".format(sys.version_info[0])]:
          with open(os.path.join(HERE, name)) as f:
              exec(compile(f.read(), name, "exec"), names)
      sys.path.insert(0, HERE)
      package = sys.modules.pop("fakecv")
      native = importlib.import_module("fakecv")
      sys.modules["fakecv"] = package
      sys.path.remove(HERE)
      VALUE = names["VALUE"] + names["EXTRA"]
      ANSWER = native.answer()
      NATIVE_FILE = os.path.basename(os.path.dirname(native.__file__))

      """,
      "site/fakecv/config.py": "VALUE = 7\n",
      "site/fakecv/config-3.py": "EXTRA = 1\n",
      "site/fakecv/fakecv.c": Self.extensionSource,
      "site/fakecv-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: fakecv\nVersion: 1.0\n",
    ])
    defer { CLI.cleanup(root) }
    try PythonFixtures.compileExtension("fakecv.c", as: "fakecv", cwd: root + "/site/fakecv")
    let so = try FileManager.default.contentsOfDirectory(atPath: root + "/site/fakecv")
      .first { $0.hasSuffix(".so") } ?? ""
    try [
      "fakecv/__init__.py", "fakecv/config.py", "fakecv/config-3.py", "fakecv/" + so,
      "fakecv-1.0.dist-info/METADATA", "fakecv-1.0.dist-info/RECORD",
    ].map { $0 + ",,\n" }.joined()
      .write(toFile: root + "/site/fakecv-1.0.dist-info/RECORD", atomically: true, encoding: .utf8)
    let venv = try PythonFixtures.sh("PYTHONPATH=site /usr/bin/python3 main.py", cwd: root)
    #expect(venv.stdout == "8 42 fakecv\n", "\(venv.stdout)\(venv.stderr)")
    let build = try CLI.frost([
      "build", root + "/main.py", "--path", root + "/site", "-o", root + "/main",
    ])
    #expect(build.status == 0, "\(build.stderr)")
    let listing = try CLI.frost(["ls", root + "/main"])
    #expect(listing.stdout.contains("lib/fakecv/config-3.py "), "the source, read as a file")
    let r = try PythonFixtures.runHidden(root + "/main", alsoHidden: [root + "/site"])
    #expect(r.status == 0 && r.stdout == venv.stdout, "\(r.stdout)\(r.stderr)")
  }
}
