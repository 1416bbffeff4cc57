import Foundation
import Testing

@testable import FrostKit

@Suite("frost inspect on real ELF files")
struct InspectTests {
  @Test("section names, offsets and sizes agree with readelf -S -W", arguments: InspectFixtures.all)
  func sectionsAgreeWithReadelf(_ name: String) throws {
    let path = InspectFixtures.path(name)
    let report = try Inspector.inspect(path)
    let expected = try InspectFixtures.readelfSections(path)
    #expect(report.sections.count == expected.count)
    #expect(report.elf.sectionCount == UInt64(expected.count))
    for (s, e) in zip(report.sections, expected) where s.name != e.name || s.offset != e.offset
      || s.size != e.size
    {
      Issue.record("section \(s.index): \(s.name) \(s.offset) \(s.size) vs readelf \(e)")
      break
    }
  }

  @Test("allocated totals agree with size -A", arguments: InspectFixtures.all)
  func allocatedAgreesWithSize(_ name: String) throws {
    let path = InspectFixtures.path(name)
    let report = try Inspector.inspect(path)
    let allocated = Dictionary(
      report.sections.filter { $0.flags.contains("A") }.map { ($0.name, $0.size) },
      uniquingKeysWith: +)
    var listed: UInt64 = 0
    for row in try InspectFixtures.sizeA(path) where allocated[row.name] != nil {
      #expect(allocated[row.name] == row.size, "\(row.name)")
      listed += row.size
    }
    #expect(listed == report.allocatedSize)
  }

  @Test("every byte is counted exactly once", arguments: InspectFixtures.all)
  func everyByteOnce(_ name: String) throws {
    let path = InspectFixtures.path(name)
    let report = try Inspector.inspect(path)
    let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! UInt64
    #expect(report.fileSize == size)
    #expect(report.breakdown.reduce(0) { $0 + $1.fileBytes } == size)
    #expect(report.breakdown.map(\.category) == SizeCategory.allCases)
    // The rows with file bytes tile [0, fileSize) in order, without holes or overlaps.
    var position: UInt64 = 0
    for r in report.regions where r.fileBytes > 0 {
      #expect(r.offset == position, "\(r.name) at \(r.offset), expected \(position)")
      position = r.offset + r.fileBytes
    }
    #expect(position == size)
    // Memory sums the loadable segments (for objects: the allocated sections).
    let loads = report.segments.filter { $0.type == "LOAD" }
    let expectedMemory =
      loads.isEmpty ? report.allocatedSize : loads.reduce(0) { $0 + $1.memorySize }
    #expect(report.memorySize == expectedMemory)
    #expect(report.breakdown.reduce(0) { $0 + $1.memoryBytes } == expectedMemory)
  }

  @Test("header, interpreter, needed libraries and build-id of an executable")
  func executableFacts() throws {
    let path = InspectFixtures.path("hello")
    let r = try Inspector.inspect(path)
    #expect(r.elf.elfClass == "ELF64" && r.elf.byteOrder == "little")
    #expect(r.elf.machine == "x86-64" && r.elf.type == "DYN")
    #expect(r.needed == ["libc.so.6"])
    #expect(r.soname == nil)
    let program = try InspectFixtures.run(["readelf", "-l", "-W", path])
    #expect(program.contains("[Requesting program interpreter: \(r.interpreter ?? "?")]"))
    let notes = try InspectFixtures.run(["readelf", "-n", path])
    #expect(r.buildID != nil && notes.contains("Build ID: \(r.buildID!)"))
    let header = try InspectFixtures.run(["readelf", "-h", path])
    #expect(header.contains("Entry point address:               0x\(String(r.elf.entry, radix: 16))"))
    #expect(r.payload == nil && r.payloadError == nil)
    #expect(total(r, .code) > 0 && total(r, .dynamicLinking) > 0 && total(r, .debug) == 0)
  }

  @Test("shared library: soname and dynamic symbols")
  func sharedLibrary() throws {
    let r = try Inspector.inspect(
      InspectFixtures.path("libdemo.so"), options: InspectOptions(symbols: true, symbolLimit: 3))
    #expect(r.soname == "libdemo.so.1")
    #expect(r.interpreter == nil)
    #expect(r.symbols?.first?.name == "demo_values")
    #expect(r.symbols?.first?.size == 256)
    #expect(r.symbols?.first?.section == ".data")
  }

  @Test("debug information, stripping and the symbol table fallback to .dynsym")
  func debugAndStripped() throws {
    let debug = try Inspector.inspect(InspectFixtures.path("hello-g"))
    #expect(total(debug, .debug) > 0)
    #expect(debug.regions.contains { $0.name == ".debug_info" && $0.category == .debug })
    let stripped = try Inspector.inspect(
      InspectFixtures.path("hello-stripped"), options: InspectOptions(symbols: true))
    #expect(total(stripped, .debug) == 0)
    #expect(!stripped.sections.contains { $0.type == "SYMTAB" })
    #expect(stripped.symbolTable == ".dynsym")
    let dynsym = try InspectFixtures.run(["readelf", "--dyn-syms", "-W", stripped.file])
    #expect(dynsym.contains("contains \(stripped.symbolCount ?? -1) entries"))
  }

  @Test("a relocatable object has no segments and counts allocated sections as memory")
  func relocatable() throws {
    let r = try Inspector.inspect(
      InspectFixtures.path("hello.o"), options: InspectOptions(symbols: true, symbolLimit: 1))
    #expect(r.elf.type == "REL" && r.segments.isEmpty)
    #expect(r.memorySize == r.allocatedSize)
    #expect(total(r, .relocations) > 0)
    #expect(r.symbols?.first?.name == "table")
  }

  @Test("32-bit and big-endian files")
  func otherClassesAndByteOrders() throws {
    let t32 = try Inspector.inspect(InspectFixtures.path("t32"))
    #expect(t32.elf.elfClass == "ELF32" && t32.elf.machine == "i386" && t32.elf.type == "EXEC")
    #expect(t32.regions.first { $0.name == ".bss" }?.memoryBytes == 64)
    for (name, elfClass) in [("be32.o", "ELF32"), ("be64.o", "ELF64")] {
      let r = try Inspector.inspect(
        InspectFixtures.path(name), options: InspectOptions(symbols: true))
      #expect(r.elf.elfClass == elfClass && r.elf.byteOrder == "big")
      #expect(r.sections.first { $0.name == ".data" }?.size == UInt64(InspectFixtures.helloC.utf8.count))
      // Four symbols (null, _start, _end, _size), read through byte-swapping libelf.
      #expect(r.symbolCount == 4)
    }
  }

  @Test("extended section numbering (more than 65,279 sections)")
  func extendedNumbering() throws {
    let r = try Inspector.inspect(InspectFixtures.path("many.o"))
    #expect(r.elf.sectionCount > 65_279)
    #expect(r.sections.count == Int(r.elf.sectionCount))
    #expect(r.sections.contains { $0.name == ".s\(InspectFixtures.manySections - 1)" })
    #expect(total(r, .readOnlyData) >= UInt64(InspectFixtures.manySections))
  }

  @Test("a Frost binary: payload by entry and kind, before and after strip")
  func frostBinary() throws {
    let before = try Inspector.inspect(InspectFixtures.path("frost-hello"))
    let after = try Inspector.inspect(InspectFixtures.path("frost-hello-stripped"))
    for r in [before, after] {
      let p = try #require(r.payload)
      #expect(p.entryCount == InspectFixtures.payloadInputs.count)
      #expect(Set(p.entries.map(\.path)) == Set(InspectFixtures.payloadInputs.map(\.path)))
      #expect(p.byKind.reduce(0) { $0 + $1.storedBytes } == r.fileSize)
      #expect(p.rawBytes == InspectFixtures.payloadInputs.reduce(0) { $0 + UInt64($1.bytes.count) })
      #expect(p.storedBytes < p.rawBytes)
      let program = p.entries.filter { $0.kind == "program" || $0.kind == "data" }
      #expect(p.programBytes == program.reduce(0) { $0 + $1.storedBytes })
      #expect(p.overheadBytes == r.fileSize - p.programBytes)
      #expect(total(r, .frostPayload) == p.sectionSize)
      #expect(p.manifest.contains { $0.key == "entry" && $0.value == "main.sh" })
    }
    #expect(after.fileSize < before.fileSize)
    #expect(total(after, .symbols) < total(before, .symbols))
    #expect(before.payload?.entries == after.payload?.entries)
  }

  @Test("diff: growth per section and per payload entry, with totals")
  func diff() throws {
    let old = try Inspector.inspect(InspectFixtures.path("hello"))
    let new = try Inspector.inspect(InspectFixtures.path("frost-hello"))
    let d = Inspector.diff(old: old, new: new)
    #expect(d.fileSize.change == Int64(new.fileSize) - Int64(old.fileSize))
    #expect(d.sections.reduce(0) { $0 + $1.file.change } == d.fileSize.change)
    #expect(d.sections.reduce(0) { $0 + $1.memory.change } == d.memorySize.change)
    let frost = try #require(d.sections.first { $0.name == ".frost" })
    #expect(frost.status == "added" && frost.file.new == new.payload?.sectionSize)
    #expect(d.sections.first?.name == ".frost")
    #expect(d.entries.count == InspectFixtures.payloadInputs.count)
    #expect(d.entries.allSatisfy { $0.status == "added" })
    #expect(d.payloadStored.change == Int64(new.payload?.storedBytes ?? 0))
    let changes = d.sections.map(\.file.change.magnitude)
    #expect(changes == changes.sorted(by: >))
    #expect(Inspector.diff(old: old, new: old).sections.isEmpty)
  }

  @Test("JSON keeps the documented keys and writes null for a missing payload")
  func json() throws {
    let r = try Inspector.inspect(InspectFixtures.path("hello"))
    let text = InspectRender.json(r)
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    #expect(object["fileSize"] as? Int == Int(r.fileSize))
    #expect(object["payload"] is NSNull)
    let section = try #require((object["sections"] as? [[String: Any]])?.dropFirst().first)
    for key in ["name", "type", "offset", "size", "flags"] { #expect(section[key] != nil, "\(key)") }
    let rows = try #require(object["breakdown"] as? [[String: Any]])
    #expect(rows.reduce(0) { $0 + ($1["fileBytes"] as? Int ?? 0) } == Int(r.fileSize))
    #expect(rows.allSatisfy { $0["category"] is String && $0["memoryBytes"] is Int })
    #expect(try JSONDecoder().decode(InspectReport.self, from: Data(text.utf8)) == r)
  }

  @Test("CSV quotes fields and has one row per region")
  func csv() throws {
    let r = try Inspector.inspect(InspectFixtures.path("hello"))
    let lines = InspectRender.csv(r, tables: .init()).split(separator: "\n")
    #expect(lines.first == "kind,name,category,offset,fileBytes,memoryBytes")
    #expect(lines.count == r.regions.count + 1)
    #expect(InspectRender.csvText([["a,b", "c\"d"]]) == "\"a,b\",\"c\"\"d\"\n")
  }

  @Test("the text manifest line: no input digests, a long list as its count")
  func manifestLine() {
    var pairs: [Manifest.Pair] = [.init("runtime", "python"), .init(ManifestKey.input, "abc prog.py")]
    pairs += (0..<3).map { .init("needs", "lib/x\($0).so:liby.so") }
    pairs += (0..<129).map { .init("preload", "lib/m\($0).pyc") }
    pairs.append(.init("main-module", "app"))
    #expect(
      InspectRender.manifestLine(pairs)
        == "runtime=python needs=lib/x0.so:liby.so needs=lib/x1.so:liby.so needs=lib/x2.so:liby.so "
        + "preload=[129 values] main-module=app")
  }

  private func total(_ r: InspectReport, _ c: SizeCategory) -> UInt64 {
    r.breakdown.first { $0.category == c }?.fileBytes ?? 0
  }
}

/// Which error a bad input must give.
enum ExpectedFailure: Sendable { case notELF, damaged, unreadable }

@Suite("frost inspect on bad input")
struct InspectBadInputTests {
  /// (label, how to make the file, expected failure). Offsets are those of ELF64 LE `hello`.
  static let cases: [(String, @Sendable () throws -> String, ExpectedFailure)] = [
    ("text file", { try file("text", Array("#!/bin/sh\necho hi\n".utf8)) }, .notELF),
    ("empty file", { try file("empty", []) }, .notELF),
    ("directory", { InspectFixtures.dir }, .notELF),
    ("/dev/null", { "/dev/null" }, .notELF),
    ("three bytes of magic", { try file("short-magic", [0x7f, 0x45, 0x4c]) }, .notELF),
    ("missing file", { InspectFixtures.dir + "/no-such-file" }, .unreadable),
    ("path through a regular file", { InspectFixtures.path("hello") + "/x" }, .unreadable),
    ("magic only", { try file("magic-only", [0x7f, 0x45, 0x4c, 0x46]) }, .damaged),
    ("truncated ELF header", { try truncated(40) }, .damaged),
    ("truncated after the program headers", { try truncated(3000) }, .damaged),
    ("invalid class", { try InspectFixtures.damaged("class") { $0[4] = 9 } }, .damaged),
    ("invalid byte order", { try InspectFixtures.damaged("data") { $0[5] = 0 } }, .damaged),
    ("section header table past the end", {
      try InspectFixtures.damaged("shoff") { InspectFixtures.set(&$0, 40, 8, UInt64($0.count) + 100) }
    }, .damaged),
    ("section header table offset overflows", {
      try InspectFixtures.damaged("shoff-overflow") { InspectFixtures.set(&$0, 40, 8, UInt64.max - 8) }
    }, .damaged),
    ("program header table past the end", {
      try InspectFixtures.damaged("phoff") { InspectFixtures.set(&$0, 32, 8, UInt64($0.count) - 10) }
    }, .damaged),
    ("wrong section header entry size", {
      try InspectFixtures.damaged("shentsize") { InspectFixtures.set(&$0, 58, 2, 40) }
    }, .damaged),
    ("section offset + size overflows", {
      try InspectFixtures.damaged("sec-overflow") {
        let sh = Int(InspectFixtures.get($0, 40, 8)) + 5 * 64
        InspectFixtures.set(&$0, sh + 24, 8, UInt64.max - 16)
      }
    }, .damaged),
    ("section past the end", {
      try InspectFixtures.damaged("sec-past") {
        let sh = Int(InspectFixtures.get($0, 40, 8)) + 5 * 64
        InspectFixtures.set(&$0, sh + 32, 8, UInt64($0.count))
      }
    }, .damaged),
    ("segment past the end", {
      try InspectFixtures.damaged("seg-past") {
        let ph = Int(InspectFixtures.get($0, 32, 8)) + 2 * 56
        InspectFixtures.set(&$0, ph + 32, 8, UInt64($0.count) * 2)
      }
    }, .damaged),
    ("string table index out of range", {
      try InspectFixtures.damaged("shstrndx") { InspectFixtures.set(&$0, 62, 2, 500) }
    }, .damaged),
    ("section name outside the string table", {
      try InspectFixtures.damaged("sh-name") {
        let sh = Int(InspectFixtures.get($0, 40, 8)) + 5 * 64
        InspectFixtures.set(&$0, sh, 4, 0x00ff_ffff)
      }
    }, .damaged),
    ("name table is not a string table", {
      try InspectFixtures.damaged("shstrtab-type") {
        let n = Int(InspectFixtures.get($0, 62, 2))
        let sh = Int(InspectFixtures.get($0, 40, 8)) + n * 64
        InspectFixtures.set(&$0, sh + 4, 4, 1)
      }
    }, .damaged),
  ]

  static func file(_ name: String, _ bytes: [UInt8]) throws -> String {
    let path = InspectFixtures.path("bad-" + name)
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
  }

  static func truncated(_ count: Int) throws -> String {
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: InspectFixtures.path("hello"))))
    return try file("truncated-\(count)", Array(bytes.prefix(count)))
  }

  @Test("each bad input gives its error, never a crash", arguments: 0..<cases.count)
  func badInput(_ i: Int) throws {
    let (label, make, expected) = Self.cases[i]
    let path = try make()
    do {
      _ = try Inspector.inspect(path)
      Issue.record("\(label): no error")
    } catch {
      switch (error, expected) {
      case (.notELF, .notELF), (.damaged, .damaged), (.unreadable, .unreadable): break
      default: Issue.record("\(label): \(error), expected \(expected)")
      }
      #expect(!"\(error)".isEmpty && !"\(error)".contains("\n"), "\(label)")
    }
  }
}
