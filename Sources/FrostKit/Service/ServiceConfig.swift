import Foundation

/// Reads `[tool.frost.service]` from pyproject.toml: the same settings as
/// `frost service generate`'s options, spelled `exec-path` or `exec_path`.
///
/// Read with `TOMLReader` (TOMLKit).
public enum ServiceConfig {
  /// One TOML value of the subset (`TOMLValue`).
  public typealias Value = TOMLValue

  /// The table Frost reads.
  public static let tableName = "tool.frost.service"

  /// The `key = value` pairs of `table` in `text`, in order; empty when the table is absent.
  public static func entries(_ text: String, table: String = tableName, path: String) throws
    -> [(key: String, value: Value, line: Int)]
  {
    do { return try TOMLReader.entries(text, table: table) } catch {
      throw ServiceError.badConfig(path: path, line: error.line, reason: error.reason)
    }
  }

  /// Reads `path` and applies its `[tool.frost.service]` to `spec`. Returns false when the file
  /// has no such table.
  @discardableResult
  public static func apply(file path: String, to spec: inout ServiceSpec) throws -> Bool {
    guard let bytes = try? FileIO.read(path) else {
      throw ServiceError.io(path: path, reason: "cannot read")
    }
    let found = try entries(String(decoding: bytes, as: UTF8.self), path: path)
    for (key, value, _) in found { try apply(key: key, value: value, to: &spec, path: path) }
    return !found.isEmpty
  }

  /// Sets one setting from the table.
  public static func apply(key rawKey: String, value: Value, to spec: inout ServiceSpec, path: String)
    throws
  {
    let key = rawKey.replacingOccurrences(of: "_", with: "-")
    func bad(_ reason: String) -> ServiceError { .badConfigKey(path: path, key: rawKey, reason: reason) }
    func string() throws -> String {
      guard case .string(let s) = value else { throw bad("expected a string") }
      return s
    }
    func bool() throws -> Bool {
      guard case .bool(let b) = value else { throw bad("expected true or false") }
      return b
    }
    func int() throws -> Int {
      guard case .integer(let i) = value else { throw bad("expected an integer") }
      return i
    }
    func strings() throws -> [String] {
      guard let list = value.strings else { throw bad("expected an array of strings") }
      return list
    }
    switch key {
    case "name": spec.name = try string()
    case "exec-path": spec.execPath = try string()
    case "args", "arguments": spec.arguments = try strings()
    case "description": spec.summary = try string()
    case "user": spec.user = try string()
    case "notify": spec.notify = try bool()
    case "watchdog", "watchdog-sec": spec.watchdogSeconds = try int()
    case "restart": spec.restart = try string()
    case "working-directory": spec.workingDirectory = try string()
    case "environment":
      if case .table(let table) = value {
        spec.environment = try table.keys.sorted().map {
          guard case .string(let v) = table[$0]! else { throw bad("expected string values") }
          return "\($0)=\(v)"
        }
      } else {
        spec.environment = try strings()
      }
    case "environment-file": spec.environmentFile = try string()
    case "state-directory": spec.stateDirectory = try bool()
    case "runtime-directory": spec.runtimeDirectory = try bool()
    case "logs-directory": spec.logsDirectory = try bool()
    case "cache-directory": spec.cacheDirectory = try bool()
    case "capabilities", "capability": spec.capabilities = try strings()
    case "hardening": spec.hardening = try bool()
    case "listen": spec.listen = try ListenAddress(parsing: string())
    case "accept": spec.accept = try bool()
    case "xinetd": spec.xinetd = try bool()
    case "initd": spec.initd = try bool()
    case "only-from": spec.onlyFrom = try strings().joined(separator: " ")
    case "instances": spec.instances = try int()
    case "per-source": spec.perSource = try int()
    case "pidfile": spec.pidfile = try string()
    case "log-file": spec.logFile = try string()
    case "on-calendar":
      if case .string(let one) = value { spec.onCalendar = [one] } else { spec.onCalendar = try strings() }
    case "on-boot-sec": spec.onBootSec = try string()
    case "on-unit-active-sec": spec.onUnitActiveSec = try string()
    default: throw bad("unknown setting")
    }
  }
}
