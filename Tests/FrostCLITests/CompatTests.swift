import Foundation
import Testing

/// The PyPI compatibility suite (tests/compat/README.md): a venv of the most downloaded
/// distributions (tests/compat/requirements.txt, made by scripts/compat-venv.sh) and one small
/// program per distribution group (tests/compat/programs/NAME.py), each frozen with
/// `--python VENV/bin/python` and run with every host Python and the venv hidden.
enum Compat {
  static let root = CLI.repoRoot.appendingPathComponent("tests/compat").path
  static let programsDir = root + "/programs"
  static let requirements = root + "/requirements.txt"

  /// Set to skip the suite (it is reported as skipped, with this reason).
  static let skipped = ProcessInfo.processInfo.environment["FROST_SKIP_COMPAT"] == "1"

  /// The programs' names (NAME of programs/NAME.py), sorted.
  static let programs: [String] = {
    let files = (try? FileManager.default.contentsOfDirectory(atPath: programsDir)) ?? []
    return files.filter { $0.hasSuffix(".py") }.map { String($0.dropLast(3)) }.sorted()
  }()

  /// The venv, next to the build folder (`.build/x86_64-unknown-linux-gnu/compat-venv` by
  /// default), so that a later run reuses it while requirements.txt is unchanged: its python,
  /// or nil with what the script said.
  static let venv: (python: String?, log: String) = {
    let dir = CLI.binDir.deletingLastPathComponent().appendingPathComponent("compat-venv").path
    let script = CLI.repoRoot.appendingPathComponent("scripts/compat-venv.sh").path
    guard let r = try? CLI.run("/bin/bash", [script, dir]) else { return (nil, "bash did not run") }
    let python = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    return (r.status == 0 && !python.isEmpty ? python : nil, r.stdout + r.stderr)
  }()

  /// At most two programs are built and run at once (the builds are long and the machine
  /// small); the rest wait here.
  static let slots = DispatchSemaphore(value: 2)

  /// Seconds before a run of a program, or a build, is killed (`timeout` exits 124).
  static let runLimit = "120"
  static let buildLimit = "1200"

  static func quote(_ s: String) -> String {
    "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }

  /// Runs `binary` in `cwd`, in a new mount namespace where every host Python is hidden
  /// (`PythonStdlibTests.hidden`) and so is each folder of `alsoHidden`.
  static func runHidden(_ binary: String, cwd: String, alsoHidden: [String], raw: Bool = false)
    throws -> CLI.Result
  {
    let mounts = alsoHidden.map { "mount -t tmpfs none \(quote($0))\n" }.joined()
    // `raw`: `binary` is a command line already quoted (a binary and its arguments).
    let command =
      mounts + "cd \(quote(cwd))\n/usr/bin/timeout \(runLimit) \(raw ? binary : quote(binary))"
    return try CLI.run(
      "/usr/bin/unshare", ["-m", "/bin/sh", "-c", PythonStdlibTests.hidden(command)])
  }

  /// An account of a run (status, signal, stderr) for the messages of failed expectations.
  static func describe(_ r: CLI.Result) -> String {
    "status \(r.status)\(r.signal.map { " (signal \($0))" } ?? ""); stderr:\n\(r.stderr)"
  }
}

@Suite(
  "PyPI compatibility: frozen programs behave as under the venv's python",
  .enabled(if: !Compat.skipped, "FROST_SKIP_COMPAT=1"))
struct CompatTests {
  @Test("the suite: 30 programs or more, 32 pinned distributions or more")
  func inventory() throws {
    #expect(Compat.programs.count >= 30, "\(Compat.programs)")
    let text = try String(contentsOfFile: Compat.requirements, encoding: .utf8)
    let pins = text.split(separator: "\n").filter { !$0.hasPrefix("#") && $0.contains("==") }
    #expect(pins.count >= 32)
  }

  @Test(
    "same stdout, exit status and (empty or not) stderr, frozen and hidden",
    arguments: Compat.programs)
  func program(_ name: String) throws {
    let python = try #require(
      Compat.venv.python, "scripts/compat-venv.sh failed: \(Compat.venv.log)")
    Compat.slots.wait()
    defer { Compat.slots.signal() }

    // The program alone in a folder of its own: no other program and no pyproject.toml near it.
    let source = try CLI.tempDir("frost-compat-src")
    let program = source + "/" + name + ".py"
    try FileManager.default.copyItem(
      atPath: Compat.programsDir + "/" + name + ".py", toPath: program)

    let pyCwd = try CLI.tempDir("frost-compat-py")
    let expected = try CLI.run(
      "/usr/bin/timeout", [Compat.runLimit, python, "-I", program], cwd: pyCwd)
    #expect(expected.status == 0, "under the venv's python: \(Compat.describe(expected))")

    let out = try CLI.tempDir("frost-compat-bin")
    let binary = out + "/" + name
    let build = try CLI.run(
      "/usr/bin/timeout",
      [Compat.buildLimit, CLI.frost, "build", "--python", python, program, "-o", binary])
    try #require(build.status == 0, "frost build: \(Compat.describe(build))\(build.stdout)")

    let binCwd = try CLI.tempDir("frost-compat-run")
    let venvDir = URL(fileURLWithPath: python).deletingLastPathComponent()
      .deletingLastPathComponent().path
    let frozen = try Compat.runHidden(
      binary, cwd: binCwd, alsoHidden: [venvDir, source, Compat.programsDir])
    #expect(frozen.stdout == expected.stdout, "frozen: \(Compat.describe(frozen))")
    #expect(
      frozen.status == expected.status,
      "frozen: \(Compat.describe(frozen))\nvenv's python: \(Compat.describe(expected))")
    #expect(
      frozen.stderr.isEmpty == expected.stderr.isEmpty,
      "frozen: \(Compat.describe(frozen))\nvenv's python: \(Compat.describe(expected))")
    CLI.cleanup(out)
  }

  /// Entry points of the venv, frozen (`-m PKG`, `--console-script NAME`), run on the same
  /// input in the same folder as the venv's own console scripts.
  @Test(
    "entry points: -m PKG and --console-script run as the venv's console scripts do",
    arguments: [
      (["-m", "pyflakes"], "pyflakes"), (["--console-script", "pyflakes"], "pyflakes"),
      (["--console-script", "black"], "black"),
    ])
  func entryPoint(_ flags: [String], script: String) throws {
    let python = try #require(Compat.venv.python, "\(Compat.venv.log)")
    let bin = URL(fileURLWithPath: python).deletingLastPathComponent().path
    let dir = try CLI.tempDir("frost-compat-entry")
    defer { CLI.cleanup(dir) }
    // Named as the console script: click and argparse print sys.argv[0]'s base name.
    try FileManager.default.createDirectory(atPath: dir + "/frozen", withIntermediateDirectories: true)
    let binary = dir + "/frozen/" + script
    let build = try CLI.frost(["build", "--python", python] + flags + ["-o", binary], cwd: dir)
    try #require(build.status == 0, "\(build.stderr)")
    // black rewrites bad.py: each run gets it anew.
    let input = { try "import os, sys\nx=1\n".write(toFile: dir + "/bad.py", atomically: true, encoding: .utf8) }
    let runs = script == "black" ? [["--check", "bad.py"], ["--version"], ["bad.py"]] : [["bad.py"], ["--version"]]
    for args in runs {
      try input()
      let expected = try CLI.run(bin + "/" + script, args, cwd: dir)
      try input()
      let frozen = try Compat.runHidden(
        binary + " " + args.map(Compat.quote).joined(separator: " "), cwd: dir,
        alsoHidden: [URL(fileURLWithPath: bin).deletingLastPathComponent().path], raw: true)
      #expect(frozen.stdout == expected.stdout, "\(args): \(Compat.describe(frozen))")
      #expect(frozen.status == expected.status, "\(args): \(Compat.describe(frozen))")
      #expect(frozen.stderr == expected.stderr, "\(args)")
    }
  }

  @Test("orjson with --stdlib imported: the standard modules its C code imports come along")
  func orjsonImported() throws {
    let python = try #require(Compat.venv.python, "\(Compat.venv.log)")
    let dir = try CLI.tempDir("frost-compat-orjson")
    defer { CLI.cleanup(dir) }
    try "import orjson\nprint(orjson.dumps({'a': 1}))\n".write(
      toFile: dir + "/o.py", atomically: true, encoding: .utf8)
    let build = try CLI.frost([
      "build", "--stdlib", "imported", "--python", python, dir + "/o.py", "-o", dir + "/o",
    ])
    #expect(build.status == 0, "\(build.stderr)")
    let r = try PythonFixtures.runHidden(dir + "/o")
    #expect(r.status == 0 && r.stdout == "b'{\"a\":1}'\n", "\(Compat.describe(r))")
  }

  @Test("certifi.where() and an HTTPS context from it: nothing is written (strace)")
  func certifiWritesNothing() throws {
    let python = try #require(Compat.venv.python, "\(Compat.venv.log)")
    let dir = try CLI.tempDir("frost-compat-certifi")
    defer { CLI.cleanup(dir) }
    try """
      import os, ssl, certifi, requests
      p = certifi.where()
      print(os.path.exists(p), ssl.create_default_context(cafile=p).cert_store_stats()["x509_ca"] > 100)
      print(os.path.exists(requests.certs.where()))

      """.write(toFile: dir + "/c.py", atomically: true, encoding: .utf8)
    #expect(try CLI.frost(["build", "--python", python, dir + "/c.py", "-o", dir + "/c"]).status == 0)
    let (r, opened) = try CLI.strace(
      "open,openat,creat,mkdir,rename,unlink", log: dir + "/strace.log", [dir + "/c"])
    #expect(r.stdout == "True True\nTrue\n", "\(r.stderr)")
    #expect(CLI.writes(opened).isEmpty, "\(CLI.writes(opened))")
  }
}
