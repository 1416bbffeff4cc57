/// Errors of generating, checking, installing and auditing services.
public enum ServiceError: Error, CustomStringConvertible, Equatable {
  /// A service name systemd would not accept as a unit name.
  case invalidName(String, reason: String)
  /// A setting has a value that cannot be written into a unit file.
  case invalidValue(setting: String, value: String, reason: String)
  /// Two settings cannot be combined.
  case conflict(String)
  /// A setting needs another one (e.g. `--accept` needs `--listen`).
  case missing(setting: String, neededBy: String)
  /// `--listen` is not `ADDR:PORT`, `[ADDR]:PORT` or `PORT`.
  case badListenAddress(String)
  /// The program to run as a service does not exist or is not executable.
  case notExecutable(path: String)
  /// A line of pyproject.toml's `[tool.frost.service]` could not be read.
  case badConfig(path: String, line: Int, reason: String)
  /// A key of `[tool.frost.service]` has the wrong type or is unknown.
  case badConfigKey(path: String, key: String, reason: String)
  /// A file could not be read or written.
  case io(path: String, reason: String)
  /// A directory given to `install` or `uninstall` has no `frost-service.json`.
  case notABundle(path: String)
  /// An external tool (systemctl, systemd-analyze) could not be run or failed.
  case toolFailed(tool: String, status: Int32, output: String)
  /// A generated unit did not pass `systemd-analyze verify`.
  case verifyFailed(unit: String, output: String)
  /// A path given to `audit` does not exist.
  case auditPathMissing(String)

  public var description: String {
    switch self {
    case .invalidName(let name, let reason): "invalid service name '\(name)': \(reason)"
    case .invalidValue(let setting, let value, let reason):
      "invalid \(setting) '\(value)': \(reason)"
    case .conflict(let what): what
    case .missing(let setting, let neededBy): "\(neededBy) needs \(setting)"
    case .badListenAddress(let value):
      "invalid listen address '\(value)': expected ADDR:PORT, [ADDR]:PORT or PORT (1-65535)"
    case .notExecutable(let path): "'\(path)' is not an executable file"
    case .badConfig(let path, let line, let reason): "\(path):\(line): \(reason)"
    case .badConfigKey(let path, let key, let reason):
      "\(path): [tool.frost.service] \(key): \(reason)"
    case .io(let path, let reason): "\(path): \(reason)"
    case .notABundle(let path):
      "'\(path)' has no frost-service.json: give a directory written by `frost service generate`"
    case .toolFailed(let tool, let status, let output):
      "\(tool) failed (status \(status))" + (output.isEmpty ? "" : ": \(output)")
    case .verifyFailed(let unit, let output): "systemd-analyze verify \(unit): \(output)"
    case .auditPathMissing(let path): "'\(path)' does not exist"
    }
  }
}

extension ServiceError {
  /// A `FileIO` error as `.io`: the same "PATH: what went wrong" text.
  static func file(_ error: FileError) -> ServiceError {
    .io(path: error.path, reason: error.message)
  }
}
