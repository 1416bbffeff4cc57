import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Errors of turning a service bundle into a Debian package (`frost service package`).
public enum DebPackageError: Error, CustomStringConvertible, Equatable {
  /// The bundle directory does not exist.
  case noBundle(path: String)
  /// The bundle path is a file, not a directory.
  case notADirectory(path: String)
  /// The bundle lists no systemd unit.
  case noUnits(bundle: String)
  /// A path in `frost-service.json` is not one a package can hold (absolute or with `..` in
  /// the bundle, relative or with blanks on the target).
  case badPath(bundle: String, path: String, reason: String)
  /// The service name does not make a Debian package name (Policy 5.6.1).
  case invalidPackageName(String, service: String)
  /// `--version` (or the bundle's version) is not a Debian version (Policy 5.6.12).
  case invalidVersion(String, reason: String)
  /// `--maintainer` is not `Name <address>`.
  case invalidMaintainer(String)
  /// `--description` is empty or more than one line.
  case invalidDescription(String)
  /// `SOURCE_DATE_EPOCH` is not a number of seconds.
  case invalidEpoch(String)
  /// A `StateDirectory=`-like setting names a directory the purge could not remove safely.
  case unsafeDirectory(unit: String, setting: String, value: String)
  /// The binary is an ELF file for another machine than amd64.
  case notAmd64(path: String)
  /// The output directory cannot be made or written.
  case output(path: String, reason: String)
  /// A file could not be read or staged.
  case io(path: String, reason: String)
  /// `dpkg-deb` is missing or failed.
  case dpkgDeb(status: Int32, output: String)

  public var description: String {
    switch self {
    case .noBundle(let path):
      "\(path): no such bundle directory (write one with `frost service generate`)"
    case .notADirectory(let path):
      "\(path): not a directory (give the folder `frost service generate` wrote)"
    case .noUnits(let bundle): "\(bundle): the bundle has no systemd units"
    case .badPath(let bundle, let path, let reason):
      "\(bundle): bad path '\(path)' in frost-service.json: \(reason)"
    case .invalidPackageName(let name, let service):
      "invalid package name '\(name)' (from service '\(service)'): Debian package names are lower-case "
        + "letters, digits, '+', '-' and '.', at least 2 characters, starting with a letter or digit"
    case .invalidVersion(let version, let reason): "invalid version '\(version)': \(reason)"
    case .invalidMaintainer(let value): "invalid maintainer '\(value)': expected 'Name <user@host>'"
    case .invalidDescription(let value):
      "invalid description '\(value)': must be one non-empty line"
    case .invalidEpoch(let value):
      "invalid SOURCE_DATE_EPOCH '\(value)': expected seconds since 1970"
    case .unsafeDirectory(let unit, let setting, let value):
      "\(unit): \(setting)=\(value) is not a plain relative directory: purge could not remove it safely"
    case .notAmd64(let path): "\(path): not an x86-64 program (the package is for amd64)"
    case .output(let path, let reason): "\(path): \(reason)"
    case .io(let path, let reason): "\(path): \(reason)"
    case .dpkgDeb(let status, let output): "dpkg-deb --build failed (status \(status)): \(output)"
    }
  }
}

/// The choices of `frost service package` beyond the bundle.
public struct DebOptions: Sendable {
  /// The package version; the bundle's recorded version, else 1.0.0.
  public var version: String?
  /// `Name <address>`; "Frost <frost@localhost>" when nil.
  public var maintainer: String?
  /// The synopsis; the unit's `Description=` when nil.
  public var description: String?
  /// The time of every file and of the changelog entry (`SOURCE_DATE_EPOCH`).
  public var epoch: Int = ServicePackage.defaultEpoch
  /// Every choice at its default.
  public init() {}
}

/// What `ServicePackage.build` wrote.
public struct DebReport: Codable, Sendable {
  /// One file of the package's data.
  public struct File: Codable, Sendable {
    public var path: String
    public var mode: Int
  }
  /// The .deb written.
  public var path: String
  /// The package name: the service name, lower-cased.
  public var package: String
  public var version: String
  /// Bytes of the .deb.
  public var size: Int
  /// Every file installed, with its mode (directories left out).
  public var files: [File]
  /// Units the postinst enables and starts.
  public var enable: [String]
  /// Directories the postrm removes on purge.
  public var purge: [String]
  /// Things that work but that the user should know (an exec path under /usr/local).
  public var warnings: [String]
}

/// Turns a bundle of `frost service generate` into `NAME_VERSION_amd64.deb` with the real
/// `dpkg-deb --build --root-owner-group`: the binary at its exec path, the units in
/// /lib/systemd/system, the xinetd entry and init script as conffiles, and maintainer scripts
/// doing what dh_installsystemd's do with plain `systemctl`. The output is byte-reproducible:
/// every file gets the same mtime (`SOURCE_DATE_EPOCH` for dpkg-deb too), dpkg-deb sorts the
/// archive, the compressor is fixed and the changelog is gzipped without a timestamp.
public enum ServicePackage {
  /// 2024-01-01 00:00:00 UTC: the mtime of every file when SOURCE_DATE_EPOCH is not set.
  public static let defaultEpoch = 1_704_067_200
  /// The version when neither `--version` nor the bundle gives one.
  public static let defaultVersion = "1.0.0"
  /// The maintainer when `--maintainer` is not given (lintian's bogus-mail-host is overridden).
  public static let defaultMaintainer = "Frost <frost@localhost>"
  static let unitDir = "/lib/systemd/system/"

  /// A file of the data tree and where its bytes come from.
  struct Entry {
    var path: String
    var mode: Int
    var bytes: [UInt8]
  }

  /// Everything the package holds, decided before anything is written.
  struct Plan {
    var package: String
    var version: String
    var entries: [Entry]
    var conffiles: [String]
    var control: String
    var scripts: [(name: String, text: String)]
    var enable: [String]
    var purge: [String]
    var warnings: [String]
  }

  /// Builds `DIR/NAME_VERSION_amd64.deb` from `bundleDir`: staged in a temporary folder inside
  /// `outputDir`, renamed into place once dpkg-deb succeeded, so a failure leaves nothing.
  public static func build(bundleDir: String, outputDir: String, options: DebOptions = DebOptions())
    throws -> DebReport
  {
    let plan = try makePlan(bundleDir: bundleDir, options: options)
    let created = try makeOutputDirectory(outputDir)
    var done = false
    defer { if !done { for dir in created { rmdir(dir) } } }
    var template = Array("\(outputDir)/.frost-deb-XXXXXX".utf8CString)
    guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
      throw DebPackageError.output(path: outputDir, reason: "cannot write: \(errnoText())")
    }
    let scratch = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    defer { try? FileManager.default.removeItem(atPath: scratch) }
    let root = scratch + "/root"
    try stage(plan, at: root, epoch: options.epoch)
    let built = scratch + "/package.deb"
    try runDpkgDeb(root: root, output: built, epoch: options.epoch)
    let fileVersion =
      plan.version.split(separator: ":", maxSplits: 1).last.map(String.init) ?? plan.version
    let target = outputDir + "/\(plan.package)_\(fileVersion)_amd64.deb"
    let fd = open(built, O_RDONLY | O_CLOEXEC)
    guard fd >= 0, fsync(fd) == 0, rename(built, target) == 0 else {
      let reason = errnoText()
      if fd >= 0 { close(fd) }
      throw DebPackageError.output(path: target, reason: "cannot write: \(reason)")
    }
    close(fd)
    done = true
    var st = stat()
    _ = stat(target, &st)
    return DebReport(
      path: target, package: plan.package, version: plan.version, size: Int(st.st_size),
      files: plan.entries.map { .init(path: $0.path, mode: $0.mode) }, enable: plan.enable,
      purge: plan.purge, warnings: plan.warnings)
  }

  /// The bundle's files as they go into the package.
  struct BundleFiles {
    var entries: [Entry] = []
    var units: [(name: String, text: String)] = []
    var conffiles: [String] = []
    var initScript: String?
    var xinetd = false
  }

  /// Reads and checks the bundle and renders every file of the package.
  static func makePlan(bundleDir: String, options: DebOptions) throws -> Plan {
    var st = stat()
    guard stat(bundleDir, &st) == 0 else { throw DebPackageError.noBundle(path: bundleDir) }
    guard (st.st_mode & S_IFMT) == S_IFDIR else {
      throw DebPackageError.notADirectory(path: bundleDir)
    }
    let bundle = try loadBundle(bundleDir)
    let package = try packageName(bundle.name)
    let version = options.version ?? recordedVersion(bundleDir) ?? defaultVersion
    try checkVersion(version)
    let maintainer = options.maintainer ?? defaultMaintainer
    try checkMaintainer(maintainer)
    var files = try readFiles(bundle, bundleDir)
    let units = files.units.map(\.name)

    let enable = bundle.enable.isEmpty ? defaultEnable(units) : bundle.enable
    for unit in enable { try checkUnitName(bundleDir, unit) }
    let services = units.filter { $0.hasSuffix(".service") && !$0.contains("@.") }
    let instances = units.filter { $0.hasSuffix("@.service") }
      .map { $0.replacingOccurrences(of: "@.service", with: "@*.service") }
    var stop: [String] = []
    for unit in enable + services + instances where !stop.contains(unit) { stop.append(unit) }
    let purge = try purgeDirectories(files.units)
    let synopsis = try synopsis(options.description, package: package, units: files.units)
    files.entries += documentation(
      package, version: version, maintainer: maintainer, epoch: options.epoch,
      binary: files.entries[0],
      execPath: bundle.execPath)
    files.entries.sort { $0.path < $1.path }

    let extended =
      "Packaged by Frost \(Frost.version) from a service bundle: the program \(bundle.execPath) "
      + "and its systemd units (\(units.joined(separator: ", "))), enabled and started "
      + "when the package is installed."
    var control = "Package: \(package)\nVersion: \(version)\nArchitecture: amd64\n"
    control += "Maintainer: \(maintainer)\nInstalled-Size: \(installedSize(files.entries))\n"
    control += "Section: misc\nPriority: optional\nDescription: \(synopsis)\n"
    control += wrap(extended, width: 78).map { " \($0)\n" }.joined()

    // A timer's job runs to its end: an upgrade does not start it again.
    let restart = enable.contains { $0.hasSuffix(".timer") } ? [] : services
    let scripts = MaintainerScripts(
      enable: enable, stop: stop, services: restart, purge: purge, xinetd: files.xinetd,
      initScript: files.initScript)
    var warnings: [String] = []
    if bundle.execPath.hasPrefix("/usr/local/") {
      warnings.append(
        "\(bundle.execPath) is under /usr/local, which Debian leaves to the local administrator "
          + "(lintian: file-in-usr-local): generate the bundle with --exec-path /usr/sbin/\(bundle.name)"
      )
    }
    return Plan(
      package: package, version: version, entries: files.entries,
      conffiles: files.conffiles.sorted(),
      control: control,
      scripts: [
        ("postinst", scripts.postinst), ("prerm", scripts.prerm), ("postrm", scripts.postrm),
      ],
      enable: enable, purge: purge, warnings: warnings)
  }

  /// The binary (first), the units for /lib/systemd/system and the /etc files (conffiles).
  static func readFiles(_ bundle: ServiceBundle, _ bundleDir: String) throws -> BundleFiles {
    var out = BundleFiles()
    try checkTargetPath(bundleDir, bundle.execPath)
    let binary = try readBundleFile(bundleDir, bundle.binary)
    // e_machine of a little-endian ELF file: 62 is EM_X86_64.
    if binary.starts(with: [0x7f, 0x45, 0x4c, 0x46]), binary.count > 19,
      binary[18] != 62 || binary[19] != 0
    {
      throw DebPackageError.notAmd64(path: bundleDir + "/" + bundle.binary)
    }
    out.entries.append(Entry(path: bundle.execPath, mode: 0o755, bytes: binary))
    for file in bundle.files {
      let bytes = try readBundleFile(bundleDir, file.path)
      switch file.kind {
      case .systemd:
        let name = (file.path as NSString).lastPathComponent
        try checkUnitName(bundleDir, name)
        out.units.append((name, String(decoding: bytes, as: UTF8.self)))
        out.entries.append(Entry(path: unitDir + name, mode: 0o644, bytes: bytes))
      case .xinetd, .initd:
        try checkTargetPath(bundleDir, file.installPath)
        out.entries.append(Entry(path: file.installPath, mode: file.mode & 0o7777, bytes: bytes))
        out.conffiles.append(file.installPath)
        if file.kind == .xinetd {
          out.xinetd = true
        } else {
          let name = (file.installPath as NSString).lastPathComponent
          try checkUnitName(bundleDir, name)
          out.initScript = name
        }
      }
    }
    guard !out.units.isEmpty else { throw DebPackageError.noUnits(bundle: bundleDir) }
    return out
  }

  /// /usr/share/doc/PKG/copyright and changelog (changelog.gz for a native version, without a
  /// Debian revision; else changelog.Debian.gz), and lintian overrides when any apply.
  static func documentation(
    _ package: String, version: String, maintainer: String, epoch: Int, binary: Entry,
    execPath: String
  ) -> [Entry] {
    let doc = "/usr/share/doc/\(package)/"
    let changes = changelog(package, version: version, maintainer: maintainer, epoch: epoch)
    var out = [
      Entry(path: doc + "copyright", mode: 0o644, bytes: Array(copyright(package).utf8)),
      Entry(
        path: doc + (version.contains("-") ? "changelog.Debian.gz" : "changelog.gz"), mode: 0o644,
        bytes: gzip(Array(changes.utf8))),
    ]
    let overrides = lintianOverrides(
      package, binary: binary.bytes, execPath: execPath, maintainer: maintainer)
    if !overrides.isEmpty {
      out.append(
        Entry(
          path: "/usr/share/lintian/overrides/\(package)", mode: 0o644, bytes: Array(overrides.utf8)
        ))
    }
    return out
  }
}
