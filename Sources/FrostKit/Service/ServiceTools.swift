import Foundation

/// Runs the system's service tools (`systemd-analyze`, `systemctl`) and reads their output.
public enum ServiceTools {
  /// What one run of a tool printed.
  public struct Output: Sendable {
    public var status: Int32
    /// stdout and stderr, interleaved as the tool wrote them.
    public var text: String
  }

  /// Runs `tool` (searched in /usr/bin, /bin, /usr/sbin, /sbin) with `args`, `environment`
  /// added to this process's; stdin is /dev/null.
  public static func run(_ tool: String, _ args: [String], environment: [String: String] = [:])
    throws -> Output
  {
    guard let path = find(tool) else {
      throw ServiceError.toolFailed(tool: tool, status: 127, output: "not found")
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = args
    var env = ProcessInfo.processInfo.environment
    env["SYSTEMD_COLORS"] = "0"
    env["SYSTEMD_PAGER"] = "cat"
    env["LC_ALL"] = "C.UTF-8"
    env.merge(environment) { $1 }
    process.environment = env
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    process.standardInput = FileHandle.nullDevice
    do { try process.run() } catch {
      throw ServiceError.toolFailed(tool: tool, status: 127, output: "\(error)")
    }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Output(status: process.terminationStatus, text: String(decoding: data, as: UTF8.self))
  }

  /// The path of `tool`, or nil.
  public static func find(_ tool: String) -> String? {
    if tool.hasPrefix("/") { return tool }
    for dir in ["/usr/bin", "/bin", "/usr/sbin", "/sbin", "/usr/local/bin"] {
      let path = dir + "/" + tool
      if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
  }

  /// `systemd-analyze verify FILES`: the output is part of the verdict, since an unknown key is
  /// only a warning with status 0. Every non-empty line counts as a complaint.
  public static func verify(_ files: [String]) throws -> Output {
    try run("systemd-analyze", ["verify", "--man=no"] + files)
  }

  /// `systemd-analyze security --offline=yes FILE`: the overall exposure (0.0 safe .. 10.0).
  public static func securityScore(_ file: String) throws -> (score: Double, output: Output) {
    let out = try run("systemd-analyze", ["security", "--offline=yes", "--no-pager", file])
    guard let score = parseExposure(out.text) else {
      throw ServiceError.toolFailed(
        tool: "systemd-analyze security", status: out.status, output: lastLine(out.text))
    }
    return (score, out)
  }

  /// Reads "Overall exposure level for X: 1.3 OK" from `systemd-analyze security`.
  public static func parseExposure(_ text: String) -> Double? {
    for line in text.split(separator: "\n").reversed() {
      guard let range = line.range(of: "Overall exposure level for ") else { continue }
      let rest = line[range.upperBound...]
      guard let colon = rest.range(of: ": ") else { continue }
      let value = rest[colon.upperBound...].prefix { $0.isNumber || $0 == "." }
      return Double(value)
    }
    return nil
  }

  static func lastLine(_ text: String) -> String {
    String(text.split(separator: "\n").last ?? "")
  }
}
