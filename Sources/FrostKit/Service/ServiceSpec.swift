/// Everything `frost service generate` needs to describe one service: from the command line,
/// from pyproject.toml's `[tool.frost.service]`, or both (the command line wins).
public struct ServiceSpec: Codable, Equatable, Sendable {
  /// The unit name without suffix (`NAME.service`), also the xinetd and init.d name.
  public var name: String
  /// Where the binary will live on the target; `/usr/local/bin/NAME` when nil.
  public var execPath: String?
  /// Arguments given to the program after its path.
  public var arguments: [String] = []
  /// One line for `Description=` and the init script; "NAME (frozen by Frost)" when nil.
  public var summary: String?
  /// The account to run as; nil means `DynamicUser=yes` (systemd) and `nobody` (xinetd, init.d).
  public var user: String?
  /// `Type=notify`: the program sends READY=1 (`frost.notify`).
  public var notify = false
  /// `WatchdogSec=`: the program must ping the watchdog within this many seconds.
  public var watchdogSeconds: Int?
  /// `Restart=` of the long-running service.
  public var restart = "on-failure"
  /// `WorkingDirectory=`.
  public var workingDirectory: String?
  /// `Environment=` entries, each `KEY=VALUE`.
  public var environment: [String] = []
  /// `EnvironmentFile=`.
  public var environmentFile: String?
  /// `StateDirectory=NAME` (/var/lib/NAME).
  public var stateDirectory = false
  /// `RuntimeDirectory=NAME` (/run/NAME).
  public var runtimeDirectory = false
  /// `LogsDirectory=NAME` (/var/log/NAME).
  public var logsDirectory = false
  /// `CacheDirectory=NAME` (/var/cache/NAME): where a binary built with `--native-cache` keeps
  /// its shared objects (`$CACHE_DIRECTORY`); set for such a binary without being asked.
  public var cacheDirectory = false
  /// Capabilities kept (`CAP_NET_BIND_SERVICE`, ...); the bounding set is empty otherwise.
  public var capabilities: [String] = []
  /// The default hardening set; off only when asked.
  public var hardening = true
  /// `--listen`: adds a socket unit (and is the xinetd port).
  public var listen: ListenAddress?
  /// inetd style: one instance per connection, the connection on stdin/stdout.
  public var accept = false
  /// Also write an xinetd entry.
  public var xinetd = false
  /// Also write an LSB init script.
  public var initd = false
  /// xinetd `only_from`.
  public var onlyFrom = "127.0.0.1"
  /// Most connections at a time (xinetd `instances`, systemd `MaxConnections=`).
  public var instances = 30
  /// Most connections from one address (xinetd `per_source`, `MaxConnectionsPerSource=`).
  public var perSource = 10
  /// The init script's pidfile; `/run/NAME/NAME.pid` when nil.
  public var pidfile: String?
  /// The init script's log file for the daemon's stdout/stderr; /dev/null when nil.
  public var logFile: String?
  /// `OnCalendar=` of `NAME.timer` (repeatable): the service becomes a job the timer starts.
  public var onCalendar: [String] = []
  /// `OnBootSec=` of `NAME.timer`: a time span after boot.
  public var onBootSec: String?
  /// `OnUnitActiveSec=` of `NAME.timer`: a time span after the job last started.
  public var onUnitActiveSec: String?

  /// True when the service is a job started by `NAME.timer` (any timer setting given).
  public var isTimerJob: Bool { !onCalendar.isEmpty || onBootSec != nil || onUnitActiveSec != nil }

  /// A spec with every setting at its default.
  public init(name: String) { self.name = name }

  /// The binary's path on the target.
  public var resolvedExecPath: String { execPath ?? "/usr/local/bin/\(name)" }
  /// The description line.
  public var resolvedSummary: String { summary ?? "\(name) (frozen by Frost)" }
  /// The init script's pidfile.
  public var resolvedPidfile: String { pidfile ?? "/run/\(name)/\(name).pid" }
  /// True when the service runs as root (asked for explicitly).
  public var runsAsRoot: Bool { user == "root" || user == "0" }

  /// Checks every value can be written into a unit file, xinetd entry and shell script.
  public func validate() throws {
    try Self.checkName(name)
    try Self.checkPath("exec-path", resolvedExecPath)
    for arg in arguments where arg.contains("\n") || arg.contains("\0") {
      throw ServiceError.invalidValue(
        setting: "argument", value: arg, reason: "contains a newline or NUL byte")
    }
    try Self.checkLine("description", resolvedSummary)
    if let user {
      let ok =
        !user.isEmpty && user.count <= 32
        && user.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_-.".contains($0)) }
        && user.first != "-"
      if !ok {
        throw ServiceError.invalidValue(
          setting: "user", value: user, reason: "not a user name or numeric uid")
      }
    }
    if let watchdogSeconds, watchdogSeconds <= 0 {
      throw ServiceError.invalidValue(
        setting: "watchdog", value: "\(watchdogSeconds)", reason: "must be a positive number")
    }
    let restarts = ["no", "on-success", "on-failure", "on-abnormal", "on-watchdog", "on-abort", "always"]
    if !restarts.contains(restart) {
      throw ServiceError.invalidValue(
        setting: "restart", value: restart, reason: "one of " + restarts.joined(separator: ", "))
    }
    if let workingDirectory { try Self.checkPath("working-directory", workingDirectory) }
    if let environmentFile { try Self.checkPath("environment-file", environmentFile) }
    for entry in environment { try Self.checkEnvironment(entry) }
    for cap in capabilities {
      let body = cap.dropFirst(4)
      if !cap.hasPrefix("CAP_") || body.isEmpty
        || !body.allSatisfy({ $0.isASCII && ($0.isUppercase || $0 == "_") })
      {
        throw ServiceError.invalidValue(
          setting: "capability", value: cap, reason: "expected a name like CAP_NET_BIND_SERVICE")
      }
    }
    if accept && listen == nil { throw ServiceError.missing(setting: "--listen", neededBy: "--accept") }
    if xinetd && listen == nil { throw ServiceError.missing(setting: "--listen", neededBy: "--xinetd") }
    if accept && notify {
      throw ServiceError.conflict(
        "--notify cannot be combined with --accept: each connection's instance is short-lived")
    }
    if instances <= 0 || perSource <= 0 {
      throw ServiceError.invalidValue(
        setting: "instances/per-source", value: "\(instances)/\(perSource)",
        reason: "must be positive")
    }
    try Self.checkLine("only-from", onlyFrom)
    if xinetd {
      for arg in arguments where arg.contains(where: { $0 == " " || $0 == "\t" }) || arg.isEmpty {
        throw ServiceError.invalidValue(
          setting: "argument", value: arg,
          reason: "xinetd splits server_args on blanks and cannot quote")
      }
      for entry in environment where entry.contains(" ") || entry.contains("\t") {
        throw ServiceError.invalidValue(
          setting: "environment", value: entry, reason: "xinetd's env cannot hold blanks")
      }
    }
    try Self.checkPath("pidfile", resolvedPidfile)
    if let logFile { try Self.checkPath("log-file", logFile) }
    try validateTimer()
  }

  /// Timer settings: one line each, and no setting that a job started by a timer cannot have.
  /// (Their syntax is checked by `systemd-analyze calendar` / `timespan` in `ServiceGenerator`.)
  func validateTimer() throws {
    for spec in onCalendar { try Self.checkLine("on-calendar", spec) }
    if let onBootSec { try Self.checkLine("on-boot-sec", onBootSec) }
    if let onUnitActiveSec { try Self.checkLine("on-unit-active-sec", onUnitActiveSec) }
    guard isTimerJob else { return }
    if listen != nil {
      throw ServiceError.conflict("a timer job (--on-calendar, --on-boot-sec, --on-unit-active-sec) cannot also --listen")
    }
    if notify || watchdogSeconds != nil {
      throw ServiceError.conflict("a timer job runs to its end (Type=oneshot): no --notify or --watchdog")
    }
  }

  /// Unit names: letters, digits, `:-_.\`, at most 255 bytes with the suffix; no `@` (templates
  /// are made by Frost itself).
  static func checkName(_ name: String) throws {
    if name.isEmpty { throw ServiceError.invalidName(name, reason: "empty") }
    if name.utf8.count > 240 { throw ServiceError.invalidName(name, reason: "too long") }
    let allowed = name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.:".contains($0)) }
    if !allowed {
      throw ServiceError.invalidName(
        name, reason: "use only letters, digits and - _ . : (no '@', '/' or blanks)")
    }
    if name.hasPrefix(".") || name.hasPrefix("-") {
      throw ServiceError.invalidName(name, reason: "must not start with '.' or '-'")
    }
  }

  static func checkLine(_ setting: String, _ value: String) throws {
    if value.contains(where: { $0.isNewline || $0 == "\0" }) {
      throw ServiceError.invalidValue(setting: setting, value: value, reason: "contains a newline")
    }
  }

  static func checkPath(_ setting: String, _ path: String) throws {
    try checkLine(setting, path)
    if !path.hasPrefix("/") {
      throw ServiceError.invalidValue(setting: setting, value: path, reason: "must be an absolute path")
    }
    if path.contains(where: { $0 == " " || $0 == "\t" || $0 == "\"" || $0 == "'" || $0 == "\\" }) {
      throw ServiceError.invalidValue(
        setting: setting, value: path, reason: "blanks, quotes and backslashes are not supported")
    }
  }

  static func checkEnvironment(_ entry: String) throws {
    try checkLine("environment", entry)
    guard let eq = entry.firstIndex(of: "="), eq != entry.startIndex else {
      throw ServiceError.invalidValue(setting: "environment", value: entry, reason: "expected KEY=VALUE")
    }
    let key = entry[..<eq]
    let ok =
      key.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
      && !(key.first?.isNumber ?? true)
    if !ok {
      throw ServiceError.invalidValue(
        setting: "environment", value: entry, reason: "the name must be letters, digits and _")
    }
  }
}

/// Where a socket listens: an IPv4 or IPv6 address (empty: every address) and a TCP port.
public struct ListenAddress: Codable, Equatable, Sendable, CustomStringConvertible {
  /// The address without brackets; empty for "every address".
  public var host: String
  /// The TCP port, 1-65535.
  public var port: Int

  public init(host: String, port: Int) {
    self.host = host
    self.port = port
  }

  /// Parses `127.0.0.1:8080`, `[::1]:8080`, `0.0.0.0:80` or `8080`.
  public init(parsing text: String) throws {
    var host = ""
    var portText = text
    if text.hasPrefix("[") {
      guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":")
      else { throw ServiceError.badListenAddress(text) }
      host = String(text[text.index(after: text.startIndex)..<close])
      portText = String(text[text.index(close, offsetBy: 2)...])
    } else if let colon = text.lastIndex(of: ":") {
      host = String(text[..<colon])
      portText = String(text[text.index(after: colon)...])
      if host.contains(":") { throw ServiceError.badListenAddress(text) }
    }
    guard let port = Int(portText), (1...65535).contains(port) else {
      throw ServiceError.badListenAddress(text)
    }
    let hostOK = host.allSatisfy { $0.isASCII && ($0.isHexDigit || $0 == "." || $0 == ":") }
    if !hostOK || (text.hasPrefix("[") && host.isEmpty) {
      throw ServiceError.badListenAddress(text)
    }
    self.host = host
    self.port = port
  }

  /// True for an IPv6 literal.
  public var isIPv6: Bool { host.contains(":") }

  /// The form systemd's `ListenStream=` takes.
  public var description: String {
    if host.isEmpty { return "\(port)" }
    return isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)"
  }
}
