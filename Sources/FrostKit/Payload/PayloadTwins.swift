/// Entries with identical bytes, stored once.
///
/// A wheel's shared libraries are often installed once and needed under two names: pyarrow's
/// `libarrow.so.2600` is a data file of the distribution (code may open it by path) and the
/// native library its extensions link (`native/libarrow.so.2600`); without sharing, a pyarrow
/// program carried 44 MB twice. Two index records may point at the same stored bytes
/// (docs/FORMAT.md): every reader decodes each record on its own, so nothing else changes.
enum PayloadTwins {
  /// For each of `inputs`, the index of the entry whose stored bytes it reuses, or nil when it
  /// has its own. In a group of identical inputs, the one that would be cut into the most
  /// zstd frames (a shared object, which the stub may decode on several threads) is stored,
  /// the first of them in `inputs` order on a tie; the others point at it. Entries stored as
  /// they are on purpose, and entries with bytes compressed beforehand, keep their own.
  static func find(_ inputs: [PayloadInput]) -> [Int?] {
    var out = [Int?](repeating: nil, count: inputs.count)
    let candidates = inputs.indices.filter {
      !inputs[$0].alwaysStored && inputs[$0].precompressed == nil
    }
    for sameSize in Dictionary(grouping: candidates, by: { inputs[$0].bytes.count }).values
    where sameSize.count > 1 {
      let byChecksum = Dictionary(grouping: sameSize.sorted()) { Zlib.crc32(inputs[$0].bytes) }
      for sameChecksum in byChecksum.values where sameChecksum.count > 1 {
        var rest = sameChecksum
        while let first = rest.first {
          let group = rest.filter { inputs[$0].bytes == inputs[first].bytes }
          rest.removeAll { group.contains($0) }
          guard group.count > 1 else { continue }
          let kept = group.max { inputs[$0].frames < inputs[$1].frames || (inputs[$0].frames == inputs[$1].frames && $0 > $1) }!
          for i in group where i != kept { out[i] = kept }
        }
      }
    }
    return out
  }
}
