import Foundation

/// Reads `[tool.frost.service]` from pyproject.toml: the same settings as
/// `frost service generate`'s options, spelled `exec-path` or `exec_path`.
///
/// A TOML subset is enough for it: `key = value` with basic and literal strings, integers,
/// booleans, arrays (over several lines too) and inline tables of strings (for `environment`);
/// other tables are skipped without being interpreted.
public enum ServiceConfig {
  /// One TOML value of the subset.
  public enum Value: Equatable, Sendable {
    case string(String)
    case integer(Int)
    case bool(Bool)
    case array([Value])
    case table([String: Value])
  }

  /// The table Frost reads.
  public static let tableName = "tool.frost.service"

  /// The `key = value` pairs of `table` in `text`, in order; empty when the table is absent.
  public static func entries(_ text: String, table: String = tableName, path: String) throws
    -> [(key: String, value: Value, line: Int)]
  {
    var result: [(String, Value, Int)] = []
    var current = ""
    var pending = ""
    var pendingLine = 0
    for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let lineNumber = index + 1
      let line = stripComment(String(rawLine)).trimmingCharacters(in: .whitespaces)
      if pending.isEmpty {
        if line.isEmpty { continue }
        if line.hasPrefix("[") {
          let inner = line.hasPrefix("[[") ? "" : String(line.dropFirst().dropLast())
          current = inner.split(separator: ".").map {
            $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
          }.joined(separator: ".")
          continue
        }
        pendingLine = lineNumber
      }
      pending += (pending.isEmpty ? "" : "\n") + line
      // Arrays and inline tables may continue on the next lines.
      if !balanced(pending) { continue }
      let statement = pending
      pending = ""
      guard current == table else { continue }
      guard let eq = statement.firstIndex(of: "=") else {
        throw ServiceError.badConfig(path: path, line: pendingLine, reason: "expected key = value")
      }
      let key = statement[..<eq].trimmingCharacters(in: .whitespaces)
        .trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
      var parser = ValueParser(text: Array(statement[statement.index(after: eq)...]))
      do {
        let value = try parser.parseValue()
        parser.skipBlanks()
        if !parser.atEnd { throw ParseFailure(reason: "unexpected text after the value") }
        result.append((key, value, pendingLine))
      } catch let failure as ParseFailure {
        throw ServiceError.badConfig(path: path, line: pendingLine, reason: failure.reason)
      }
    }
    if !pending.isEmpty {
      throw ServiceError.badConfig(path: path, line: pendingLine, reason: "unterminated value")
    }
    return result
  }

  /// Reads `path` and applies its `[tool.frost.service]` to `spec`. Returns false when the file
  /// has no such table.
  @discardableResult
  public static func apply(file path: String, to spec: inout ServiceSpec) throws -> Bool {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw ServiceError.io(path: path, reason: "cannot read")
    }
    let found = try entries(String(decoding: data, as: UTF8.self), path: path)
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
      if case .string(let s) = value { return [s] }
      guard case .array(let items) = value else { throw bad("expected an array of strings") }
      return try items.map {
        guard case .string(let s) = $0 else { throw bad("expected an array of strings") }
        return s
      }
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
    default: throw bad("unknown setting")
    }
  }

  /// `line` without a `#` comment (a `#` inside a string is kept).
  static func stripComment(_ line: String) -> String {
    var quote: Character? = nil
    var escaped = false
    var out = ""
    for c in line {
      if let q = quote {
        if escaped { escaped = false } else if c == "\\" && q == "\"" { escaped = true } else if c == q { quote = nil }
      } else if c == "\"" || c == "'" {
        quote = c
      } else if c == "#" {
        break
      }
      out.append(c)
    }
    return out
  }

  /// True when every `[` and `{` outside strings is closed.
  static func balanced(_ text: String) -> Bool {
    var depth = 0
    var quote: Character? = nil
    var escaped = false
    var afterEquals = false
    for c in text {
      if let q = quote {
        if escaped { escaped = false } else if c == "\\" && q == "\"" { escaped = true } else if c == q { quote = nil }
        continue
      }
      if c == "=" { afterEquals = true }
      guard afterEquals else { continue }
      switch c {
      case "\"", "'": quote = c
      case "[", "{": depth += 1
      case "]", "}": depth -= 1
      default: break
      }
    }
    return depth <= 0 && quote == nil
  }

  struct ParseFailure: Error { var reason: String }

  /// A recursive-descent reader of one value.
  struct ValueParser {
    var text: [Character]
    var pos = 0

    var atEnd: Bool { pos >= text.count }

    mutating func skipBlanks() {
      while pos < text.count, text[pos] == " " || text[pos] == "\t" || text[pos] == "\n" || text[pos] == "\r" {
        pos += 1
      }
    }

    mutating func parseValue() throws -> Value {
      skipBlanks()
      guard pos < text.count else { throw ParseFailure(reason: "missing value") }
      switch text[pos] {
      case "\"": return .string(try basicString())
      case "'": return .string(try literalString())
      case "[": return try array()
      case "{": return try inlineTable()
      default: return try scalar()
      }
    }

    mutating func basicString() throws -> String {
      pos += 1
      var out = ""
      while pos < text.count {
        let c = text[pos]
        pos += 1
        if c == "\"" { return out }
        if c == "\n" { break }
        guard c == "\\" else { out.append(c); continue }
        guard pos < text.count else { break }
        let e = text[pos]
        pos += 1
        switch e {
        case "n": out.append("\n")
        case "t": out.append("\t")
        case "r": out.append("\r")
        case "\\": out.append("\\")
        case "\"": out.append("\"")
        case "u", "U":
          let width = e == "u" ? 4 : 8
          guard pos + width <= text.count, let code = UInt32(String(text[pos..<pos + width]), radix: 16),
            let scalar = Unicode.Scalar(code)
          else { throw ParseFailure(reason: "bad \\u escape") }
          out.unicodeScalars.append(scalar)
          pos += width
        default: throw ParseFailure(reason: "unknown escape \\\(e)")
        }
      }
      throw ParseFailure(reason: "unterminated string")
    }

    mutating func literalString() throws -> String {
      pos += 1
      var out = ""
      while pos < text.count {
        let c = text[pos]
        pos += 1
        if c == "'" { return out }
        if c == "\n" { break }
        out.append(c)
      }
      throw ParseFailure(reason: "unterminated string")
    }

    mutating func array() throws -> Value {
      pos += 1
      var items: [Value] = []
      while true {
        skipBlanks()
        guard pos < text.count else { throw ParseFailure(reason: "unterminated array") }
        if text[pos] == "]" { pos += 1; return .array(items) }
        items.append(try parseValue())
        skipBlanks()
        guard pos < text.count else { throw ParseFailure(reason: "unterminated array") }
        if text[pos] == "," { pos += 1 } else if text[pos] != "]" {
          throw ParseFailure(reason: "expected ',' or ']' in an array")
        }
      }
    }

    mutating func inlineTable() throws -> Value {
      pos += 1
      var table: [String: Value] = [:]
      while true {
        skipBlanks()
        guard pos < text.count else { throw ParseFailure(reason: "unterminated inline table") }
        if text[pos] == "}" { pos += 1; return .table(table) }
        let key: String
        if text[pos] == "\"" { key = try basicString() } else if text[pos] == "'" { key = try literalString() } else {
          var k = ""
          while pos < text.count, text[pos].isLetter || text[pos].isNumber || text[pos] == "_" || text[pos] == "-" {
            k.append(text[pos])
            pos += 1
          }
          guard !k.isEmpty else { throw ParseFailure(reason: "expected a key in an inline table") }
          key = k
        }
        skipBlanks()
        guard pos < text.count, text[pos] == "=" else { throw ParseFailure(reason: "expected '='") }
        pos += 1
        table[key] = try parseValue()
        skipBlanks()
        guard pos < text.count else { throw ParseFailure(reason: "unterminated inline table") }
        if text[pos] == "," { pos += 1 } else if text[pos] != "}" {
          throw ParseFailure(reason: "expected ',' or '}' in an inline table")
        }
      }
    }

    mutating func scalar() throws -> Value {
      var word = ""
      while pos < text.count, !",]} \t\n".contains(text[pos]) {
        word.append(text[pos])
        pos += 1
      }
      if word == "true" { return .bool(true) }
      if word == "false" { return .bool(false) }
      if let i = Int(word.replacingOccurrences(of: "_", with: "")) { return .integer(i) }
      throw ParseFailure(reason: "unsupported value '\(word)' (strings, integers, booleans, arrays)")
    }
  }
}
