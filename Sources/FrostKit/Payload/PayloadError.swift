/// Errors of reading or writing a payload.
public enum PayloadError: Error, CustomStringConvertible, Equatable {
  /// Two inputs have the same path.
  case duplicateEntry(path: String)
  /// A path is absolute, empty, or has an empty, "." or ".." component.
  case unsafePath(path: String)
  /// The file has no `.frost` section: it was not built by Frost.
  case noPayload
  /// The section does not start with Frost's magic bytes.
  case badMagic
  /// The payload was written by a newer format version.
  case unsupportedVersion(UInt16)
  /// A structure lies outside the section.
  case outOfBounds(what: String, offset: UInt64, size: UInt64, limit: UInt64)
  /// The index, names or manifest do not match their checksum.
  case metadataChecksum(expected: UInt32, actual: UInt32)
  /// An entry's bytes do not inflate to its recorded size.
  case inflateFailed(path: String)
  /// An entry's bytes do not match its CRC-32.
  case crcMismatch(path: String, expected: UInt32, actual: UInt32)
  /// An entry's bytes do not match its SHA-256.
  case shaMismatch(path: String)
  /// An index record has an unknown kind or compression.
  case badRecord(index: Int, reason: String)
  /// The manifest is not a list of NUL-terminated pairs.
  case badManifest
  /// A manifest value (`entry`, `preload`, `needs`, `zstd-dictionary`) names no entry.
  case badReference(key: String, path: String)

  public var description: String {
    switch self {
    case .duplicateEntry(let path): "two entries have the path '\(path)'"
    case .unsafePath(let path): "unsafe entry path '\(path)' (absolute, empty or with '..')"
    case .noPayload: "not a Frost binary (no .frost section)"
    case .badMagic: "payload damaged: bad magic in .frost section"
    case .unsupportedVersion(let v): "payload format version \(v) is newer than this frost"
    case .outOfBounds(let what, let offset, let size, let limit):
      "payload damaged: \(what) at offset \(offset) size \(size) ends past \(limit)"
    case .metadataChecksum(let e, let a):
      "payload damaged: index checksum \(hex32(a)), expected \(hex32(e))"
    case .inflateFailed(let path): "payload damaged: entry '\(path)' does not inflate"
    case .crcMismatch(let path, let e, let a):
      "payload damaged: entry '\(path)' CRC-32 \(hex32(a)), expected \(hex32(e))"
    case .shaMismatch(let path): "payload damaged: entry '\(path)' SHA-256 mismatch"
    case .badRecord(let i, let reason): "payload damaged: index record \(i): \(reason)"
    case .badManifest: "payload damaged: manifest is not NUL-terminated pairs"
    case .badReference(let key, let path):
      "payload damaged: manifest \(key): entry '\(path)' missing"
    }
  }
}

func hex32(_ v: UInt32) -> String {
  let s = String(v, radix: 16)
  return "0x" + String(repeating: "0", count: 8 - s.count) + s
}
