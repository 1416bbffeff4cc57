import Foundation

/// What `install` or `uninstall` did.
public struct InstallReport: Codable, Sendable {
  /// Paths written or removed, as seen on the target (without the root).
  public var files: [String]
  /// Commands run, as typed.
  public var commands: [String]
  /// Things left for the operator.
  public var notes: [String]
}

/// Puts a bundle written by `ServiceGenerator` in place (under `root` for an image) and enables
/// it, or takes it away again.
public enum ServiceInstaller {
  /// True when systemd is the running init (sd_booted(3)'s test).
  public static var systemdRunning: Bool {
    FileManager.default.fileExists(atPath: "/run/systemd/system")
  }

  /// Copies the binary and the service files of `bundleDir` to `root` and enables the units:
  /// `systemctl --root=ROOT enable` for an image or where systemd does not run, otherwise
  /// `daemon-reload` then `enable` (`--now` when `start`).
  public static func install(bundleDir: String, root: String = "/", start: Bool = false) throws
    -> InstallReport
  {
    let bundle = try ServiceBundle.load(from: bundleDir)
    var report = InstallReport(files: [], commands: [], notes: [])
    let rootDir = normalizedRoot(root)
    try ServiceGenerator.copyBinary(
      from: bundleDir + "/" + bundle.binary, to: rootDir + bundle.execPath)
    report.files.append(bundle.execPath)
    for file in bundle.files {
      let target = rootDir + file.installPath
      try ServiceGenerator.makeDirectory((target as NSString).deletingLastPathComponent)
      let source = bundleDir + "/" + file.path
      guard let bytes = try? FileIO.read(source) else {
        throw ServiceError.io(path: source, reason: "cannot read")
      }
      try ServiceGenerator.writeFile(target, bytes, mode: file.mode)
      // Service files belong to root even when the bundle was made by someone else.
      if getuid() == 0 { _ = chown(target, 0, 0) }
      report.files.append(file.installPath)
    }
    if getuid() == 0 { _ = chown(rootDir + bundle.execPath, 0, 0) }

    if !bundle.enable.isEmpty {
      if rootDir.isEmpty && systemdRunning {
        try systemctl(["daemon-reload"], &report)
        try systemctl(["enable"] + (start ? ["--now"] : []) + bundle.enable, &report)
      } else {
        // Offline, an init script of the same name would make systemctl run update-rc.d inside
        // the image (systemd-sysv-install), which an image may not have: the note below says
        // how to link the script on the target.
        try systemctl(
          ["--root=\(rootDir.isEmpty ? "/" : rootDir)", "enable"] + bundle.enable, &report,
          environment: ["SYSTEMCTL_SKIP_SYSV": "1"])
        if start { report.notes.append("systemd is not running here: nothing was started") }
      }
    }
    if bundle.files.contains(where: { $0.kind == .xinetd }) {
      report.notes.append("xinetd reads /etc/xinetd.d on start; send it SIGHUP to load \(bundle.name)")
    }
    if bundle.files.contains(where: { $0.kind == .initd }) {
      if rootDir.isEmpty && !systemdRunning, let tool = ServiceTools.find("update-rc.d") {
        try runLogged(tool, [bundle.name, "defaults"], &report)
      } else {
        report.notes.append("/etc/init.d/\(bundle.name) installed; enable it with update-rc.d on the target")
      }
    }
    return report
  }

  /// Disables the units and removes every file `install` put in place.
  public static func uninstall(bundleDir: String, root: String = "/") throws -> InstallReport {
    let bundle = try ServiceBundle.load(from: bundleDir)
    var report = InstallReport(files: [], commands: [], notes: [])
    let rootDir = normalizedRoot(root)
    if !bundle.enable.isEmpty {
      if rootDir.isEmpty && systemdRunning {
        try systemctl(["disable", "--now"] + bundle.enable, &report)
      } else {
        try systemctl(["--root=\(rootDir.isEmpty ? "/" : rootDir)", "disable"] + bundle.enable, &report)
      }
    }
    for path in bundle.files.map(\.installPath) + [bundle.execPath] {
      if unlink(rootDir + path) == 0 {
        report.files.append(path)
      } else if errno != ENOENT {
        throw ServiceError.io(path: rootDir + path, reason: errnoText())
      }
    }
    if rootDir.isEmpty && systemdRunning { try systemctl(["daemon-reload"], &report) }
    return report
  }

  /// "" for "/", else the root without a trailing slash.
  static func normalizedRoot(_ root: String) -> String {
    var r = FileIO.absolute(root, standardized: false)
    while r.hasSuffix("/") { r.removeLast() }
    return r
  }

  static func systemctl(
    _ args: [String], _ report: inout InstallReport, environment: [String: String] = [:]
  ) throws {
    try runLogged("systemctl", args, &report, environment: environment)
  }

  static func runLogged(
    _ tool: String, _ args: [String], _ report: inout InstallReport,
    environment: [String: String] = [:]
  ) throws {
    report.commands.append(([(tool as NSString).lastPathComponent] + args).joined(separator: " "))
    let out = try ServiceTools.run(tool, args, environment: environment)
    if out.status != 0 {
      throw ServiceError.toolFailed(
        tool: (tool as NSString).lastPathComponent + " " + args.joined(separator: " "),
        status: out.status, output: out.text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
  }
}
