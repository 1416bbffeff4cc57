import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The checks every daemon-mode start must pass, for the C runtime alone and in a frozen binary.
enum DaemonChecks {
  /// The test process and its ancestors: a daemon's parent must be PID 1 or one of these
  /// (the nearest subreaper, when one is set).
  static func ancestors() -> Set<Int32> {
    var result: Set<Int32> = [1]
    var pid = getpid()
    while pid > 1, result.insert(pid).inserted {
      guard let ppid = Int32(ServiceSupport.procStat(pid).dropFirst().first ?? "") else { break }
      pid = ppid
    }
    return result
  }

  static func pid(in pidfile: String) -> Int32? {
    let text = (try? String(contentsOfFile: pidfile, encoding: .utf8)) ?? ""
    return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
  }

  /// True when another open file description holds a flock on `path`.
  static func locked(_ path: String) -> Bool {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    if flock(fd, LOCK_EX | LOCK_NB) == 0 {
      flock(fd, LOCK_UN)
      return false
    }
    return errno == EWOULDBLOCK
  }

  static func stop(_ pid: Int32) {
    kill(pid, SIGTERM)
    if !ServiceSupport.waitUntil(timeout: 5, { !ServiceSupport.alive(pid) }) { kill(pid, SIGKILL) }
  }

  /// Starts the echo daemon with `launch`, checks it, refuses a second start, stops it with
  /// SIGTERM (the pidfile goes), then starts it over a stale pidfile.
  static func lifecycle(launch: () throws -> CLI.Result, pidfile: String, port: Int) throws {
    let started = Date()
    let r = try launch()
    #expect(r.status == 0, "\(r.stderr)")
    #expect(Date().timeIntervalSince(started) < 5)
    let pid = try #require(Self.pid(in: pidfile), "no pidfile")
    defer { stop(pid) }
    #expect(ServiceSupport.alive(pid))
    let stat = ServiceSupport.procStat(pid)
    let ppid = Int32(stat[1]) ?? -1
    #expect(ancestors().contains(ppid), "parent \(ppid)")
    let session = Int32(stat[3]) ?? -1
    #expect(session != getsid(0) && session != pid, "session \(session)")
    #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd")) == "/")
    for fd in 0...2 {
      #expect(
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(fd)"))
          == "/dev/null")
    }
    let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
    #expect(status.contains("Umask:\t0022"))
    #expect(locked(pidfile))
    #expect(try ServiceSupport.echo(port: port, "daemon\n") == "daemon\n")

    let second = try launch()
    #expect(second.status == 1)
    #expect(second.stderr.hasSuffix(": already running (pid \(pid), pidfile \(pidfile))\n"), "\(second.stderr)")
    #expect(second.stderr.split(separator: "\n").count == 1)

    kill(pid, SIGTERM)
    #expect(ServiceSupport.waitUntil { !ServiceSupport.alive(pid) })
    #expect(ServiceSupport.waitUntil { !FileManager.default.fileExists(atPath: pidfile) })

    // A stale pidfile (a dead process's number, no lock) is replaced.
    _ = FileManager.default.createFile(atPath: pidfile, contents: Data("\(pid)\n".utf8))
    let third = try launch()
    #expect(third.status == 0, "\(third.stderr)")
    let newPid = try #require(Self.pid(in: pidfile))
    #expect(newPid != pid)
    stop(newPid)
  }
}

/// stubs/common/stub_daemon.c on its own: a small C program calls `stub_daemon_setup(NULL)`
/// (environment only) and execs its arguments, as the host stub execs an interpreter.
@Suite("The C daemon runtime", .serialized)
struct ServiceDaemonTests {
  static let harnessSource = """
    #include <stdio.h>
    #include <stdlib.h>
    #include <string.h>
    #include <unistd.h>
    #include "stub_daemon.h"
    #include "stub_payload.h"
    const char *stub_progname = "harness";
    /* No real payload: HARNESS_MANIFEST_DAEMON=1 stands for `daemon=1` in the manifest (a
     * binary built with --daemon); without it, stub_daemon_setup(NULL) reads the environment
     * only. */
    const char *stub_payload_manifest_next(const struct stub_payload *p, const char *key,
                                           const char *prev)
    {
        (void)p;
        const char *d = getenv("HARNESS_MANIFEST_DAEMON");
        return !prev && d && strcmp(key, STUB_DAEMON_MF_DAEMON) == 0 ? d : NULL;
    }
    int main(int argc, char **argv)
    {
        if (argc < 2)
            return 2;
        static struct stub_payload fake;
        fake.manifest = "";
        stub_daemon_setup(getenv("HARNESS_MANIFEST_DAEMON") ? &fake : NULL);
        execv(argv[1], argv + 1);
        perror("execv");
        return 127;
    }
    """

  /// The harness, compiled once with cc from the stub sources.
  static let harness: (path: String?, log: String) = {
    guard let dir = try? CLI.tempDir("frost-daemon-harness") else { return (nil, "no temp dir") }
    let common = CLI.repoRoot.appendingPathComponent("stubs/common").path
    _ = FileManager.default.createFile(atPath: dir + "/main.c", contents: Data(harnessSource.utf8))
    let r = try? CLI.run(
      "/usr/bin/cc",
      [
        "-std=c11", "-D_GNU_SOURCE", "-Wall", "-Wextra", "-Werror", "-I", common,
        dir + "/main.c", common + "/stub_daemon.c",
        "-o", dir + "/harness",
      ])
    return r?.status == 0 ? (dir + "/harness", "") : (nil, r?.stderr ?? "cc did not run")
  }()

  func harness() throws -> String {
    try #require(Self.harness.path, "\(Self.harness.log)")
  }

  static let pythonPath = CLI.repoRoot.appendingPathComponent("stubs/python").path

  func env(_ extra: [String: String]) -> [String: String] {
    ["PATH": "/usr/bin:/bin", "PYTHONPATH": Self.pythonPath].merging(extra) { $1 }
  }

  @Test("detach, pidfile locked, second start refused, SIGTERM removes it (Python + frost.py)")
  func lifecycle() throws {
    let harness = try harness()
    let dir = try CLI.tempDir("frost-daemon")
    defer { CLI.cleanup(dir) }
    let pidfile = dir + "/echo.pid"
    let port = try ServiceSupport.freePort()
    try DaemonChecks.lifecycle(
      launch: {
        try ServiceSupport.runBounded(
          harness, ["/usr/bin/python3", CLI.sample("echo_service.py"), "\(port)"],
          env: env(["FROST_DAEMON": "1", "FROST_PIDFILE": pidfile]))
      }, pidfile: pidfile, port: port)
  }

  @Test("the lock survives exec at fd >= 100; the log file gets stdout and stderr; the variables are gone")
  func execAndLog() throws {
    let harness = try harness()
    let dir = try CLI.tempDir("frost-daemon")
    defer { CLI.cleanup(dir) }
    let pidfile = dir + "/sh.pid"
    let script = """
      echo "fd=$FROST_DAEMON_PIDFD file=$FROST_DAEMON_PIDFILE daemon=${FROST_DAEMON-unset} \
      pidfile=${FROST_PIDFILE-unset} log=${FROST_LOGFILE-unset}"
      echo "lock=$(readlink /proc/$$/fd/$FROST_DAEMON_PIDFD)" >&2
      exec sleep 60
      """
    let r = try ServiceSupport.runBounded(
      harness, ["/bin/sh", "-c", script],
      env: env(["FROST_DAEMON": "1", "FROST_PIDFILE": pidfile, "FROST_LOGFILE": dir + "/log"]))
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.isEmpty)
    let pid = try #require(DaemonChecks.pid(in: pidfile))
    defer { DaemonChecks.stop(pid) }
    let log = dir + "/log"
    #expect(ServiceSupport.waitUntil { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("lock=") })
    let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
    #expect(text.contains("fd=100 file=\(pidfile) daemon=unset pidfile=unset log=unset\n"), "\(text)")
    #expect(text.contains("lock=\(pidfile)\n"), "\(text)")
    #expect(DaemonChecks.locked(pidfile))
    // `sleep` kept the lock through two execs; killing it frees the lock but the file stays:
    // stale, and replaced by the next start.
    DaemonChecks.stop(pid)
    #expect(ServiceSupport.waitUntil { !DaemonChecks.locked(pidfile) })
    #expect(FileManager.default.fileExists(atPath: pidfile))
    let again = try ServiceSupport.runBounded(
      harness, ["/bin/sh", "-c", "exec sleep 60"],
      env: env(["FROST_DAEMON": "1", "FROST_PIDFILE": pidfile]))
    #expect(again.status == 0, "\(again.stderr)")
    let newPid = try #require(DaemonChecks.pid(in: pidfile))
    #expect(newPid != pid)
    DaemonChecks.stop(newPid)
  }

  @Test(
    "no fork under systemd: the program runs in the foreground, no pidfile",
    arguments: [
      ["NOTIFY_SOCKET": "1", "FROST_DAEMON": "1"], ["LISTEN_PID": "1", "FROST_DAEMON": "1"],
      // Built with --daemon, run by a Type=exec unit.
      ["INVOCATION_ID": "1", "HARNESS_MANIFEST_DAEMON": "1"],
    ])
  func supervised(variables: [String: String]) throws {
    let harness = try harness()
    let dir = try CLI.tempDir("frost-daemon")
    defer { CLI.cleanup(dir) }
    let r = try ServiceSupport.runBounded(
      harness, ["/bin/sh", "-c", "echo \"$PPID ${FROST_DAEMON-unset} ${FROST_PIDFILE-unset}\""],
      env: env(variables.merging(["FROST_PIDFILE": dir + "/p.pid"]) { $1 }))
    #expect(r.status == 0)
    #expect(r.stdout == "\(getpid()) unset unset\n")
    #expect(!FileManager.default.fileExists(atPath: dir + "/p.pid"))
  }

  @Test("an init script run by systemd's sysv generator (INVOCATION_ID set) still gets its daemon")
  func initScriptUnderSystemd() throws {
    let harness = try harness()
    let dir = try CLI.tempDir("frost-daemon")
    defer { CLI.cleanup(dir) }
    let pidfile = dir + "/p.pid"
    // Type=forking waits for the start command to return: it must, with the daemon detached.
    let r = try ServiceSupport.runBounded(
      harness, ["/bin/sleep", "30"],
      env: env(["INVOCATION_ID": "1", "FROST_DAEMON": "1", "FROST_PIDFILE": pidfile]), timeout: 10)
    #expect(r.status == 0, "\(r.stderr)")
    let pid = try #require(DaemonChecks.pid(in: pidfile), "no pidfile")
    defer { DaemonChecks.stop(pid) }
    #expect(ServiceSupport.alive(pid))
    #expect(DaemonChecks.locked(pidfile))
  }

  @Test("no fork under inetd: stdin is a socket")
  func inetd() throws {
    let harness = try harness()
    let dir = try CLI.tempDir("frost-daemon")
    defer { CLI.cleanup(dir) }
    var fds: [Int32] = [0, 0]
    #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0)
    defer { close(fds[0]) }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: harness)
    p.arguments = ["/bin/sh", "-c", "echo \"$PPID ${FROST_DAEMON-unset}\" > \(dir)/out"]
    p.environment = env(["FROST_DAEMON": "1", "FROST_PIDFILE": dir + "/p.pid"])
    let child = FileHandle(fileDescriptor: fds[1], closeOnDealloc: true)
    p.standardInput = child
    try p.run()
    try child.close()
    p.waitUntilExit()
    #expect(p.terminationStatus == 0)
    let out = (try? String(contentsOfFile: dir + "/out", encoding: .utf8)) ?? ""
    #expect(out == "\(getpid()) unset\n")
    #expect(!FileManager.default.fileExists(atPath: dir + "/p.pid"))
  }

  @Test("a pidfile without daemon mode is locked in the foreground")
  func foregroundPidfile() throws {
    let harness = try harness()
    let dir = try CLI.tempDir("frost-daemon")
    defer { CLI.cleanup(dir) }
    let pidfile = dir + "/fg.pid"
    let r = try ServiceSupport.runBounded(
      harness, ["/bin/sh", "-c", "echo \"$$ $PPID\"; cat \(pidfile); flock -n \(pidfile) true || echo locked"],
      env: env(["FROST_PIDFILE": pidfile]))
    #expect(r.status == 0, "\(r.stderr)")
    let lines = r.stdout.split(separator: "\n")
    let ids = lines.first?.split(separator: " ") ?? []
    #expect(ids.count == 2 && ids[1] == "\(getpid())")
    #expect(lines.count == 3 && lines[1] == ids[0] && lines[2] == "locked", "\(r.stdout)")
  }

  @Test("an unwritable pidfile fails with one line and status 1")
  func unwritable() throws {
    let harness = try harness()
    let r = try ServiceSupport.runBounded(
      harness, ["/bin/true"],
      env: env(["FROST_DAEMON": "1", "FROST_PIDFILE": "/nonexistent/dir/x.pid"]))
    #expect(r.status == 1)
    #expect(
      r.stderr
        == "harness: cannot open pidfile /nonexistent/dir/x.pid: open: No such file or directory\n")
  }
}
