/// A little-endian x86-64 ELF64 file read from its bytes, for GlibcFloor: the section table,
/// the dynamic symbols with their `SHT_GNU_versym` entries, the version needs and the needed
/// libraries, each located by file offset so that GlibcFloor can rewrite entries in place.
/// Every offset and count comes from the file and is checked against its size before use.
struct ELFBytes {
  struct Section {
    var type: UInt32
    var offset: Int
    var size: Int
    var link: Int
    var entrySize: Int
  }

  struct Symbol {
    var name: String
    var defined: Bool
    /// The file offset of its `SHT_GNU_versym` entry, nil without one.
    var versionOffset: Int?
    var versionIndex: UInt16
  }

  struct Need {
    var file: String
    var version: String
    var index: UInt16
    /// The file offset of its `Elf64_Vernaux` record.
    var auxOffset: Int
  }

  static let shtDynsym: UInt32 = 11
  static let shtDynamic: UInt32 = 6
  static let shtVerneed: UInt32 = 0x6fff_fffe
  static let shtVersym: UInt32 = 0x6fff_ffff

  let bytes: [UInt8]
  let sections: [Section]
  let isSharedObject: Bool

  /// nil unless `bytes` is an ELF64 little-endian x86-64 file whose section table lies inside it.
  init?(_ bytes: [UInt8]) {
    guard bytes.count >= 64, bytes[0] == 0x7f, bytes[1] == 0x45, bytes[2] == 0x4c, bytes[3] == 0x46,
      bytes[4] == 2, bytes[5] == 1
    else { return nil }
    self.bytes = bytes
    guard Self.u16(bytes, 18) == 62, let shoff = Self.u64(bytes, 0x28), let entSize = Self.u16(bytes, 0x3a),
      let count = Self.u16(bytes, 0x3c), count == 0 || entSize >= 64,
      let start = Int(exactly: shoff), start <= bytes.count,
      Int(count) <= (bytes.count - start) / max(Int(entSize), 1)
    else { return nil }
    isSharedObject = Self.u16(bytes, 16) == 3
    var sections: [Section] = []
    for i in 0..<Int(count) {
      let at = start + i * Int(entSize)
      guard let type = Self.u32(bytes, at + 4), let off = Self.u64(bytes, at + 24),
        let size = Self.u64(bytes, at + 32), let link = Self.u32(bytes, at + 40),
        let entry = Self.u64(bytes, at + 56)
      else { return nil }
      // A section that does not fit is kept with size 0: it is not one this reader needs.
      let fits = type != 8 && off <= UInt64(bytes.count) && size <= UInt64(bytes.count) - off
      sections.append(
        Section(
          type: type, offset: fits ? Int(off) : 0, size: fits ? Int(size) : 0, link: Int(link),
          entrySize: entry <= 1 << 16 ? Int(entry) : 0))
    }
    self.sections = sections
  }

  static func u16(_ b: [UInt8], _ at: Int) -> UInt16? {
    guard at >= 0, at <= b.count - 2 else { return nil }
    return UInt16(b[at]) | UInt16(b[at + 1]) << 8
  }

  static func u32(_ b: [UInt8], _ at: Int) -> UInt32? {
    guard let lo = u16(b, at), let hi = u16(b, at + 2) else { return nil }
    return UInt32(lo) | UInt32(hi) << 16
  }

  static func u64(_ b: [UInt8], _ at: Int) -> UInt64? {
    guard let lo = u32(b, at), let hi = u32(b, at + 4) else { return nil }
    return UInt64(lo) | UInt64(hi) << 32
  }

  /// The NUL-terminated string at `offset` of string table section `table`.
  func string(table: Int, offset: UInt64, file: String) throws(GlibcFloorError) -> String {
    guard table < sections.count, offset < UInt64(sections[table].size) else {
      throw .damaged(file: file, reason: "a name outside its string table")
    }
    let start = sections[table].offset + Int(offset)
    let end = sections[table].offset + sections[table].size
    var stop = start
    while stop < end && bytes[stop] != 0 { stop += 1 }
    return String(decoding: bytes[start..<stop], as: UTF8.self)
  }

  func section(_ type: UInt32) -> Section? { sections.first { $0.type == type && $0.size > 0 } }

  /// The dynamic symbols that `keep` (given whether one is defined and its version index)
  /// takes, each with its version entry: names are read only for those.
  func dynamicSymbols(
    file: String, where keep: (Bool, UInt16) -> Bool = { _, _ in true }
  ) throws(GlibcFloorError) -> [Symbol] {
    guard let dynsym = section(Self.shtDynsym), dynsym.entrySize >= 24 else { return [] }
    let versym = section(Self.shtVersym)
    var symbols: [Symbol] = []
    for i in 0..<dynsym.size / dynsym.entrySize {
      let at = dynsym.offset + i * dynsym.entrySize
      guard let nameOffset = Self.u32(bytes, at), let shndx = Self.u16(bytes, at + 6) else { break }
      var versionOffset: Int?
      var index: UInt16 = 1
      if let versym, i < versym.size / 2 {
        versionOffset = versym.offset + 2 * i
        index = Self.u16(bytes, versym.offset + 2 * i) ?? 1
      }
      guard keep(shndx != 0, index) else { continue }
      symbols.append(
        Symbol(
          name: try string(table: dynsym.link, offset: UInt64(nameOffset), file: file),
          defined: shndx != 0, versionOffset: versionOffset, versionIndex: index))
    }
    return symbols
  }

  /// The `SHT_GNU_verneed` records; the walk stops after as many as the section can hold.
  func versionNeeds(file: String) throws(GlibcFloorError) -> [Need] {
    guard let verneed = section(Self.shtVerneed) else { return [] }
    let end = verneed.offset + verneed.size
    var needs: [Need] = []
    var at = verneed.offset
    var budget = verneed.size / 16
    while budget > 0 {
      budget -= 1
      guard at <= end - 16, let count = Self.u16(bytes, at + 2), let fileName = Self.u32(bytes, at + 4),
        let aux = Self.u32(bytes, at + 8), let next = Self.u32(bytes, at + 12)
      else { throw .damaged(file: file, reason: "a version need outside its section") }
      let library = try string(table: verneed.link, offset: UInt64(fileName), file: file)
      var auxAt = at + Int(aux)
      for _ in 0..<Int(count) {
        guard budget > 0, auxAt >= verneed.offset, auxAt <= end - 16,
          let other = Self.u16(bytes, auxAt + 6), let name = Self.u32(bytes, auxAt + 8),
          let auxNext = Self.u32(bytes, auxAt + 12)
        else { throw .damaged(file: file, reason: "a version need entry outside its section") }
        budget -= 1
        let version = try string(table: verneed.link, offset: UInt64(name), file: file)
        needs.append(Need(file: library, version: version, index: other & 0x7fff, auxOffset: auxAt))
        if auxNext == 0 { break }
        auxAt += Int(auxNext)
      }
      if next == 0 { break }
      at += Int(next)
    }
    return needs
  }

  /// The `DT_NEEDED` names of the dynamic section.
  func neededLibraries(file: String) throws(GlibcFloorError) -> [String] {
    guard let dynamic = section(Self.shtDynamic) else { return [] }
    var names: [String] = []
    for i in 0..<dynamic.size / 16 {
      guard let tag = Self.u64(bytes, dynamic.offset + 16 * i),
        let value = Self.u64(bytes, dynamic.offset + 16 * i + 8)
      else { break }
      if tag == 0 { break }
      if tag == 1 { names.append(try string(table: dynamic.link, offset: value, file: file)) }
    }
    return names
  }
}
