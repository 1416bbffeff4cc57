import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Generated units started by a real systemd (booted in a container: `BootedSystemd`), with
/// the full default hardening set: what `systemd-analyze verify` cannot see (memfds, executable
/// mappings, seccomp, a dynamic user) is exercised here. `make live` runs this suite alone.
@Suite(
  "Services under a booted systemd", .serialized,
  .enabled(if: BootedSystemd.available, "needs root, systemd-nspawn and debootstrap (make deps)"))
struct SystemdLiveTests {
  /// `frost service generate BINARY ARGS -o DIR` into a new folder; returns the folder.
  static func generate(_ binary: String, _ args: [String]) throws -> String {
    let dir = try CLI.tempDir("frost-live-bundle") + "/bundle"
    let r = try CLI.frost(["service", "generate", binary] + args + ["-o", dir])
    try #require(r.status == 0, "\(r.stdout)\(r.stderr)")
    return dir
  }

  /// The `Uid:` line's real UID of process `pid` inside the container.
  static func uid(_ sd: BootedSystemd, _ pid: String) throws -> Int? {
    let status = try sd.run(["cat", "/proc/\(pid)/status"]).stdout
    let line = status.split(separator: "\n").first { $0.hasPrefix("Uid:") } ?? ""
    return Int(line.split(whereSeparator: { $0 == "\t" || $0 == " " }).dropFirst().first ?? "")
  }

  @Test("Type=exec: started, answers, not root, restarted after kill -9, stopped in time")
  func typeExec() throws {
    let port = try ServiceSupport.freePort()
    let bundle = try Self.generate(try ServiceSupport.frozenEcho(), ["--name", "frost-echo", "--arg", "\(port)"])
    let sd = try BootedSystemd("frost-live-exec")
    defer { sd.shutdown() }
    try sd.install(bundle: bundle)
    try sd.systemctl("start", "frost-echo.service")
    #expect(try ServiceSupport.echo(port: port, "one\n") == "one\n")
    #expect(try sd.property("frost-echo.service", "DynamicUser") == "yes")
    #expect(try sd.property("frost-echo.service", "ProtectProc") == "invisible")
    let first = try sd.property("frost-echo.service", "MainPID")
    let uid = try Self.uid(sd, first)
    #expect(uid != nil && uid != 0, "the service runs as UID \(uid.map(String.init) ?? "?")")

    try sd.systemctl("kill", "-s", "KILL", "--kill-whom=main", "frost-echo.service")
    let back = ServiceSupport.waitUntil(timeout: 20) {
      (try? sd.property("frost-echo.service", "NRestarts")) == "1"
        && (try? sd.property("frost-echo.service", "ActiveState")) == "active"
    }
    #expect(back, "not restarted: \((try? sd.journal("frost-echo.service")) ?? "")")
    #expect(try sd.property("frost-echo.service", "MainPID") != first)
    #expect(try ServiceSupport.echo(port: port, "two\n") == "two\n")

    // systemctl stop waits for the end; a stop past TimeoutStopSec= would leave Result=timeout.
    try sd.systemctl("stop", "frost-echo.service")
    #expect(try sd.property("frost-echo.service", "ActiveState") == "inactive")
    #expect(try sd.property("frost-echo.service", "Result") == "success")
  }

  @Test("a frozen shell service: its stdout and stderr are in journalctl -u, it is not root")
  func shellJournal() throws {
    let dir = try CLI.tempDir("frost-live-sh")
    let script = dir + "/frost-sh.sh"
    try """
      #!/bin/sh
      echo "frost-live out uid=$(id -u)"
      echo "frost-live err" >&2
      exec sleep 3600

      """.write(toFile: script, atomically: true, encoding: .utf8)
    let binary = dir + "/frost-sh"
    let b = try CLI.frost(["build", script, "-o", binary])
    try #require(b.status == 0, "\(b.stderr)")
    let bundle = try Self.generate(binary, ["--name", "frost-sh"])
    let sd = try BootedSystemd("frost-live-sh")
    defer { sd.shutdown() }
    try sd.install(bundle: bundle)
    try sd.systemctl("start", "frost-sh.service")
    var journal = ""
    let logged = ServiceSupport.waitUntil(timeout: 20) {
      journal = (try? sd.journal("frost-sh.service")) ?? ""
      return journal.contains("frost-live out uid=") && journal.contains("frost-live err")
    }
    #expect(logged, "journal: \(journal)")
    #expect(!journal.contains("frost-live out uid=0\n"), "ran as root: \(journal)")
    #expect(try sd.property("frost-sh.service", "ActiveState") == "active")
  }

  @Test("--listen (Accept=no): the first connection starts the service, the next reach the same process")
  func socketActivation() throws {
    let port = try ServiceSupport.freePort()
    let bundle = try Self.generate(
      try ServiceSupport.frozenEcho(), ["--name", "frost-sock", "--listen", "127.0.0.1:\(port)"])
    let sd = try BootedSystemd("frost-live-sock")
    defer { sd.shutdown() }
    try sd.install(bundle: bundle)
    try sd.systemctl("start", "frost-sock.socket")
    #expect(try sd.property("frost-sock.service", "ActiveState") == "inactive")
    #expect(try ServiceSupport.echo(port: port, "first\n") == "first\n")
    #expect(try sd.property("frost-sock.service", "ActiveState") == "active")
    let pid = try sd.property("frost-sock.service", "MainPID")
    #expect(try ServiceSupport.echo(port: port, "second\n") == "second\n")
    #expect(try sd.property("frost-sock.service", "MainPID") == pid)
  }

  @Test("--accept: one instance per connection, three at once")
  func acceptInstances() throws {
    let port = try ServiceSupport.freePort()
    let bundle = try Self.generate(
      try ServiceSupport.frozenEcho(),
      ["--name", "frost-acc", "--listen", "127.0.0.1:\(port)", "--accept"])
    let sd = try BootedSystemd("frost-live-acc")
    defer { sd.shutdown() }
    try sd.install(bundle: bundle)
    try sd.systemctl("start", "frost-acc.socket")
    let connections = try (0..<3).map { _ in try LiveConnection(port: port) }
    for (i, c) in connections.enumerated() {
      #expect(try c.roundTrip("conn \(i)\n") == "conn \(i)\n")
    }
    let units = try sd.systemctl("list-units", "--no-legend", "--plain", "--state=running", "frost-acc@*")
    #expect(units.split(separator: "\n").count == 3, "instances: \(units)")
    for c in connections { c.close() }
  }

  @Test("--notify --watchdog: active after READY=1 with its STATUS=; a silent program is killed and restarted")
  func notifyWatchdog() throws {
    let port = try ServiceSupport.freePort()
    let bundle = try Self.generate(
      try ServiceSupport.frozenEcho(),
      ["--name", "frost-ntf", "--arg", "\(port)", "--notify", "--watchdog", "2"])
    let dir = try CLI.tempDir("frost-live-wd")
    try """
      import frost, sys, time
      print("frost-silent out", flush=True)
      print("frost-silent err", file=sys.stderr, flush=True)
      frost.ready('up, never pinging')
      time.sleep(3600)

      """.write(toFile: dir + "/silent.py", atomically: true, encoding: .utf8)
    let b = try CLI.frost(["build", dir + "/silent.py", "--stdlib", "imported", "-o", dir + "/frost-silent"])
    try #require(b.status == 0, "\(b.stderr)")
    let silent = try Self.generate(dir + "/frost-silent", ["--name", "frost-silent", "--notify", "--watchdog", "1"])
    let sd = try BootedSystemd("frost-live-ntf")
    defer { sd.shutdown() }
    try sd.install(bundle: bundle)
    try sd.install(bundle: silent)
    try sd.systemctl("start", "frost-ntf.service")  // returns once READY=1 arrived
    #expect(try sd.property("frost-ntf.service", "ActiveState") == "active")
    #expect(try sd.property("frost-ntf.service", "StatusText") == "echoing on 1 socket(s)")
    #expect(try ServiceSupport.echo(port: port, "ready\n") == "ready\n")
    // It pings: the time of the last WATCHDOG=1 moves on, and it is not restarted.
    let ping = try sd.property("frost-ntf.service", "WatchdogTimestampMonotonic")
    let pinged = ServiceSupport.waitUntil(timeout: 30) {
      let now = (try? sd.property("frost-ntf.service", "WatchdogTimestampMonotonic")) ?? ping
      return now != ping && now != "0"
    }
    #expect(pinged, "no WATCHDOG=1 after \(ping)")
    #expect(try sd.property("frost-ntf.service", "NRestarts") == "0")

    try sd.systemctl("start", "frost-silent.service")
    let restarted = ServiceSupport.waitUntil(timeout: 30) {
      Int((try? sd.property("frost-silent.service", "NRestarts")) ?? "") ?? 0 >= 1
    }
    #expect(restarted, "journal: \((try? sd.journal("frost-silent.service")) ?? "")")
    let journal = try sd.journal("frost-silent.service")
    #expect(journal.contains("Watchdog timeout"))
    // A frozen Python program's stdout and stderr are in the journal too.
    #expect(journal.contains("frost-silent out\n") && journal.contains("frost-silent err\n"), "\(journal)")
  }

  @Test("a timer job fires under systemd, and each run's output is in the journal")
  func timerFires() throws {
    let dir = try CLI.tempDir("frost-live-timer")
    let script = dir + "/frost-tick.sh"
    try "#!/bin/sh\necho \"frost-tick run\"\n".write(toFile: script, atomically: true, encoding: .utf8)
    let b = try CLI.frost(["build", script, "-o", dir + "/frost-tick"])
    try #require(b.status == 0, "\(b.stderr)")
    let bundle = try Self.generate(
      dir + "/frost-tick", ["--name", "frost-tick", "--on-boot-sec", "1", "--on-unit-active-sec", "2s"])
    let sd = try BootedSystemd("frost-live-timer")
    defer { sd.shutdown() }
    try sd.install(bundle: bundle)
    #expect(try sd.property("frost-tick.timer", "UnitFileState") == "enabled")
    try sd.systemctl("start", "frost-tick.timer")
    var journal = ""
    // OnBootSec=1 has passed: the first run is at once, the next two seconds after it.
    let twice = ServiceSupport.waitUntil(timeout: 60) {
      journal = (try? sd.journal("frost-tick.service")) ?? ""
      return journal.components(separatedBy: "frost-tick run").count - 1 >= 2
    }
    #expect(twice, "journal: \(journal)")
    #expect(try sd.property("frost-tick.service", "Result") == "success")
  }

  /// A frozen shell service printing what it sees; returns its bundle.
  static func shellService(_ name: String, _ body: String, _ flags: [String]) throws -> String {
    let dir = try CLI.tempDir("frost-live-\(name)")
    try ("#!/bin/sh\n" + body).write(toFile: dir + "/\(name).sh", atomically: true, encoding: .utf8)
    let b = try CLI.frost(["build", dir + "/\(name).sh", "-o", dir + "/" + name])
    try #require(b.status == 0, "\(b.stderr)")
    return try generate(dir + "/" + name, ["--name", name] + flags)
  }

  @Test("DynamicUser: the state directory keeps a file across a restart; --env-file values arrive")
  func stateAndEnvironment() throws {
    let bundle = try Self.shellService(
      "frost-state",
      """
      n=$(cat "$STATE_DIRECTORY/count" 2>/dev/null || echo 0)
      n=$((n + 1))
      echo "$n" > "$STATE_DIRECTORY/count"
      echo "frost-state run=$n greeting=$GREETING uid=$(id -u)"
      exec sleep 3600

      """, ["--state-directory", "--env-file", "/etc/default/frost-state"])
    let sd = try BootedSystemd("frost-live-state")
    defer { sd.shutdown() }
    try sd.install(bundle: bundle)
    try sd.run(["/bin/sh", "-c", "echo GREETING=hello-from-env-file > /etc/default/frost-state"])
    try sd.systemctl("start", "frost-state.service")
    var journal = ""
    #expect(ServiceSupport.waitUntil(timeout: 20) {
      journal = (try? sd.journal("frost-state.service")) ?? ""
      return journal.contains("frost-state run=1 greeting=hello-from-env-file uid=")
    }, "journal: \(journal)")
    try sd.systemctl("restart", "frost-state.service")
    #expect(ServiceSupport.waitUntil(timeout: 20) {
      journal = (try? sd.journal("frost-state.service")) ?? ""
      return journal.contains("frost-state run=2 greeting=hello-from-env-file uid=")
    }, "journal: \(journal)")
    #expect(!journal.contains("uid=0\n"), "ran as root: \(journal)")
  }

  @Test("a --native-cache binary gets CacheDirectory= and, under DynamicUser, loads its extensions from there")
  func nativeCache() throws {
    let dir = try CLI.tempDir("frost-live-cache")
    try """
      import os, sqlite3, time
      proc = os.open("/proc/self", os.O_RDONLY)  # the kernel's maps (relative open)
      maps = [l for l in open("maps", opener=lambda p, f: os.open(p, f, dir_fd=proc))
              if "_sqlite3" in l]
      cached = bool(maps) and all("/frost-cache/frost/native/" in l for l in maps)
      print("frost-cache", sqlite3.connect(":memory:").execute("select 6 * 7").fetchone()[0],
            "cached" if cached else "not cached", flush=True)
      time.sleep(3600)

      """.write(toFile: dir + "/cache.py", atomically: true, encoding: .utf8)
    let b = try CLI.frost(["build", "--native-cache", dir + "/cache.py", "-o", dir + "/frost-cache"])
    try #require(b.status == 0, "\(b.stderr)")
    let bundle = try Self.generate(dir + "/frost-cache", ["--name", "frost-cache"])
    #expect(ServiceSupport.read(bundle + "/frost-cache.service").contains("CacheDirectory=frost-cache\n"))
    let sd = try BootedSystemd("frost-live-cache")
    defer { sd.shutdown() }
    try sd.install(bundle: bundle)
    var journal = ""
    for run in 1...2 {
      try sd.systemctl(run == 1 ? "start" : "restart", "frost-cache.service")
      #expect(ServiceSupport.waitUntil(timeout: 20) {
        journal = (try? sd.journal("frost-cache.service")) ?? ""
        return journal.components(separatedBy: "frost-cache 42 cached").count - 1 >= run
      }, "run \(run), journal: \(journal)")
    }
    let files = try sd.run(["/bin/sh", "-c", "ls /var/cache/private/frost-cache/frost/native"]).stdout
    #expect(files.contains("-_sqlite3.so\n"), "\(files)")
  }

  @Test("--capability CAP_NET_BIND_SERVICE: a non-root service binds port 80 and holds no other capability")
  func bindPort80() throws {
    let bundle = try Self.generate(
      try ServiceSupport.frozenEcho(),
      ["--name", "frost-port80", "--arg", "80", "--capability", "CAP_NET_BIND_SERVICE"])
    let sd = try BootedSystemd("frost-live-port80")
    defer { sd.shutdown() }
    try sd.install(bundle: bundle)
    try sd.systemctl("start", "frost-port80.service")
    #expect(try ServiceSupport.echo(port: 80, "low port\n") == "low port\n")
    let pid = try sd.property("frost-port80.service", "MainPID")
    let status = try sd.run(["cat", "/proc/\(pid)/status"]).stdout
    let uid = try Self.uid(sd, pid)
    #expect(uid != nil && uid != 0, "UID \(uid.map(String.init) ?? "?")")
    // Bit 10 is CAP_NET_BIND_SERVICE: effective, permitted and bounding hold it alone.
    for field in ["CapEff:", "CapPrm:", "CapBnd:"] {
      #expect(status.contains(field + "\t0000000000000400\n"), "\(field) in \(status)")
    }
  }

  @Test("--user: the service runs as that account")
  func namedUser() throws {
    let bundle = try Self.shellService(
      "frost-user", "echo \"frost-user uid=$(id -u)\"\nexec sleep 3600\n", ["--user", "daemon"])
    let sd = try BootedSystemd("frost-live-user")
    defer { sd.shutdown() }
    try sd.install(bundle: bundle)
    try sd.systemctl("start", "frost-user.service")
    var journal = ""
    #expect(ServiceSupport.waitUntil(timeout: 20) {
      journal = (try? sd.journal("frost-user.service")) ?? ""
      return journal.contains("frost-user uid=1\n")
    }, "journal: \(journal)")
  }

  @Test("the init.d script, run by systemd's sysv generator, starts the binary's daemon mode")
  func initScript() throws {
    let port = try ServiceSupport.freePort()
    let bundle = try Self.generate(
      try ServiceSupport.frozenEcho(), ["--name", "frost-sysv", "--arg", "\(port)", "--initd"])
    let sd = try BootedSystemd("frost-live-sysv")
    defer { sd.shutdown() }
    try sd.install(bundle: bundle)
    // Only the script: without the native unit, systemd-sysv-generator makes frost-sysv.service.
    try sd.run([
      "rm", "/etc/systemd/system/frost-sysv.service",
      "/etc/systemd/system/multi-user.target.wants/frost-sysv.service",
    ])
    try sd.systemctl("daemon-reload")
    #expect(try sd.property("frost-sysv.service", "SourcePath") == "/etc/init.d/frost-sysv")
    try sd.systemctl("start", "frost-sysv.service")
    #expect(try ServiceSupport.echo(port: port, "sysv\n") == "sysv\n")
    #expect(try sd.run(["/etc/init.d/frost-sysv", "status"]).status == 0)
    try sd.systemctl("stop", "frost-sysv.service")
    #expect(try sd.property("frost-sysv.service", "ActiveState") == "inactive")
    #expect(try sd.run(["/etc/init.d/frost-sysv", "status"]).status == 3, "LSB: not running")
  }

  @Test("the xinetd entry, under a real xinetd started by systemd in the same root")
  func xinetdEntry() throws {
    let port = try ServiceSupport.freePort()
    let bundle = try Self.generate(
      try ServiceSupport.frozenEcho(),
      ["--name", "frost-xinetd", "--listen", "127.0.0.1:\(port)", "--accept", "--xinetd"])
    let sd = try BootedSystemd("frost-live-xinetd")
    defer { sd.shutdown() }
    try sd.install(bundle: bundle)
    #expect(try sd.property("frost-xinetd.socket", "ActiveState") == "inactive", "xinetd serves the port here")
    try sd.systemctl("start", "xinetd.service")
    #expect(try ServiceSupport.echo(port: port, "via xinetd\n") == "via xinetd\n")
    #expect(try sd.property("frost-xinetd.socket", "ActiveState") == "inactive")
  }

  @Test(
    "frost service audit inside the booted root: the installed units pass, a loosened one is flagged",
    .enabled(
      if: FileManager.default.isExecutableFile(atPath: SystemdLiveTests.staticFrost),
      "needs the static frost of `make dist`"))
  func auditInside() throws {
    let port = try ServiceSupport.freePort()
    let bundle = try Self.generate(
      try ServiceSupport.frozenEcho(),
      ["--name", "frost-aud", "--listen", "127.0.0.1:\(port)", "--accept", "--xinetd", "--initd"])
    let sd = try BootedSystemd("frost-live-audit")
    defer { sd.shutdown() }
    try sd.install(bundle: bundle)
    // frost itself, linked statically (make dist), is the one program copied in.
    let copy = try CLI.run(
      "/bin/sh",
      ["-c", "nsenter -t \"$1\" -m -- /bin/sh -c 'cat > /usr/local/bin/frost && chmod 755 /usr/local/bin/frost' < \"$0\"",
       Self.staticFrost, "\(sd.pid1)"])
    try #require(copy.status == 0, "\(copy.stderr)")
    // Debian's own xinetd entries are 0644 and are flagged (medium): only ours must be clean.
    func findings() throws -> (scanned: [String], flagged: [String]) {
      let r = try sd.run(["/usr/local/bin/frost", "service", "audit", "--format", "json"])
      let json = try #require(try JSONSerialization.jsonObject(with: r.stdoutBytes) as? [String: Any], "\(r.stderr)")
      let flagged = (json["findings"] as? [[String: Any]] ?? []).compactMap { $0["path"] as? String }
      return (json["scanned"] as? [String] ?? [], flagged)
    }
    let ours = [
      "/etc/systemd/system/frost-aud@.service", "/etc/systemd/system/frost-aud.socket",
      "/etc/xinetd.d/frost-aud", "/etc/init.d/frost-aud",
    ]
    let clean = try findings()
    for path in ours {
      #expect(clean.scanned.contains(path), "\(path) not scanned: \(clean.scanned)")
      #expect(!clean.flagged.contains(path), "\(path) flagged")
    }
    try sd.run(["chmod", "0666", "/etc/systemd/system/frost-aud.socket"])
    #expect(try findings().flagged.contains("/etc/systemd/system/frost-aud.socket"))
  }

  /// The statically linked frost `make dist` builds (it runs inside the container).
  static let staticFrost = CLI.repoRoot.appendingPathComponent(".build-dist/release/frost").path
}

/// A TCP connection to 127.0.0.1 kept open by the test (for `--accept` instances).
final class LiveConnection {
  let fd: Int32

  init(port: Int, timeout: Double = 10) throws {
    let deadline = Date().addingTimeInterval(timeout)
    while true {
      let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
      var addr = ServiceSupport.loopback(port: port)
      let ok = withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          connect(s, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
        }
      }
      if ok {
        fd = s
        var tv = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        return
      }
      Glibc.close(s)
      if Date() > deadline { throw ServiceSupport.Failure(description: "cannot connect to \(port)") }
      usleep(50_000)
    }
  }

  /// Sends `message` and reads until as many bytes came back.
  func roundTrip(_ message: String) throws -> String {
    let bytes = Array(message.utf8)
    guard write(fd, bytes, bytes.count) == bytes.count else {
      throw ServiceSupport.Failure(description: "write failed")
    }
    var got: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while got.count < bytes.count {
      let n = read(fd, &buffer, buffer.count)
      guard n > 0 else { break }
      got += buffer[0..<n]
    }
    return String(decoding: got, as: UTF8.self)
  }

  func close() { Glibc.close(fd) }
}
