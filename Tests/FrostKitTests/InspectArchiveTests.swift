import Foundation
import Testing

@testable import FrostKit

/// Archives for the `frost inspect` archive tests, built once per run with gcc and ar:
/// `lib.a` holds two objects (one with a name longer than 15 bytes, so the archive has a
/// long-name table), a text file of odd size (a padding byte follows it), an empty file and a
/// copy of `hello.o` whose ELF class byte is broken (a damaged ELF member).
enum InspectArchiveFixtures {
  static let aC = "int alpha(int x) { return x + 1; }\nint alpha_table[32] = {1};\n"
  static let bC = "static const char text[] = \"beta\";\nconst char *beta(void) { return text; }\n"
  static let longName = "an_object_with_a_long_name.o"
  static let members = ["a.o", longName, "notes.txt", "empty.txt", "broken.o"]

  static let dir: String = {
    do {
      let dir = InspectFixtures.path("archives")
      try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
      try aC.write(toFile: dir + "/a.c", atomically: true, encoding: .utf8)
      try bC.write(toFile: dir + "/b.c", atomically: true, encoding: .utf8)
      try "odd!\n".write(toFile: dir + "/notes.txt", atomically: true, encoding: .utf8)
      try Data().write(to: URL(fileURLWithPath: dir + "/empty.txt"))
      try InspectFixtures.run(["gcc", "-O1", "-c", "-o", "a.o", "a.c"], in: dir)
      try InspectFixtures.run(["gcc", "-O1", "-c", "-o", longName, "b.c"], in: dir)
      var broken = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/a.o")))
      broken[4] = 9
      try Data(broken).write(to: URL(fileURLWithPath: dir + "/broken.o"))
      try InspectFixtures.run(["ar", "rcs", "lib.a"] + members, in: dir)
      return dir
    } catch {
      fatalError("cannot build archive fixtures: \(error)")
    }
  }()

  static func path(_ name: String) -> String { dir + "/" + name }

  /// A copy of `lib.a` with `edit` applied to its bytes.
  static func damaged(_ name: String, _ edit: (inout [UInt8]) -> Void) throws -> String {
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path("lib.a"))))
    edit(&bytes)
    let out = path("bad-" + name)
    try Data(bytes).write(to: URL(fileURLWithPath: out))
    return out
  }
}

@Suite("frost inspect on ar archives")
struct InspectArchiveTests {
  @Test("members in archive order as ar t lists them, each with its content")
  func members() throws {
    let r = try Inspector.inspectArchive(InspectArchiveFixtures.path("lib.a"))
    let listed = try InspectFixtures.run(["ar", "t", InspectArchiveFixtures.path("lib.a")])
    #expect(r.members.map(\.name) == listed.split(separator: "\n").map(String.init))
    #expect(r.members.map(\.content) == [.elf, .elf, .other, .other, .damagedELF])
    #expect(r.members[2].error == "not an ELF file (no ELF magic)")
    #expect(r.members[3].error == "not an ELF file (empty)")
    #expect(r.members[4].error?.contains("invalid ELF class 9") == true)
    #expect(r.symbolCount == 3)  // alpha, alpha_table, beta
    #expect(r.format == "ar")
  }

  @Test("every byte of the archive is counted once, members' bytes in their own reports")
  func everyByteOnce() throws {
    let path = InspectArchiveFixtures.path("lib.a")
    let r = try Inspector.inspectArchive(path)
    let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! UInt64
    #expect(r.fileSize == size)
    var position: UInt64 = 0
    for region in r.regions {
      #expect(region.offset == position, "\(region.kind) \(region.name)")
      position = region.offset + region.fileBytes
    }
    #expect(position == size)
    #expect(r.breakdown.reduce(0) { $0 + $1.fileBytes } == size)
    #expect(r.breakdown.map(\.kind) == ArchiveRegion.Kind.allCases)
    func bytes(_ kind: ArchiveRegion.Kind) -> UInt64 {
      r.breakdown.first { $0.kind == kind }?.fileBytes ?? 0
    }
    #expect(bytes(.archiveHeader) == 8)
    #expect(bytes(.memberHeader) == 60 * UInt64(r.members.count + 2))  // plus / and //
    #expect(bytes(.symbolTable) > 0 && bytes(.longNames) > 0 && bytes(.padding) >= 1)
    #expect(r.memberBreakdown.reduce(0) { $0 + $1.fileBytes } == bytes(.elfMember))
    // The default CSV splits every ELF member into its regions and still sums to the size.
    let csv = InspectRender.csv(r, tables: .init()).split(separator: "\n").dropFirst()
    let total = csv.reduce(UInt64(0)) { sum, line in
      sum + UInt64(line.split(separator: ",", omittingEmptySubsequences: false)[5])!
    }
    #expect(total == size)
  }

  @Test("a member's report is the report of the same object outside the archive")
  func nestedReports() throws {
    let r = try Inspector.inspectArchive(
      InspectArchiveFixtures.path("lib.a"), options: InspectOptions(symbols: true))
    for (member, object) in [("a.o", "a.o"), (InspectArchiveFixtures.longName, InspectArchiveFixtures.longName)] {
      let nested = try #require(r.members.first { $0.name == member }?.report)
      var alone = try Inspector.inspect(
        InspectArchiveFixtures.path(object), options: InspectOptions(symbols: true))
      alone.file = "\(InspectArchiveFixtures.path("lib.a"))(\(member))"
      #expect(nested == alone)
    }
  }

  @Test("JSON is what the Encodable encoder writes, and decodes back")
  func json() throws {
    let r = try Inspector.inspectArchive(InspectArchiveFixtures.path("lib.a"))
    let text = InspectRender.json(r)
    #expect(text == (try JSONText.encode(r)))
    #expect(try JSONDecoder().decode(ArchiveReport.self, from: Data(text.utf8)) == r)
  }

  @Test("text names every member and nests the ELF members' reports")
  func text() throws {
    let path = InspectArchiveFixtures.path("lib.a")
    let text = InspectRender.text(try Inspector.inspectArchive(path), tables: .init())
    #expect(text.hasPrefix("\(path): ar archive, 5 members (2 ELF, 3 other)"))
    #expect(text.contains("  \(path)(a.o): ELF64 little-endian REL"))
    #expect(text.contains("\(path)(notes.txt): not an ELF file (no ELF magic), 5 bytes"))
  }

  @Test("inspectFile tells archives from ELF files")
  func dispatch() throws {
    guard case .archive = try Inspector.inspectFile(InspectArchiveFixtures.path("lib.a")) else {
      Issue.record("lib.a is not an archive")
      return
    }
    guard case .elf = try Inspector.inspectFile(InspectArchiveFixtures.path("a.o")) else {
      Issue.record("a.o is not ELF")
      return
    }
    #expect(throws: ELFError.self) { try Inspector.inspect(InspectArchiveFixtures.path("lib.a")) }
  }

  /// (label, edit of lib.a's bytes): the archive's own structure damaged.
  static let damagedCases: [(String, @Sendable (inout [UInt8]) -> Void)] = [
    ("truncated in a member header", { $0.removeLast($0.count - 100) }),
    ("first member size past the end", { b in
      for (i, c) in "99999999  ".utf8.enumerated() { b[8 + 48 + i] = c }
    }),
    ("first member header garbage", { b in for i in 8..<68 { b[i] = 0xff } }),
    ("trailing bytes after the last member", { $0 += Array("xyz".utf8) }),
  ]

  @Test("a damaged archive structure is damagedArchive, never a crash", arguments: 0..<damagedCases.count)
  func damaged(_ i: Int) throws {
    let (label, edit) = Self.damagedCases[i]
    let path = try InspectArchiveFixtures.damaged("case\(i)", edit)
    #expect(throws: ELFError.self, "\(label)") { try Inspector.inspectFile(path) }
    do {
      _ = try Inspector.inspectFile(path)
    } catch {
      guard case .damagedArchive = error else {
        Issue.record("\(label): \(error)")
        return
      }
      #expect(!"\(error)".contains("\n"))
    }
  }

  @Test("2,000 random mutations of the archive: a report or an error, never a trap")
  func mutations() throws {
    let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: InspectArchiveFixtures.path("lib.a"))))
    var rng = SystemRandomNumberGenerator()
    let path = InspectArchiveFixtures.path("mutated.a")
    for _ in 0..<2000 {
      var bytes = original
      for _ in 0..<Int.random(in: 1...8, using: &rng) {
        bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
      }
      try Data(bytes).write(to: URL(fileURLWithPath: path))
      if case .archive(let r)? = try? Inspector.inspectFile(path, options: InspectOptions(symbols: true)) {
        #expect(r.regions.reduce(0) { $0 + $1.fileBytes } == r.fileSize)
      }
    }
  }
}
