import CLZ4

/// Decoding of LZ4 blocks with liblz4 (`LZ4_decompress_safe`). Only the packed loader's
/// interpreter image is LZ4 (`Compression.lz4`), and `make` compresses it (stubs/packed/pack.c,
/// with the same library): Frost reads LZ4 to check and inspect it, and never writes it.
/// (The packed loader keeps a decoder of its own, stubs/packed/lz4_block.c: it runs before
/// any C library is there.)
enum LZ4 {
  /// `block` decoded, or nil when it is malformed or does not decode to exactly `rawSize`
  /// bytes.
  static func decode(_ block: ArraySlice<UInt8>, rawSize: Int) -> [UInt8]? {
    // A block expands at most ~255 times (a 255 length byte adds 255 bytes of match), so a
    // larger size is refused before it is allocated; liblz4 takes sizes as Int32.
    guard rawSize >= 0, rawSize / 255 <= block.count, rawSize <= Int(Int32.max),
      block.count <= Int(Int32.max)
    else { return nil }
    if rawSize == 0 { return block.count == 1 && block.first == 0 ? [] : nil }
    var out = [UInt8](repeating: 0, count: rawSize)
    let written = block.withUnsafeBytes { src in
      out.withUnsafeMutableBytes { dst in
        LZ4_decompress_safe(
          src.baseAddress?.assumingMemoryBound(to: CChar.self),
          dst.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(src.count), Int32(rawSize))
      }
    }
    return Int(written) == rawSize ? out : nil
  }
}
