import Foundation

/// One problem `frost service audit` found.
public struct AuditFinding: Codable, Equatable, Sendable {
  /// How bad it is: `high` lets another user run code as the service's user.
  public enum Severity: String, Codable, Sendable, Comparable {
    case low, medium, high
    public static func < (a: Severity, b: Severity) -> Bool {
      let order: [Severity] = [.low, .medium, .high]
      return order.firstIndex(of: a)! < order.firstIndex(of: b)!
    }
  }
  /// The kinds of finding.
  public enum Check: String, Codable, Sendable {
    /// A unit, xinetd entry, inetd.conf or init script writable by someone other than root.
    case writableConfig = "writable-config"
    /// A program started by a service writable by someone other than root.
    case writableProgram = "writable-program"
    /// A directory on the path to a config file or program that others can change.
    case writableDirectory = "writable-directory"
    /// An xinetd entry (or inetd.conf) readable by other users.
    case readableConfig = "readable-config"
    /// A service running as root that does not limit its capabilities.
    case rootService = "root-service"
  }
  public var severity: Severity
  public var check: Check
  /// The file or directory at fault.
  public var path: String
  /// The service file that led to it (the same as `path` for config files).
  public var source: String
  public var message: String
}

/// The result of an audit.
public struct AuditReport: Codable, Sendable {
  /// Every service file read.
  public var scanned: [String]
  public var findings: [AuditFinding]
}

/// Audits service definitions and the programs they start for permissions that let other users
/// take a service over (the checks a security scanner makes of /etc/xinetd.d and friends).
public enum ServiceAudit {
  /// Where services are defined when no path is given.
  public static let defaultPaths = [
    "/etc/systemd/system", "/etc/xinetd.d", "/etc/inetd.conf", "/etc/init.d",
  ]

  /// The kinds of service file.
  enum Kind { case systemd, xinetd, inetd, initd }

  /// Audits `paths` (files or directories); the defaults that do not exist are skipped, a
  /// given path that does not exist is an error.
  public static func audit(_ paths: [String]? = nil) throws -> AuditReport {
    var auditor = Auditor()
    for path in paths ?? defaultPaths {
      var st = stat()
      if lstat(path, &st) != 0 {
        if paths == nil { continue }
        throw ServiceError.auditPathMissing(path)
      }
      if FileIO.isDirectory(path) {
        auditor.checkDirectoryChain(path, source: path)
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
        for name in names {
          let file = path + "/" + name
          guard !FileIO.isDirectory(file), let kind = kind(of: file, in: path) else { continue }
          auditor.auditFile(file, kind: kind)
        }
      } else if let kind = kind(of: path, in: (path as NSString).deletingLastPathComponent) {
        auditor.checkDirectoryChain((path as NSString).deletingLastPathComponent, source: path)
        auditor.auditFile(path, kind: kind)
      }
    }
    return AuditReport(scanned: auditor.scanned, findings: auditor.findings)
  }

  /// What a file is, from its name, its directory and its first lines; nil to skip it.
  static func kind(of file: String, in dir: String) -> Kind? {
    let name = (file as NSString).lastPathComponent
    let dirName = (dir as NSString).lastPathComponent
    if name.hasPrefix(".") || name.hasSuffix("~") || name.hasSuffix(".dpkg-old") { return nil }
    if name == "inetd.conf" { return .inetd }
    for suffix in [".service", ".socket"] where name.hasSuffix(suffix) { return .systemd }
    if dirName == "xinetd.d" || name == "xinetd.conf" { return .xinetd }
    if dirName == "init.d" { return name == "README" ? nil : .initd }
    let head = String(decoding: ((try? FileIO.read(file)) ?? []).prefix(4096), as: UTF8.self)
    if head.contains("### BEGIN INIT INFO") { return .initd }
    if head.contains("[Service]") || head.contains("[Socket]") { return .systemd }
    if head.range(of: #"(?m)^\s*service\s+\S+"#, options: .regularExpression) != nil,
      head.contains("{")
    {
      return .xinetd
    }
    return nil
  }

  /// Collects findings; each (check, path) once.
  struct Auditor {
    var scanned: [String] = []
    var findings: [AuditFinding] = []
    var seen: Set<String> = []
    var checkedDirs: Set<String> = []

    mutating func add(_ severity: AuditFinding.Severity, _ check: AuditFinding.Check, _ path: String,
      _ source: String, _ message: String)
    {
      guard seen.insert(check.rawValue + "\0" + path).inserted else { return }
      findings.append(.init(severity: severity, check: check, path: path, source: source, message: message))
    }

    mutating func auditFile(_ file: String, kind: Kind) {
      var st = stat()
      // A masked unit (a link to /dev/null) or a dangling link starts nothing.
      guard stat(file, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return }
      scanned.append(file)
      checkWritable(file, st: st, check: .writableConfig, source: file, what: "service file")
      let text = String(decoding: (try? FileIO.read(file)) ?? [], as: UTF8.self)
      switch kind {
      case .systemd: auditUnit(file, text)
      case .xinetd:
        checkReadable(file, st: st)
        auditXinetd(file, text)
      case .inetd:
        checkReadable(file, st: st)
        auditInetd(file, text)
      case .initd: auditInit(file, text)
      }
    }

    /// Owner other than root, or group/other write permission.
    mutating func checkWritable(_ path: String, st: stat, check: AuditFinding.Check, source: String,
      what: String)
    {
      let mode = st.st_mode & 0o7777
      if st.st_uid != 0 {
        add(.high, check, path, source, "\(what) is owned by \(userName(st.st_uid)), who can change it")
      } else if mode & 0o002 != 0 {
        add(.high, check, path, source, "\(what) is writable by every user (mode \(octal(mode)))")
      } else if mode & 0o020 != 0 && st.st_gid != 0 {
        add(.high, check, path, source, "\(what) is writable by group \(groupName(st.st_gid)) (mode \(octal(mode)))")
      }
    }

    /// xinetd entries and inetd.conf tell where programs are and how they run.
    mutating func checkReadable(_ path: String, st: stat) {
      let mode = st.st_mode & 0o7777
      if mode & 0o007 != 0 {
        add(.medium, .readableConfig, path, path,
          "readable by other users (mode \(octal(mode))): it shows which programs run and how; use 0600")
      }
    }

    /// Every directory from `dir` up to `/`.
    mutating func checkDirectoryChain(_ dir: String, source: String) {
      var current = dir
      while !current.isEmpty {
        if checkedDirs.insert(current).inserted {
          var st = stat()
          if stat(current, &st) == 0 {
            let mode = st.st_mode & 0o7777
            let sticky = mode & 0o1000 != 0
            if mode & 0o002 != 0 && !sticky {
              add(.high, .writableDirectory, current, source,
                "directory is writable by every user (mode \(octal(mode))): anyone can replace what is in it")
            } else if st.st_uid != 0 {
              add(.medium, .writableDirectory, current, source,
                "directory is owned by \(userName(st.st_uid)), who can replace what is in it")
            } else if mode & 0o020 != 0 && st.st_gid != 0 && !sticky {
              add(.medium, .writableDirectory, current, source,
                "directory is writable by group \(groupName(st.st_gid)) (mode \(octal(mode)))")
            }
          }
        }
        if current == "/" { break }
        current = (current as NSString).deletingLastPathComponent
      }
    }

    /// The program a service starts: its file and every directory above it.
    mutating func auditProgram(_ program: String, source: String) {
      guard let path = resolve(program) else { return }
      var st = stat()
      guard stat(path, &st) == 0 else { return }
      checkWritable(path, st: st, check: .writableProgram, source: source, what: "program")
      checkDirectoryChain((path as NSString).deletingLastPathComponent, source: source)
    }

    mutating func auditUnit(_ file: String, _ text: String) {
      let values = unitValues(text, section: "Service")
      for key in ["ExecStart", "ExecStartPre", "ExecStartPost", "ExecReload", "ExecStop", "ExecStopPost", "ExecCondition"] {
        for value in values[key] ?? [] {
          if let program = execProgram(value) { auditProgram(program, source: file) }
        }
      }
      guard file.hasSuffix(".service") else { return }
      let user = values["User"]?.last ?? ""
      let dynamic = ["yes", "true", "1", "on"].contains(values["DynamicUser"]?.last?.lowercased() ?? "")
      let caps = values["CapabilityBoundingSet"]?.last
      let limited = caps != nil && !(caps!.hasPrefix("~"))
      if !dynamic && (user.isEmpty || user == "root" || user == "0") && !limited {
        add(.medium, .rootService, file, file,
          "runs as root with every capability: set User= or DynamicUser=yes, or limit CapabilityBoundingSet=")
      }
    }

    mutating func auditXinetd(_ file: String, _ text: String) {
      // service NAME { key = value ... }
      var name = ""
      var attrs: [String: String] = [:]
      for raw in text.split(separator: "\n") {
        let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first
          .map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
        if line.hasPrefix("service ") {
          name = String(line.dropFirst(8)).trimmingCharacters(in: .whitespaces)
          attrs = [:]
        } else if line == "}" {
          finishXinetd(file, name, attrs)
          name = ""
        } else if let eq = line.firstIndex(of: "=") {
          var key = String(line[..<eq]).trimmingCharacters(in: .whitespaces)
          if key.hasSuffix("+") || key.hasSuffix("-") { key.removeLast() }
          attrs[key.trimmingCharacters(in: .whitespaces)] = String(line[line.index(after: eq)...])
            .trimmingCharacters(in: .whitespaces)
        }
      }
    }

    mutating func finishXinetd(_ file: String, _ name: String, _ attrs: [String: String]) {
      guard !name.isEmpty, name != "defaults" else { return }
      if (attrs["disable"] ?? "no").lowercased() == "yes" { return }
      if let server = attrs["server"] { auditProgram(server, source: file) }
      let user = attrs["user"] ?? ""
      if user.isEmpty || user == "root" || user == "0" {
        add(.medium, .rootService, file, file,
          "xinetd service '\(name)' runs as root" + (user.isEmpty ? " (no user attribute)" : "")
            + ": set user = an unprivileged account")
      }
    }

    mutating func auditInetd(_ file: String, _ text: String) {
      for raw in text.split(separator: "\n") {
        let line = raw.trimmingCharacters(in: .whitespaces)
        if line.isEmpty || line.hasPrefix("#") { continue }
        let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count >= 6 else { continue }
        let user = String(fields[4].split(whereSeparator: { $0 == "." || $0 == ":" }).first ?? "")
        let server = fields[5]
        if server != "internal" { auditProgram(server, source: file) }
        if user == "root" || user == "0" {
          add(.medium, .rootService, file + ":" + fields[0], file,
            "inetd service '\(fields[0])' runs as root")
        }
      }
    }

    mutating func auditInit(_ file: String, _ text: String) {
      var dropsPrivileges = false
      for raw in text.split(separator: "\n") {
        let line = raw.trimmingCharacters(in: .whitespaces)
        if line.hasPrefix("#") { continue }
        if line.hasPrefix("DAEMON=") {
          let value = line.dropFirst(7).trimmingCharacters(in: CharacterSet(charactersIn: "\"' "))
          if value.hasPrefix("/") && !value.contains("$") { auditProgram(value, source: file) }
        }
        for marker in ["--chuid", "runuser", "setpriv", "su -c", "su -s", "--user"] where line.contains(marker) {
          dropsPrivileges = true
        }
      }
      if !dropsPrivileges && text.contains("DAEMON=") {
        add(.low, .rootService, file, file,
          "init script starts its program as root (no runuser, setpriv or start-stop-daemon --chuid)")
      }
    }
  }

  /// `key -> values` of one section of a unit file (continuation lines joined).
  static func unitValues(_ text: String, section: String) -> [String: [String]] {
    var values: [String: [String]] = [:]
    var current = ""
    var pending = ""
    for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
      var line = String(raw).trimmingCharacters(in: .whitespaces)
      if pending.isEmpty && (line.hasPrefix("#") || line.hasPrefix(";")) { continue }
      if line.hasSuffix("\\") {
        line.removeLast()
        pending += line + " "
        continue
      }
      line = pending + line
      pending = ""
      if line.hasPrefix("[") {
        current = String(line.dropFirst().dropLast())
        continue
      }
      guard current == section, let eq = line.firstIndex(of: "=") else { continue }
      let key = line[..<eq].trimmingCharacters(in: .whitespaces)
      let value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
      if value.isEmpty { values[key] = [] } else { values[key, default: []].append(value) }
    }
    return values
  }

  /// The program of an `Exec*=` line: prefixes (`-@:+!|`) dropped, the first word unquoted.
  static func execProgram(_ value: String) -> String? {
    var rest = Substring(value)
    while let c = rest.first, "-@:+!|".contains(c) { rest = rest.dropFirst() }
    rest = rest.drop(while: { $0 == " " })
    guard let first = rest.first else { return nil }
    if first == "\"" || first == "'" {
      let body = rest.dropFirst()
      guard let end = body.firstIndex(of: first) else { return nil }
      return String(body[..<end])
    }
    return String(rest.prefix { $0 != " " && $0 != "\t" })
  }

  /// An absolute path, or the name looked up in systemd's fixed search path.
  static func resolve(_ program: String) -> String? {
    if program.hasPrefix("/") { return program }
    if program.contains("$") || program.contains("%") { return nil }
    for dir in ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"] {
      let path = dir + "/" + program
      if FileManager.default.fileExists(atPath: path) { return path }
    }
    return nil
  }

  static func octal(_ mode: mode_t) -> String {
    let s = String(mode, radix: 8)
    return String(repeating: "0", count: max(0, 4 - s.count)) + s
  }

  static func userName(_ uid: uid_t) -> String {
    if let pw = getpwuid(uid), let name = pw.pointee.pw_name { return "user \(String(cString: name)) (uid \(uid))" }
    return "uid \(uid)"
  }

  static func groupName(_ gid: gid_t) -> String {
    if let gr = getgrgid(gid), let name = gr.pointee.gr_name { return String(cString: name) }
    return "\(gid)"
  }
}
