import Foundation
import FrostKit
import Testing

/// The bytecode dictionary (docs/FORMAT.md, `zstd-dictionary`): a program with over a
/// megabyte of bytecode gets one, and the stub refuses a damaged one in one line.
@Suite("Self-contained Python: bytecode compressed with a shared dictionary")
struct PythonDictionaryTests {
  @Test("the stdlib sample's bytecode shares a dictionary; hello's (--stdlib imported) does not")
  func stdlib() throws {
    let bin = try #require(PythonFixtures.stdlibApp)
    let payload = try PayloadFile.open(bin)
    #expect(payload.manifest[ManifestKey.zstdDictionary] == PayloadDictionary.path)
    #expect(payload.entry(PayloadDictionary.path)?.kind == .dictionary)
    // All of it but the three start-up modules, which are stored as they are, and what the
    // program loads at start (its preload list), compressed without the dictionary so that a
    // start does not decode it.
    let start = Set(payload.manifest.all(PythonManifestKey.preload))
    let bytecode = payload.entries.filter {
      $0.path.hasSuffix(".pyc") && $0.compression != .stored && !start.contains($0.path)
    }
    #expect(bytecode.count > 200 && bytecode.allSatisfy { $0.compression == .zstdDictionary })
    #expect(!start.isEmpty)
    #expect(
      payload.entries.filter { start.contains($0.path) }.allSatisfy {
        $0.compression != .zstdDictionary
      })
    let r = try CLI.frost(["verify", bin])
    #expect(r.status == 0, "\(r.stderr)")
    let (hello, log) = PythonFixtures.build(
      "hello-nodict", [CLI.sample("hello.py"), "--stdlib", "imported"])
    let small = try PayloadFile.open(try #require(hello, "\(log)"))
    #expect(small.manifest[ManifestKey.zstdDictionary] == nil)
    #expect(small.entries.allSatisfy { $0.compression != .zstdDictionary })
  }

  /// Forks first thing, while the prefetch thread is at work: the child has no thread, and
  /// decodes with the dictionary the parent's thread loaded (or loads it itself, when the fork
  /// came first).
  static let forks: (binary: String?, log: String) = {
    let source = """
      import os, sys
      pid = os.fork()
      import asyncio, decimal, email.parser, json
      who = "child" if pid == 0 else "parent"
      msg = email.parser.Parser().parsestr("Subject: hi\\n\\nbody")
      print(who, json.dumps([str(decimal.Decimal(1) / 8), msg["subject"], asyncio.run(asyncio.sleep(0, 7))]), flush=True)
      if pid:
          _, status = os.waitpid(pid, 0)
          sys.exit(os.waitstatus_to_exitcode(status))
      os._exit(0)
      """
    guard let root = try? PythonFixtures.project(["dictfork.py": source]) else { return (nil, "") }
    return PythonFixtures.build(
      "dictfork", [root + "/dictfork.py", "--include-package", "email", "--include-package", "xml"])
  }()

  @Test("a fork at start with a dictionary: parent and child both import and run")
  func fork() throws {
    let bin = try #require(Self.forks.binary, "\(Self.forks.log)")
    #expect(try PayloadFile.open(bin).manifest[ManifestKey.zstdDictionary] != nil)
    for _ in 0..<5 {
      let r = try CLI.run(bin)
      #expect(r.status == 0, "\(r.stderr)")
      let lines = r.stdout.split(separator: "\n").map(String.init).sorted()
      #expect(
        lines == ["child [\"0.125\", \"hi\", 7]", "parent [\"0.125\", \"hi\", 7]"],
        "\(r.stdout)\(r.stderr)")
    }
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
