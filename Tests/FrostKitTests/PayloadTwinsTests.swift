import Testing

@testable import FrostKit

@Suite("Payload: identical entries stored once")
struct PayloadTwinsTests {
  /// 3 MB that zstd shrinks only somewhat (a shared library's worth of bytes).
  static let library: [UInt8] = {
    var seed: UInt32 = 11
    return (0..<3_000_000).map { _ -> UInt8 in
      seed = seed &* 1_103_515_245 &+ 12345
      return UInt8(truncatingIfNeeded: seed >> 16) & 0x3f
    }
  }()

  static func section(_ inputs: [PayloadInput]) throws -> [UInt8] {
    try PayloadWriter.build(inputs, manifest: Manifest(), level: 3, codec: .zstd)
  }

  @Test("a wheel's library as data and as native library is stored once, as the native one")
  func sharedLibrary() throws {
    var other = Self.library
    other[1000] ^= 1  // same size, not the same bytes
    let inputs = [
      PayloadInput(path: "lib/pkg/libx.so.1", kind: .data, bytes: Self.library),
      PayloadInput(path: "native/libx.so.1", kind: .nativeLibrary, bytes: Self.library, frames: 2),
      PayloadInput(path: "lib/pkg/liby.so.1", kind: .data, bytes: other),
    ]
    let both = try Self.section(inputs)
    let reader = try PayloadReader(section: both)
    let data = try #require(reader.entry("lib/pkg/libx.so.1"))
    let native = try #require(reader.entry("native/libx.so.1"))
    let y = try #require(reader.entry("lib/pkg/liby.so.1"))
    #expect(data.dataOffset == native.dataOffset && data.storedSize == native.storedSize)
    #expect(y.dataOffset != data.dataOffset, "same size and different bytes: its own copy")
    #expect(data.kind == .data && native.kind == .nativeLibrary && native.mode == 0o644)
    let stored = Array(both[Int(native.dataOffset)..<Int(native.dataOffset + native.storedSize)])
    #expect(PayloadTests.zstdFrames(stored).count == 2, "kept as the two frames of the native one")
    #expect(try reader.read(data, checkDigest: true) == Self.library)
    #expect(try reader.read(native, checkDigest: true) == Self.library)
    #expect(try reader.read(y, checkDigest: true) == other)
    try reader.verify()
    #expect(reader.entries.storedBytesCountedOnce == data.storedSize + y.storedSize)

    let alone = try Self.section(Array(inputs[1...]))
    #expect(both.count < alone.count + 1024, "\(both.count) vs \(alone.count)")
  }

  @Test("entries stored as they are on purpose keep their own bytes")
  func alwaysStored() throws {
    var first = PayloadInput(path: "a.pyc", kind: .stdlib, bytes: Array(repeating: 7, count: 5000))
    first.alwaysStored = true
    let second = PayloadInput(path: "b.pyc", kind: .stdlib, bytes: first.bytes)
    let reader = try PayloadReader(section: try Self.section([first, second]))
    let a = try #require(reader.entry("a.pyc"))
    let b = try #require(reader.entry("b.pyc"))
    #expect(a.compression == .stored && b.compression == .zstd && a.dataOffset != b.dataOffset)
    #expect(try reader.read(b, checkDigest: true) == first.bytes)
  }

  @Test("sharing is reproducible: the same inputs in any order give the same bytes")
  func reproducible() throws {
    let small = Array("same bytes in three files\n".utf8)
    let inputs = [
      PayloadInput(path: "c", kind: .data, bytes: small),
      PayloadInput(path: "a", kind: .data, bytes: small),
      PayloadInput(path: "b", kind: .metadata, bytes: small),
      PayloadInput(path: "d", kind: .data, bytes: []),
      PayloadInput(path: "e", kind: .data, bytes: []),
    ]
    let one = try Self.section(inputs)
    #expect(one == (try Self.section(inputs.reversed())))
    let reader = try PayloadReader(section: one)
    #expect(Set(reader.entries.prefix(3).map(\.dataOffset)).count == 1)
    for e in reader.entries { _ = try reader.read(e, checkDigest: true) }
  }
}
