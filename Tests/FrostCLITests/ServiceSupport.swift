import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Helpers for the service tests: free ports, a TCP echo client, background servers that are
/// always stopped, and the frozen echo service (samples/echo_service.py) built once.
enum ServiceSupport {
  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  /// An executable shell script `dir/name` with `body` (a stand-in for a frozen binary where
  /// generation does not run it).
  static func shellProgram(in dir: String, name: String, _ body: String) -> String {
    let path = dir + "/" + name
    _ = FileManager.default.createFile(atPath: path, contents: Data(("#!/bin/sh\n" + body).utf8))
    chmod(path, 0o755)
    return path
  }

  /// The text of `path`, or "" when it cannot be read.
  static func read(_ path: String) -> String {
    (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
  }

  /// A TCP port on 127.0.0.1 that was free a moment ago (bind port 0, read it, close).
  static func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw Failure(description: "socket failed") }
    defer { close(fd) }
    var addr = loopback(port: 0)
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    let ok = withUnsafeMutablePointer(to: &addr) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0
      }
    }
    guard ok else { throw Failure(description: "bind failed") }
    return Int(UInt16(bigEndian: addr.sin_port))
  }

  static func loopback(port: Int) -> sockaddr_in {
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = UInt16(port).bigEndian
    addr.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
    return addr
  }

  /// Connects to 127.0.0.1:port (retrying until `timeout` while the server starts), sends
  /// `message`, shuts down writing and returns everything read until EOF.
  static func echo(port: Int, _ message: String, timeout: Double = 10) throws -> String {
    let deadline = Date().addingTimeInterval(timeout)
    while true {
      let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
      guard fd >= 0 else { throw Failure(description: "socket failed") }
      defer { close(fd) }
      var addr = loopback(port: port)
      let connected = withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
        }
      }
      if !connected {
        if Date() > deadline { throw Failure(description: "cannot connect to port \(port)") }
        usleep(50_000)
        continue
      }
      var tv = timeval(tv_sec: Int(timeout), tv_usec: 0)
      setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
      let bytes = Array(message.utf8)
      guard send(fd, bytes, bytes.count, Int32(MSG_NOSIGNAL)) == bytes.count else {
        throw Failure(description: "send failed")
      }
      shutdown(fd, Int32(SHUT_WR))
      var received: [UInt8] = []
      var buffer = [UInt8](repeating: 0, count: 4096)
      while true {
        let n = recv(fd, &buffer, buffer.count, 0)
        if n <= 0 {
          if n < 0 { throw Failure(description: "recv failed: errno \(errno)") }
          break
        }
        received += buffer[0..<n]
      }
      return String(decoding: received, as: UTF8.self)
    }
  }

  /// Polls `condition` every 20 ms until it holds or `timeout` seconds pass.
  @discardableResult
  static func waitUntil(timeout: Double = 10, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while !condition() {
      if Date() > deadline { return false }
      usleep(20_000)
    }
    return true
  }

  /// True while a process with `pid` exists (a zombie counts as gone).
  static func alive(_ pid: Int32) -> Bool {
    guard kill(pid, 0) == 0 else { return false }
    let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
    guard let close = stat.lastIndex(of: ")") else { return false }
    return !stat[close...].hasPrefix(") Z")
  }

  /// Fields of /proc/PID/stat after the command name: [state, ppid, pgrp, session, ...].
  static func procStat(_ pid: Int32) -> [String] {
    let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
    guard let close = stat.lastIndex(of: ")") else { return [] }
    return stat[stat.index(after: close)...].split(separator: " ").map(String.init)
  }

  /// A server running in the background for one test; `stop()` always ends it.
  final class Server {
    let process = Process()
    let log: String

    init(_ path: String, _ args: [String], env: [String: String]? = nil, log: String) throws {
      self.log = log
      _ = FileManager.default.createFile(atPath: log, contents: nil)
      let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
      process.executableURL = URL(fileURLWithPath: path)
      process.arguments = args
      if let env { process.environment = env }
      process.standardOutput = handle
      process.standardError = handle
      process.standardInput = FileHandle.nullDevice
      try process.run()
      try handle.close()
    }

    var pid: Int32 { process.processIdentifier }
    var output: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

    /// SIGTERM, then SIGKILL after 1 s (a process started from a test thread may have
    /// SIGTERM blocked: Foundation passes the thread's signal mask on).
    func stop() {
      guard process.isRunning else { return }
      process.terminate()
      if !ServiceSupport.waitUntil(timeout: 1, { !process.isRunning }) {
        kill(process.processIdentifier, SIGKILL)
      }
      process.waitUntilExit()
    }
  }

  /// Runs `path` with stdout and stderr going to files (so that a daemon keeping them open
  /// cannot block the test) and kills it after `timeout` seconds.
  static func runBounded(
    _ path: String, _ args: [String], env: [String: String]? = nil, stdin: FileHandle? = nil,
    timeout: Double = 20
  ) throws -> CLI.Result {
    let dir = try CLI.tempDir("frost-run")
    defer { CLI.cleanup(dir) }
    _ = FileManager.default.createFile(atPath: dir + "/out", contents: nil)
    _ = FileManager.default.createFile(atPath: dir + "/err", contents: nil)
    let out = try FileHandle(forWritingTo: URL(fileURLWithPath: dir + "/out"))
    let err = try FileHandle(forWritingTo: URL(fileURLWithPath: dir + "/err"))
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = args
    if let env { p.environment = env }
    p.standardOutput = out
    p.standardError = err
    p.standardInput = stdin ?? FileHandle.nullDevice
    try p.run()
    try out.close()
    try err.close()
    if !waitUntil(timeout: timeout, { !p.isRunning }) {
      kill(p.processIdentifier, SIGKILL)
      p.waitUntilExit()
      throw Failure(description: "\(path) \(args) did not finish in \(timeout) s")
    }
    p.waitUntilExit()
    let outData = FileManager.default.contents(atPath: dir + "/out") ?? Data()
    let errData = FileManager.default.contents(atPath: dir + "/err") ?? Data()
    return CLI.Result(
      status: p.terminationStatus,
      signal: p.terminationReason == .uncaughtSignal ? p.terminationStatus : nil,
      stdout: String(decoding: outData, as: UTF8.self),
      stderr: String(decoding: errData, as: UTF8.self), stdoutBytes: outData)
  }

  /// Frozen echo services, built once per test run (see `buildEcho`).
  static let echoBuild: (path: String?, how: String) = buildEcho()

  /// The frozen echo service, or a failure naming every attempt.
  static func frozenEcho() throws -> String {
    guard let path = echoBuild.path else { throw Failure(description: echoBuild.how) }
    return path
  }

  /// Builds samples/echo_service.py self-contained (with `extra` flags); the binary must answer
  /// in inetd style on a socketpair before it is used.
  static func buildEcho(extra: [String] = [], name: String = "echo-service") -> (String?, String) {
    guard let dir = try? CLI.tempDir("frost-echo") else { return (nil, "no temp dir") }
    let out = dir + "/" + name
    guard let r = try? CLI.frost(["build", CLI.sample("echo_service.py")] + extra + ["-o", out])
    else { return (nil, "frost did not run") }
    guard r.status == 0 else { return (nil, "build failed: \(r.stderr)") }
    let probe = try? inetdProbe(out)
    return probe == "probe\n" ? (out, "self-contained") : (nil, "no echo: \(probe ?? "-")")
  }

  /// Runs `binary` with one end of a socketpair as stdin and stdout (what inetd does), sends
  /// "probe\n" and returns what comes back.
  static func inetdProbe(_ binary: String) throws -> String {
    var fds: [Int32] = [0, 0]
    guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0 else {
      throw Failure(description: "socketpair failed")
    }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: binary)
    let child = FileHandle(fileDescriptor: fds[1], closeOnDealloc: true)
    p.standardInput = child
    p.standardOutput = child
    p.standardError = FileHandle.nullDevice
    try p.run()
    try child.close()
    defer {
      close(fds[0])
      if p.isRunning { kill(p.processIdentifier, SIGKILL) }
      p.waitUntilExit()
    }
    var tv = timeval(tv_sec: 10, tv_usec: 0)
    setsockopt(fds[0], SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    _ = send(fds[0], "probe\n", 6, Int32(MSG_NOSIGNAL))
    shutdown(fds[0], Int32(SHUT_WR))
    var buffer = [UInt8](repeating: 0, count: 256)
    var received: [UInt8] = []
    while true {
      let n = recv(fds[0], &buffer, buffer.count, 0)
      if n <= 0 { break }
      received += buffer[0..<n]
    }
    return String(decoding: received, as: UTF8.self)
  }
}
