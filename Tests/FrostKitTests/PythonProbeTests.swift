import Foundation
import Testing

@testable import FrostKit

/// PythonProbe: what `--python` is, read from the probe's lines, and the one-line refusals of
/// interpreters that cannot be embedded.
@Suite("The probe of --python")
struct PythonProbeTests {
  /// Probe lines of a release CPython `version` whose static library and Python.h are in
  /// `folder` (written there when `files`).
  static func probe(
    _ version: String, folder: String, files: Bool = true, extra: String = ""
  ) throws -> PythonProbe {
    let minor = version.split(separator: ".").prefix(2).joined(separator: ".")
    if files {
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
      FileManager.default.createFile(atPath: folder + "/libpython\(minor).a", contents: Data())
      FileManager.default.createFile(atPath: folder + "/Python.h", contents: Data())
    }
    let text = """
      implementation=cpython
      version=\(minor)
      full=\(version)
      prefix=/opt/py
      debug=0
      gil_disabled=0
      libpl=\(folder)
      library=libpython\(minor).a
      include=\(folder)
      modlibs=-lm -lz -pthread
      \(extra)
      """
    return try #require(PythonProbe.parse(text))
  }

  static func refusal(_ probe: PythonProbe) -> String? {
    do {
      try probe.check("PY")
      try probe.checkLinkable("PY")
    } catch { return "\(error)" }
    return nil
  }

  @Test("a release CPython 3.8 to 3.13 with its static library and headers is accepted")
  func accepted() throws {
    let dir = NSTemporaryDirectory() + "frost-probe-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: dir) }
    for version in ["3.8.18", "3.11.2", "3.13.0"] {
      let p = try Self.probe(version, folder: dir)
      #expect(Self.refusal(p) == nil)
      #expect(p.fullVersion == version && p.prefix == "/opt/py")
      #expect(p.moduleLibraries == ["-lm", "-lz"])
    }
  }

  @Test("older or newer, debug, free-threaded, no static library, no Python.h: one line each")
  func refused() throws {
    let dir = NSTemporaryDirectory() + "frost-probe-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let cases: [(PythonProbe, String)] = [
      (try Self.probe("3.7.16", folder: dir), "it is Python 3.7.16, and Frost embeds CPython 3.8 to 3.13"),
      (try Self.probe("3.14.0", folder: dir), "it is Python 3.14.0, and Frost embeds CPython 3.8 to 3.13"),
      (try Self.probe("3.12.1", folder: dir, extra: "debug=1"), "it is a debug build (Py_DEBUG)"),
      (try Self.probe("3.13.0", folder: dir, extra: "gil_disabled=1"), "it is a free-threaded build"),
      (try Self.probe("3.10.13", folder: dir + "/none", files: false), "no static library libpython3.10.a in \(dir)/none; install libpython3.10-dev"),
    ]
    for (probe, message) in cases {
      let line = try #require(Self.refusal(probe), "\(probe.fullVersion) accepted")
      #expect(line.hasPrefix("cannot embed PY: " + message), "\(line)")
      #expect(!line.contains("\n"))
    }
    var noHeader = try Self.probe("3.12.1", folder: dir)
    noHeader.include = dir + "/include"
    #expect(Self.refusal(noHeader) == "cannot embed PY: no Python.h in \(dir)/include; install python3.12-dev")
  }

  @Test("Python 2.7's probe output (no base_prefix, no implementation) is read, then refused")
  func python2() throws {
    let p = try #require(
      PythonProbe.parse("implementation=cpython\nversion=2.7\nfull=2.7.18\nprefix=/usr\ndebug=0\n"))
    #expect(Self.refusal(p)?.contains("it is Python 2.7.18") == true)
  }
}
