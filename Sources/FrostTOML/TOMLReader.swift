import Foundation
internal import TOMLKit

/// One value of a TOML table Frost reads: what its settings can be.
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

/// Reads the tables of pyproject.toml that Frost uses (`[tool.frost]`, `[tool.frost.service]`,
/// `[project.scripts]`) with TOMLKit (toml++), so that every valid TOML 1.0 document is read as
/// TOML means it: dotted keys (`tool.frost.include-module = [...]` at the top level), inline
/// tables, multi-line and literal strings, arrays over several lines with comments.
public enum TOMLReader {
  /// The `key = value` pairs of `table` (a dotted name) in `text`, keys in sorted order, each
  /// with the line where it is written (found in the text: the parser does not keep
  /// positions); empty when the table is absent. A document that is not TOML is refused with
  /// the parser's line and reason; a value of a type Frost has no use for (float, date, time)
  /// with its own line.
  public static func entries(_ text: String, table: String) throws(TOMLError)
    -> [(key: String, value: TOMLValue, line: Int)]
  {
    let document: TOMLKit.TOMLTable
    do { document = try TOMLKit.TOMLTable(string: text) } catch let error as TOMLParseError {
      throw TOMLError(line: error.source.begin.line, reason: error.description)
    } catch {
      throw TOMLError(line: 1, reason: "\(error)")
    }
    var current: TOMLKit.TOMLTable? = document
    for part in table.split(separator: ".") { current = current?[String(part)]?.table }
    guard let found = current else { return [] }
    var out: [(key: String, value: TOMLValue, line: Int)] = []
    for key in found.keys.sorted() {
      let line = lineOf(key, table: table, in: text)
      guard let node = found[key], let value = convert(node) else {
        throw TOMLError(line: line, reason: "\(key): unsupported value")
      }
      out.append((key, value, line))
    }
    return out
  }

  /// The value as Frost's, or nil for a type it does not use.
  static func convert(_ node: TOMLValueConvertible) -> TOMLValue? {
    switch node.type {
    case .string: return node.string.map { .string($0) }
    case .int: return node.int.map { .integer($0) }
    case .bool: return node.bool.map { .bool($0) }
    case .array:
      guard let array = node.array else { return nil }
      var items: [TOMLValue] = []
      for item in array {
        guard let value = convert(item) else { return nil }
        items.append(value)
      }
      return .array(items)
    case .table:
      guard let table = node.table else { return nil }
      var fields: [String: TOMLValue] = [:]
      for key in table.keys {
        guard let child = table[key], let value = convert(child) else { return nil }
        fields[key] = value
      }
      return .table(fields)
    default: return nil
    }
  }

  /// The line of the statement that sets `key` of `table`: a line that starts with the key (or
  /// with the table's dotted name and the key) before `=`; else the table's header; else 1.
  static func lineOf(_ key: String, table: String, in text: String) -> Int {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    let names = [key, "\"\(key)\"", "'\(key)'", table + "." + key]
    for (i, raw) in lines.enumerated() {
      let line = raw.trimmingCharacters(in: .whitespaces)
      for name in names where line.hasPrefix(name) {
        if line.dropFirst(name.count).trimmingCharacters(in: .whitespaces).hasPrefix("=") {
          return i + 1
        }
      }
    }
    let header = "[" + table + "]"
    return (lines.firstIndex { $0.trimmingCharacters(in: .whitespaces) == header } ?? 0) + 1
  }
}
