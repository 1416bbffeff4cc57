/// Reads a `.frost` section (layout in `stubs/include/frost_format.h`), checking every offset
/// and size against the section before use.
public struct PayloadReader: Sendable {
  /// The section bytes.
  public let section: [UInt8]
  /// The index, in stored (sorted) order.
  public let entries: [PayloadEntry]
  public let manifest: Manifest
  /// The raw bytes of the dictionary named by the manifest key `zstd-dictionary`, when it is
  /// there and sound; entries compressed with it fail to read without it.
  public let dictionary: [UInt8]?

  /// Parses `section`; throws `PayloadError` when it is not a sound payload.
  public init(section: [UInt8]) throws(PayloadError) {
    self.section = section
    let limit = UInt64(section.count)
    guard section.count >= PayloadFormat.headerSize else {
      throw .outOfBounds(what: "header", offset: 0, size: 64, limit: limit)
    }
    guard Array(section[0..<8]) == PayloadFormat.magic else { throw .badMagic }
    let r = ByteReader(section)
    let version = r.u16(8)
    guard version == PayloadFormat.version else { throw .unsupportedVersion(version) }
    let count = UInt64(r.u32(12))
    let (indexOffset, indexSize) = (r.u64(16), r.u64(24))
    let (namesOffset, namesSize) = (r.u64(32), r.u64(40))
    let (manifestOffset, manifestSize) = (r.u64(48), UInt64(r.u32(56)))
    guard count.multipliedReportingOverflow(by: 80) == (indexSize, false) else {
      throw .badRecord(index: -1, reason: "index size \(indexSize) for \(count) entries")
    }
    try Self.check("index", indexOffset, indexSize, limit)
    try Self.check("names", namesOffset, namesSize, limit)
    try Self.check("manifest", manifestOffset, manifestSize, limit)
    let meta =
      Array(section[Int(indexOffset)..<Int(indexOffset + indexSize)])
      + section[Int(namesOffset)..<Int(namesOffset + namesSize)]
      + section[Int(manifestOffset)..<Int(manifestOffset + manifestSize)]
    let expected = r.u32(60)
    let actual = Zlib.crc32(meta)
    guard expected == actual else { throw .metadataChecksum(expected: expected, actual: actual) }
    var entries: [PayloadEntry] = []
    for i in 0..<Int(count) {
      let base = Int(indexOffset) + i * PayloadFormat.entrySize
      entries.append(
        try Self.record(r, at: base, index: i, names: (namesOffset, namesSize), limit: limit))
    }
    try Self.checkOrder(entries)
    self.entries = entries
    let manifest = try Self.manifest(
      Array(section[Int(manifestOffset)..<Int(manifestOffset + manifestSize)]))
    try Self.checkReferences(manifest, entries)
    self.manifest = manifest
    self.dictionary = manifest[ManifestKey.zstdDictionary]
      .flatMap { path in entries.first { $0.path == path && $0.compression != .zstdDictionary } }
      .flatMap { try? Self.raw(of: $0, in: section, dictionary: nil) }
  }

  /// The entry at `path`, if any.
  public func entry(_ path: String) -> PayloadEntry? { entries.first { $0.path == path } }

  /// The raw bytes of `entry`, inflated and checked against its CRC-32 (and its SHA-256 when
  /// `checkDigest` is set).
  public func read(_ entry: PayloadEntry, checkDigest: Bool = false) throws(PayloadError) -> [UInt8]
  {
    let raw = try Self.raw(of: entry, in: section, dictionary: dictionary)
    if checkDigest, SHA256.hex(raw) != entry.sha256 { throw .shaMismatch(path: entry.path) }
    return raw
  }

  /// The raw bytes of `entry`, inflated and checked against its CRC-32.
  private static func raw(of entry: PayloadEntry, in section: [UInt8], dictionary: [UInt8]?)
    throws(PayloadError) -> [UInt8]
  {
    let stored = section[Int(entry.dataOffset)..<Int(entry.dataOffset + entry.storedSize)]
    guard
      let raw = entry.compression.decompress(
        stored, rawSize: Int(entry.rawSize), dictionary: dictionary)
    else {
      throw .inflateFailed(path: entry.path)
    }
    let crc = Zlib.crc32(raw)
    guard crc == entry.crc32 else {
      throw .crcMismatch(path: entry.path, expected: entry.crc32, actual: crc)
    }
    return raw
  }

  /// Checks every entry's CRC-32 and SHA-256; throws on the first bad one.
  public func verify() throws(PayloadError) {
    for entry in entries { _ = try read(entry, checkDigest: true) }
  }

  private static func check(_ what: String, _ offset: UInt64, _ size: UInt64, _ limit: UInt64)
    throws(PayloadError)
  {
    let (end, overflow) = offset.addingReportingOverflow(size)
    if overflow || end > limit {
      throw .outOfBounds(what: what, offset: offset, size: size, limit: limit)
    }
  }

  private static func record(
    _ r: ByteReader, at base: Int, index: Int, names: (UInt64, UInt64), limit: UInt64
  ) throws(PayloadError) -> PayloadEntry {
    let nameOffset = UInt64(r.u32(base + 24))
    let nameSize = UInt64(r.u32(base + 28))
    try check("name of entry \(index)", nameOffset, nameSize, names.1)
    let start = Int(names.0 + nameOffset)
    let path = String(decoding: r.bytes[start..<start + Int(nameSize)], as: UTF8.self)
    guard let kind = EntryKind(rawValue: r.bytes[base + 40]) else {
      throw .badRecord(index: index, reason: "unknown kind \(r.bytes[base + 40])")
    }
    guard let compression = Compression(rawValue: r.bytes[base + 41]) else {
      throw .badRecord(index: index, reason: "unknown compression \(r.bytes[base + 41])")
    }
    let entry = PayloadEntry(
      path: path, kind: kind, compression: compression, mode: r.u32(base + 36),
      rawSize: r.u64(base + 16), storedSize: r.u64(base + 8), dataOffset: r.u64(base),
      crc32: r.u32(base + 32), sha256: hexString(Array(r.bytes[base + 48..<base + 80])))
    try check("data of '\(path)'", entry.dataOffset, entry.storedSize, limit)
    guard entry.dataOffset % UInt64(PayloadFormat.dataAlignment) == 0 else {
      throw .badRecord(index: index, reason: "data of '\(path)' not 8-byte aligned")
    }
    guard r.bytes[base + 42..<base + 48].allSatisfy({ $0 == 0 }) else {
      throw .badRecord(index: index, reason: "reserved field of '\(path)' set")
    }
    // An absolute or `..` path is refused by `extract` (PayloadPath), with its own message.
    guard !path.isEmpty, !path.utf8.contains(0) else {
      throw .badRecord(index: index, reason: "bad name '\(path)'")
    }
    guard PayloadFormat.plausible(raw: entry.rawSize, stored: entry.storedSize, compression) else {
      throw .badRecord(
        index: index,
        reason: "'\(path)': raw size \(entry.rawSize) impossible for stored size \(entry.storedSize)")
    }
    return entry
  }

  /// The index is sorted bytewise with no two equal names, as the stub's binary search needs.
  private static func checkOrder(_ entries: [PayloadEntry]) throws(PayloadError) {
    for i in entries.indices.dropFirst()
    where !entries[i - 1].path.utf8.lexicographicallyPrecedes(entries[i].path.utf8) {
      throw .badRecord(index: i, reason: "'\(entries[i].path)': index not sorted or not unique")
    }
  }

  /// Every entry that the manifest names exists (as the stub checks: `check_references`).
  private static func checkReferences(_ manifest: Manifest, _ entries: [PayloadEntry])
    throws(PayloadError)
  {
    let paths = Set(entries.map(\.path))
    for pair in manifest.pairs {
      var named: [String] = []
      switch pair.key {
      case "entry", "preload", ManifestKey.zstdDictionary: named = [pair.value]
      case "needs":
        guard let colon = pair.value.firstIndex(of: ":") else {
          throw .badReference(key: pair.key, path: pair.value)
        }
        named = [String(pair.value[..<colon])]
          + pair.value[pair.value.index(after: colon)...].split(separator: ",").map {
            "native/" + $0
          }
      case "native-cut":
        let halves = pair.value.split(separator: ":", maxSplits: 1)
        guard halves.count == 2 else { throw .badReference(key: pair.key, path: pair.value) }
        named = halves.map { "native/" + $0 }
      default: continue
      }
      for path in named where !paths.contains(path) {
        throw .badReference(key: pair.key, path: path)
      }
    }
  }

  private static func manifest(_ bytes: [UInt8]) throws(PayloadError) -> Manifest {
    guard bytes.isEmpty || bytes.last == 0 else { throw .badManifest }
    let fields = bytes.split(separator: 0, omittingEmptySubsequences: false).dropLast()
    guard fields.count % 2 == 0 else { throw .badManifest }
    var pairs: [Manifest.Pair] = []
    var it = fields.makeIterator()
    while let key = it.next(), let value = it.next() {
      pairs.append(
        .init(String(decoding: key, as: UTF8.self), String(decoding: value, as: UTF8.self)))
    }
    return Manifest(pairs)
  }
}

/// Little-endian reads at offsets already checked by the caller.
struct ByteReader {
  let bytes: [UInt8]
  init(_ bytes: [UInt8]) { self.bytes = bytes }
  func u16(_ o: Int) -> UInt16 { UInt16(bytes[o]) | UInt16(bytes[o + 1]) << 8 }
  func u32(_ o: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(bytes[o + $1]) << (8 * $1) } }
  func u64(_ o: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(bytes[o + $1]) << (8 * $1) } }
}
