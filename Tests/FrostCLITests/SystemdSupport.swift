import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// systemd booted in a container for the live service tests (../shared/PLATFORM-NOTES.md,
/// "Booting systemd for tests"): systemd-nspawn over the bookworm root that
/// scripts/systemd-root.sh makes once, with `--volatile=overlay` (a fresh tmpfs layer over the
/// read-only root at every boot), `--register=no --keep-unit` (no host systemd or bus), in a
/// cgroup of its own. The container shares the host's network, so a service listening on
/// 127.0.0.1 inside answers the test. Commands go in with `nsenter -t PID1 -a`.
final class BootedSystemd {
  /// The cached root, made on first use, or why there is none.
  static let root: (path: String?, why: String) = {
    guard getuid() == 0 else { return (nil, "needs root") }
    for tool in ["/usr/bin/systemd-nspawn", "/usr/bin/nsenter", "/usr/sbin/debootstrap"]
    where !FileManager.default.isExecutableFile(atPath: tool) {
      return (nil, "\(tool) is missing (make deps)")
    }
    let script = CLI.repoRoot.appendingPathComponent("scripts/systemd-root.sh").path
    guard let r = try? CLI.run("/bin/bash", [script]), r.status == 0 else {
      return (nil, "scripts/systemd-root.sh failed")
    }
    return (r.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "")
  }()

  /// Whether the live suite can run here.
  static var available: Bool { root.path != nil }

  let name: String
  let nspawn: Process
  let pid1: Int32
  let log: String
  private var down = false

  /// Boots a container called `name` and waits (up to 60 s) until systemd says `running`.
  init(_ name: String) throws {
    guard let root = Self.root.path else { throw ServiceSupport.Failure(description: Self.root.why) }
    self.name = name
    log = try CLI.tempDir("frost-nspawn") + "/console"
    _ = FileManager.default.createFile(atPath: log, contents: nil)
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
    let boot = Self.nspawnScript("-b")
    nspawn = Process()
    // Not through setsid(1): started by Foundation as a process-group leader, it would fork,
    // and `nspawn` would no longer be nspawn's process.
    nspawn.executableURL = URL(fileURLWithPath: "/bin/sh")
    nspawn.arguments = ["-c", boot, name, root]
    nspawn.standardInput = FileHandle.nullDevice
    nspawn.standardOutput = handle
    nspawn.standardError = handle
    try nspawn.run()
    try handle.close()
    var found: Int32 = 0
    let nspawnPID = nspawn.processIdentifier
    // nspawn's first child is its own helper until it has forked the container's init: wait
    // for a child that runs systemd.
    _ = ServiceSupport.waitUntil(timeout: 30) {
      let children = (try? String(
        contentsOfFile: "/proc/\(nspawnPID)/task/\(nspawnPID)/children", encoding: .utf8)) ?? ""
      found = Int32(children.split(separator: " ").first ?? "") ?? 0
      let comm = (try? String(contentsOfFile: "/proc/\(found)/comm", encoding: .utf8)) ?? ""
      return found > 0 && comm == "systemd\n"
    }
    pid1 = found
    guard pid1 > 0 else {
      kill(nspawnPID, SIGKILL)
      nspawn.waitUntilExit()
      cleanUp()
      throw ServiceSupport.Failure(description: "nspawn started no container: \(console)")
    }
    var state = ""
    let up = ServiceSupport.waitUntil(timeout: 60) {
      state = (try? self.run(["systemctl", "is-system-running"]).stdout) ?? ""
      return state.hasPrefix("running") || state.hasPrefix("degraded")
    }
    guard up else {
      shutdown()
      throw ServiceSupport.Failure(description: "systemd did not come up (\(state)): \(console)")
    }
  }

  deinit { shutdown() }

  /// What nspawn and the container printed.
  var console: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

  /// Runs `command` inside (every namespace of the container's PID 1).
  @discardableResult
  func run(_ command: [String], stdin: Data? = nil) throws -> CLI.Result {
    try CLI.run("/usr/bin/nsenter", ["-t", "\(pid1)", "-a", "--"] + command, stdin: stdin)
  }

  /// `systemctl ARGS` inside; throws with its output when it fails.
  @discardableResult
  func systemctl(_ args: String...) throws -> String {
    let r = try run(["systemctl"] + args)
    guard r.status == 0 else {
      throw ServiceSupport.Failure(description: "systemctl \(args): \(r.status) \(r.stdout)\(r.stderr)")
    }
    return r.stdout
  }

  /// One property of a unit (`systemctl show -p NAME --value`).
  func property(_ unit: String, _ name: String) throws -> String {
    try systemctl("show", "-p", name, "--value", unit).trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// `journalctl -u UNIT` inside, messages only.
  func journal(_ unit: String) throws -> String {
    try run(["journalctl", "-u", unit, "--no-pager", "-o", "cat"]).stdout
  }

  /// Installs a bundle of `frost service generate` the way a user would for an image: `frost
  /// service install BUNDLE --root STAGE` on the host, then STAGE copied into the container's
  /// root (tar through nsenter) and `systemctl daemon-reload`.
  func install(bundle: String) throws {
    let stage = try CLI.tempDir("frost-stage")
    defer { CLI.cleanup(stage) }
    let r = try CLI.frost(["service", "install", bundle, "--root", stage])
    guard r.status == 0 else { throw ServiceSupport.Failure(description: "install: \(r.stderr)") }
    // One pipeline (megabytes of binary through a Foundation pipe took half a minute).
    let x = try CLI.run(
      "/bin/sh",
      ["-c", "tar -C \"$0\" -cf - . | nsenter -t \"$1\" -m -- /bin/tar -C / -xf -", stage, "\(pid1)"])
    guard x.status == 0 else { throw ServiceSupport.Failure(description: "copy in: \(x.stderr)") }
    try systemctl("daemon-reload")
  }

  /// Powers the container off (SIGRTMIN+4 to its systemd, SIGKILL to nspawn after 20 s) and
  /// removes the cgroups made for it: no process, mount or cgroup is left.
  func shutdown() {
    guard !down else { return }
    down = true
    if pid1 > 0 { kill(pid1, __libc_current_sigrtmin() + 4) }
    if !ServiceSupport.waitUntil(timeout: 20, { !nspawn.isRunning }) {
      kill(nspawn.processIdentifier, SIGKILL)
    }
    nspawn.waitUntilExit()
    cleanUp()
  }

  /// `/bin/sh -c` text that moves itself into a cgroup of its own (`frost-test-$0`: nspawn
  /// with --keep-unit makes payload/ and supervisor/ in the cgroup it starts in) and execs
  /// systemd-nspawn over the root `$1` as machine `$0`, with a throw-away overlay, `flags`
  /// and then the script's further arguments.
  static func nspawnScript(_ flags: String) -> String {
    """
    for h in unified systemd; do
      [ -d /sys/fs/cgroup/$h ] || continue
      mkdir -p /sys/fs/cgroup/$h/frost-test-$0 && echo $$ > /sys/fs/cgroup/$h/frost-test-$0/cgroup.procs || exit 1
    done
    m=$0 root=$1
    shift
    exec /usr/bin/systemd-nspawn -q -D "$root" -M "$m" --register=no --keep-unit --volatile=overlay \(flags) "$@"
    """
  }

  private func cleanUp() { Self.cleanUp(name) }

  /// Ends what is left in the cgroups made for container `name` and removes them (deepest
  /// first), and nspawn's propagation folder.
  static func cleanUp(_ name: String) {
    for h in ["unified", "systemd"] {
      let top = "/sys/fs/cgroup/\(h)/frost-test-\(name)"
      // Deepest first: nspawn leaves payload/init.scope and supervisor below it.
      let dirs = (FileManager.default.subpaths(atPath: top) ?? []).map { top + "/" + $0 }
        .filter { (try? FileManager.default.attributesOfItem(atPath: $0)[.type] as? FileAttributeType) == .typeDirectory }
        .sorted { $0.count > $1.count }
      // A container whose nspawn had to be killed leaves its processes: end them first.
      for dir in dirs + [top] {
        let procs = (try? String(contentsOfFile: dir + "/cgroup.procs", encoding: .utf8)) ?? ""
        for pid in procs.split(separator: "\n").compactMap({ Int32($0) }) { kill(pid, SIGKILL) }
      }
      for dir in dirs + [top] {
        _ = ServiceSupport.waitUntil(timeout: 5) { rmdir(dir) == 0 || errno == ENOENT }
      }
    }
    try? FileManager.default.removeItem(atPath: "/run/systemd/nspawn/propagate/\(name)")
  }
}
