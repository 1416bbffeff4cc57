import CLibELF

/// One symbol version a file needs from a shared library (`SHT_GNU_verneed`), with the dynamic
/// symbols bound to it (`SHT_GNU_versym`).
public struct ELFVersionNeed: Codable, Sendable, Equatable {
  /// The library (`vn_file`), e.g. `libc.so.6`.
  public var file: String
  /// The version (`vna_name`), e.g. `GLIBC_2.34`.
  public var version: String
  /// How many undefined dynamic symbols ask for this version.
  public var symbolCount: Int = 0
  /// Those symbols (the first `symbolNames` asked for), in symbol table order (not sorted:
  /// the stdlib's sort of more than 20 elements costs a run-time conformance lookup, a scan of
  /// every conformance record, more than `frost inspect` of a big file takes otherwise).
  public var symbols: [String]
  /// `VER_FLG_WEAK`: the dynamic linker loads the file even where the version is missing
  /// (GlibcFloor marks so the versions it rebound the symbols of).
  public var weak = false

  /// The numbers of a `PREFIX_1.2.3` version (`[1, 2, 3]`), or nil (`GLIBC_PRIVATE`). Read
  /// byte by byte: `split` and `Int(Substring)` cost generic metadata at every start.
  public var numbers: [Int]? {
    var values: [Int] = []
    var current = -1
    var seenUnderscore = false
    for b in version.utf8 {
      if !seenUnderscore {
        seenUnderscore = b == UInt8(ascii: "_")
        continue
      }
      if b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") {
        let digit = Int(b - UInt8(ascii: "0"))
        guard current < 100_000 else { return nil }
        current = (current < 0 ? 0 : current * 10) + digit
      } else if b == UInt8(ascii: "."), current >= 0 {
        values.append(current)
        current = -1
      } else {
        return nil
      }
    }
    guard current >= 0 else { return nil }
    values.append(current)
    return values
  }

  /// The newest `GLIBC_x.y` version among `needs` (weak ones are not needed), or nil when
  /// none asks for one.
  public static func newestGLIBC(_ needs: [ELFVersionNeed]) -> ELFVersionNeed? {
    needs.filter { !$0.weak && $0.version.hasPrefix("GLIBC_") && $0.numbers != nil }
      .max { $0.numbers!.lexicographicallyPrecedes($1.numbers!) }
  }
}

extension ELFFile {
  /// The versions the file needs, in table order, each with its symbols (`gelf_getverneed`,
  /// `gelf_getvernaux`, `gelf_getversym`, `gelf_getsym`); empty without `SHT_GNU_verneed`.
  /// Every record is read through libelf's bounds-checked accessors, and the walk stops after
  /// as many records as the section can hold (a `vn_next` loop cannot hang it).
  /// Only the first `symbolNames` names of each version are read (every symbol is counted):
  /// a big library's names are pages of its string table that a summary does not need.
  public func versionNeeds(symbolNames: Int = .max) throws(ELFError) -> [ELFVersionNeed] {
    guard let section = sectionList.first(where: { $0.type == UInt32(SHT_GNU_verneed) }),
      let scn = elf_getscn(elf, section.index), let data = elf_getdata(scn, nil),
      let link = Int(exactly: section.link)
    else { return [] }
    func string(_ offset: UInt32) throws(ELFError) -> String {
      guard let p = elf_strptr(elf, link, Int(offset)) else {
        throw .damaged(reason: "version needs: name offset \(offset) outside its string table")
      }
      return String(cString: p)
    }
    var needs: [ELFVersionNeed] = []
    // (version index, position in `needs`): a few entries; an array, not a Dictionary, whose
    // first use would cost a run-time conformance lookup (a scan of every record).
    var byIndex: [(UInt16, Int)] = []
    let size = Int(data.pointee.d_size)
    var offset = 0
    var records = 0
    while records < size / 16 {
      var vn = GElf_Verneed()
      // Offsets come from the file: Int32(exactly:) refuses what libelf's API cannot take.
      guard let at = Int32(exactly: offset), gelf_getverneed(data, at, &vn) != nil else {
        throw .damaged(reason: "version needs: record at \(offset): \(Self.lastError())")
      }
      let file = try string(vn.vn_file)
      var auxOffset = offset + Int(vn.vn_aux)
      for _ in 0..<Int(vn.vn_cnt) {
        records += 1
        guard records <= size / 16, auxOffset >= 0, auxOffset < size else { break }
        var aux = GElf_Vernaux()
        guard let auxAt = Int32(exactly: auxOffset), gelf_getvernaux(data, auxAt, &aux) != nil
        else {
          throw .damaged(reason: "version needs: entry at \(auxOffset): \(Self.lastError())")
        }
        byIndex.append((aux.vna_other & 0x7fff, needs.count))
        needs.append(
          ELFVersionNeed(
            file: file, version: try string(aux.vna_name), symbols: [],
            weak: aux.vna_flags & UInt16(VER_FLG_WEAK) != 0))
        if aux.vna_next == 0 { break }
        auxOffset += Int(aux.vna_next)
      }
      records += 1
      if vn.vn_next == 0 { break }
      offset += Int(vn.vn_next)
      guard offset < size else { break }
    }
    try bindSymbols(&needs, byIndex, names: symbolNames)
    return needs
  }

  /// Adds to `needs` the undefined dynamic symbols whose `SHT_GNU_versym` entry names them.
  private func bindSymbols(
    _ needs: inout [ELFVersionNeed], _ byIndex: [(UInt16, Int)], names limit: Int
  ) throws(ELFError)
  {
    guard let versyms = sectionList.first(where: { $0.type == UInt32(SHT_GNU_versym) }),
      let dynsym = sectionList.first(where: { $0.type == UInt32(SHT_DYNSYM) }),
      let vscn = elf_getscn(elf, versyms.index), let vdata = elf_getdata(vscn, nil),
      let sscn = elf_getscn(elf, dynsym.index), let sdata = elf_getdata(sscn, nil),
      let names = Int(exactly: dynsym.link)
    else { return }
    let symbolSize = Int(gelf_fsize(elf, ELF_T_SYM, 1, UInt32(EV_CURRENT)))
    let count = min(
      Int(vdata.pointee.d_size) / 2, symbolSize == 0 ? 0 : Int(sdata.pointee.d_size) / symbolSize,
      Int(Int32.max))
    for i in 0..<count {
      var versym = GElf_Versym()
      var sym = GElf_Sym()
      guard gelf_getversym(vdata, Int32(i), &versym) != nil,
        gelf_getsym(sdata, Int32(i), &sym) != nil
      else { break }
      guard sym.st_shndx == UInt16(SHN_UNDEF),
        let n = byIndex.first(where: { $0.0 == versym & 0x7fff })?.1
      else { continue }
      needs[n].symbolCount += 1
      guard needs[n].symbols.count < limit, let p = elf_strptr(elf, names, Int(sym.st_name))
      else { continue }
      needs[n].symbols.append(String(cString: p))
    }
  }
}
