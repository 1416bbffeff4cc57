import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The .deb of `frost service package` installed, upgraded, removed and purged with the real
/// dpkg under a real systemd (booted in a container: `BootedSystemd`), so that the maintainer
/// scripts run where they are meant to.
@Suite(
  "Debian packages under a booted systemd", .serialized,
  .enabled(if: BootedSystemd.available, "needs root, systemd-nspawn and debootstrap (make deps)"))
struct SystemdDebTests {
  /// Copies `file` to `target` inside the container in one shell pipeline (megabytes through a
  /// Foundation pipe are slow).
  static func copyIn(_ sd: BootedSystemd, _ file: String, _ target: String) throws {
    let r = try CLI.run(
      "/bin/sh",
      [
        "-c", "nsenter -t \"$1\" -m -- sh -c 'cat > \"$0\"' \"$2\" < \"$0\"", file, "\(sd.pid1)",
        target,
      ])
    guard r.status == 0 else { throw ServiceSupport.Failure(description: "copy in: \(r.stderr)") }
  }

  /// True when `path` exists inside the container (a dangling link counts).
  static func exists(_ sd: BootedSystemd, _ path: String) throws -> Bool {
    try sd.run(["/bin/sh", "-c", "[ -e \"$0\" ] || [ -L \"$0\" ]", path]).status == 0
  }

  @Test(
    "dpkg -i starts the service, a reinstall restarts it, dpkg -r stops it and keeps its state, dpkg -P removes it"
  )
  func installRemovePurge() throws {
    let name = "frost-deb-live"
    let port = try ServiceSupport.freePort()
    let dir = try CLI.tempDir("frost-deb-live")
    defer { CLI.cleanup(dir) }
    let bundle = try ServicePackageTests.generate(
      try ServiceSupport.frozenEcho(),
      [
        "--name", name, "--exec-path", "/usr/sbin/\(name)", "--state-directory", "--arg", "\(port)",
      ], in: dir)
    let deb = try ServicePackageTests.package(bundle, into: dir + "/dist")
    let sd = try BootedSystemd("frost-live-deb")
    defer { sd.shutdown() }
    try Self.copyIn(sd, deb, "/tmp/p.deb")
    let unit = "\(name).service"

    let install = try sd.run(["dpkg", "-i", "/tmp/p.deb"])
    try #require(install.status == 0, "\(install.stdout)\(install.stderr)")
    #expect(try ServiceSupport.echo(port: port, "one\n") == "one\n")
    #expect(try sd.property(unit, "ActiveState") == "active")
    #expect(try sd.property(unit, "UnitFileState") == "enabled")
    #expect(try sd.property(unit, "FragmentPath") == "/lib/systemd/system/\(unit)")
    #expect(try sd.property(unit, "DynamicUser") == "yes")
    let first = try sd.property(unit, "MainPID")

    // Configuring again (the postinst's upgrade path) restarts the running service.
    let again = try sd.run(["dpkg", "-i", "/tmp/p.deb"])
    #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
    #expect(try sd.property(unit, "ActiveState") == "active")
    #expect(try sd.property(unit, "MainPID") != first)
    #expect(try ServiceSupport.echo(port: port, "two\n") == "two\n")

    // The service's state directory: a link to private/NAME under DynamicUser=.
    let state = try sd.run(["/bin/sh", "-c", "echo kept > /var/lib/\(name)/kept"])
    try #require(state.status == 0, "\(state.stderr)")

    let remove = try sd.run(["dpkg", "-r", name])
    #expect(remove.status == 0, "\(remove.stdout)\(remove.stderr)")
    #expect(try sd.property(unit, "ActiveState") == "inactive")
    #expect(throws: (any Error).self) { try ServiceSupport.echo(port: port, "three\n", timeout: 1) }
    for path in [
      "/usr/sbin/\(name)", "/lib/systemd/system/\(unit)",
      "/etc/systemd/system/multi-user.target.wants/\(unit)",
    ] {
      #expect(try !Self.exists(sd, path), "\(path) is still there after dpkg -r")
    }
    #expect(try sd.run(["cat", "/var/lib/private/\(name)/kept"]).stdout == "kept\n")

    let purge = try sd.run(["dpkg", "-P", name])
    #expect(purge.status == 0, "\(purge.stdout)\(purge.stderr)")
    for path in ["/var/lib/\(name)", "/var/lib/private/\(name)"] {
      #expect(try !Self.exists(sd, path), "\(path) is still there after dpkg -P")
    }
    #expect(try sd.run(["dpkg", "-s", name]).status != 0)
  }
}
