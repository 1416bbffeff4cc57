import CZstd

/// Zstandard: the payload codec of self-contained Python binaries, which inflate megabytes of
/// native libraries at start-up (about 4 times faster to decompress than zlib at the same size).
public enum Zstd {
  /// One frame of `bytes` at `level` 1-19, with the content size and a content checksum
  /// recorded, so that the stub's decompression checks the bytes (wraps `ZSTD_compress2`).
  public static func compress(_ bytes: [UInt8], level: Int) -> [UInt8] {
    let cctx = ZSTD_createCCtx()
    defer { ZSTD_freeCCtx(cctx) }
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, Int32(level))
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1)
    var out = [UInt8](repeating: 0, count: ZSTD_compressBound(bytes.count))
    let n = out.withUnsafeMutableBytes { dst in
      bytes.withUnsafeBytes { src in
        ZSTD_compress2(cctx, dst.baseAddress, dst.count, src.baseAddress, src.count)
      }
    }
    precondition(ZSTD_isError(n) == 0, "ZSTD_compress2 cannot fail with a compressBound buffer")
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
