import Foundation
import FrostKit
import Testing

/// The bytecode dictionary (docs/FORMAT.md, `zstd-dictionary`): a program with over a
/// megabyte of bytecode gets one, and the stub refuses a damaged one in one line.
@Suite("Self-contained Python: bytecode compressed with a shared dictionary")
struct PythonDictionaryTests {
  @Test("the stdlib sample's bytecode shares a dictionary; hello's does not")
  func stdlib() throws {
    let bin = try #require(PythonFixtures.stdlibApp)
    let payload = try PayloadFile.open(bin)
    #expect(payload.manifest[ManifestKey.zstdDictionary] == PayloadDictionary.path)
    #expect(payload.entry(PayloadDictionary.path)?.kind == .dictionary)
    let bytecode = payload.entries.filter { $0.path.hasSuffix(".pyc") }
    #expect(bytecode.count > 200 && bytecode.allSatisfy { $0.compression == .zstdDictionary })
    let r = try CLI.frost(["verify", bin])
    #expect(r.status == 0, "\(r.stderr)")
    let (hello, log) = PythonFixtures.build("hello-nodict", [CLI.sample("hello.py")])
    let small = try PayloadFile.open(try #require(hello, "\(log)"))
    #expect(small.manifest[ManifestKey.zstdDictionary] == nil)
    #expect(small.entries.allSatisfy { $0.compression != .zstdDictionary })
  }

  @Test("a damaged dictionary: one line naming it, status 126, nothing run")
  func damaged() throws {
    let bin = try #require(PythonFixtures.stdlibApp)
    let copy = PythonFixtures.dir + "/stdlib-damaged-dict"
    var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: bin)))
    let section = try #require(try ELFFile(path: bin).sections().first { $0.name == ".frost" })
    let dict = try #require(try PayloadFile.open(bin).entry(PayloadDictionary.path))
    bytes[Int(section.offset + dict.dataOffset + dict.storedSize / 2)] ^= 0x20
    try Data(bytes).write(to: URL(fileURLWithPath: copy))
    chmod(copy, 0o755)
    let r = try CLI.run(copy)
    #expect(r.status == 126 && r.signal == nil && r.stdout.isEmpty)
    #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
    #expect(
      r.stderr.contains("stdlib-damaged-dict: payload damaged: entry \(PayloadDictionary.path)"),
      "\(r.stderr)")
  }
}
