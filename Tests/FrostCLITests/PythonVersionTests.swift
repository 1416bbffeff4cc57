import Foundation
import Testing

@testable import FrostKit

/// `frost build --python PY` for every CPython 3.8 to 3.13 of the machine: the binary embeds
/// that interpreter (its stub linked once, at the first build, into this run's cache) and
/// behaves as it does, with every host Python hidden.
@Suite("Self-contained Python: every CPython from 3.8 to 3.13")
struct PythonVersionTests {
  @Test("CPython 3.8", .enabled(if: PythonVersions.enabled("3.8"), PythonVersions.absent("3.8")))
  func python38() throws { try Self.check("3.8") }

  @Test("CPython 3.9", .enabled(if: PythonVersions.enabled("3.9"), PythonVersions.absent("3.9")))
  func python39() throws { try Self.check("3.9") }

  @Test(
    "CPython 3.10", .enabled(if: PythonVersions.enabled("3.10"), PythonVersions.absent("3.10")))
  func python310() throws { try Self.check("3.10") }

  @Test(
    "CPython 3.11", .enabled(if: PythonVersions.enabled("3.11"), PythonVersions.absent("3.11")))
  func python311() throws { try Self.check("3.11") }

  @Test(
    "CPython 3.12", .enabled(if: PythonVersions.enabled("3.12"), PythonVersions.absent("3.12")))
  func python312() throws { try Self.check("3.12") }

  @Test(
    "CPython 3.13", .enabled(if: PythonVersions.enabled("3.13"), PythonVersions.absent("3.13")))
  func python313() throws { try Self.check("3.13") }

  @Test(
    "an interpreter older than 3.8 is refused in one line, and nothing is written",
    .enabled(if: PythonVersions.interpreter("3.7") != nil || PythonVersions.required))
  func tooOld() throws {
    let root = try PythonFixtures.project(["hello.py": "print('hello')\n"])
    defer { CLI.cleanup(root) }
    for minor in ["3.7", "2.7"] {
      let python = try #require(PythonVersions.interpreter(minor), "no CPython \(minor)")
      let r = try Self.build(root + "/hello.py", root + "/hello", python: python)
      #expect(r.status == 1)
      #expect(
        r.stderr.hasPrefix("frost: cannot embed \(python): it is Python \(minor).")
          && r.stderr.hasSuffix(", and Frost embeds CPython 3.8 to 3.13\n"), "\(r.stderr)")
      #expect(!FileManager.default.fileExists(atPath: root + "/hello"))
    }
  }

  @Test(
    "a stub linked twice, in two caches, gives byte-identical binaries",
    .enabled(if: PythonVersions.enabled("3.12"), PythonVersions.absent("3.12")))
  func relinkReproducible() throws {
    let python = try #require(PythonVersions.interpreter("3.12"))
    let root = try PythonFixtures.project(["hello.py": "print('hello')\n"])
    defer { CLI.cleanup(root) }
    var outputs: [Data] = []
    for name in ["a", "b"] {
      var env = ProcessInfo.processInfo.environment
      env["FROST_CACHE_DIR"] = root + "/cache-" + name
      let r = try CLI.frost(
        ["build", root + "/hello.py", "-o", root + "/" + name, "--python", python, "--stdlib",
         "imported"], env: env)
      #expect(r.status == 0 && r.stderr.contains("linking the interpreter stub"), "\(r.stderr)")
      outputs.append(try Data(contentsOf: URL(fileURLWithPath: root + "/" + name)))
    }
    #expect(outputs[0] == outputs[1])
    #expect(try CLI.run(root + "/a").stdout == "hello\n")
  }

  @Test(
    "with the cache off, a shared stub folder in the temporary folder is refused in one line",
    .enabled(if: PythonVersions.enabled("3.12"), PythonVersions.absent("3.12")))
  func sharedTemporaryFolder() throws {
    let python = try #require(PythonVersions.interpreter("3.12"))
    let root = try PythonFixtures.project(["hello.py": "print('hello')\n"])
    defer { CLI.cleanup(root) }
    let shared = root + "/frost-python-stubs-\(getuid())"
    try FileManager.default.createDirectory(atPath: shared, withIntermediateDirectories: true)
    chmod(shared, 0o777)
    var env = ProcessInfo.processInfo.environment
    env["FROST_CACHE_DIR"] = "off"
    env["TMPDIR"] = root
    let r = try CLI.frost(
      ["build", root + "/hello.py", "-o", root + "/hello", "--python", python], env: env)
    #expect(r.status == 1)
    #expect(
      r.stderr == "frost: cannot build the interpreter stub for \(python): \(shared) is not a "
        + "folder of this user's alone (remove it, or set FROST_CACHE_DIR)\n", "\(r.stderr)")
    #expect(!FileManager.default.fileExists(atPath: root + "/hello"))
  }

  /// Everything of one version; each step is a function below.
  static func check(_ minor: String) throws {
    let python = try #require(PythonVersions.interpreter(minor), "no CPython \(minor)")
    let root = try PythonFixtures.project([
      "app.py": PythonVersions.source, "helper.py": "def fail():\n    raise ValueError(\"boom\")\n",
    ])
    let out = try CLI.tempDir("frost-versions")
    defer { CLI.cleanup(root); CLI.cleanup(out) }
    let host = try CLI.run(python, ["-E", "-s", root + "/app.py", "5"])
    #expect(host.status == 5, "\(host.stderr)")
    #expect(host.stdout.hasPrefix("version \(minor)."), "\(host.stdout)")
    let first = try Self.build(root + "/app.py", out + "/app", python: python)
    #expect(first.status == 0, "\(first.stderr)")
    #expect(first.stderr.contains("linking the interpreter stub for Python \(minor)."))
    try behaves(out + "/app", expected: host.stdout + PythonVersions.frozenLines, root: root)
    try reproducible(root, out: out, python: python)
    let compact = try Self.build(
      root + "/app.py", out + "/compact", python: python, ["--compact", "--stdlib", "imported"])
    #expect(compact.status == 0, "\(compact.stderr)")
    let r = try PythonFixtures.runHidden(out + "/compact", ["5"], alsoHidden: [root])
    #expect(r.stdout == host.stdout + PythonVersions.frozenLines, "\(r.stderr)")
    let inspect = try CLI.frost(["inspect", out + "/app"])
    #expect(inspect.stdout.contains(" python-version=\(minor) "), "\(inspect.stdout)")
    // glibc's floor (docs/GLIBC.md): the linked stub (the compact binary's interpreter), this
    // interpreter's extension modules and the libraries they load.
    for binary in [out + "/app", out + "/compact"] {
      for (name, newest, symbols) in try Floor.loaded(binary) {
        guard let newest else { continue }
        #expect(!GlibcFloor.linked.lexicographicallyPrecedes(newest), "\(name) needs \(newest) (\(symbols))")
      }
    }
    try stdlibSample(python)
    try venv(python, root: root, out: out)
    try trimmed(python, out: out)
    _ = try PythonImportTests.sameOutput(
      PythonImportTests.files, "imports", ["--include-package", "pk"], python: python,
      environment: PythonVersions.environment)
  }

  /// Hidden host Python (and the program's folder): the status of sys.exit, the output; a
  /// traceback with its source lines (bundled by default); SIGINT.
  static func behaves(_ binary: String, expected: String, root: String) throws {
    let r = try PythonFixtures.runHidden(binary, ["5"], alsoHidden: [root])
    #expect(r.status == 5, "\(r.stderr)")
    #expect(r.stdout == expected, "\(r.stderr)")
    let raised = try PythonFixtures.runHidden(binary, [], alsoHidden: [root])
    #expect(raised.status == 1)
    #expect(
      raised.stderr.hasSuffix(
        "File \"\(binary)/lib/helper.py\", line 2, in fail\n    raise ValueError(\"boom\")\n"
          + "ValueError: boom\n"),
      "\(raised.stderr)")
    let (status, signalled) = try PythonFixtures.runAndSignal(binary, ["sleep"], signal: SIGINT)
    #expect(signalled && status == SIGINT)
  }

  /// A second build gives the same bytes, without linking again.
  static func reproducible(_ root: String, out: String, python: String) throws {
    let again = try Self.build(root + "/app.py", out + "/again", python: python)
    #expect(again.status == 0, "\(again.stderr)")
    #expect(!again.stderr.contains("linking"), "\(again.stderr)")
    #expect(FileManager.default.contentsEqual(atPath: out + "/app", andPath: out + "/again"))
  }

  /// The stdlib sample prints what the interpreter prints, with host Python hidden, and
  /// writes nothing (strace).
  static func stdlibSample(_ python: String) throws {
    let dir = try CLI.tempDir("frost-stdlib")
    defer { CLI.cleanup(dir) }
    let built = try Self.build(CLI.sample("stdlib_app.py"), dir + "/app", python: python)
    #expect(built.status == 0, "\(built.stderr)")
    let host = try CLI.run(python, ["-I", CLI.sample("stdlib_app.py"), "--count", "4"])
    let frozen = try PythonFixtures.runHidden(dir + "/app", ["--count", "4"])
    #expect(host.status == 0 && frozen.status == 0, "\(host.stderr)\(frozen.stderr)")
    #expect(frozen.stdout == host.stdout)
    _ = try PythonFixtures.traceNothingWritten(
      dir + "/app", syscalls: "open,openat,openat2,creat,mkdir,rename,unlink,truncate",
      log: "strace-\(UUID().uuidString).log")
  }

  /// A venv of the interpreter embeds the same interpreter: no new link.
  static func venv(_ python: String, root: String, out: String) throws {
    let made = try CLI.run(python, ["-m", "venv", "--without-pip", root + "/venv"])
    #expect(made.status == 0, "\(made.stderr)")
    try "import sys\nprint(sys.version)\n".write(
      toFile: root + "/v.py", atomically: true, encoding: .utf8)
    let r = try Self.build(root + "/v.py", out + "/v", python: root + "/venv/bin/python")
    #expect(r.status == 0 && !r.stderr.contains("linking"), "\(r.stderr)")
    let version = try CLI.run(python, ["-c", "import sys; print(sys.version)"]).stdout
    #expect(try CLI.run(out + "/v").stdout == version)
  }

  /// A program that imports nothing, built with `--stdlib imported`: what the interpreter
  /// and the stub import before it runs (frozen from 3.11, in the payload before) is there.
  static func trimmed(_ python: String, out: String) throws {
    let root = try PythonFixtures.project(["bare.py": "import sys\nprint(len(sys.argv))\n"])
    defer { CLI.cleanup(root) }
    let r = try Self.build(root + "/bare.py", out + "/bare", python: python, ["--stdlib", "imported"])
    #expect(r.status == 0, "\(r.stderr)")
    let run = try PythonFixtures.runHidden(out + "/bare", ["x"], alsoHidden: [root])
    #expect(run.status == 0 && run.stdout == "2\n", "\(run.stdout)\(run.stderr)")
  }

  /// `frost build SCRIPT -o OUT --python PYTHON ARGS` with this run's cache.
  static func build(_ script: String, _ out: String, python: String, _ args: [String] = [])
    throws -> CLI.Result
  {
    try CLI.frost(
      ["build", script, "-o", out, "--python", python] + args,
      env: PythonVersions.environment)
  }
}
