/// When and how entries share a zstd dictionary (`Compression.zstdDictionary`).
///
/// Each entry is compressed on its own, so that any one decodes alone; small entries that are
/// alike (Python bytecode) then compress poorly, as every entry starts with empty history. A
/// dictionary trained on them at build time gives every entry that history: the stdlib sample's
/// 294 `.pyc` entries take 1.87 MB instead of 2.34 MB at level 6, the dictionary included.
public enum PayloadDictionary {
  /// Path of the dictionary entry.
  public static let path = "frost/zstd.dict"
  /// Below this many raw bytes of shared entries there is no dictionary: it would cost about
  /// as much as it saves.
  public static let minimumSamples = 1 << 20
  /// The largest dictionary; zstd advises samples at least ten times its size.
  public static let maximumSize = 512 << 10

  /// The capacity of a dictionary for `total` bytes of samples, or nil for none.
  static func capacity(forSamples total: Int) -> Int? {
    total < minimumSamples ? nil : min(maximumSize, total / 10)
  }

  /// Every input prepared (in `inputs` order), and the dictionary entry when there is one.
  /// With a dictionary, training runs on one core while the other entries are compressed on
  /// the rest; the shared entries follow, compressed with it.
  static func prepare(
    _ inputs: [PayloadInput], codec: Compression, level: @escaping @Sendable (EntryKind) -> Int,
    shared: (@Sendable (PayloadInput) -> Bool)?
  ) -> ([PayloadWriter.Prepared], (PayloadInput, PayloadWriter.Prepared)?) {
    var out = [PayloadWriter.Prepared?](repeating: nil, count: inputs.count)
    let plain: @Sendable (PayloadInput) -> PayloadWriter.Prepared = {
      .init($0, codec: codec, level: level($0.kind))
    }
    let picked =
      shared.map { isShared in
        inputs.indices.filter {
          isShared(inputs[$0]) && !inputs[$0].alwaysStored && level(inputs[$0].kind) > 0
        }
      } ?? []
    let total = picked.reduce(0) { $0 + inputs[$1].bytes.count }
    guard codec == .zstd, let size = capacity(forSamples: total) else {
      PayloadWriter.each(Array(inputs.indices), of: inputs, into: &out, plain)
      return (out.map { $0! }, nil)
    }
    let found = Box()
    let samples = trainingSamples(picked.map { inputs[$0] })
    let isPicked = Set(picked)
    PayloadWriter.each(
      inputs.indices.filter { !isPicked.contains($0) }, of: inputs, into: &out,
      first: { found.bytes = trained(samples, capacity: size) }, plain)
    guard let dictionary = found.bytes else {
      PayloadWriter.each(picked, of: inputs, into: &out, plain)
      return (out.map { $0! }, nil)
    }
    let entry = PayloadInput(path: path, kind: .dictionary, bytes: dictionary)
    let dictionaryID = SHA256.hex(dictionary)
    let digested = Dictionary(
      uniqueKeysWithValues: Set(picked.map { level(inputs[$0].kind) }).compactMap { lvl in
        Zstd.CompressionDictionary(dictionary, level: lvl).map { (lvl, $0) }
      })
    PayloadWriter.each(
      picked, of: inputs, into: &out,
      first: { found.entry = .init(entry, codec: .zstd, level: level(.dictionary)) }
    ) { input in
      guard let cdict = digested[level(input.kind)] else { return plain(input) }
      return .init(
        input, codec: .zstdDictionary, cacheTag: "3-\(level(input.kind))-\(dictionaryID)",
        dictionary: dictionary
      ) { Zstd.compress(input.bytes, dictionary: cdict) }
    }
    return (out.map { $0! }, found.entry.map { (entry, $0) })
  }

  /// The entries a dictionary is trained on: the standard library's when they alone are
  /// enough (then every program built with one interpreter shares the dictionary, and
  /// `CompressionCache` keeps both it and the entries compressed with it), else all.
  static func trainingSamples(_ picked: [PayloadInput]) -> [[UInt8]] {
    let stdlib = picked.filter { $0.kind == .stdlib }
    let enough = stdlib.reduce(0) { $0 + $1.bytes.count } >= minimumSamples
    return (enough ? stdlib : picked).map(\.bytes)
  }

  /// `Zstd.trainDictionary`, through `CompressionCache.shared` (keyed by every sample's
  /// SHA-256 and the capacity; a record is taken when it is a zstd dictionary).
  static func trained(_ samples: [[UInt8]], capacity: Int) -> [UInt8]? {
    let digest = SHA256.digest(samples.flatMap { SHA256.digest($0) })
    let key = CompressionCache.key(digest, "dictionary-\(capacity)")
    let magic: [UInt8] = [0x37, 0xA4, 0x30, 0xEC]
    if let hit = CompressionCache.shared.get(key, check: { Array($0.prefix(4)) == magic }) {
      return hit
    }
    let made = Zstd.trainDictionary(samples, capacity: capacity)
    if let made { CompressionCache.shared.put(key, made) }
    return made
  }

  /// What the one-off task of a parallel run leaves for the caller: the trained dictionary,
  /// then its prepared entry.
  private final class Box: @unchecked Sendable {
    var bytes: [UInt8]?
    var entry: PayloadWriter.Prepared?
  }
}
