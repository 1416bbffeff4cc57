import CZstd

/// Zstandard: the payload codec of self-contained Python binaries, which inflate megabytes of
/// native libraries at start-up (about 4 times faster to decompress than zlib at the same size).
public enum Zstd {
  /// One frame of `bytes` at `level` 1-19, with the content size recorded (wraps
  /// `ZSTD_compress`).
  public static func compress(_ bytes: [UInt8], level: Int) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: ZSTD_compressBound(bytes.count))
    let n = out.withUnsafeMutableBytes { dst in
      bytes.withUnsafeBytes { src in
        ZSTD_compress(dst.baseAddress, dst.count, src.baseAddress, src.count, Int32(level))
      }
    }
    precondition(ZSTD_isError(n) == 0, "ZSTD_compress cannot fail with a compressBound buffer")
    out.removeSubrange(n...)
    return out
  }

  /// Decompresses one frame into exactly `rawSize` bytes (wraps `ZSTD_decompress`), or nil
  /// when the frame is damaged or has another size.
  public static func decompress(_ bytes: ArraySlice<UInt8>, rawSize: Int) -> [UInt8]? {
    guard rawSize > 0 else { return bytes.isEmpty ? nil : [] }
    var out = [UInt8](repeating: 0, count: rawSize)
    let n = out.withUnsafeMutableBytes { dst in
      bytes.withUnsafeBytes { src in
        ZSTD_decompress(dst.baseAddress, dst.count, src.baseAddress, src.count)
      }
    }
    guard ZSTD_isError(n) == 0, n == rawSize else { return nil }
    return out
  }
}
