import Foundation
import Synchronization

/// Runs programs for the end-to-end tests: the built `frost` (found next to the test bundle,
/// where `make` puts it with the stubs) and what it builds.
enum CLI {
  /// The build folder holding `frost`, the stubs and this test bundle.
  static let binDir: URL = {
    var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    while url.path != "/" {
      url.deleteLastPathComponent()
      if FileManager.default.fileExists(atPath: url.appendingPathComponent("frost").path) {
        return url
      }
    }
    fatalError("frost not found above \(CommandLine.arguments[0]): run `make` first")
  }()

  /// Path of the built `frost`.
  static var frost: String { binDir.appendingPathComponent("frost").path }

  /// The repository root (for samples/).
  static let repoRoot: URL = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url
  }()

  static func sample(_ name: String) -> String {
    repoRoot.appendingPathComponent("samples").appendingPathComponent(name).path
  }

  /// The result of one run.
  struct Result {
    var status: Int32
    /// Set when the process died by a signal.
    var signal: Int32?
    var stdout: String
    var stderr: String
    var stdoutBytes: Data
  }

  /// Runs `path` with `args`; `stdin` is written then closed.
  @discardableResult
  static func run(
    _ path: String, _ args: [String] = [], stdin: Data? = nil, env: [String: String]? = nil,
    cwd: String? = nil
  ) throws -> Result {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = args
    if let env { p.environment = env }
    if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
    let out = Pipe()
    let err = Pipe()
    let inp = Pipe()
    p.standardOutput = out
    p.standardError = err
    p.standardInput = inp
    try p.run()
    if let stdin { inp.fileHandleForWriting.write(stdin) }
    try inp.fileHandleForWriting.close()
    let errBox = DataBox()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
      errBox.data = err.fileHandleForReading.readDataToEndOfFile()
      group.leave()
    }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    let errData = errBox.data
    p.waitUntilExit()
    let signaled = p.terminationReason == .uncaughtSignal
    return Result(
      status: p.terminationStatus, signal: signaled ? p.terminationStatus : nil,
      stdout: String(decoding: outData, as: UTF8.self),
      stderr: String(decoding: errData, as: UTF8.self), stdoutBytes: outData)
  }

  /// Runs `path` with every descriptor above 2 closed first (the test runner's own pipes are
  /// not close-on-exec), so that what the program sees is only what it was given.
  static func runClean(_ path: String, _ args: [String] = []) throws -> Result {
    let closer =
      "for f in /proc/$$/fd/*; do n=${f##*/}; [ $n -gt 2 ] && eval \"exec $n<&-\"; done; exec \"$@\""
    return try run("/bin/bash", ["-c", closer, "bash", path] + args)
  }

  /// The libraries of glibc that a stub may need (docs/GLIBC.md: linked against glibc 2.28,
  /// where libpthread, libdl, librt and libutil were not yet part of libc).
  static let glibcLibraries: Set<String> = [
    "linux-vdso.so.1", "libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2", "librt.so.1",
    "libutil.so.1", "ld-linux-x86-64.so.2",
  ]

  /// Whether a line of `ldd`'s output names one of `glibcLibraries`.
  static func isGlibcLibrary(_ lddLine: String) -> Bool {
    let name = lddLine.trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? ""
    return glibcLibraries.contains(String(name.split(separator: "/").last ?? name))
  }

  /// Runs `frost` with `args`.
  @discardableResult
  static func frost(_ args: [String], cwd: String? = nil, env: [String: String]? = nil) throws
    -> Result
  {
    try run(frost, args, env: env, cwd: cwd)
  }

  /// A new empty temporary directory. The caller may remove it with `cleanup`; whatever is
  /// left is removed when the test process exits, so a run leaves nothing in /tmp.
  static func tempDir(_ label: String = "frost-test") throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "\(label)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    created.withLock { dirs in
      if dirs.isEmpty { atexit { CLI.created.withLock { $0.forEach(CLI.cleanup) } } }
      dirs.append(url.path)
    }
    return url.path
  }

  /// Every folder `tempDir` made in this process.
  static let created = Mutex<[String]>([])

  /// Holds what a reader thread read; read only after the group is waited on.
  final class DataBox: @unchecked Sendable { var data = Data() }

  static func cleanup(_ dir: String) { try? FileManager.default.removeItem(atPath: dir) }

  /// Runs `command` (a program and its arguments) under `strace -f`, tracing `syscalls` into
  /// `log`; returns the result and the trace, one line per call.
  static func strace(_ syscalls: String, log: String, _ command: [String]) throws -> (
    Result, [Substring]
  ) {
    let r = try run(
      "/usr/bin/strace", ["-f", "-qq", "-o", log, "-e", "trace=" + syscalls] + command)
    return (r, try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n"))
  }

  /// The traced calls that create, rename, remove or truncate a file, or open one for writing.
  static func writes(_ calls: [Substring]) -> [Substring] {
    calls.filter {
      $0.contains("O_WRONLY") || $0.contains("O_RDWR") || $0.contains("O_CREAT")
        || $0.contains("creat(") || $0.contains("mkdir(") || $0.contains("rename(")
        || $0.contains("unlink(") || $0.contains("truncate(")
    }
  }
}
