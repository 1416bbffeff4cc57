/// The `[tool.frost]` table of a project's `pyproject.toml`: the flags of `frost build` by
/// their long names (`include-module = ["a", "b"]`, `include-source = true`, `python = "..."`).
///
/// A TOML subset: `key = value` lines where value is a basic or literal string, a boolean, an
/// integer, or an array of strings (which may span lines); `#` comments. Other tables are
/// skipped without being parsed.
public struct PyProject: Sendable, Equatable {
  /// String and array values (a string is an array of one).
  public var lists: [String: [String]] = [:]
  public var flags: [String: Bool] = [:]
  /// The file it came from.
  public var path: String

  /// The nearest pyproject.toml in `directory` or above, parsed; nil when there is none.
  public static func find(from directory: String) throws -> PyProject? {
    var dir = directory
    while true {
      let path = (dir == "/" ? "" : dir) + "/pyproject.toml"
      if let bytes = try? FileIO.read(path) {
        return try parse(String(decoding: bytes, as: UTF8.self), path: path)
      }
      if dir == "/" || dir.isEmpty { return nil }
      dir = FileIO.directoryName(dir)
    }
  }

  /// Parses the `[tool.frost]` table of `text`.
  public static func parse(_ text: String, path: String) throws -> PyProject {
    var out = PyProject(path: path)
    var inTable = false
    var pending: (key: String, text: String, line: Int)?
    for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let line = stripComment(String(raw)).trimmed
      if var p = pending {
        p.text += " " + line
        if line.hasSuffix("]") {
          try out.assign(p.key, p.text, line: p.line)
          pending = nil
        } else {
          pending = p
        }
        continue
      }
      if line.isEmpty { continue }
      if line.hasPrefix("[") {
        inTable = line.replacingSpaces() == "[tool.frost]"
        continue
      }
      guard inTable else { continue }
      guard let eq = line.firstIndex(of: "=") else {
        throw PythonError.badPyproject(path: path, line: n + 1, reason: "expected key = value")
      }
      let key = String(line[..<eq]).trimmed.trimmingQuotes
      let value = String(line[line.index(after: eq)...]).trimmed
      if value.hasPrefix("[") && !value.hasSuffix("]") {
        pending = (key, value, n + 1)
      } else {
        try out.assign(key, value, line: n + 1)
      }
    }
    if let p = pending {
      throw PythonError.badPyproject(path: path, line: p.line, reason: "unterminated array")
    }
    return out
  }

  mutating func assign(_ key: String, _ value: String, line: Int) throws {
    if value == "true" || value == "false" {
      flags[key] = value == "true"
    } else if value.hasPrefix("[") {
      lists[key] = try Self.strings(String(value.dropFirst().dropLast()), path: path, line: line)
    } else if value.hasPrefix("\"") || value.hasPrefix("'") {
      lists[key] = try Self.strings(value, path: path, line: line)
    } else if Int(value) != nil {
      lists[key] = [value]
    } else {
      throw PythonError.badPyproject(path: path, line: line, reason: "\(key): unsupported value")
    }
  }

  /// The strings of a comma-separated list of quoted strings.
  static func strings(_ text: String, path: String, line: Int) throws -> [String] {
    var out: [String] = []
    var chars = Array(text)[...]
    while let c = chars.first {
      if c == " " || c == "," || c == "\t" {
        chars = chars.dropFirst()
        continue
      }
      guard c == "\"" || c == "'" else {
        throw PythonError.badPyproject(path: path, line: line, reason: "expected a string")
      }
      chars = chars.dropFirst()
      var s = ""
      var closed = false
      while let d = chars.first {
        chars = chars.dropFirst()
        if d == c { closed = true; break }
        if d == "\\" && c == "\"", let e = chars.first {
          chars = chars.dropFirst()
          s.append(e == "n" ? "\n" : e == "t" ? "\t" : e)
        } else {
          s.append(d)
        }
      }
      guard closed else {
        throw PythonError.badPyproject(path: path, line: line, reason: "unterminated string")
      }
      out.append(s)
    }
    return out
  }

  static func stripComment(_ line: String) -> String {
    var quote: Character?
    for (i, c) in zip(line.indices, line) {
      if let q = quote {
        if c == q { quote = nil }
      } else if c == "\"" || c == "'" {
        quote = c
      } else if c == "#" {
        return String(line[..<i])
      }
    }
    return line
  }
}

extension String {
  var trimmed: String {
    var s = Substring(self)
    while let f = s.first, f == " " || f == "\t" || f == "\r" { s = s.dropFirst() }
    while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
    return String(s)
  }
  var trimmingQuotes: String {
    if count >= 2, let f = first, f == "\"" || f == "'", last == f { return String(dropFirst().dropLast()) }
    return self
  }
  func replacingSpaces() -> String { String(filter { $0 != " " && $0 != "\t" }) }
}
