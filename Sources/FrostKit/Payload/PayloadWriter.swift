/// One file to store in a payload.
public struct PayloadInput: Sendable {
  /// Relative, '/'-separated path inside the payload.
  public var path: String
  public var kind: EntryKind
  /// Permission bits.
  public var mode: UInt32
  public var bytes: [UInt8]
  /// The bytes already compressed with the payload's codec (or `precompressedAs`), used
  /// instead of compressing them again unless the level is 0.
  public var precompressed: [UInt8]?
  /// The codec of `precompressed` when it is not the payload's: then it is taken whatever the
  /// level, since the entry's reader needs that codec (the packed loader reads only LZ4).
  public var precompressedAs: Compression?
  /// With zstd, how many independent frames to cut the bytes into (equal parts, the last
  /// taking the remainder), so that they are compressed, and may be decoded, on as many cores.
  public var frames: Int
  /// Stored as is, whatever the level and never with a dictionary: for small entries that a
  /// stub reads at every start before anything can be decoded ahead, where decoding would cost
  /// more than the bytes it saves.
  public var alwaysStored = false

  public init(
    path: String, kind: EntryKind, mode: UInt32 = 0o644, bytes: [UInt8],
    precompressed: [UInt8]? = nil, frames: Int = 1
  ) {
    self.path = path
    self.kind = kind
    self.mode = mode
    self.bytes = bytes
    self.precompressed = precompressed
    self.frames = frames
  }
}

/// Builds the bytes of a `.frost` section (layout in `stubs/include/frost_format.h`).
///
/// Entries are sorted by path bytes and each is compressed on its own (with zstd, possibly
/// with a dictionary shared by similar entries); an entry that does not shrink is stored as
/// is; identical entries are stored once (`PayloadTwins`). The output depends only on the
/// inputs: no time, no order of arrival.
public enum PayloadWriter {
  /// The section bytes for `inputs` and `manifest`, each entry compressed with `codec` at
  /// `level` (zlib 1-9, zstd 1-19; 0 stores everything).
  public static func build(
    _ inputs: [PayloadInput], manifest: Manifest, level: Int, codec: Compression = .zlib
  ) throws(PayloadError) -> [UInt8] {
    try build(inputs, manifest: manifest, codec: codec, levels: { _ in level })
  }

  /// The same, with the level of each entry set by its kind. With zstd, the entries `shared`
  /// picks share one dictionary trained on them when they are enough for one
  /// (`PayloadDictionary`): it is stored as one more entry, named in the manifest.
  public static func build(
    _ inputs: [PayloadInput], manifest: Manifest, codec: Compression,
    levels: @escaping @Sendable (EntryKind) -> Int,
    shared: (@Sendable (PayloadInput) -> Bool)? = nil
  ) throws(PayloadError) -> [UInt8] {
    var sorted = inputs.sorted {
      Array($0.path.utf8).lexicographicallyPrecedes(Array($1.path.utf8))
    }
    for (a, b) in zip(sorted, sorted.dropFirst()) where a.path == b.path {
      throw .duplicateEntry(path: a.path)
    }
    for input in sorted { try PayloadPath.validate(input.path) }
    let codec: Compression = codec == .zstdDictionary ? .zstd : codec
    // Identical entries are compressed and stored once (PayloadTwins); `storedAs` names, for
    // each entry, the entry whose stored bytes it holds.
    let twins = PayloadTwins.find(sorted)
    let own = sorted.indices.filter { twins[$0] == nil }
    let (ownPrepared, dictionary) = PayloadDictionary.prepare(
      own.map { sorted[$0] }, codec: codec, level: levels, shared: shared)
    var slot = [Int](repeating: 0, count: sorted.count)
    for (k, i) in own.enumerated() { slot[i] = k }
    var prepared = sorted.indices.map { ownPrepared[slot[twins[$0] ?? $0]] }
    var storedAs = sorted.indices.map { sorted[twins[$0] ?? $0].path }
    var manifest = manifest
    if let (input, ready) = dictionary {
      guard !sorted.contains(where: { $0.path == input.path }) else {
        throw .duplicateEntry(path: input.path)
      }
      let at = sorted.firstIndex {
        !Array($0.path.utf8).lexicographicallyPrecedes(Array(input.path.utf8))
      }
      sorted.insert(input, at: at ?? sorted.count)
      prepared.insert(ready, at: at ?? prepared.count)
      storedAs.insert(input.path, at: at ?? storedAs.count)
      manifest.pairs.append(.init(ManifestKey.zstdDictionary, input.path))
    }
    var names: [UInt8] = []
    var records: [UInt8] = []
    var data: [UInt8] = []
    let manifestBytes = manifest.encoded()
    let indexOffset = PayloadFormat.headerSize
    let indexSize = sorted.count * PayloadFormat.entrySize
    let namesSize = sorted.reduce(0) { $0 + $1.path.utf8.count }
    let manifestOffset = indexOffset + indexSize + namesSize
    let dataStart = align(manifestOffset + manifestBytes.count)
    var offsets: [String: Int] = [:]
    for ((input, ready), group) in zip(zip(sorted, prepared), storedAs) {
      let stored = ready.compressed ?? input.bytes
      let nameOffset = names.count
      names += Array(input.path.utf8)
      let dataOffset = offsets[group] ?? dataStart + data.count
      if offsets[group] == nil {
        offsets[group] = dataOffset
        data += stored
        data += [UInt8](repeating: 0, count: align(data.count) - data.count)
      }
      var rec = ByteWriter()
      rec.u64(UInt64(dataOffset))
      rec.u64(UInt64(stored.count))
      rec.u64(UInt64(input.bytes.count))
      rec.u32(UInt32(nameOffset))
      rec.u32(UInt32(input.path.utf8.count))
      rec.u32(ready.crc)
      rec.u32(input.mode)
      rec.bytes([input.kind.rawValue, ready.compression.rawValue, 0, 0, 0, 0, 0, 0])
      rec.bytes(ready.sha256)
      records += rec.out
    }
    let meta = records + names + manifestBytes
    var header = ByteWriter()
    header.bytes(PayloadFormat.magic)
    header.u16(PayloadFormat.version)
    header.u16(UInt16(PayloadFormat.headerSize))
    header.u32(UInt32(sorted.count))
    header.u64(UInt64(indexOffset))
    header.u64(UInt64(indexSize))
    header.u64(UInt64(indexOffset + indexSize))
    header.u64(UInt64(namesSize))
    header.u64(UInt64(manifestOffset))
    header.u32(UInt32(manifestBytes.count))
    header.u32(Zlib.crc32(meta))
    let padding = [UInt8](repeating: 0, count: dataStart - manifestOffset - manifestBytes.count)
    return header.out + meta + padding + data
  }

  /// An entry's compressed bytes (nil when compressing does not shrink it: then stored) and
  /// checksums.
  struct Prepared: Sendable {
    var compressed: [UInt8]?
    var compression: Compression
    var crc: UInt32
    var sha256: [UInt8]

    /// `input` compressed by `compress` (nil: not compressed) and labelled `codec`. With a
    /// `cacheTag` naming how `compress` compresses, the result comes from
    /// `CompressionCache.shared` when it holds it (checked by decoding, with `dictionary` for
    /// dictionary entries), and goes there when not.
    init(
      _ input: PayloadInput, codec: Compression, cacheTag: String? = nil,
      dictionary: [UInt8]? = nil, compress: () -> [UInt8]?
    ) {
      let crc = Zlib.crc32(input.bytes)
      let sha = SHA256.digest(input.bytes)
      let made =
        cacheTag.map { tag in
          CompressionCache.shared.compressed(
            digest: sha, crc: crc, tag: tag,
            decode: { codec.decompress($0[...], rawSize: input.bytes.count, dictionary: dictionary) },
            compress)
        } ?? compress()
      var packed = made.flatMap { $0.count < input.bytes.count ? $0 : nil }
      var codec = codec
      if let p = packed,
        !PayloadFormat.plausible(raw: UInt64(input.bytes.count), stored: UInt64(p.count), codec)
      {
        packed = Zlib.compress(input.bytes, level: 9)
        codec = .zlib
      }
      compressed = packed
      compression = packed == nil ? .stored : codec
      self.crc = crc
      sha256 = sha
    }

    /// `input` compressed with `codec` at `level` (0: stored), or taken precompressed; bytes
    /// precompressed with another codec (`precompressedAs`) are taken at any level.
    init(_ input: PayloadInput, codec: Compression, level: Int) {
      if let own = input.precompressedAs, let bytes = input.precompressed {
        self.init(input, codec: own) { bytes }
        return
      }
      let cached = level > 0 && !input.alwaysStored && input.precompressed == nil
      self.init(
        input, codec: codec,
        cacheTag: cached ? "\(codec.rawValue)-\(level)-\(input.frames)" : nil
      ) {
        level > 0 && !input.alwaysStored
          ? input.precompressed ?? codec.compress(input.bytes, level: level, frames: input.frames)
          : nil
      }
    }
  }

  /// Runs `work` for each of `indices` on all cores, largest input first, and puts each result
  /// in its slot of `out`; the result does not depend on the order the work finishes in.
  /// With `first`, that runs too, before the rest is started.
  static func each(
    _ indices: [Int], of inputs: [PayloadInput], into out: inout [Prepared?],
    first: (@Sendable () -> Void)? = nil, _ work: @Sendable (PayloadInput) -> Prepared
  ) {
    let order = indices.sorted { inputs[$0].bytes.count > inputs[$1].bytes.count }
    let extra = first == nil ? 0 : 1
    let done = Parallel.map(order.count + extra) { k -> Prepared? in
      if k < extra {
        first?()
        return nil
      }
      return work(inputs[order[k - extra]])
    }
    for (k, index) in order.enumerated() { out[index] = done[k + extra] }
  }

  static func align(_ n: Int) -> Int {
    (n + PayloadFormat.dataAlignment - 1) / PayloadFormat.dataAlignment
      * PayloadFormat.dataAlignment
  }
}

/// Rules for paths inside a payload.
public enum PayloadPath {
  /// Throws unless `path` is relative, '/'-separated, with no empty, "." or ".." part.
  public static func validate(_ path: String) throws(PayloadError) {
    let parts = path.split(separator: "/", omittingEmptySubsequences: false)
    if path.isEmpty || path.hasPrefix("/") || path.utf8.contains(0)
      || parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." })
    {
      throw .unsafePath(path: path)
    }
  }
}

/// Little-endian byte serialisation.
struct ByteWriter {
  var out: [UInt8] = []
  mutating func u16(_ v: UInt16) {
    for i in 0..<2 { out.append(UInt8(truncatingIfNeeded: v >> (8 * i))) }
  }
  mutating func u32(_ v: UInt32) {
    for i in 0..<4 { out.append(UInt8(truncatingIfNeeded: v >> (8 * i))) }
  }
  mutating func u64(_ v: UInt64) {
    for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: v >> (8 * i))) }
  }
  mutating func bytes(_ b: [UInt8]) { out += b }
}
