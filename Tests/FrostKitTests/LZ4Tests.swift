import Foundation
import Testing

@testable import FrostKit

@Suite("LZ4 blocks (the packed interpreter image)")
struct LZ4Tests {
  /// "abcabcabcabcabcab" + "XYZWV": literals "abc", a 14-byte match 3 back (overlapping),
  /// then the last five literals (a block ends with at least five, as the format requires).
  static let block: [UInt8] = [
    0x3A, 0x61, 0x62, 0x63, 0x03, 0x00, 0x50, 0x58, 0x59, 0x5A, 0x57, 0x56,
  ]

  @Test("literals, an overlapping match and the last literals decode")
  func decodes() {
    #expect(LZ4.decode(Self.block[...], rawSize: 22) == Array("abcabcabcabcabcabXYZWV".utf8))
  }

  @Test("a wrong size, a match before the start, a truncated block: nil, never a trap")
  func refuses() {
    #expect(LZ4.decode(Self.block[...], rawSize: 21) == nil)
    #expect(LZ4.decode(Self.block[...], rawSize: 23) == nil)
    var early = Self.block
    early[4] = 0x04  // 4 back, with only 3 bytes written
    #expect(LZ4.decode(early[...], rawSize: 22) == nil)
    for cut in 0..<Self.block.count {
      #expect(LZ4.decode(Self.block[..<cut], rawSize: 22) == nil)
    }
    #expect(LZ4.decode([0xF0, 0xFF][...], rawSize: 300) == nil, "a length running off the end")
    // A size no block of this length can reach is refused before anything is allocated.
    #expect(LZ4.decode(Self.block[...], rawSize: 1 << 60) == nil)
  }
}
