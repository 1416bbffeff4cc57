import Foundation
import FrostKit
import Testing

/// Shared fixtures of the self-contained Python tests: programs built once per test run.
enum PythonFixtures {
  static let python = "/usr/bin/python3"

  /// A folder for this run's builds (removed when the test process exits, as every
  /// `CLI.tempDir`).
  static let dir: String = {
    let d = (try? CLI.tempDir("frost-python")) ?? "/tmp/frost-python"
    return d
  }()

  /// Writes `files` (relative path -> text) under a new folder; returns the folder.
  static func project(_ files: [String: String]) throws -> String {
    let root = try CLI.tempDir("frost-pyproj")
    for (path, text) in files {
      let url = URL(fileURLWithPath: root).appendingPathComponent(path)
      try FileManager.default.createDirectory(
        at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try text.write(to: url, atomically: true, encoding: .utf8)
    }
    return root
  }

  /// Builds `args` into `dir/name` and returns the path, or nil with the build's output.
  static func build(_ name: String, _ args: [String], cwd: String? = nil) -> (String?, String) {
    let out = dir + "/" + name
    guard let r = try? CLI.frost(["build"] + args + ["-o", out], cwd: cwd) else {
      return (nil, "frost did not run")
    }
    return (r.status == 0 ? out : nil, r.stdout + r.stderr)
  }

  /// The stored bytes of the payload entry `frost/interpreter` of the binary at `path`
  /// (`--compact`, or a packed interpreter).
  static func storedInterpreter(_ path: String) throws -> Data {
    let payload = try PayloadFile.open(path)
    let entry = try #require(payload.entry("frost/interpreter"))
    return Data(payload.section[Int(entry.dataOffset)..<Int(entry.dataOffset + entry.storedSize)])
  }

  /// Runs a copy of the binary at `path`, named `damaged` in `dir`, with `args`, in which
  /// `damage` has changed the stored bytes `stored` (found by their first bytes; `damage` gets
  /// the file and the offset where they start): the interpreter, or another stored entry.
  static func runDamaged(
    _ path: String, stored: Data, in dir: String, args: [String] = [],
    _ damage: (inout Data, Int) -> Void
  ) throws -> CLI.Result {
    var binary = try Data(contentsOf: URL(fileURLWithPath: path))
    let start = try #require(binary.range(of: stored.prefix(64))).lowerBound
    damage(&binary, start)
    let damaged = dir + "/damaged"
    try binary.write(to: URL(fileURLWithPath: damaged))
    chmod(damaged, 0o755)
    return try CLI.run(damaged, args)
  }

  /// A new folder holding copies of these stubs (and files) of the build folder, for
  /// `FROST_STUB_DIR`, with the collector that every Python build runs and the glibc floor's
  /// symbols that it reads (docs/GLIBC.md).
  static func stubFolder(_ names: [String]) throws -> String {
    let dir = try CLI.tempDir("frost-stubs")
    let always = ["frost-collect.py", GlibcFloor.symbolsFile].filter { !names.contains($0) }
    try FileManager.default.createDirectory(
      atPath: dir + "/" + FileIO.directoryName(GlibcFloor.symbolsFile), withIntermediateDirectories: true)
    for name in names + always {
      try FileManager.default.copyItem(
        atPath: CLI.binDir.path + "/" + name, toPath: dir + "/" + name)
    }
    return dir
  }

  /// Writes `setting` (a line such as `optimize = 3`) as the `[tool.frost]` of `root`'s
  /// pyproject.toml and builds `script` (in `root`) into `root/out`: the build must refuse in
  /// one line, "frost: PYPROJECT: [tool.frost]: `message`", and leave no output.
  static func expectRefused(_ root: String, setting: String, script: String, message: String)
    throws
  {
    try "[tool.frost]\n\(setting)\n".write(
      toFile: root + "/pyproject.toml", atomically: true, encoding: .utf8)
    let r = try CLI.frost(["build", root + "/" + script, "-o", root + "/out"])
    #expect(!FileManager.default.fileExists(atPath: root + "/out"))
    #expect(r.status != 0)
    #expect(r.stderr == "frost: \(root)/pyproject.toml: [tool.frost]: \(message)\n")
  }

  /// Runs `path` under `strace -f` (tracing `syscalls`, logged to `log` in the fixtures' folder)
  /// and returns the traced calls, after checking that it exited 0 and wrote no file.
  static func traceNothingWritten(_ path: String, syscalls: String, log: String) throws
    -> [Substring]
  {
    let (r, calls) = try CLI.strace(syscalls, log: dir + "/" + log, [path])
    #expect(r.status == 0, "\(r.stderr)")
    let writes = CLI.writes(calls)
    #expect(writes.isEmpty, "\(writes)")
    return calls
  }

  /// The stdlib sample, built once.
  static let stdlibApp: String? = build("stdlib_app", [CLI.sample("stdlib_app.py")]).0

  /// The behaviour probe (see `probeSource`), built once, with sources.
  static let probe: (dir: String, binary: String?) = {
    guard let root = try? project(["probe.py": probeSource, "helper.py": helperSource]) else {
      return ("", nil)
    }
    return (root, build("probe", [root + "/probe.py", "--include-source"]).0)
  }()

  static let probeSource = """
    import os, sys, helper, json
    print("argv", sys.argv[1:])
    print("executable", sys.executable == os.path.realpath("/proc/self/exe"))
    print("frozen", hasattr(sys, "frozen"))  # as under python3: packages take their venv branch
    print("file", __file__ == sys.executable + "/lib/probe.py", __name__, __spec__.name)
    print("helper", helper.__file__ == sys.executable + "/lib/helper.py", helper.__spec__.origin == helper.__file__)
    print("json", json.__file__ == sys.executable + "/lib/json/__init__.py", json.__spec__.name)
    tag = "." + sys.implementation.cache_tag + ".pyc"
    print("cached", helper.__cached__ == sys.executable + "/lib/__pycache__/helper" + tag, json.__cached__ == sys.executable + "/lib/json/__pycache__/__init__" + tag)
    print("os", os.__file__ == sys.executable + "/lib/os.py")
    print("path", sys.path == [sys.executable + "/lib"])
    print("all have __file__", [m for m, v in sorted(sys.modules.items()) if getattr(v, "__spec__", None) is not None and v.__spec__.origin not in ("built-in",) and not hasattr(v, "__file__")])
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    if mode == "exit":
        sys.exit(int(sys.argv[2]))
    if mode == "raise":
        helper.fail()
    if mode == "sleep":
        import signal, time
        if len(sys.argv) > 2:
            signal.signal(signal.SIGTERM, lambda *a: (os.write(1, b"got SIGTERM\\n"), sys.exit(3)))
        print("ready", flush=True)
        time.sleep(30)
    """

  static let helperSource = """
    def fail():
        raise ValueError("boom")
    """

  /// The test runner's threads block most signals, and a child inherits the mask (so
  /// multiprocessing's forkserver never sees SIGCHLD): run through python3, which clears the
  /// mask and execs `path`, as a shell would start it.
  static let cleanStart = [
    "-I", "-S", "-c",
    "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); os.execv(sys.argv[1], sys.argv[1:])",
  ]

  /// Runs `path` with an empty signal mask.
  static func runClean(_ path: String, _ args: [String]) throws -> CLI.Result {
    try CLI.run(python, cleanStart + [path] + args)
  }

  /// Runs `path` (empty signal mask) and sends `signal` once it printed "ready"; returns
  /// (status, whether it died by a signal).
  static func runAndSignal(_ path: String, _ args: [String], signal: Int32) throws -> (Int32, Bool)
  {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: python)
    p.arguments = cleanStart + [path] + args
    let out = Pipe()
    p.standardOutput = out
    p.standardError = FileHandle.nullDevice
    try p.run()
    var seen = Data()
    while !String(decoding: seen, as: UTF8.self).contains("ready") {
      let chunk = out.fileHandleForReading.availableData
      if chunk.isEmpty { break }
      seen += chunk
    }
    kill(p.processIdentifier, signal)
    _ = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, p.terminationReason == .uncaughtSignal)
  }

  /// Runs `path` with `args` in a new mount namespace where every host Python is hidden
  /// (`PythonStdlibTests.hidden`) and so is each folder of `alsoHidden` (a venv, sources).
  static func runHidden(_ path: String, _ args: [String] = [], alsoHidden: [String] = []) throws
    -> CLI.Result
  {
    let quote = { (s: String) in "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
    let mounts = alsoHidden.map { "mount -t tmpfs none \(quote($0))\n" }.joined()
    let command = mounts + ([path] + args).map(quote).joined(separator: " ")
    return try CLI.run(
      "/usr/bin/unshare", ["-m", "/bin/sh", "-c", PythonStdlibTests.hidden(command)])
  }

  /// An extension module `selfpath` whose `where()` finds its own file with dladdr and returns
  /// (that path, the first line of `sibling.txt` beside it): the case of an extension that
  /// opens the files next to it.
  static let selfPathSource = #"""
    #define _GNU_SOURCE
    #include <Python.h>
    #include <dlfcn.h>
    #include <stdio.h>
    #include <string.h>
    #include <libgen.h>
    static PyObject *where(PyObject *self, PyObject *args) {
        Dl_info info;
        if (!dladdr((void *)where, &info)) Py_RETURN_NONE;
        char buf[4096]; snprintf(buf, sizeof buf, "%s", info.dli_fname);
        char path[4200]; snprintf(path, sizeof path, "%s/sibling.txt", dirname(buf));
        FILE *f = fopen(path, "r"); char line[64] = "";
        if (f) { fgets(line, sizeof line, f); fclose(f); }
        return Py_BuildValue("(ss)", info.dli_fname, line);
    }
    static PyMethodDef m[] = {{"where", where, METH_NOARGS, ""}, {0}};
    static struct PyModuleDef d = {PyModuleDef_HEAD_INIT, "selfpath", 0, -1, m};
    PyMODINIT_FUNC PyInit_selfpath(void) { return PyModule_Create(&d); }
    """#

  /// Compiles `source` (a C file in `cwd`) into extension module `module` (a path in `cwd`
  /// without the suffix) for /usr/bin/python3; expects it to succeed.
  static func compileExtension(_ source: String, as module: String, cwd: String) throws {
    let r = try sh(
      "gcc -shared -fPIC -I/usr/include/python3.11 -o \(module)$(/usr/bin/python3 -c "
        + "'import sysconfig; print(sysconfig.get_config_var(\"EXT_SUFFIX\"))') \(source)",
      cwd: cwd)
    #expect(r.status == 0, "\(r.stderr)")
  }

  /// Runs a shell command line; returns its result.
  static func sh(_ script: String, cwd: String? = nil) throws -> CLI.Result {
    try CLI.run("/bin/sh", ["-c", script], cwd: cwd)
  }
}
