import Testing

@testable import FrostKit

@Suite("Payload format: a dictionary shared by similar entries")
struct PayloadDictionaryTests {
  /// `count` alike entries of about 4 KB: phrases from one vocabulary of 3000, few repeated
  /// within an entry, many across entries, as modules share names and idioms.
  static func alike(_ count: Int, prefix: String = "lib/m") -> [PayloadInput] {
    let words = (0..<3000).map {
      "    self.attribute_\($0 * 7919 % 10007) = helper_\($0 % 97)(value_\($0 * 31 % 1009), "
    }
    var seed: UInt64 = 42
    return (0..<count).map { i in
      var text = "module \(i)\n"
      while text.utf8.count < 4000 {
        seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        text += words[Int(seed >> 33) % words.count] + "\(seed >> 60))\n"
      }
      return PayloadInput(path: "\(prefix)\(i).pyc", kind: .stdlib, bytes: Array(text.utf8))
    }
  }

  static let isPyc: @Sendable (PayloadInput) -> Bool = { $0.path.hasSuffix(".pyc") }

  static func build(_ inputs: [PayloadInput], shared: (@Sendable (PayloadInput) -> Bool)?) throws
    -> [UInt8]
  {
    try PayloadWriter.build(
      inputs, manifest: Manifest([.init("runtime", "python")]), codec: .zstd, levels: { _ in 6 },
      shared: shared)
  }

  @Test("an entry marked alwaysStored is stored as is: at any level, and out of the dictionary")
  func alwaysStored() throws {
    var inputs = Self.alike(300)
    inputs[7].alwaysStored = true
    let bytes = try Self.build(inputs, shared: Self.isPyc)
    let reader = try PayloadReader(section: bytes)
    #expect(reader.entry(PayloadDictionary.path) != nil)
    let kept = try #require(reader.entry(inputs[7].path))
    #expect(kept.compression == .stored && kept.storedSize == kept.rawSize)
    #expect(try reader.read(kept, checkDigest: true) == inputs[7].bytes)
    #expect(reader.entry(inputs[8].path)?.compression == .zstdDictionary)
    let one = try PayloadWriter.build(
      [inputs[7], inputs[8]], manifest: Manifest(), level: 19, codec: .zstd)
    let plain = try PayloadReader(section: one)
    #expect(plain.entry(inputs[7].path)?.compression == .stored)
    #expect(plain.entry(inputs[8].path)?.compression == .zstd)
  }

  @Test("the picked entries share one dictionary: smaller in all, every byte read back")
  func shared() throws {
    let inputs =
      Self.alike(300) + [
        PayloadInput(path: "data.txt", kind: .data, bytes: Array(repeating: 7, count: 5000))
      ]
    let bytes = try Self.build(inputs, shared: Self.isPyc)
    let reader = try PayloadReader(section: bytes)
    #expect(reader.manifest[ManifestKey.zstdDictionary] == PayloadDictionary.path)
    let dict = try #require(reader.entry(PayloadDictionary.path))
    #expect(dict.kind == .dictionary && dict.compression == .zstd)
    #expect(reader.dictionary?.count == Int(dict.rawSize))
    #expect(
      reader.entries.filter { $0.path.hasSuffix(".pyc") }.allSatisfy {
        $0.compression == .zstdDictionary
      })
    #expect(reader.entry("data.txt")?.compression == .zstd, "entries not picked are left alone")
    for input in inputs {
      #expect(try reader.read(try #require(reader.entry(input.path))) == input.bytes)
    }
    try reader.verify()
    let plain = try Self.build(inputs, shared: nil)
    #expect(bytes.count < plain.count * 9 / 10, "\(bytes.count) vs \(plain.count) without")
    #expect(try PayloadReader(section: plain).entry(PayloadDictionary.path) == nil)
    #expect(try Self.build(inputs.reversed(), shared: Self.isPyc) == bytes, "reproducible")
  }

  @Test("too few bytes to pick, level 0, or zlib: no dictionary")
  func none() throws {
    let few = try PayloadReader(section: try Self.build(Self.alike(100), shared: Self.isPyc))
    #expect(
      few.entry(PayloadDictionary.path) == nil && few.manifest[ManifestKey.zstdDictionary] == nil)
    #expect(few.entries.allSatisfy { $0.compression == .zstd })
    let stored = try PayloadReader(
      section: try PayloadWriter.build(
        Self.alike(300), manifest: Manifest(), codec: .zstd, levels: { _ in 0 }, shared: Self.isPyc)
    )
    #expect(stored.entries.allSatisfy { $0.compression == .stored })
    let zlib = try PayloadReader(
      section: try PayloadWriter.build(
        Self.alike(300), manifest: Manifest(), codec: .zlib, levels: { _ in 6 }, shared: Self.isPyc)
    )
    #expect(zlib.entries.allSatisfy { $0.compression == .zlib })
  }

  @Test("a damaged dictionary: its entries are refused, never misread")
  func damaged() throws {
    var bytes = try Self.build(Self.alike(300), shared: Self.isPyc)
    let dict = try #require(try PayloadReader(section: bytes).entry(PayloadDictionary.path))
    bytes[Int(dict.dataOffset + dict.storedSize / 2)] ^= 0x10
    let reader = try PayloadReader(section: bytes)
    #expect(reader.dictionary == nil)
    #expect(throws: PayloadError.inflateFailed(path: "lib/m7.pyc")) {
      try reader.read(try #require(reader.entry("lib/m7.pyc")))
    }
    #expect(throws: PayloadError.self) { try reader.verify() }
  }

  @Test("an input at the dictionary's path is refused")
  func clash() {
    let inputs =
      Self.alike(300) + [PayloadInput(path: PayloadDictionary.path, kind: .data, bytes: [1])]
    #expect(throws: PayloadError.duplicateEntry(path: PayloadDictionary.path)) {
      try Self.build(inputs, shared: Self.isPyc)
    }
  }
}
