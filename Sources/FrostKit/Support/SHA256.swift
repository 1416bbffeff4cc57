import Crypto

/// SHA-256 (FIPS 180-4), for entry digests, input digests in the manifest and the compression
/// cache's keys: swift-crypto's (BoringSSL's assembly on Linux), behind the two calls Frost
/// makes.
public enum SHA256 {
  /// The digest of `bytes` as 32 bytes.
  public static func digest(_ bytes: [UInt8]) -> [UInt8] {
    Array(Crypto.SHA256.hash(data: bytes))
  }

  /// The digest of `bytes` as 64 lowercase hex digits.
  public static func hex(_ bytes: [UInt8]) -> String { hexString(digest(bytes)) }
}

/// Lowercase hex of `bytes`.
public func hexString(_ bytes: [UInt8]) -> String {
  let digits = Array("0123456789abcdef".utf8)
  var out = [UInt8]()
  out.reserveCapacity(bytes.count * 2)
  for b in bytes {
    out.append(digits[Int(b >> 4)])
    out.append(digits[Int(b & 15)])
  }
  return String(decoding: out, as: UTF8.self)
}
