import CLibELF

/// Reading what is inside sections and segments: the interpreter, the dynamic section, notes
/// and symbol tables. Section data comes from `elf_getdata`, which converts byte order and
/// bounds-checks each record (`gelf_getdyn`, `gelf_getnote`, `gelf_getsym`).
extension ELFFile {
  /// The program interpreter named by `PT_INTERP`, if any.
  public func interpreter() throws(ELFError) -> String? {
    guard let interp = segments.first(where: { $0.type == UInt32(PT_INTERP) }) else { return nil }
    let bytes = try bytes(at: interp.offset, count: interp.fileSize)
    let end = bytes.firstIndex(of: 0) ?? bytes.count
    return String(decoding: bytes[..<end], as: UTF8.self)
  }

  /// `DT_NEEDED`, `DT_SONAME`, `DT_RPATH` and `DT_RUNPATH` of the `SHT_DYNAMIC` section
  /// (`elf_getdata`, `gelf_getdyn`, `elf_strptr`); empty when there is none.
  public func dynamicInfo() throws(ELFError) -> ELFDynamicInfo {
    var info = ELFDynamicInfo()
    guard let section = sectionList.first(where: { $0.type == UInt32(SHT_DYNAMIC) }),
      let scn = elf_getscn(elf, section.index)
    else { return info }
    guard let data = elf_getdata(scn, nil) else {
      throw .damaged(reason: "dynamic section: \(Self.lastError())")
    }
    let entrySize = UInt64(gelf_fsize(elf, ELF_T_DYN, 1, UInt32(EV_CURRENT)))
    let count = entrySize == 0 ? 0 : UInt64(data.pointee.d_size) / entrySize
    for i in 0..<Int(count) {
      var dyn = GElf_Dyn()
      guard gelf_getdyn(data, Int32(i), &dyn) != nil else { break }
      let tag = dyn.d_tag
      if tag == Int64(DT_NULL) { break }
      guard tag == Int64(DT_NEEDED) || tag == Int64(DT_SONAME) || tag == Int64(DT_RPATH)
        || tag == Int64(DT_RUNPATH)
      else { continue }
      // d_val and sh_link come from the file: Int(exactly:) refuses a value of 2^63 or more
      // instead of trapping.
      guard let offset = Int(exactly: dyn.d_un.d_val), let link = Int(exactly: section.link),
        let p = elf_strptr(elf, link, offset)
      else {
        throw .damaged(
          reason: "dynamic entry \(i): string offset \(dyn.d_un.d_val) outside its string table")
      }
      let value = String(cString: p)
      switch tag {
      case Int64(DT_NEEDED): info.needed.append(value)
      case Int64(DT_SONAME): info.soname = value
      case Int64(DT_RPATH): info.rpath = value
      default: info.runpath = value
      }
    }
    return info
  }

  /// The GNU build-id (`NT_GNU_BUILD_ID` note) in hex, from the `SHT_NOTE` sections, or from the
  /// `PT_NOTE` segments when the file has no section headers (`gelf_getnote`).
  public func buildID() throws(ELFError) -> String? {
    if !sectionList.isEmpty {
      for section in sectionList where section.type == UInt32(SHT_NOTE) {
        guard let scn = elf_getscn(elf, section.index) else { continue }
        guard let data = elf_getdata(scn, nil) else {
          throw .damaged(reason: "note section \(section.index): \(Self.lastError())")
        }
        if let id = Self.buildID(in: data) { return id }
      }
      return nil
    }
    for segment in segments where segment.type == UInt32(PT_NOTE) {
      let type = segment.alignment == 8 ? ELF_T_NHDR8 : ELF_T_NHDR
      guard let offset = Int64(exactly: segment.offset), let size = Int(exactly: segment.fileSize),
        let data = elf_getdata_rawchunk(elf, offset, size, type)
      else { continue }
      if let id = Self.buildID(in: data) { return id }
    }
    return nil
  }

  private static func buildID(in data: UnsafeMutablePointer<Elf_Data>) -> String? {
    guard let buffer = data.pointee.d_buf else { return nil }
    let base = UnsafeRawPointer(buffer)
    var offset = 0
    while true {
      var nhdr = GElf_Nhdr()
      var nameOffset = 0
      var descOffset = 0
      let next = gelf_getnote(data, offset, &nhdr, &nameOffset, &descOffset)
      guard next > offset else { return nil }
      if nhdr.n_type == UInt32(NT_GNU_BUILD_ID), nhdr.n_namesz == 4,
        UnsafeRawBufferPointer(start: base + nameOffset, count: 4).elementsEqual(
          [0x47, 0x4e, 0x55, 0])
      {
        let desc = UnsafeRawBufferPointer(start: base + descOffset, count: Int(nhdr.n_descsz))
        return hexString(Array(desc))
      }
      offset = next
    }
  }

  /// The symbol table used for `--symbols`: `.symtab` when present, else `.dynsym`.
  public func symbolTable() -> ELFSection? {
    if let symtab = sectionList.first(where: { $0.type == UInt32(SHT_SYMTAB) }) { return symtab }
    return sectionList.first { $0.type == UInt32(SHT_DYNSYM) }
  }

  /// The `limit` largest symbols of `table` by `st_size` (ties by name), and how many symbols
  /// the table holds (`gelf_getsymshndx`, `elf_strptr`). Names are looked up only for the
  /// symbols returned.
  public func largestSymbols(in table: ELFSection, limit: Int) throws(ELFError) -> (
    symbols: [ELFSymbol], count: Int
  ) {
    guard table.hasFileBytes, let scn = elf_getscn(elf, table.index) else { return ([], 0) }
    guard let data = elf_getdata(scn, nil) else {
      throw .damaged(reason: "symbol table \(table.name): \(Self.lastError())")
    }
    var shndxData: UnsafeMutablePointer<Elf_Data>? = nil
    if let x = sectionList.first(where: {
      $0.type == UInt32(SHT_SYMTAB_SHNDX) && Int($0.link) == table.index
    }), let xscn = elf_getscn(elf, x.index) {
      shndxData = elf_getdata(xscn, nil)
    }
    let entrySize = UInt64(gelf_fsize(elf, ELF_T_SYM, 1, UInt32(EV_CURRENT)))
    let count = entrySize == 0 ? 0 : Int(UInt64(data.pointee.d_size) / entrySize)
    var sized: [(size: UInt64, index: Int32)] = []
    for i in 0..<count {
      var sym = GElf_Sym()
      guard gelf_getsym(data, Int32(i), &sym) != nil else { break }
      if sym.st_size > 0 { sized.append((sym.st_size, Int32(i))) }
    }
    sized.sort { $0.size != $1.size ? $0.size > $1.size : $0.index < $1.index }
    var result: [ELFSymbol] = []
    for entry in sized.prefix(max(0, limit)) {
      var sym = GElf_Sym()
      var xndx: Elf32_Word = 0
      guard gelf_getsymshndx(data, shndxData, entry.index, &sym, &xndx) != nil else { continue }
      let name = elf_strptr(elf, Int(table.link), Int(sym.st_name)).map { String(cString: $0) }
      guard let name else {
        throw .damaged(
          reason: "symbol \(entry.index) of \(table.name): name offset \(sym.st_name) out of range")
      }
      let shndx = sym.st_shndx == UInt16(SHN_XINDEX) ? xndx : UInt32(sym.st_shndx)
      result.append(
        ELFSymbol(
          name: name, value: sym.st_value, size: sym.st_size, type: sym.st_info & 0xf,
          binding: sym.st_info >> 4, sectionIndex: shndx))
    }
    return (result, count)
  }
}
