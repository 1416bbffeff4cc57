import CZstd
import Testing

@testable import FrostKit

@Suite("Payload format")
struct PayloadTests {
  static let manifest = Manifest([.init("runtime", "host"), .init("arg", "-e"), .init("arg", "")])

  static func sample() throws -> [UInt8] {
    try PayloadWriter.build(
      [
        PayloadInput(path: "b/data.txt", kind: .data, bytes: Array(repeating: 65, count: 4000)),
        PayloadInput(path: "a.sh", kind: .program, mode: 0o755, bytes: Array("echo hi\n".utf8)),
        PayloadInput(path: "empty", kind: .data, bytes: []),
      ], manifest: manifest, level: 9)
  }

  @Test("entries come back sorted, with sizes, kinds, modes and bytes intact")
  func roundTrip() throws {
    let reader = try PayloadReader(section: try Self.sample())
    #expect(reader.entries.map(\.path) == ["a.sh", "b/data.txt", "empty"])
    let data = try #require(reader.entry("b/data.txt"))
    #expect(data.compression == .zlib && data.rawSize == 4000 && data.storedSize < 100)
    #expect(try reader.read(data, checkDigest: true) == Array(repeating: 65, count: 4000))
    let script = try #require(reader.entry("a.sh"))
    #expect(script.compression == .stored, "an entry that does not shrink is stored as is")
    #expect(script.mode == 0o755 && script.kind == .program)
    #expect(script.sha256 == SHA256.hex(Array("echo hi\n".utf8)))
    #expect(reader.manifest.all("arg") == ["-e", ""])
    #expect(reader.entries.allSatisfy { $0.dataOffset % 8 == 0 })
    try reader.verify()
  }

  @Test("zstd entries round-trip, and a damaged frame is refused")
  func zstd() throws {
    let text = Array(String(repeating: "frost payload ", count: 500).utf8)
    var bytes = try PayloadWriter.build(
      [PayloadInput(path: "t", kind: .data, bytes: text)], manifest: Manifest(), level: 6,
      codec: .zstd)
    let reader = try PayloadReader(section: bytes)
    let entry = try #require(reader.entry("t"))
    #expect(entry.compression == .zstd && entry.storedSize < 200)
    #expect(try reader.read(entry, checkDigest: true) == text)
    bytes[Int(entry.dataOffset) + 6] ^= 0xff
    let damaged = try PayloadReader(section: bytes)
    #expect(throws: PayloadError.self) { try damaged.read(damaged.entries[0]) }
  }

  @Test("an entry zstd shrinks past the maximum ratio is written with zlib, and reads back")
  func maxRatio() throws {
    let zeros = [UInt8](repeating: 0, count: 16 << 20)
    let reader = try PayloadReader(
      section: try PayloadWriter.build(
        [PayloadInput(path: "z", kind: .data, bytes: zeros)], manifest: Manifest(), level: 19,
        codec: .zstd))
    let entry = try #require(reader.entry("z"))
    #expect(entry.compression == .zlib)
    #expect(entry.rawSize / PayloadFormat.maxRatio <= entry.storedSize)
    #expect(try reader.read(entry, checkDigest: true) == zeros)
  }

  /// The frames of a zstd stream: (stored size, content size, window size) each; the window
  /// from the frame header's descriptor (RFC 8878, 3.1.1.1), or the content size for a
  /// single-segment frame.
  static func zstdFrames(_ stream: [UInt8]) -> [(stored: Int, raw: UInt64, window: UInt64)] {
    var frames: [(stored: Int, raw: UInt64, window: UInt64)] = []
    var at = 0
    while at + 6 <= stream.count {
      let (n, raw) = stream[at...].withUnsafeBytes {
        (
          ZSTD_findFrameCompressedSize($0.baseAddress, $0.count),
          ZSTD_getFrameContentSize($0.baseAddress, $0.count)
        )
      }
      if ZSTD_isError(n) != 0 || raw >= ZSTD_CONTENTSIZE_ERROR { return [] }
      let descriptor = stream[at + 4]
      let wd = UInt64(stream[at + 5])
      let log = 10 + (wd >> 3)
      let base: UInt64 = 1 << log
      let window = descriptor & 0x20 != 0 ? raw : base + (base / 8) * (wd & 7)
      frames.append((n, raw, window))
      at += n
    }
    return at == stream.count ? frames : []
  }

  @Test("zstd frames reach back at most 1 MiB; an entry cut into frames is read back whole")
  func zstdWindowsAndFrames() throws {
    // 2.5 MB that zstd would give a 4 MiB window: a pseudo-random 1.25 MB block, twice.
    var seed: UInt32 = 7
    let block = (0..<1_250_000).map { _ -> UInt8 in
      seed = seed &* 1_103_515_245 &+ 12345
      return UInt8(truncatingIfNeeded: seed >> 16) & 0x3f
    }
    let bytes = block + block
    let one = Zstd.compress(bytes, level: 6)
    #expect(Self.zstdFrames(one).map(\.window) == [1 << 20])
    #expect(Zstd.compress(bytes, level: 6, frames: 1) == one)
    let four = Zstd.compress(bytes, level: 6, frames: 4)
    let frames = Self.zstdFrames(four)
    #expect(frames.map(\.raw) == [625_000, 625_000, 625_000, 625_000])
    #expect(frames.allSatisfy { $0.window <= 1 << 20 })
    #expect(Zstd.decompress(four[...], rawSize: bytes.count) == bytes)
    let section = try PayloadWriter.build(
      [PayloadInput(path: "big", kind: .nativeLibrary, bytes: bytes, frames: 4)],
      manifest: Manifest(), level: 6, codec: .zstd)
    let reader = try PayloadReader(section: section)
    let entry = try #require(reader.entry("big"))
    #expect(
      Array(section[Int(entry.dataOffset)..<Int(entry.dataOffset + entry.storedSize)]) == four)
    #expect(try reader.read(entry, checkDigest: true) == bytes)
  }

  @Test("levels by kind: shared objects get their own level unless one is given for all")
  func levelsByKind() throws {
    let plan = FreezePlan(
      stub: "s", entries: [], manifest: Manifest(), codec: .zstd, defaultLevel: 6,
      sharedObjectLevel: 17)
    #expect(plan.levels(explicit: nil)(.stdlib) == 6)
    #expect(plan.levels(explicit: nil)(.nativeLibrary) == 17)
    #expect(plan.levels(explicit: nil)(.extensionModule) == 17)
    #expect(plan.levels(explicit: 0)(.nativeLibrary) == 0)
    #expect(plan.levels(explicit: 3)(.stdlib) == 3)
    // Applied per entry: one text at level 1 and at level 19 differ in size.
    let text = Array((0..<60_000).map { UInt8(truncatingIfNeeded: ($0 * 7919) % 251 ^ $0 / 97) })
    let inputs = [
      PayloadInput(path: "lib/x.so", kind: .extensionModule, bytes: text),
      // Not the same bytes: identical entries would share one stored copy (PayloadTwins).
      PayloadInput(path: "lib/x.pyc", kind: .stdlib, bytes: text + [0]),
    ]
    let bytes = try PayloadWriter.build(
      inputs, manifest: Manifest(), codec: .zstd, levels: { $0 == .stdlib ? 1 : 19 })
    let reader = try PayloadReader(section: bytes)
    let so = try #require(reader.entry("lib/x.so"))
    let pyc = try #require(reader.entry("lib/x.pyc"))
    #expect(so.storedSize < pyc.storedSize, "\(so.storedSize) vs \(pyc.storedSize)")
    #expect(try reader.read(so, checkDigest: true) == text)
  }

  @Test("the same inputs give the same bytes, whatever their order")
  func reproducible() throws {
    let a = try Self.sample()
    let b = try PayloadWriter.build(
      try PayloadReader(section: a).entries.reversed().map {
        PayloadInput(
          path: $0.path, kind: $0.kind, mode: $0.mode,
          bytes: try PayloadReader(section: a).read($0))
      }, manifest: Self.manifest, level: 9)
    #expect(a == b)
  }

  @Test(
    "unsafe or duplicate paths are refused",
    arguments: ["/etc/passwd", "../x", "a/../b", "a//b", "", "./a", "a/"])
  func unsafePaths(path: String) {
    #expect(throws: PayloadError.unsafePath(path: path)) {
      try PayloadWriter.build(
        [PayloadInput(path: path, kind: .data, bytes: [1])], manifest: Manifest(), level: 1)
    }
  }

  @Test("two entries with one path are refused")
  func duplicates() {
    let e = PayloadInput(path: "x", kind: .data, bytes: [1])
    #expect(throws: PayloadError.duplicateEntry(path: "x")) {
      try PayloadWriter.build([e, e], manifest: Manifest(), level: 1)
    }
  }

  @Test("a flipped byte in the index is caught by the index checksum")
  func damagedIndex() throws {
    var bytes = try Self.sample()
    bytes[PayloadFormat.headerSize + 20] ^= 0x40
    #expect(throws: PayloadError.self) { try PayloadReader(section: bytes) }
  }

  @Test("a flipped byte in an entry is caught by its CRC-32")
  func damagedEntry() throws {
    var bytes = try Self.sample()
    let entry = try #require(try PayloadReader(section: bytes).entry("a.sh"))
    bytes[Int(entry.dataOffset) + 2] ^= 1
    let reader = try PayloadReader(section: bytes)
    #expect(throws: PayloadError.self) { try reader.verify() }
    #expect(throws: PayloadError.self) { try reader.read(reader.entry("a.sh")!) }
  }

  @Test("a truncated section or foreign bytes are refused, never trapped on")
  func truncated() throws {
    let bytes = try Self.sample()
    for cut in [0, 10, 63, 64, 100, bytes.count - 1] {
      if let reader = try? PayloadReader(section: Array(bytes[..<cut])) {
        #expect(throws: PayloadError.self) { try reader.verify() }
      }
    }
    #expect(throws: PayloadError.badMagic) {
      try PayloadReader(section: Array(repeating: 7, count: 200))
    }
  }
}

@Suite("Support code")
struct SupportTests {
  @Test("SHA-256 matches the FIPS 180-4 examples")
  func sha256() {
    #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(
      SHA256.hex(Array("abc".utf8))
        == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(
      SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
        == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
  }

  @Test(
    "shebang lines give the interpreter and its arguments",
    arguments: [
      ("#!/bin/sh\necho", ["/bin/sh"]),
      ("#!/usr/bin/env bash\n", ["bash"]),
      ("#! /usr/bin/perl -w\n", ["/usr/bin/perl", "-w"]),
      ("#!/usr/bin/env -S python3 -u\n", ["python3", "-u"]),
      ("#!/bin/bash\r\n", ["/bin/bash"]),
    ])
  func shebang(text: String, words: [String]) {
    #expect(Shebang.parse(Array(text.utf8)) == words)
  }

  @Test("no shebang, no interpreter")
  func noShebang() {
    #expect(Shebang.parse(Array("echo hi\n".utf8)) == nil)
    #expect(Shebang.parse(Array("#!\n".utf8)) == nil)
  }

  @Test("interpreters map to their launcher family")
  func launchers() {
    #expect(HostFreezer.launcher(for: "/bin/bash") == "sh")
    #expect(HostFreezer.launcher(for: "dash") == "sh")
    #expect(HostFreezer.launcher(for: "python3.11") == "python")
    #expect(HostFreezer.launcher(for: "perl") == "perl")
    #expect(HostFreezer.launcher(for: "/usr/bin/awk") == "exec")
  }
}
