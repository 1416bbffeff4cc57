import Foundation

/// Compressed entries and trained dictionaries kept between builds, by content: a Python
/// program bundles the whole standard library, whose entries are the same in every build made
/// with one interpreter, and compressing them again (zstd -12 of 16 MB of shared objects, a
/// dictionary trained on 12 MB of bytecode) would cost seconds at each build.
///
/// A record's name is the SHA-256 of the raw bytes' SHA-256 and a tag naming the codec, level,
/// frames and dictionary. A record is used only after it decodes back to bytes with the raw
/// bytes' CRC-32 (a damaged or edited cache costs time, never a wrong binary). Records are
/// written to a temporary file and renamed: builds running at once never read half a record.
/// The folder is `$FROST_CACHE_DIR`, else `$XDG_CACHE_HOME/frost`, else `~/.cache/frost`;
/// `FROST_CACHE_DIR=off` turns the cache off. The output does not depend on the cache: the
/// compressors are deterministic.
public struct CompressionCache: Sendable {
  let folder: String?

  /// The cache of this environment.
  public static let shared = CompressionCache(environment: ProcessInfo.processInfo.environment)

  init(environment: [String: String]) {
    folder = Self.root(environment: environment).map { $0 + "/entries" }
  }

  /// Frost's cache folder: `$FROST_CACHE_DIR`, else `$XDG_CACHE_HOME/frost`, else
  /// `~/.cache/frost`; nil when `FROST_CACHE_DIR=off` or there is no home.
  static func root(environment: [String: String]) -> String? {
    if let dir = environment["FROST_CACHE_DIR"], !dir.isEmpty {
      return dir == "off" ? nil : dir
    } else if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
      return xdg + "/frost"
    } else if let home = environment["HOME"], home.hasPrefix("/") {
      return home + "/.cache/frost"
    }
    return nil
  }

  /// The record name for bytes whose SHA-256 is `digest`, compressed as `tag` says.
  static func key(_ digest: [UInt8], _ tag: String) -> String {
    SHA256.hex(digest + Array(tag.utf8))
  }

  /// The bytes recorded under `key`, if `check` accepts them.
  func get(_ key: String, check: ([UInt8]) -> Bool) -> [UInt8]? {
    guard let folder, let bytes = try? FileIO.read(folder + "/" + key), check(bytes) else {
      return nil
    }
    return bytes
  }

  /// Records `bytes` under `key`; a failure (read-only home, full disk) only costs the next
  /// build the time to compress again.
  func put(_ key: String, _ bytes: [UInt8]) {
    guard let folder else { return }
    try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let temporary = folder + "/." + key + "." + UUID().uuidString
    guard FileManager.default.createFile(atPath: temporary, contents: Data(bytes)) else { return }
    if rename(temporary, folder + "/" + key) != 0 { unlink(temporary) }
  }

  /// `compress()` of the bytes with SHA-256 `digest` and CRC-32 `crc`, from the cache when a
  /// record decodes (with `decode`) back to that CRC; nil results are not recorded.
  func compressed(
    digest: [UInt8], crc: UInt32, tag: String, decode: ([UInt8]) -> [UInt8]?,
    _ compress: () -> [UInt8]?
  ) -> [UInt8]? {
    let key = Self.key(digest, tag)
    if let hit = get(key, check: { decode($0).map { Zlib.crc32($0) } == crc }) { return hit }
    let made = compress()
    if let made { put(key, made) }
    return made
  }
}
