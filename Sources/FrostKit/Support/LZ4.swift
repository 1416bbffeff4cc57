/// Decoding of LZ4 blocks (lz4_Block_format.md). Only the packed loader's interpreter image is
/// LZ4 (`Compression.lz4`), and `make` compresses it (stubs/packed/pack.c): Frost reads LZ4 to
/// check and inspect it, and never writes it.
enum LZ4 {
  /// `block` decoded, or nil when it is malformed, refers back before its start, or does not
  /// decode to exactly `rawSize` bytes.
  static func decode(_ block: ArraySlice<UInt8>, rawSize: Int) -> [UInt8]? {
    // A block expands at most ~255 times (a 255 length byte adds 255 bytes of match), so a
    // larger size is refused before it is allocated.
    guard rawSize >= 0, rawSize / 255 <= block.count else { return nil }
    var out = [UInt8](repeating: 0, count: rawSize)
    let written = block.withUnsafeBufferPointer { src in
      out.withUnsafeMutableBufferPointer { decode(src, into: $0) }
    }
    return written == rawSize ? out : nil
  }

  /// Decodes `src` into `dst`; the number of bytes written, or nil when malformed.
  private static func decode(
    _ src: UnsafeBufferPointer<UInt8>, into dst: UnsafeMutableBufferPointer<UInt8>
  ) -> Int? {
    var i = 0
    var o = 0
    while true {
      guard i < src.count else { return nil }
      let token = Int(src[i])
      i += 1
      guard let lit = length(token >> 4, src, &i), lit <= src.count - i, lit <= dst.count - o
      else { return nil }
      for k in 0..<lit { dst[o + k] = src[i + k] }
      i += lit
      o += lit
      if i == src.count { return o }  // the last sequence has no match
      guard src.count - i >= 2 else { return nil }
      let offset = Int(src[i]) | Int(src[i + 1]) << 8
      i += 2
      guard let extra = length(token & 15, src, &i) else { return nil }
      let match = extra + 4
      guard offset > 0, offset <= o, match <= dst.count - o else { return nil }
      for k in 0..<match { dst[o + k] = dst[o - offset + k] }  // may overlap: byte by byte
      o += match
    }
  }

  /// A 4-bit length, extended by the bytes that follow when it is 15 (each 255 continues it).
  private static func length(_ base: Int, _ src: UnsafeBufferPointer<UInt8>, _ i: inout Int)
    -> Int?
  {
    var n = base
    guard base == 15 else { return n }
    while true {
      guard i < src.count else { return nil }
      let b = Int(src[i])
      i += 1
      n += b
      if b != 255 { return n }
    }
  }
}
