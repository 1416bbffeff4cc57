import Foundation
import Testing

@testable import FrostKit

/// Service trees written at test time: a tight one (what `frost service install` makes) and
/// loose ones, each loose in one way.
struct AuditFixture {
  let root: String

  init() throws {
    root = FileManager.default.temporaryDirectory.appendingPathComponent(
      "frost-audit-\(UUID().uuidString)"
    ).path
    for dir in ["bin", "systemd", "xinetd.d", "init.d"] {
      try FileManager.default.createDirectory(
        atPath: root + "/" + dir, withIntermediateDirectories: true)
      chmod(root + "/" + dir, 0o755)
    }
    chmod(root, 0o755)
  }

  func write(_ path: String, _ text: String, mode: mode_t) {
    let full = root + "/" + path
    _ = FileManager.default.createFile(atPath: full, contents: Data(text.utf8))
    chmod(full, mode)
  }

  /// The tight tree: root-owned files, no group/other write, xinetd 0600, no root services.
  func writeTight() {
    write("bin/echo", "#!/bin/sh\ncat\n", mode: 0o755)
    write(
      "systemd/echo.service",
      "[Service]\nExecStart=\(root)/bin/echo --x\nDynamicUser=yes\n", mode: 0o644)
    write("systemd/echo.socket", "[Socket]\nListenStream=127.0.0.1:7\n", mode: 0o644)
    write(
      "xinetd.d/echo",
      "service echo\n{\n\tuser = nobody\n\tserver = \(root)/bin/echo\n\tdisable = no\n}\n",
      mode: 0o600)
    write(
      "init.d/echo",
      "#!/bin/sh\n### BEGIN INIT INFO\nDAEMON=\(root)/bin/echo\nrunuser -u nobody -- \"$DAEMON\"\n",
      mode: 0o755)
  }

  var paths: [String] { ["systemd", "xinetd.d", "init.d"].map { root + "/" + $0 } }

  func remove() { try? FileManager.default.removeItem(atPath: root) }
}

@Suite("frost service audit: loose permissions are flagged, tight ones pass")
struct ServiceAuditTests {
  func checks(_ report: AuditReport) -> Set<String> {
    Set(report.findings.map { "\($0.check.rawValue) \($0.path)" })
  }

  @Test("a tight tree has no findings")
  func tight() throws {
    let f = try AuditFixture()
    defer { f.remove() }
    f.writeTight()
    let report = try ServiceAudit.audit(f.paths)
    #expect(report.findings.isEmpty, "\(report.findings)")
    #expect(report.scanned.count == 4)
  }

  @Test("a unit file writable by others")
  func writableUnit() throws {
    let f = try AuditFixture()
    defer { f.remove() }
    f.writeTight()
    chmod(f.root + "/systemd/echo.socket", 0o666)
    let report = try ServiceAudit.audit(f.paths)
    #expect(checks(report) == ["writable-config \(f.root)/systemd/echo.socket"])
    #expect(report.findings[0].severity == .high)
  }

  @Test("a program owned by another user, and a world-writable directory above it")
  func writableProgram() throws {
    let f = try AuditFixture()
    defer { f.remove() }
    f.writeTight()
    guard getuid() == 0 else { return }  // chown needs root; the mode checks run either way
    chown(f.root + "/bin/echo", 65534, 65534)
    chmod(f.root + "/bin", 0o777)
    let report = try ServiceAudit.audit(f.paths)
    #expect(
      checks(report) == [
        "writable-program \(f.root)/bin/echo", "writable-directory \(f.root)/bin",
      ])
    #expect(report.findings.allSatisfy { $0.severity == .high })
  }

  @Test("a sticky world-writable directory (like /tmp) is not flagged")
  func sticky() throws {
    let f = try AuditFixture()
    defer { f.remove() }
    f.writeTight()
    chmod(f.root + "/bin", 0o1777)
    #expect(try ServiceAudit.audit(f.paths).findings.isEmpty)
  }

  @Test("an xinetd entry readable by others, running as root, group-writable")
  func xinetd() throws {
    let f = try AuditFixture()
    defer { f.remove() }
    f.writeTight()
    f.write(
      "xinetd.d/echo", "service echo\n{\n\tuser = root\n\tserver = \(f.root)/bin/echo\n}\n",
      mode: 0o664)
    if getuid() == 0 { chown(f.root + "/xinetd.d/echo", 0, 100) }
    let report = try ServiceAudit.audit([f.root + "/xinetd.d"])
    let path = f.root + "/xinetd.d/echo"
    var expected: Set<String> = ["readable-config \(path)", "root-service \(path)"]
    if getuid() == 0 { expected.insert("writable-config \(path)") }
    #expect(checks(report) == expected)
  }

  @Test("a disabled xinetd entry is still checked for permissions only")
  func disabledXinetd() throws {
    let f = try AuditFixture()
    defer { f.remove() }
    f.write("xinetd.d/old", "service old\n{\n\tuser = root\n\tdisable = yes\n}\n", mode: 0o600)
    #expect(try ServiceAudit.audit([f.root + "/xinetd.d"]).findings.isEmpty)
  }

  @Test("a unit running as root with every capability")
  func rootUnit() throws {
    let f = try AuditFixture()
    defer { f.remove() }
    f.writeTight()
    f.write("systemd/root.service", "[Service]\nExecStart=/bin/true\n", mode: 0o644)
    f.write(
      "systemd/limited.service", "[Service]\nExecStart=/bin/true\nCapabilityBoundingSet=CAP_NET_BIND_SERVICE\n",
      mode: 0o644)
    let report = try ServiceAudit.audit([f.root + "/systemd"])
    #expect(checks(report) == ["root-service \(f.root)/systemd/root.service"])
  }

  @Test("inetd.conf: root services and world-readable")
  func inetdConf() throws {
    let f = try AuditFixture()
    defer { f.remove() }
    f.writeTight()
    f.write(
      "inetd.conf", "# comment\necho stream tcp nowait root \(f.root)/bin/echo echo\n"
        + "daytime stream tcp nowait nobody internal\n", mode: 0o644)
    let report = try ServiceAudit.audit([f.root + "/inetd.conf"])
    #expect(
      checks(report) == [
        "readable-config \(f.root)/inetd.conf", "root-service \(f.root)/inetd.conf:echo",
      ])
  }

  @Test("an init script without a privilege drop, and a missing given path")
  func initScript() throws {
    let f = try AuditFixture()
    defer { f.remove() }
    f.writeTight()
    f.write("init.d/echo", "#!/bin/sh\nDAEMON=\(f.root)/bin/echo\n\"$DAEMON\" &\n", mode: 0o775)
    var expected: Set<String> = ["root-service \(f.root)/init.d/echo"]
    if getuid() == 0 {
      chown(f.root + "/init.d/echo", 0, 100)
      expected.insert("writable-config \(f.root)/init.d/echo")
    }
    #expect(checks(try ServiceAudit.audit([f.root + "/init.d"])) == expected)
    #expect(throws: ServiceError.auditPathMissing(f.root + "/nope")) {
      try ServiceAudit.audit([f.root + "/nope"])
    }
  }
}
