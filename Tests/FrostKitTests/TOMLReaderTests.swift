import Foundation
import FrostKit
import Testing

/// pyproject.toml is read as TOML 1.0 means it (TOMLKit), not as a subset.
@Suite("TOML: pyproject.toml as TOML means it")
struct TOMLReaderTests {
  @Test("a dotted key at the top level sets [tool.frost]")
  func dottedKey() throws {
    let p = try PyProject.parse(
      "tool.frost.include-module = [\"json\"]\n[project]\nname = \"x\"\n", path: "p.toml")
    #expect(p.lists["include-module"] == ["json"])
  }

  @Test("inline tables, multi-line and literal strings, arrays over lines with comments")
  func forms() throws {
    let text = """
      [tool.frost]
      python = '''.venv/bin/python'''
      include-module = [
        "a",  # the first
        # a comment line
        'b',
      ]
      path = \"\"\"
      src\"\"\"
      include-source = true
      optimize = 2

      [tool.frost.service]
      env = { A = "1", B = "two" }

      """
    let p = try PyProject.parse(text, path: "p.toml")
    #expect(p.lists["python"] == [".venv/bin/python"])
    #expect(p.lists["include-module"] == ["a", "b"])
    #expect(p.lists["path"] == ["src"])
    #expect(p.flags["include-source"] == true)
    #expect(p.lists["optimize"] == ["2"])
    let service = try ServiceConfig.entries(text, path: "p.toml")
    #expect(service.first?.value == .table(["A": .string("1"), "B": .string("two")]))
  }

  @Test("invalid TOML is refused with the parser's line")
  func invalid() {
    #expect(throws: PythonError.badPyproject(path: "p.toml", line: 3, reason: "")) {
      do { _ = try PyProject.parse("[tool.frost]\npython = \"a\"\npython = \"b\"\n", path: "p.toml") } catch let PythonError.badPyproject(path, line, _) {
        throw PythonError.badPyproject(path: path, line: line, reason: "")
      }
    }
  }

  /// pyproject.toml of sdists from PyPI (tests/fixtures/pyproject/): flask (flit), requests
  /// (setuptools), rich (poetry); with the `[project.scripts]` each declares.
  static let fixtures: [(name: String, scripts: [String])] = [
    ("flask", ["flask"]), ("requests", []), ("rich", []),
  ]

  @Test("real pyproject.toml files of PyPI packages, with a [tool.frost] table added", arguments: fixtures)
  func real(_ fixture: (name: String, scripts: [String])) throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    let path = root.appendingPathComponent("tests/fixtures/pyproject/\(fixture.name).toml").path
    let text = try String(contentsOfFile: path, encoding: .utf8)
    #expect(try PyProject.parse(text, path: path).lists.isEmpty)
    #expect(try PyProject.scripts(path).map(\.name) == fixture.scripts)
    let p = try PyProject.parse(
      text + "\n[tool.frost]\ninclude-module = [\"json\"]\nunbuffered = true\n", path: path)
    #expect(p.lists["include-module"] == ["json"] && p.flags["unbuffered"] == true)
  }
}
