import CZlib

/// zlib: compression, inflation and CRC-32 for payload entries.
public enum Zlib {
  /// CRC-32 of `bytes` (wraps `crc32`).
  public static func crc32(_ bytes: [UInt8], seed: UInt32 = 0) -> UInt32 {
    bytes.withUnsafeBufferPointer { buf in
      var crc = UInt(seed)
      var offset = 0
      while offset < buf.count {
        let chunk = min(buf.count - offset, Int(UInt32.max))
        crc = CZlib.crc32(crc, buf.baseAddress! + offset, UInt32(chunk))
        offset += chunk
      }
      return UInt32(truncatingIfNeeded: crc)
    }
  }

  /// One zlib stream of `bytes` at `level` 0-9 (wraps `compress2`).
  public static func compress(_ bytes: [UInt8], level: Int) -> [UInt8] {
    var bound = compressBound(uLong(bytes.count))
    var out = [UInt8](repeating: 0, count: Int(bound))
    let status = out.withUnsafeMutableBufferPointer { dst in
      bytes.withUnsafeBufferPointer { src in
        compress2(dst.baseAddress, &bound, src.baseAddress, uLong(src.count), Int32(level))
      }
    }
    precondition(status == Z_OK, "compress2 cannot fail with a compressBound buffer")
    out.removeSubrange(Int(bound)...)
    return out
  }

  /// Inflates one zlib stream into exactly `rawSize` bytes (wraps `uncompress`), or nil
  /// when the stream is damaged or does not have that size.
  public static func inflate(_ bytes: ArraySlice<UInt8>, rawSize: Int) -> [UInt8]? {
    var out = [UInt8](repeating: 0, count: rawSize)
    var outLen = uLong(rawSize)
    var inLen = uLong(bytes.count)
    let status = out.withUnsafeMutableBufferPointer { dst in
      bytes.withUnsafeBufferPointer { src in
        uncompress2(dst.baseAddress, &outLen, src.baseAddress, &inLen)
      }
    }
    guard status == Z_OK, outLen == uLong(rawSize) else { return nil }
    return out
  }
}
