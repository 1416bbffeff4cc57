import Foundation
import Testing

@testable import FrostKit

/// glibc's floor (docs/GLIBC.md): every ELF file a frozen binary can load asks for no symbol
/// version newer than glibc 2.28 (buster's and RHEL 8's), and the binaries run in minimal
/// Debian roots with no Python (bullseye's glibc 2.31, bookworm's 2.36, trixie's 2.41; no
/// mirror here serves a 2.28 system, so the symbol-version test holds that floor).
enum Floor {
  static let folder: String = (try? CLI.tempDir("frost-glibc")) ?? "/nonexistent"

  /// `frost build ARGS -o folder/NAME`, or the build's output when it fails.
  static func build(_ name: String, _ args: [String], env: [String: String]? = nil) throws -> String {
    let out = folder + "/" + name
    let r = try CLI.frost(["build"] + args + ["-o", out], env: env)
    try #require(r.status == 0, "\(r.stdout)\(r.stderr)")
    return out
  }

  /// The newest GLIBC version an ELF image needs (weak needs are not needed), as numbers.
  static func newest(_ file: ELFFile) throws -> (version: [Int], symbols: [String])? {
    guard let need = ELFVersionNeed.newestGLIBC(try file.versionNeeds()), let n = need.numbers
    else { return nil }
    return (n, need.symbols)
  }

  /// Every ELF file the binary at `path` can load, by name, with the newest GLIBC each needs:
  /// the binary itself and each ELF entry of its payload.
  static func loaded(_ path: String) throws -> [(name: String, newest: [Int]?, symbols: [String])] {
    let file = try ELFFile(path: path)
    var out = [(path, try newest(file)?.version, try newest(file)?.symbols ?? [])]
    guard let section = try file.section(named: ".frost") else { return out }
    let reader = try PayloadReader(section: try file.bytes(of: section))
    for entry in reader.entries {
      let bytes = try reader.read(entry)
      guard bytes.starts(with: [0x7f, 0x45, 0x4c, 0x46]) else { continue }
      // A packed interpreter (LZ4) is the memory image of frost-stub-python, its section
      // table cut off, which the caller checks as a file.
      if entry.path == PythonFreezer.compactInterpreterEntry, entry.compression == .lz4 { continue }
      let found = try newest(try ELFFile(memory: bytes))
      out.append((path + ":" + entry.path, found?.version, found?.symbols ?? []))
    }
    return out
  }

  /// Minimal roots with no Python (scripts/old-roots.sh), or nil with why not.
  static let roots: (dirs: [String], reason: String) = {
    guard getuid() == 0 else { return ([], "needs root (debootstrap, chroot)") }
    let script = CLI.repoRoot.appendingPathComponent("scripts/old-roots.sh").path
    guard let r = try? CLI.run("/bin/bash", [script]), r.status == 0 else {
      return ([], "scripts/old-roots.sh failed")
    }
    return (r.stdout.split(separator: "\n").map(String.init), "")
  }()

  /// Runs `binary` (copied into the root) in `root` with /proc mounted, in a mount namespace of
  /// its own (nothing is left mounted), from the root's /tmp.
  static func runInRoot(_ root: String, _ binary: String, _ args: [String] = []) throws -> CLI.Result {
    let name = (binary as NSString).lastPathComponent
    let inside = root + "/tmp/" + name
    try? FileManager.default.removeItem(atPath: inside)
    try FileManager.default.copyItem(atPath: binary, toPath: inside)
    defer { try? FileManager.default.removeItem(atPath: inside) }
    let script = "mount -t proc proc \"$0/proc\" && cd \"$0/tmp\" && exec chroot \"$0\" \"$@\""
    return try CLI.run(
      "/usr/bin/unshare", ["--mount", "--fork", "/bin/sh", "-c", script, root, "/tmp/" + name] + args)
  }
}

@Suite("glibc floor: frozen binaries need glibc 2.28 at most", .serialized)
struct GlibcFloorTests {
  @Test("every ELF file each kind of output can load asks for GLIBC_2.28 at most")
  func symbolVersions() throws {
    let outputs = [
      try Floor.build("hello-sh", [CLI.sample("hello.sh")]),
      try Floor.build("hello-py", [CLI.sample("hello.py"), "--pack-interpreter", "never"]),
      try Floor.build("hello-packed", [CLI.sample("hello.py"), "--pack-interpreter", "always"]),
      try Floor.build("hello-compact", [CLI.sample("hello.py"), "--compact"]),
      try Floor.build("stdlib-app", [CLI.sample("stdlib_app.py")]),
    ]
    // The packed loader maps this stub's image (the payload holds it LZ4-compressed).
    let stubs = ["frost-stub-python", "frost-stub-host", "frost-stub-python-compact"].map {
      CLI.binDir.appendingPathComponent($0).path
    }
    var checked = 0
    for path in outputs + stubs {
      for (name, newest, symbols) in try Floor.loaded(path) {
        checked += 1
        if let newest {
          #expect(!GlibcFloor.linked.lexicographicallyPrecedes(newest), "\(name) needs GLIBC_\(newest) (\(symbols))")
        }
      }
    }
    // The stdlib's extensions and libssl, libcrypto, libsqlite3, libffi, liblzma, ... are there.
    #expect(checked > 60)
    // frost inspect counts the packed interpreter (a memory image, read through its dynamic
    // segment) among the payload's ELF files that need the newest version.
    func payloadEntries(_ path: String) throws -> Int? {
      let json = try JSONSerialization.jsonObject(with: CLI.frost(["inspect", "--format", "json", path]).stdoutBytes)
      return ((json as? [String: Any])?["payloadGlibc"] as? [String: Any])?["entries"] as? Int
    }
    let plain = try #require(try payloadEntries(outputs[1]))
    #expect(try payloadEntries(outputs[2]) == plain + 1)
    #expect(try payloadEntries(outputs[3]) == plain + 1)
    let manifest = try CLI.frost(["inspect", outputs[4]])
    #expect(manifest.stdout.contains("glibc=2.28"), "\(manifest.stdout)")
    #expect(manifest.stdout.contains("payload glibc GLIBC_2.28 or newer"), "\(manifest.stdout)")
  }

  @Test("an extension that needs a newer glibc fails the build naming it; --glibc accepts it")
  func tooNewExtension() throws {
    let dir = try CLI.tempDir("frost-glibc-ext")
    defer { CLI.cleanup(dir) }
    // pidfd_open is glibc 2.36's: no older glibc has it and Frost does not replace it.
    let source = dir + "/toonew.c"
    try """
    #include <Python.h>
    #include <sys/pidfd.h>
    static PyObject *f(PyObject *s, PyObject *a) { return PyLong_FromLong(pidfd_open(getpid(), 0) >= 0); }
    static PyMethodDef m[] = {{"f", f, METH_NOARGS, NULL}, {NULL}};
    static struct PyModuleDef d = {PyModuleDef_HEAD_INIT, "toonew", NULL, -1, m};
    PyMODINIT_FUNC PyInit_toonew(void) { return PyModule_Create(&d); }
    """.write(toFile: source, atomically: true, encoding: .utf8)
    let so = dir + "/toonew.cpython-311-x86_64-linux-gnu.so"
    let cc = try CLI.run(
      "/usr/bin/cc", ["-shared", "-fPIC", "-I/usr/include/python3.11", "-o", so, source])
    try #require(cc.status == 0, "\(cc.stderr)")
    try "import toonew\nprint(toonew.f())\n".write(toFile: dir + "/app.py", atomically: true, encoding: .utf8)
    let out = dir + "/app"
    let refused = try CLI.frost(["build", dir + "/app.py", "-o", out])
    #expect(refused.status != 0)
    #expect(
      refused.stderr.contains(
        "lib/toonew.so: needs pidfd_open from GLIBC_2.36, newer than the glibc floor 2.28"),
      "\(refused.stderr)")
    #expect(refused.stderr.contains("--glibc 2.36"), "\(refused.stderr)")
    #expect(refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out))
    let accepted = try CLI.frost(["build", dir + "/app.py", "--glibc", "2.36", "-o", out])
    #expect(accepted.status == 0, "\(accepted.stderr)")
    #expect(try CLI.run(out).stdout == "1\n")
    let shown = try CLI.frost(["inspect", out])
    #expect(shown.stdout.contains("glibc=2.36"), "\(shown.stdout)")
    #expect(shown.stdout.contains("payload glibc GLIBC_2.36 or newer"), "\(shown.stdout)")
    let low = try CLI.frost(["build", dir + "/app.py", "--glibc", "2.17", "-o", out + "2"])
    #expect(low.status != 0)
    #expect(low.stderr.contains("--glibc 2.17: expected a glibc version from 2.28 on"), "\(low.stderr)")
    // The same floor from pyproject.toml's [tool.frost].
    try FileManager.default.removeItem(atPath: out)
    try "[tool.frost]\nglibc = \"2.36\"\n".write(toFile: dir + "/pyproject.toml", atomically: true, encoding: .utf8)
    let fromProject = try CLI.frost(["build", dir + "/app.py", "-o", out])
    #expect(fromProject.status == 0, "\(fromProject.stderr)")
    #expect(try CLI.frost(["inspect", out]).stdout.contains("glibc=2.36"))
    try PythonFixtures.expectRefused(
      dir, setting: "glibc = \"2.1\"", script: "app.py",
      message: "glibc = 2.1: expected a glibc version from 2.28 on, such as 2.31")
  }

  @Test(
    "hello.sh, hello.py, --compact, the stdlib sample and an XML program run in bullseye, bookworm and trixie roots with no Python",
    .enabled(if: Floor.roots.reason.isEmpty, "\(Floor.roots.reason)"))
  func roots() throws {
    let xml = Floor.folder + "/xml_app.py"
    try """
    import xml.etree.ElementTree as ET, xml.dom.minidom, pyexpat
    root = ET.fromstring("<a><b n='1'>x</b><b n='2'>y</b></a>")
    print([(b.get("n"), b.text) for b in root.iter("b")])
    print(xml.dom.minidom.parseString("<c><d/></c>").documentElement.firstChild.tagName)
    print(pyexpat.EXPAT_VERSION.startswith("expat_"))
    """.write(toFile: xml, atomically: true, encoding: .utf8)
    // Each binary with what python3 prints on the build machine for its source (hello.sh:
    // what the frozen script prints here, up to its PID).
    let builds: [(name: String, args: [String], source: String?)] = [
      ("r-hello-sh", [CLI.sample("hello.sh")], nil),
      ("r-hello-py", [CLI.sample("hello.py")], CLI.sample("hello.py")),
      ("r-hello-compact", [CLI.sample("hello.py"), "--compact"], CLI.sample("hello.py")),
      ("r-stdlib-app", [CLI.sample("stdlib_app.py")], CLI.sample("stdlib_app.py")),
      ("r-xml-app", [xml], xml),
    ]
    var programs: [(binary: String, expected: String)] = []
    for b in builds {
      let binary = try Floor.build(b.name, b.args)
      let expected = try b.source.map { try CLI.run("/usr/bin/python3", [$0]).stdout } ?? CLI.run(binary).stdout
      #expect(!expected.isEmpty, "\(b.name)")
      programs.append((binary, b.source == nil ? String(expected.prefix { $0 != "(" }) : expected))
    }
    for root in Floor.roots.dirs {
      #expect(!FileManager.default.fileExists(atPath: root + "/usr/bin/python3"), "\(root) has python3")
      for program in programs {
        let r = try Floor.runInRoot(root, program.binary)
        #expect(r.status == 0, "\(root): \(program.binary): \(r.stderr)")
        if program.binary.hasSuffix("hello-sh") {  // it prints its PID
          #expect(r.stdout.hasPrefix(program.expected), "\(root): \(r.stdout)")
        } else {
          #expect(r.stdout == program.expected, "\(root): \(program.binary): \(r.stdout)")
        }
      }
    }
  }

  @Test(
    "the stdlib sample frozen with the oldest and newest CPython (pyenv's 3.8, 3.13) runs in the roots",
    .enabled(if: Floor.roots.reason.isEmpty, "\(Floor.roots.reason)"))
  func otherPythons() throws {
    let found = ["3.8", "3.13"].compactMap { minor in PythonVersions.interpreter(minor).map { (minor, $0) } }
    if PythonVersions.required { #expect(found.count == 2, "CI sets FROST_REQUIRE_ALL_PYTHONS=1") }
    for (minor, python) in found {
      let sample = CLI.sample("stdlib_app.py")
      let binary = try Floor.build(
        "v-stdlib-\(minor)", [sample, "--python", python], env: PythonVersions.environment)
      let expected = try CLI.run(python, ["-E", "-s", sample]).stdout
      for root in Floor.roots.dirs {
        let r = try Floor.runInRoot(root, binary)
        #expect(r.status == 0, "\(root): \(minor): \(r.stderr)")
        #expect(r.stdout == expected, "\(root): \(minor): \(r.stdout)")
      }
    }
  }

  @Test(
    "a C++ extension's exceptions (through libgcc_s's unwinder, on a thread too) work in the roots",
    .enabled(if: Floor.roots.reason.isEmpty, "\(Floor.roots.reason)"))
  func cplusplus() throws {
    let dir = try CLI.tempDir("frost-glibc-cxx")
    defer { CLI.cleanup(dir) }
    // libgcc_s asks glibc 2.35's _dl_find_object for each frame; before 2.35 the stub's
    // replacement walks dl_iterate_phdr (stubs/python/stub_glibc.c).
    try """
    #include <Python.h>
    #include <stdexcept>
    #include <string>
    #include <thread>
    static int deep(int n) { if (n > 2) throw std::runtime_error("deep " + std::to_string(n)); return deep(n + 1); }
    static PyObject *f(PyObject *, PyObject *) {
        std::string msg;
        try { deep(0); } catch (const std::exception &e) { msg = e.what(); }
        int got = 0;
        std::thread t([&] { try { throw 7; } catch (int v) { got = v; } });
        t.join();
        return PyUnicode_FromString((msg + " " + std::to_string(got)).c_str());
    }
    static PyMethodDef m[] = {{"f", f, METH_NOARGS, NULL}, {NULL, NULL, 0, NULL}};
    static struct PyModuleDef d = {PyModuleDef_HEAD_INIT, "cxx", NULL, -1, m};
    PyMODINIT_FUNC PyInit_cxx(void) { return PyModule_Create(&d); }
    """.write(toFile: dir + "/cxx.cpp", atomically: true, encoding: .utf8)
    let cxx = try CLI.run(
      "/usr/bin/g++",
      ["-shared", "-fPIC", "-O1", "-I/usr/include/python3.11", "-o", dir + "/cxx.cpython-311-x86_64-linux-gnu.so", dir + "/cxx.cpp"])
    try #require(cxx.status == 0, "\(cxx.stderr)")
    try "import cxx\nprint(cxx.f())\n".write(toFile: dir + "/cxx_app.py", atomically: true, encoding: .utf8)
    #expect(try CLI.run("/usr/bin/python3", [dir + "/cxx_app.py"]).stdout == "deep 3 7\n")
    let binary = try Floor.build("cxx-app", [dir + "/cxx_app.py"])
    for root in Floor.roots.dirs {
      let r = try Floor.runInRoot(root, binary)
      #expect(r.status == 0, "\(root): \(r.stderr)")
      #expect(r.stdout == "deep 3 7\n", "\(root): \(r.stdout)")
    }
  }

  @Test(
    "programs using extension wheels from a venv (PyYAML, lxml, numpy, cryptography, Pillow) run in the roots as under the venv",
    .enabled(if: Floor.roots.reason.isEmpty && !Compat.skipped, "\(Floor.roots.reason)"))
  func wheels() throws {
    let python = try #require(Compat.venv.python, "scripts/compat-venv.sh failed: \(Compat.venv.log)")
    // C, Cython, Fortran with vendored OpenBLAS, Rust with cffi, vendored libraries.
    for name in ["yaml_csafe", "lxml_xpath", "numpy_linalg", "cryptography_ops", "pillow_images"] {
      let program = Compat.programsDir + "/" + name + ".py"
      let binary = try Floor.build("w-" + name, [program, "--python", python])
      let expected = try CLI.run(python, [program], cwd: Floor.folder)
      for root in Floor.roots.dirs {
        let r = try Floor.runInRoot(root, binary)
        #expect(r.status == 0, "\(root): \(name): \(r.stderr)")
        #expect(r.stdout == expected.stdout, "\(root): \(name)")
      }
    }
  }
}
