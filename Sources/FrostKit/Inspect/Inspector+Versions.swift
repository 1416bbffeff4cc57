/// The symbol versions a Frost binary's payload asks for: its extension modules, native
/// libraries and (with `--compact` or a packed interpreter) the interpreter stub are loaded
/// from memory at run time, so the oldest glibc the binary runs on is decided by them too.
public struct PayloadVersionNeed: Codable, Sendable, Equatable {
  /// The payload entry that asks for `version` (the first by path when several do).
  public var entry: String
  /// The newest `GLIBC_x.y` any ELF entry of the payload asks for.
  public var version: String
  /// The first (at most three) of that entry's symbols that need it.
  public var symbols: [String]
  /// How many ELF entries need that version.
  public var entries: Int
}

extension Inspector {
  /// The newest GLIBC version over the payload's ELF entries, or nil when none asks for one.
  /// Entries that cannot be read or are not ELF files are skipped (`verify` reports damage).
  static func payloadVersionNeed(_ reader: PayloadReader) -> PayloadVersionNeed? {
    var best: (need: ELFVersionNeed, numbers: [Int], entry: String)?
    var count = 0
    func older(_ x: [Int], _ y: [Int]) -> Bool { x.lexicographicallyPrecedes(y) }
    for entry in reader.entries
    where entry.kind == .extensionModule || entry.kind == .nativeLibrary
      || entry.path == PythonFreezer.compactInterpreterEntry
    {
      guard let bytes = try? reader.read(entry), bytes.starts(with: [0x7f, 0x45, 0x4c, 0x46])
      else { continue }
      // A packed interpreter (LZ4) is a memory image without a section table.
      let needs =
        (try? ELFFile(memory: bytes)).flatMap { try? $0.versionNeeds(symbolNames: 3) }
        ?? (entry.compression == .lz4 ? ELFBytes.imageVersionNeeds(bytes) : nil)
      guard let needs, let newest = ELFVersionNeed.newestGLIBC(needs), let numbers = newest.numbers
      else { continue }
      if let b = best, numbers == b.numbers {
        count += 1
      } else if best == nil || older(best!.numbers, numbers) {
        best = (newest, numbers, entry.path)
        count = 1
      }
    }
    guard let best else { return nil }
    return PayloadVersionNeed(
      entry: best.entry, version: best.need.version, symbols: best.need.symbols, entries: count)
  }
}
