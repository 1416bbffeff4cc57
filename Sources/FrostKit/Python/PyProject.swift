/// The `[tool.frost]` table of a project's `pyproject.toml`: the flags of `frost build` by
/// their long names (`include-module = ["a", "b"]`, `include-source = true`, `python = "..."`).
///
/// Strings, integers and arrays of strings become `lists` (a string is a list of one),
/// booleans `flags`.
public struct PyProject: Sendable, Equatable {
  /// String and array values (a string is an array of one).
  public var lists: [String: [String]] = [:]
  public var flags: [String: Bool] = [:]
  /// The file it came from.
  public var path: String

  /// The nearest pyproject.toml in `directory` or above, parsed; nil when there is none.
  public static func find(from directory: String) throws -> PyProject? {
    // Absolute first: a relative folder ("..", or "." for a script that does not exist) has
    // no parent to climb to, and the walk would never end.
    var dir = FileIO.absolute(directory)
    while true {
      let path = (dir == "/" ? "" : dir) + "/pyproject.toml"
      if let bytes = try? FileIO.read(path) {
        return try parse(String(decoding: bytes, as: UTF8.self), path: path)
      }
      let parent = FileIO.directoryName(dir)
      if parent == dir || dir.isEmpty { return nil }
      dir = parent
    }
  }

  /// The `[project.scripts]` of the pyproject.toml at `path` (name, "module:attr"), sorted by
  /// name; empty when the file or the table is missing.
  public static func scripts(_ path: String) throws -> [(name: String, value: String)] {
    guard let bytes = try? FileIO.read(path) else { return [] }
    let entries: [(key: String, value: TOMLValue, line: Int)]
    do {
      entries = try TOMLReader.entries(String(decoding: bytes, as: UTF8.self), table: "project.scripts")
    } catch {
      throw PythonError.badPyproject(path: path, line: error.line, reason: error.reason)
    }
    return try entries.map { key, value, line in
      guard case .string(let s) = value, s.contains(":") else {
        throw PythonError.badPyproject(
          path: path, line: line, reason: "[project.scripts] \(key): expected \"module:function\"")
      }
      return (key, s)
    }
  }

  /// Parses the `[tool.frost]` table of `text` (read with `TOMLReader`).
  public static func parse(_ text: String, path: String) throws -> PyProject {
    var out = PyProject(path: path)
    let entries: [(key: String, value: TOMLValue, line: Int)]
    do { entries = try TOMLReader.entries(text, table: "tool.frost") } catch {
      throw PythonError.badPyproject(path: path, line: error.line, reason: error.reason)
    }
    for (key, value, line) in entries {
      switch value {
      case .bool(let b): out.flags[key] = b
      case .integer(let i): out.lists[key] = [String(i)]
      case .string, .array:
        guard let list = value.strings else {
          throw PythonError.badPyproject(path: path, line: line, reason: "\(key): expected strings")
        }
        out.lists[key] = list
      case .table where key == "service":
        continue  // [tool.frost.service]: ServiceConfig reads it
      case .table:
        throw PythonError.badPyproject(path: path, line: line, reason: "\(key): unsupported value")
      }
    }
    return out
  }
}
