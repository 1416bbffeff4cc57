/// The symbol versions a packed interpreter needs, read from its memory image
/// (stubs/packed/packed.h: byte i belongs at address L + i, L the lowest PT_LOAD's p_vaddr -
/// p_offset), which has the stub's program headers but not its section table: the version
/// needs are found through the dynamic segment (`DT_VERNEED`, `DT_VERNEEDNUM`, `DT_STRTAB`).
/// Symbols are not named (counting them needs the hash tables); every read is bounds-checked.
extension ELFBytes {
  static func imageVersionNeeds(_ b: [UInt8]) -> [ELFVersionNeed]? {
    guard b.count >= 64, b[0] == 0x7f, b[1] == 0x45, b[2] == 0x4c, b[3] == 0x46, b[4] == 2,
      b[5] == 1, let phoff = u64(b, 0x20), let entSize = u16(b, 0x36), entSize >= 56,
      let count = u16(b, 0x38), let start = Int(exactly: phoff), start <= b.count
    else { return nil }
    var base: UInt64?
    var dynamic: (address: UInt64, size: UInt64)?
    for i in 0..<Int(count) {
      let at = start + i * Int(entSize)
      guard let type = u32(b, at), let offset = u64(b, at + 8), let vaddr = u64(b, at + 16),
        let fileSize = u64(b, at + 32)
      else { return nil }
      if type == 1, vaddr >= offset { base = min(base ?? .max, vaddr - offset) }
      if type == 2 { dynamic = (vaddr, fileSize) }
    }
    guard let base, let dynamic else { return nil }
    func offset(_ address: UInt64) -> Int? {
      address >= base && address - base < UInt64(b.count) ? Int(address - base) : nil
    }
    var values: [UInt64: UInt64] = [:]
    guard let dynStart = offset(dynamic.address) else { return nil }
    for i in 0..<Int(min(dynamic.size / 16, 4096)) {
      guard let tag = u64(b, dynStart + 16 * i), let value = u64(b, dynStart + 16 * i + 8), tag != 0
      else { break }
      values[tag] = value
    }
    guard let table = values[5].flatMap(offset), let tableSize = values[10],
      let first = values[0x6fff_fffe].flatMap(offset), let records = values[0x6fff_ffff]
    else { return [] }
    let tableEnd = table + Int(min(tableSize, UInt64(b.count - table)))
    func string(_ at: UInt32) -> String? {
      guard Int(at) < tableEnd - table else { return nil }
      var stop = table + Int(at)
      while stop < tableEnd && b[stop] != 0 { stop += 1 }
      return String(decoding: b[(table + Int(at))..<stop], as: UTF8.self)
    }
    var needs: [ELFVersionNeed] = []
    var at = first
    for _ in 0..<min(records, 64) {
      guard let vnCount = u16(b, at + 2), let vnFile = u32(b, at + 4), let vnAux = u32(b, at + 8),
        let vnNext = u32(b, at + 12), let file = string(vnFile)
      else { return nil }
      var aux = at + Int(vnAux)
      for _ in 0..<min(Int(vnCount), 64) {
        guard let flags = u16(b, aux + 4), let name = u32(b, aux + 8), let next = u32(b, aux + 12),
          let version = string(name)
        else { return nil }
        needs.append(ELFVersionNeed(file: file, version: version, symbols: [], weak: flags & 2 != 0))
        if next == 0 { break }
        aux += Int(next)
      }
      if vnNext == 0 { break }
      at += Int(vnNext)
    }
    return needs
  }
}
