import Foundation
import FrostKit
import Testing

/// Binaries whose index fields were rewritten and whose index CRC was recomputed, as someone
/// who edits the file would: the CRC is no defence, so every reader must check the fields.
@Suite("A crafted payload is refused by the stub, verify and extract alike")
struct HostileInputTests {
  enum Edit: String, CaseIterable {
    /// A stored entry whose stored size grows past its raw size (was a heap overflow: the
    /// stub read `stored_size` bytes into a buffer of `raw_size + 1`).
    case storedSizeGrown
    /// A zlib entry that declares 3 GiB raw for a few stored bytes.
    case rawSizeHuge
    /// A record of an unknown kind.
    case unknownKind
    /// A reserved field set.
    case reservedSet
    /// The entry renamed so that the manifest's `entry` names nothing.
    case entryRenamed

    /// What both the stub and verify say: the field at fault.
    var says: String {
      switch self {
      case .storedSizeGrown, .rawSizeHuge: "impossible for stored size"
      case .unknownKind: "unknown kind 99"
      case .reservedSet: "reserved field"
      case .entryRenamed: "entry 'prog.sh' missing"
      }
    }
  }

  @Test("one line, status 126 from the stub; verify and extract refuse", arguments: Edit.allCases)
  func crafted(_ edit: Edit) throws {
    let f = try Frozen("#!/bin/sh\necho fine\n")
    defer { CLI.cleanup(f.dir) }
    try Self.rewrite(f.binary) { payload, record in
      switch edit {
      case .storedSizeGrown:
        let dataOffset = Self.u64(payload, record)
        Self.put64(&payload, record + 8, UInt64(payload.count) - dataOffset)
      case .rawSizeHuge:
        payload[record + 41] = 1
        Self.put64(&payload, record + 16, 3 << 30)
      case .unknownKind: payload[record + 40] = 99
      case .reservedSet: payload[record + 44] = 1
      case .entryRenamed:
        let names = Int(Self.u64(payload, 32))
        payload[names] = UInt8(ascii: "q")
      }
    }
    let r = try f.run()
    #expect(r.status == 126 && r.signal == nil, "\(r.status) \(r.stderr)")
    #expect(r.stdout.isEmpty)
    #expect(r.stderr.hasPrefix("prog: payload damaged: "), "\(r.stderr)")
    #expect(r.stderr.contains(edit.says), "\(r.stderr)")
    #expect(r.stderr.split(separator: "\n").count == 1)
    let v = try CLI.frost(["verify", f.binary])
    #expect(v.status == 1 && v.signal == nil, "\(v.stdout)\(v.stderr)")
    #expect(v.stderr.hasPrefix("frost: \(f.binary): payload damaged: "), "\(v.stderr)")
    #expect(v.stderr.contains(edit.says), "\(v.stderr)")
    let x = try CLI.frost(["extract", f.binary, f.dir + "/x"])
    #expect(x.status == 1 && x.signal == nil)
  }

  @Test("an index out of order is refused by the Python stub and by verify")
  func unsorted() throws {
    let dir = try CLI.tempDir()
    defer { CLI.cleanup(dir) }
    let binary = dir + "/hello"
    #expect(try CLI.frost(["build", CLI.sample("hello.py"), "-o", binary]).status == 0)
    try Self.rewrite(binary) { payload, first in
      let second = first + PayloadFormat.entrySize
      let a = Array(payload[first..<second])
      payload.replaceSubrange(first..<second, with: payload[second..<second + 80])
      payload.replaceSubrange(second..<second + 80, with: a)
    }
    let r = try CLI.run(binary, [])
    #expect(r.status == 126 && r.stderr.contains("index not sorted"), "\(r.stderr)")
    #expect(r.stderr.split(separator: "\n").count == 1)
    let v = try CLI.frost(["verify", binary])
    #expect(v.status == 1 && v.stderr.contains("index not sorted"), "\(v.stderr)")
  }

  @Test("extract: a bad entry in the middle leaves no folder and no file")
  func extractAtomic() throws {
    let dir = try CLI.tempDir()
    defer { CLI.cleanup(dir) }
    let binary = dir + "/hello"
    #expect(
      try CLI.frost(["build", CLI.sample("hello.py"), "--stdlib", "imported", "-o", binary]).status
        == 0)
    let payload = try PayloadFile.open(binary)
    let middle = payload.entries[payload.entries.count / 2]
    var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: binary)))
    let section = try #require(try ELFFile(path: binary).sections().first { $0.name == ".frost" })
    bytes[Int(section.offset + middle.dataOffset + middle.storedSize / 2)] ^= 0x40
    try Data(bytes).write(to: URL(fileURLWithPath: binary))
    let r = try CLI.frost(["extract", binary, dir + "/out"])
    #expect(r.status == 1 && r.stderr.contains(middle.path), "\(r.stderr)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["hello"])
  }

  @Test("inspect never traps on a dynamic string offset of 2^63 or more", arguments: ["text", "json"])
  func hugeDynamicOffset(format: String) throws {
    let dir = try CLI.tempDir()
    defer { CLI.cleanup(dir) }
    let path = dir + "/true"
    var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: "/bin/true")))
    let dynamic = try #require(try ELFFile(path: "/bin/true").sections().first { $0.name == ".dynamic" })
    var at = Int(dynamic.offset)
    while Self.u64(bytes, at) != 1 { at += 16 }  // DT_NEEDED
    Self.put64(&bytes, at + 8, 1 << 63)
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    let r = try CLI.frost(["inspect", "--format", format, path])
    #expect(r.signal == nil, "\(r.stderr)")
    #expect(r.status == 0 || r.stderr.hasPrefix("frost: "), "\(r.stderr)")
    #expect(r.stderr.split(separator: "\n").count <= 1)
  }

  /// Rewrites the `.frost` section of `binary` with `edit` (given the section's bytes and the
  /// offset of the first index record), then recomputes the index CRC.
  static func rewrite(_ binary: String, _ edit: (inout [UInt8], Int) -> Void) throws {
    var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: binary)))
    let section = try #require(try ELFFile(path: binary).sections().first { $0.name == ".frost" })
    let range = Int(section.offset)..<Int(section.offset + section.size)
    var payload = Array(bytes[range])
    let index = Int(u64(payload, 16))
    edit(&payload, index)
    let (indexSize, names, namesSize) = (Int(u64(payload, 24)), Int(u64(payload, 32)), Int(u64(payload, 40)))
    let manifest = Int(u64(payload, 48))
    let manifestSize = (0..<4).reduce(0) { $0 | Int(payload[56 + $1]) << (8 * $1) }
    let crc = Zlib.crc32(
      Array(payload[index..<index + indexSize]) + payload[names..<names + namesSize]
        + payload[manifest..<manifest + manifestSize])
    for i in 0..<4 { payload[60 + i] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(i))) }
    bytes.replaceSubrange(range, with: payload)
    try Data(bytes).write(to: URL(fileURLWithPath: binary))
  }

  static func u64(_ b: [UInt8], _ o: Int) -> UInt64 {
    (0..<8).reduce(0) { $0 | UInt64(b[o + $1]) << (8 * $1) }
  }

  static func put64(_ b: inout [UInt8], _ o: Int, _ v: UInt64) {
    for i in 0..<8 { b[o + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(i))) }
  }
}
