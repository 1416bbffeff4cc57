import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The frozen echo service (samples/echo_service.py) under the real service managers, on
/// 127.0.0.1 and ports picked at run time. Every server a test starts, the test stops.
@Suite("A frozen echo service under real service managers", .serialized)
struct ServiceLiveTests {
  @Test("socket activation: systemd-socket-activate passes the listening socket (LISTEN_FDS)")
  func socketActivation() throws {
    let echo = try ServiceSupport.frozenEcho()
    let dir = try CLI.tempDir("frost-live")
    defer { CLI.cleanup(dir) }
    let port = try ServiceSupport.freePort()
    let server = try ServiceSupport.Server(
      "/usr/bin/systemd-socket-activate",
      ["-l", "127.0.0.1:\(port)", "--fdname=echo", echo], log: dir + "/log")
    defer { server.stop() }
    #expect(try ServiceSupport.echo(port: port, "first\n") == "first\n")
    // Same process, same socket: the program kept serving after the first connection.
    #expect(try ServiceSupport.echo(port: port, "second\n") == "second\n")
    #expect(server.output.contains("Execing \(echo)"), "\(server.output)")
    #expect(ServiceSupport.alive(server.pid))
  }

  @Test("inetd style: systemd-socket-activate --inetd -a, one process per connection")
  func inetdStyle() throws {
    let echo = try ServiceSupport.frozenEcho()
    let dir = try CLI.tempDir("frost-live")
    defer { CLI.cleanup(dir) }
    let port = try ServiceSupport.freePort()
    let server = try ServiceSupport.Server(
      "/usr/bin/systemd-socket-activate", ["--inetd", "-a", "-l", "127.0.0.1:\(port)", echo],
      log: dir + "/log")
    defer { server.stop() }
    for i in 0..<3 {
      #expect(try ServiceSupport.echo(port: port, "connection \(i)\n") == "connection \(i)\n")
    }
  }

  @Test("the same binary under a real xinetd, from the generated entry")
  func xinetd() throws {
    let echo = try ServiceSupport.frozenEcho()
    let dir = try CLI.tempDir("frost-live")
    defer { CLI.cleanup(dir) }
    chmod(dir, 0o755)
    let port = try ServiceSupport.freePort()
    let gen = try CLI.frost([
      "service", "generate", echo, "--name", "frost-echo", "--exec-path", echo,
      "--listen", "127.0.0.1:\(port)", "--xinetd", "--no-check", "-o", dir + "/b",
    ])
    #expect(gen.status == 0, "\(gen.stderr)")
    let server = try ServiceSupport.Server(
      "/usr/sbin/xinetd",
      ["-dontfork", "-f", dir + "/b/xinetd.d/frost-echo", "-pidfile", dir + "/xinetd.pid"],
      log: dir + "/log")
    defer { server.stop() }
    #expect(try ServiceSupport.echo(port: port, "via xinetd\n") == "via xinetd\n", "\(server.output)")
    #expect(try ServiceSupport.echo(port: port, "again\n") == "again\n")
  }

  @Test("READY=1 and WATCHDOG=1 arrive on the NOTIFY_SOCKET the test made")
  func notify() throws {
    let echo = try ServiceSupport.frozenEcho()
    let dir = try CLI.tempDir("frost-live")
    defer { CLI.cleanup(dir) }
    let path = dir + "/notify"
    let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
    #expect(fd >= 0)
    defer { close(fd) }
    var addr = sockaddr_un()
    addr.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &addr.sun_path) { raw in
      for (i, b) in path.utf8.enumerated() { raw[i] = b }
    }
    let bound = withUnsafePointer(to: &addr) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
      }
    }
    #expect(bound == 0)
    var tv = timeval(tv_sec: 10, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    let port = try ServiceSupport.freePort()
    let server = try ServiceSupport.Server(
      echo, ["\(port)"], env: ["NOTIFY_SOCKET": path, "WATCHDOG_USEC": "400000"],
      log: dir + "/log")
    defer { server.stop() }
    func receive() -> String {
      var buffer = [UInt8](repeating: 0, count: 512)
      let n = recv(fd, &buffer, buffer.count, 0)
      return n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self) : "(nothing: errno \(errno))"
    }
    let ready = receive()
    #expect(ready.split(separator: "\n").first == "READY=1", "\(ready) \(server.output)")
    #expect(receive() == "WATCHDOG=1")
    // Ready means listening.
    #expect(try ServiceSupport.echo(port: port, "ready\n", timeout: 1) == "ready\n")
  }

  @Test("daemon mode of the frozen binary (frost build --daemon --pidfile)")
  func frozenDaemon() throws {
    let dir = try CLI.tempDir("frost-live")
    defer { CLI.cleanup(dir) }
    let pidfile = dir + "/echo.pid"
    let (built, how) = ServiceSupport.buildEcho(
      extra: ["--daemon", "--pidfile", pidfile], name: "echod")
    let echo = try #require(built, "\(how)")
    let port = try ServiceSupport.freePort()
    try DaemonChecks.lifecycle(
      launch: { try ServiceSupport.runBounded(echo, ["\(port)"], env: ["PATH": "/usr/bin:/bin"]) },
      pidfile: pidfile, port: port)
  }

  @Test("the generated init.d script starts, reports, refuses a second start and stops")
  func initScript() throws {
    let echo = try ServiceSupport.frozenEcho()
    let dir = try CLI.tempDir("frost-live")
    defer { CLI.cleanup(dir) }
    chmod(dir, 0o755)
    let port = try ServiceSupport.freePort()
    let pidfile = dir + "/run/echo.pid"
    let gen = try CLI.frost([
      "service", "generate", echo, "--name", "frost-echo", "--exec-path", echo, "--initd",
      "--pidfile", pidfile, "--arg", "\(port)", "--no-check", "-o", dir + "/b",
    ])
    #expect(gen.status == 0, "\(gen.stderr)")
    let script = dir + "/b/init.d/frost-echo"
    func action(_ a: String) throws -> CLI.Result {
      try ServiceSupport.runBounded("/bin/sh", [script, a], env: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"])
    }
    defer { _ = try? action("stop") }
    #expect(try action("status").status == 3)
    let start = try action("start")
    #expect(start.status == 0, "\(start.stdout)\(start.stderr)")
    #expect(try ServiceSupport.echo(port: port, "init.d\n") == "init.d\n")
    let status = try action("status")
    #expect(status.status == 0)
    let pid = try #require(Int32(read(pidfile).trimmingCharacters(in: .whitespacesAndNewlines)))
    #expect(status.stdout == "frost-echo is running (pid \(pid))\n")
    // Not root: the script ran it as nobody.
    let uid = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8))?
      .split(separator: "\n").first { $0.hasPrefix("Uid:") }
    #expect(uid?.split(separator: "\t").dropFirst().first == "65534")
    let again = try action("start")
    #expect(again.status == 0 && again.stdout.contains("already running (pid \(pid))"))
    let stop = try action("stop")
    #expect(stop.status == 0, "\(stop.stderr)")
    #expect(!ServiceSupport.alive(pid))
    #expect(!FileManager.default.fileExists(atPath: pidfile))
    #expect(try action("status").status == 3)
    #expect(try action("bogus").status == 2)
  }

  func read(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
}
