import CZstd

/// Zstandard: the payload codec of self-contained Python binaries, which inflate megabytes of
/// native libraries at start-up (about 4 times faster to decompress than zlib at the same size).
public enum Zstd {
  /// Frames reach back at most 2^20 bytes (1 MiB). The stub streams large entries into memfds,
  /// and a streaming decoder holds one window: at zstd's own choice that is the whole entry
  /// (4.7 MB for libcrypto), fresh memory at every start; at 1 MiB it is one buffer per thread,
  /// reused. Entries come out 0.3-1.3 % larger (docs/FORMAT.md).
  public static let windowLog: Int32 = 20

  /// Inputs below this many bytes keep their literals raw (no Huffman table) at levels up to
  /// `rawLiteralsUpToLevel`. Reading the table is most of the work of decoding a small frame:
  /// a 985-byte module decodes in 1.2 µs instead of 3.3, a 11 kB one in 6.9 µs instead of
  /// 12.6, for 5-11 % more bytes (level 6; docs/PYTHON.md, "Compression").
  public static let rawLiteralsBelow = 16 * 1024
  /// Levels 16-19 (`--compact`) are asked for size: there literals are always compressed.
  public static let rawLiteralsUpToLevel = 15

  /// One frame of `bytes` at `level` 1-19 and a window of at most `windowLog`, with the content
  /// size and a content checksum recorded, so that the stub's decompression checks the bytes
  /// (wraps `ZSTD_compress2`); small inputs at levels up to 15 with raw literals.
  public static func compress(_ bytes: [UInt8], level: Int) -> [UInt8] {
    compress(bytes) {
      _ = ZSTD_CCtx_setParameter($0, ZSTD_c_compressionLevel, Int32(level))
      _ = ZSTD_CCtx_setParameter($0, ZSTD_c_windowLog, windowLog)
      if bytes.count < rawLiteralsBelow && level <= rawLiteralsUpToLevel {
        _ = ZSTD_CCtx_setParameter(
          $0, frost_zstd_c_literal_compression_mode, Int32(ZSTD_ps_disable.rawValue))
      }
    }
  }

  /// `bytes` cut into `frames` equal parts (the last taking the remainder, as `split -n`),
  /// each compressed by `compress(_:level:)` on whichever core is free, back to back: one
  /// stream that any zstd reader decodes whole, and whose frames can also be decoded each on
  /// its own thread. The same bytes whatever the order the parts finish in.
  public static func compress(_ bytes: [UInt8], level: Int, frames: Int) -> [UInt8] {
    let count = min(max(frames, 1), max(bytes.count, 1))
    if count == 1 { return compress(bytes, level: level) }
    let part = bytes.count / count
    return Parallel.map(count) { i in
      compress(
        Array(bytes[(i * part)..<(i == count - 1 ? bytes.count : (i + 1) * part)]), level: level)
    }.flatMap { $0 }
  }

  /// One frame of `bytes` compressed with `dictionary` (at the dictionary's level), with the
  /// content size, the checksum and the dictionary's ID recorded.
  public static func compress(_ bytes: [UInt8], dictionary: CompressionDictionary) -> [UInt8] {
    compress(bytes) { _ = ZSTD_CCtx_refCDict($0, dictionary.cdict) }
  }

  /// One checksummed frame of `bytes` from a context that `setUp` has given its level or
  /// dictionary.
  private static func compress(_ bytes: [UInt8], setUp: (OpaquePointer?) -> Void) -> [UInt8] {
    let cctx = ZSTD_createCCtx()
    defer { ZSTD_freeCCtx(cctx) }
    setUp(cctx)
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

  /// Decompresses the frames of `bytes`, back to back, into exactly `rawSize` bytes (wraps
  /// `ZSTD_decompress_usingDict`, with `dictionary` when they were compressed with one), or nil
  /// when a frame is damaged, needs another dictionary or the size is another.
  public static func decompress(
    _ bytes: ArraySlice<UInt8>, rawSize: Int, dictionary: [UInt8]? = nil
  ) -> [UInt8]? {
    guard rawSize > 0 else { return bytes.isEmpty ? nil : [] }
    let dctx = ZSTD_createDCtx()
    defer { ZSTD_freeDCtx(dctx) }
    let dict = dictionary ?? []
    var out = [UInt8](repeating: 0, count: rawSize)
    let n = out.withUnsafeMutableBytes { dst in
      bytes.withUnsafeBytes { src in
        dict.withUnsafeBytes { d in
          ZSTD_decompress_usingDict(
            dctx, dst.baseAddress, dst.count, src.baseAddress, src.count, d.baseAddress, d.count)
        }
      }
    }
    guard ZSTD_isError(n) == 0, n == rawSize else { return nil }
    return out
  }

  /// A dictionary of at most `capacity` bytes for compressing many small, similar entries
  /// (wraps `ZDICT_trainFromBuffer`: fastCover with fixed parameters, so the same samples
  /// always give the same dictionary), or nil when the samples are too few for one.
  public static func trainDictionary(_ samples: [[UInt8]], capacity: Int) -> [UInt8]? {
    let joined = samples.flatMap { $0 }
    let sizes = samples.map { $0.count }
    var dict = [UInt8](repeating: 0, count: capacity)
    let n = dict.withUnsafeMutableBytes { d in
      joined.withUnsafeBytes { s in
        ZDICT_trainFromBuffer(d.baseAddress, d.count, s.baseAddress, sizes, UInt32(sizes.count))
      }
    }
    guard ZDICT_isError(n) == 0, n > 0 else { return nil }
    dict.removeSubrange(n...)
    return dict
  }

  /// A dictionary digested once for compressing at one level (`ZSTD_CDict`); one instance
  /// serves any number of threads at once.
  public final class CompressionDictionary: @unchecked Sendable {
    let cdict: OpaquePointer

    /// Nil when zstd cannot digest `bytes` (not a dictionary, or out of memory).
    public init?(_ bytes: [UInt8], level: Int) {
      guard
        let cdict = bytes.withUnsafeBytes({
          ZSTD_createCDict($0.baseAddress, $0.count, Int32(level))
        })
      else { return nil }
      self.cdict = cdict
    }

    deinit { ZSTD_freeCDict(cdict) }
  }
}
