import Foundation

/// One value of the TOML subset Frost reads.
public enum TOMLValue: Equatable, Sendable {
  case string(String)
  case integer(Int)
  case bool(Bool)
  case array([TOMLValue])
  case table([String: TOMLValue])

  /// A string as a list of one, or an array of strings; nil for anything else.
  public var strings: [String]? {
    switch self {
    case .string(let s): return [s]
    case .array(let items):
      var list: [String] = []
      for case .string(let s) in items { list.append(s) }
      return list.count == items.count ? list : nil
    default: return nil
    }
  }
}

/// A TOML text Frost cannot read: the line of the statement and why.
public struct TOMLError: Error, Equatable {
  public var line: Int
  public var reason: String
}

/// The TOML subset of pyproject.toml that Frost reads (`[tool.frost]`, `[tool.frost.service]`):
/// `key = value` with basic and literal strings, integers, booleans, arrays (over several lines
/// too) and inline tables; `#` comments. Other tables are skipped without being interpreted.
public enum TOMLTable {
  /// The `key = value` pairs of `table` in `text`, in order; empty when the table is absent.
  public static func entries(_ text: String, table: String) throws(TOMLError)
    -> [(key: String, value: TOMLValue, line: Int)]
  {
    var result: [(String, TOMLValue, Int)] = []
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
        throw TOMLError(line: pendingLine, reason: "expected key = value")
      }
      let key = statement[..<eq].trimmingCharacters(in: .whitespaces)
        .trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
      var parser = ValueParser(text: Array(statement[statement.index(after: eq)...]))
      do throws(TOMLError) {
        let value = try parser.parseValue()
        parser.skipBlanks()
        if !parser.atEnd { throw TOMLError(line: 0, reason: "unexpected text after the value") }
        result.append((key, value, pendingLine))
      } catch {
        // The value parser does not know the line; the statement's first line is the one.
        throw TOMLError(line: pendingLine, reason: error.reason)
      }
    }
    if !pending.isEmpty {
      throw TOMLError(line: pendingLine, reason: "unterminated value")
    }
    return result
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

    mutating func parseValue() throws(TOMLError) -> TOMLValue {
      skipBlanks()
      guard pos < text.count else { throw TOMLError(line: 0, reason: "missing value") }
      switch text[pos] {
      case "\"", "'": return .string(try string())
      case "[": return try array()
      case "{": return try inlineTable()
      default: return try scalar()
      }
    }

    /// A basic (`"..."`, with escapes) or literal (`'...'`) string on one line; `pos` is at
    /// the opening quote.
    mutating func string() throws(TOMLError) -> String {
      let quote = text[pos]
      pos += 1
      var out = ""
      while pos < text.count {
        let c = text[pos]
        pos += 1
        if c == quote { return out }
        if c == "\n" { break }
        guard c == "\\", quote == "\"" else { out.append(c); continue }
        guard pos < text.count else { break }
        out.unicodeScalars.append(try escape())
      }
      throw TOMLError(line: 0, reason: "unterminated string")
    }

    /// The character of the escape after a `\` in a basic string; `pos` is past the `\`.
    mutating func escape() throws(TOMLError) -> Unicode.Scalar {
      let e = text[pos]
      pos += 1
      switch e {
      case "n": return "\n"
      case "t": return "\t"
      case "r": return "\r"
      case "\\": return "\\"
      case "\"": return "\""
      case "u", "U":
        let width = e == "u" ? 4 : 8
        guard pos + width <= text.count, let code = UInt32(String(text[pos..<pos + width]), radix: 16),
          let scalar = Unicode.Scalar(code)
        else { throw TOMLError(line: 0, reason: "bad \\u escape") }
        pos += width
        return scalar
      default: throw TOMLError(line: 0, reason: "unknown escape \\\(e)")
      }
    }

    mutating func array() throws(TOMLError) -> TOMLValue {
      pos += 1
      var items: [TOMLValue] = []
      while true {
        skipBlanks()
        guard pos < text.count else { throw TOMLError(line: 0, reason: "unterminated array") }
        if text[pos] == "]" { pos += 1; return .array(items) }
        items.append(try parseValue())
        skipBlanks()
        guard pos < text.count else { throw TOMLError(line: 0, reason: "unterminated array") }
        if text[pos] == "," { pos += 1 } else if text[pos] != "]" {
          throw TOMLError(line: 0, reason: "expected ',' or ']' in an array")
        }
      }
    }

    mutating func inlineTable() throws(TOMLError) -> TOMLValue {
      pos += 1
      var table: [String: TOMLValue] = [:]
      while true {
        skipBlanks()
        guard pos < text.count else { throw TOMLError(line: 0, reason: "unterminated inline table") }
        if text[pos] == "}" { pos += 1; return .table(table) }
        let key: String
        if text[pos] == "\"" || text[pos] == "'" { key = try string() } else {
          var k = ""
          while pos < text.count, text[pos].isLetter || text[pos].isNumber || text[pos] == "_" || text[pos] == "-" {
            k.append(text[pos])
            pos += 1
          }
          guard !k.isEmpty else { throw TOMLError(line: 0, reason: "expected a key in an inline table") }
          key = k
        }
        skipBlanks()
        guard pos < text.count, text[pos] == "=" else { throw TOMLError(line: 0, reason: "expected '='") }
        pos += 1
        table[key] = try parseValue()
        skipBlanks()
        guard pos < text.count else { throw TOMLError(line: 0, reason: "unterminated inline table") }
        if text[pos] == "," { pos += 1 } else if text[pos] != "}" {
          throw TOMLError(line: 0, reason: "expected ',' or '}' in an inline table")
        }
      }
    }

    mutating func scalar() throws(TOMLError) -> TOMLValue {
      var word = ""
      while pos < text.count, !",]} \t\n".contains(text[pos]) {
        word.append(text[pos])
        pos += 1
      }
      if word == "true" { return .bool(true) }
      if word == "false" { return .bool(false) }
      if let i = Int(word.replacingOccurrences(of: "_", with: "")) { return .integer(i) }
      throw TOMLError(line: 0, reason: "unsupported value '\(word)' (strings, integers, booleans, arrays)")
    }
  }
}
