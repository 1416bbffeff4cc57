import Foundation
import FrostKit
import Testing

/// The prefetch thread (stubs/python/stub_prefetch.c): what the build lists for it, and that a
/// fork or a damaged entry behaves as without it.
@Suite("Self-contained Python: modules and libraries decoded ahead")
struct PythonPrefetchTests {
  static let source = """
    import os, sys
    import json
    pid = os.fork()
    import decimal, sqlite3

    def later():
        import lzma
        return lzma.compress(b"x") != b""

    db = sqlite3.connect(":memory:")
    who = "child" if pid == 0 else "parent"
    print(who, json.dumps([str(decimal.Decimal(1) / 8), db.execute("select 6*7").fetchone()[0], later()]), flush=True)
    if pid:
        _, status = os.waitpid(pid, 0)
        sys.exit(os.waitstatus_to_exitcode(status))
    os._exit(0)
    """

  static let program: (root: String, binary: String?, log: String) = {
    guard let root = try? PythonFixtures.project(["forks.py": source]) else { return ("", nil, "") }
    let (bin, log) = PythonFixtures.build("forks", [root + "/forks.py"])
    return (root, bin, log)
  }()

  static func preload(_ binary: String) throws -> [String] {
    try PayloadFile.open(binary).manifest.pairs.filter { $0.key == "preload" }.map(\.value)
  }

  @Test("the list follows module-level imports in load order, libraries before their extension")
  func list() throws {
    let bin = try #require(Self.program.binary, "\(Self.program.log)")
    let list = try Self.preload(bin)
    #expect(list.first == "lib/forks.pyc", "\(list)")
    let at = { (path: String) in list.firstIndex(of: path) ?? -1 }
    #expect(at("lib/json/__init__.pyc") > 0)
    #expect(at("lib/json/__init__.pyc") < at("lib/decimal.pyc"))
    #expect(at("lib/decimal.pyc") < at("lib/_decimal.so"))
    #expect(at("native/libsqlite3.so.0") > 0)
    #expect(at("native/libsqlite3.so.0") < at("lib/_sqlite3.so"))
    // Imported inside a function only: loaded on demand, not ahead.
    #expect(!list.contains("lib/lzma.pyc") && !list.contains("lib/_lzma.so"), "\(list)")
    #expect(!list.contains("native/liblzma.so.5"))
    #expect(Set(list).count == list.count)
  }

  @Test("a fork while the thread works: parent and child both import and run")
  func fork() throws {
    let bin = try #require(Self.program.binary, "\(Self.program.log)")
    for _ in 0..<5 {
      let r = try CLI.run(bin)
      #expect(r.status == 0, "\(r.stderr)")
      let lines = r.stdout.split(separator: "\n").map(String.init).sorted()
      #expect(lines == ["child [\"0.125\", 42, true]", "parent [\"0.125\", 42, true]"], "\(r.stdout)\(r.stderr)")
    }
  }

  @Test("a damaged library on the list: one line, status 126, as without the thread")
  func damaged() throws {
    let bin = try #require(Self.program.binary, "\(Self.program.log)")
    let copy = PythonFixtures.dir + "/forks-damaged"
    var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: bin)))
    let section = try #require(try ELFFile(path: bin).sections().first { $0.name == ".frost" })
    let entry = try #require(try PayloadFile.open(bin).entries.first { $0.path == "native/libsqlite3.so.0" })
    bytes[Int(section.offset + entry.dataOffset + entry.storedSize / 2)] ^= 0x20
    try Data(bytes).write(to: URL(fileURLWithPath: copy))
    chmod(copy, 0o755)
    let r = try CLI.run(copy)
    #expect(r.status == 126)
    #expect(r.signal == nil)
    #expect(
      r.stderr.contains("forks-damaged: payload damaged: entry native/libsqlite3.so.0"), "\(r.stderr)")
  }
}
