import Foundation

/// One file of a service bundle.
public struct ServiceFile: Codable, Equatable, Sendable {
  /// What reads the file.
  public enum Kind: String, Codable, Sendable { case systemd, xinetd, initd }
  public var kind: Kind
  /// Path inside the bundle directory.
  public var path: String
  /// Where `frost service install` puts it (under `--root`).
  public var installPath: String
  /// Permission bits once installed.
  public var mode: Int
}

/// `frost-service.json`: what `generate` wrote, read back by `install` and `uninstall`.
public struct ServiceBundle: Codable, Equatable, Sendable {
  /// The bundle's file name inside the directory.
  public static let fileName = "frost-service.json"
  public var frostVersion = Frost.version
  public var name: String
  /// The binary inside the bundle (`bin/NAME`).
  public var binary: String
  /// Where the binary is installed.
  public var execPath: String
  public var files: [ServiceFile]
  /// Units to `systemctl enable` (the socket for socket-activated services).
  public var enable: [String]

  /// Reads `DIR/frost-service.json`.
  public static func load(from dir: String) throws -> ServiceBundle {
    let path = dir + "/" + fileName
    guard let bytes = try? FileIO.read(path) else { throw ServiceError.notABundle(path: dir) }
    do { return try JSONDecoder().decode(ServiceBundle.self, from: Data(bytes)) } catch {
      throw ServiceError.io(path: path, reason: "not a Frost service bundle (\(error))")
    }
  }
}

/// What `generate` did: the files, the checks' output, the warnings.
public struct GenerateReport: Codable, Sendable {
  /// One `systemd-analyze verify` run over all the systemd units.
  public struct Verification: Codable, Sendable {
    public var units: [String]
    /// The tool's whole output; empty when everything passed.
    public var output: String
    public var status: Int32
    /// True when the exec path did not exist here and the bundle's copy stood in for it.
    public var stagedBinary: Bool
    public var passed: Bool { status == 0 && output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
  }
  public var directory: String
  public var bundle: ServiceBundle
  public var verification: Verification?
  /// The unit scored and its `systemd-analyze security --offline=yes` exposure.
  public var securityUnit: String?
  public var securityScore: Double?
  /// `systemd-analyze calendar` / `timespan` on the timer's settings, one line each.
  public var timer: [String]? = nil
  public var warnings: [String]
}

/// Writes a service bundle: units, xinetd entry, init script, the binary and
/// `frost-service.json`, then checks the units with `systemd-analyze`.
public enum ServiceGenerator {
  /// The exposure `systemd-analyze security` may give the default service.
  public static let maxDefaultExposure = 2.0

  /// The files for `spec`, as (bundle path, install path, mode, kind, text).
  public static func render(_ spec: ServiceSpec) -> [(ServiceFile, String)] {
    var out: [(ServiceFile, String)] = []
    func add(_ kind: ServiceFile.Kind, _ path: String, _ install: String, _ mode: Int, _ text: String) {
      out.append((ServiceFile(kind: kind, path: path, installPath: install, mode: mode), text))
    }
    let unitDir = "/etc/systemd/system/"
    if spec.accept {
      add(.systemd, "\(spec.name)@.service", unitDir + "\(spec.name)@.service", 0o644,
        SystemdUnits.perConnectionTemplate(spec))
    } else {
      add(.systemd, "\(spec.name).service", unitDir + "\(spec.name).service", 0o644,
        SystemdUnits.service(spec))
    }
    if let socket = SystemdUnits.socket(spec) {
      add(.systemd, "\(spec.name).socket", unitDir + "\(spec.name).socket", 0o644, socket)
    }
    if let timer = SystemdUnits.timer(spec) {
      add(.systemd, "\(spec.name).timer", unitDir + "\(spec.name).timer", 0o644, timer)
    }
    if spec.xinetd, let entry = LegacyServices.xinetd(spec) {
      // Not readable by other users: the entry tells where the program is and how it runs.
      add(.xinetd, "xinetd.d/\(spec.name)", "/etc/xinetd.d/\(spec.name)", 0o600, entry)
    }
    if spec.initd {
      add(.initd, "init.d/\(spec.name)", "/etc/init.d/\(spec.name)", 0o755,
        LegacyServices.initScript(spec))
    }
    return out
  }

  /// The warnings a spec earns before any check runs.
  public static func warnings(_ spec: ServiceSpec) -> [String] {
    var warnings: [String] = []
    if spec.runsAsRoot {
      warnings.append("\(spec.name) runs as root: give --user an unprivileged account if it can")
    }
    if !spec.hardening { warnings.append("hardening is off (--no-hardening)") }
    if spec.xinetd {
      warnings.append(
        "xinetd is unmaintained (CVE-2012-0862, CVE-2013-4342) and flagged by scanners: prefer --listen --accept"
      )
    }
    if spec.initd && spec.user == nil {
      warnings.append("the init script runs \(spec.name) as nobody (no DynamicUser outside systemd)")
    }
    return warnings
  }

  /// True when `binary` is a Frost binary built with `--native-cache`: its unit then gets a
  /// `CacheDirectory=`, which the stub finds as `$CACHE_DIRECTORY` (stubs/python/stub_cache.h).
  static func usesNativeCache(_ binary: String) -> Bool {
    (try? PayloadFile.open(binary))?.manifest[PythonManifestKey.nativeCache] == "1"
  }

  /// Writes the bundle for `spec` and `binary` into `directory`; checks it unless `check` is off.
  public static func generate(
    _ spec: ServiceSpec, binary: String, into directory: String, check: Bool = true
  ) throws -> GenerateReport {
    try spec.validate()
    guard FileManager.default.isExecutableFile(atPath: binary), !FileIO.isDirectory(binary) else {
      throw ServiceError.notExecutable(path: binary)
    }
    var spec = spec
    if usesNativeCache(binary) { spec.cacheDirectory = true }
    // Before anything is written: a bad calendar leaves no bundle behind.
    let timerLines = check ? try checkTimer(spec) : nil
    let files = render(spec)
    try makeDirectory(directory)
    let binaryPath = "bin/\(spec.name)"
    try copyBinary(from: binary, to: directory + "/" + binaryPath)
    for (file, text) in files {
      let path = directory + "/" + file.path
      try makeDirectory((path as NSString).deletingLastPathComponent)
      try writeFile(path, Array(text.utf8), mode: file.mode)
    }
    let systemd = files.filter { $0.0.kind == .systemd }.map(\.0.path)
    let enable = systemd.filter {
      spec.isTimerJob ? $0.hasSuffix(".timer") : spec.listen == nil || $0.hasSuffix(".socket")
    }
    let bundle = ServiceBundle(
      name: spec.name, binary: binaryPath, execPath: spec.resolvedExecPath,
      files: files.map(\.0), enable: enable)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try writeFile(
      directory + "/" + ServiceBundle.fileName, Array(try encoder.encode(bundle)) + [0x0a],
      mode: 0o644)

    var report = GenerateReport(
      directory: directory, bundle: bundle, verification: nil, securityUnit: nil,
      securityScore: nil, warnings: warnings(spec))
    guard check else { return report }
    report.timer = timerLines
    let absoluteBinary = FileIO.absolute(directory + "/" + binaryPath, standardized: false)
    report.verification = try verify(spec, stagedBinary: absoluteBinary)
    let scored = spec.accept ? "\(spec.name)@.service" : "\(spec.name).service"
    let (score, _) = try ServiceTools.securityScore(directory + "/" + scored)
    report.securityUnit = scored
    report.securityScore = score
    if spec.hardening && score > maxDefaultExposure && spec.capabilities.isEmpty && !spec.runsAsRoot {
      report.warnings.append(
        "\(scored) scores \(score) in systemd-analyze security (expected at most \(maxDefaultExposure))")
    }
    return report
  }

  /// Each calendar expression through `systemd-analyze calendar` and each time span through
  /// `systemd-analyze timespan`: what systemd would not parse is refused with its own words.
  /// Returns one line per setting with systemd's normalized form (and the next run).
  static func checkTimer(_ spec: ServiceSpec) throws -> [String] {
    var lines: [String] = []
    func check(_ setting: String, _ tool: String, _ value: String, keep: [String]) throws {
      let out = try ServiceTools.run("systemd-analyze", [tool, value])
      guard out.status == 0 else {
        throw ServiceError.invalidValue(
          setting: setting, value: value, reason: ServiceTools.lastLine(out.text))
      }
      let fields = out.text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        .filter { line in keep.contains { line.hasPrefix($0) } }
      lines.append("\(setting) \(value): " + fields.joined(separator: "; "))
    }
    for calendar in spec.onCalendar {
      try check("on-calendar", "calendar", calendar, keep: ["Normalized form:", "Next elapse:"])
    }
    if let span = spec.onBootSec { try check("on-boot-sec", "timespan", span, keep: ["Human:"]) }
    if let span = spec.onUnitActiveSec {
      try check("on-unit-active-sec", "timespan", span, keep: ["Human:"])
    }
    return lines
  }

  /// `systemd-analyze verify` over the systemd units, in a scratch directory. When the exec path
  /// does not exist on this machine the units are rendered again with `stagedBinary` in its
  /// place, so that verify still checks the program is there and executable.
  static func verify(_ spec: ServiceSpec, stagedBinary: String) throws
    -> GenerateReport.Verification
  {
    var staged = spec
    let useStage = !FileManager.default.isExecutableFile(atPath: spec.resolvedExecPath)
    if useStage { staged.execPath = stagedBinary }
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
      "frost-verify-\(UUID().uuidString)"
    ).path
    try makeDirectory(scratch)
    defer { try? FileManager.default.removeItem(atPath: scratch) }
    var units: [String] = []
    for (file, text) in render(staged) where file.kind == .systemd {
      let path = scratch + "/" + file.path
      try writeFile(path, Array(text.utf8), mode: 0o644)
      units.append(path)
    }
    let out = try ServiceTools.verify(units)
    // The scratch directory's name means nothing to the reader.
    let text = out.text.replacingOccurrences(of: scratch + "/", with: "")
    return .init(
      units: units.map { ($0 as NSString).lastPathComponent }, output: text, status: out.status,
      stagedBinary: useStage)
  }

  /// Creates `path` and its missing parents (0755).
  static func makeDirectory(_ path: String) throws {
    do {
      try FileManager.default.createDirectory(
        atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
    } catch {
      throw ServiceError.io(path: path, reason: "cannot create directory (\(error.localizedDescription))")
    }
  }

  /// Writes `bytes` to `path` atomically with `mode` (`FileIO.writeAtomically`).
  static func writeFile(_ path: String, _ bytes: [UInt8], mode: Int) throws {
    do { try FileIO.writeAtomically(bytes, to: path, mode: mode_t(mode)) } catch {
      throw ServiceError.file(error)
    }
  }

  /// Copies the binary (0755), replacing what is there; a no-op when it is the same file.
  static func copyBinary(from source: String, to target: String) throws {
    let same = FileIO.absolute(source, standardized: false) == FileIO.absolute(target, standardized: false)
    if same { return }
    try makeDirectory((target as NSString).deletingLastPathComponent)
    let bytes: [UInt8]
    do { bytes = try FileIO.read(source) } catch {
      throw ServiceError.io(path: target, reason: "cannot copy \(source) (\(error.message))")
    }
    try writeFile(target, bytes, mode: 0o755)
  }
}
