import CLibELF

#if canImport(Glibc)
  import Glibc
#endif

/// An ELF file opened read-only through libelf (`elf_begin` with `ELF_C_READ_MMAP`): the file
/// is mapped, not copied. Every libelf call of Frost lives in this folder.
///
/// Opening checks every table the other methods read: the ELF header, the program header
/// table, the section header table, each segment's and each section's file range and each
/// section name, with overflow-checked arithmetic against the file size (libelf itself leaves
/// some of these to the caller). After `init` succeeds, `header`, `sections()` and `segments`
/// can no longer fail.
public final class ELFFile {
  /// Size of the file in bytes.
  public let fileSize: UInt64
  /// The ELF header (`gelf_getehdr`, with extended section numbering resolved).
  public let header: ELFHeader
  /// The program header table, in table order (`gelf_getphdr`).
  public let segments: [ELFSegment]
  let sectionList: [ELFSection]
  /// The file descriptor this owns, or -1 for an archive member (the archive owns it).
  let fd: Int32
  let elf: OpaquePointer
  /// What must outlive this descriptor: the archive of a member (libelf's parent descriptor).
  let owner: AnyObject?

  /// Opens and checks `path`.
  ///
  /// Throws `.unreadable` when the file cannot be opened or read, `.notELF` when it does not
  /// start with the ELF magic (text, empty file, directory, device) and `.damaged` when it does
  /// but a structure in it is truncated, out of bounds or inconsistent.
  public init(path: String) throws(ELFError) {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw .unreadable(reason: String(cString: strerror(errno))) }
    var ok = false
    defer { if !ok { close(fd) } }
    let size = try Self.checkIdentification(fd)
    elf_version(UInt32(EV_CURRENT))
    guard let elf = elf_begin(fd, ELF_C_READ_MMAP, nil) else {
      throw .damaged(reason: "libelf: \(Self.lastError())")
    }
    defer { if !ok { elf_end(elf) } }
    (self.header, self.segments, self.sectionList) = try Self.load(elf, fileSize: size)
    self.fd = fd
    self.elf = elf
    self.fileSize = size
    self.owner = nil
    ok = true
  }

  /// Takes over `elf`, a member of `archive` (`elf_begin` with the archive as parent), and
  /// checks it as `init(path:)` checks a file: offsets are relative to the member, whose size
  /// (`elf_rawfile`) is the "file size". `elf` is ended (`elf_end`) even when this throws.
  convenience init(member elf: OpaquePointer, of archive: ELFArchive) throws(ELFError) {
    var rawSize = 0
    guard let base = elf_rawfile(elf, &rawSize), let size = UInt64(exactly: rawSize) else {
      elf_end(elf)
      throw .unreadable(reason: "libelf: \(Self.lastError())")
    }
    let ident = Array(UnsafeRawBufferPointer(start: base, count: min(rawSize, Int(EI_NIDENT))))
    try self.init(handle: elf, size: size, ident: ident, owner: archive)
  }

  /// Takes over `elf` (ended even when this throws), whose bytes live as long as `owner`, and
  /// checks it as `init(path:)` checks a file, `size` standing for the file size.
  init(handle elf: OpaquePointer, size: UInt64, ident: [UInt8], owner: AnyObject) throws(ELFError) {
    var ok = false
    defer { if !ok { elf_end(elf) } }
    try Self.checkIdentification(ident, fileSize: size)
    (self.header, self.segments, self.sectionList) = try Self.load(elf, fileSize: size)
    self.fd = -1
    self.elf = elf
    self.fileSize = size
    self.owner = owner
    ok = true
  }

  /// The header and both tables of `elf`, checked against `fileSize`.
  private static func load(_ elf: OpaquePointer, fileSize size: UInt64) throws(ELFError) -> (
    ELFHeader, [ELFSegment], [ELFSection]
  ) {
    guard elf_kind(elf) == ELF_K_ELF else { throw .damaged(reason: "libelf does not see an ELF file") }
    let header = try readHeader(elf, fileSize: size)
    return (
      header, try readSegments(elf, header, fileSize: size),
      try readSections(elf, header, fileSize: size)
    )
  }

  deinit {
    elf_end(elf)
    if fd >= 0 { close(fd) }
  }

  /// The last libelf error (`elf_errmsg(-1)`).
  static func lastError() -> String {
    guard let message = elf_errmsg(-1) else { return "unknown libelf error" }
    return String(cString: message)
  }

  /// Every section, in header table order, index 0 included (read at `init`).
  public func sections() throws(ELFError) -> [ELFSection] { sectionList }

  /// The first section called `name` (in header table order), or nil.
  public func section(named name: String) throws(ELFError) -> ELFSection? {
    sectionList.first { $0.name == name }
  }

  /// The bytes of `section` (`elf_rawfile`; copies only the section).
  public func bytes(of section: ELFSection) throws(ELFError) -> [UInt8] {
    guard section.hasFileBytes else { return [] }
    return try bytes(at: section.offset, count: section.size)
  }

  /// `count` bytes at `offset` of the mapped file (`elf_rawfile`), checked against the file.
  public func bytes(at offset: UInt64, count: UInt64) throws(ELFError) -> [UInt8] {
    try withBytes(at: offset, count: count) { Array($0) }
  }

  /// Calls `body` with `count` bytes at `offset` of the mapped file, without copying them.
  func withBytes<T>(at offset: UInt64, count: UInt64, _ body: (UnsafeRawBufferPointer) -> T)
    throws(ELFError) -> T
  {
    var size = 0
    guard let base = elf_rawfile(elf, &size) else {
      throw .unreadable(reason: "libelf: \(Self.lastError())")
    }
    let (end, overflow) = offset.addingReportingOverflow(count)
    guard !overflow, end <= UInt64(size), let start = Int(exactly: offset),
      let length = Int(exactly: count)
    else {
      throw .damaged(reason: "range at offset \(offset), size \(count) ends past end of file")
    }
    return body(UnsafeRawBufferPointer(start: UnsafeRawPointer(base) + start, count: length))
  }

  // MARK: - Checks done at open

  /// Classifies the file from its first 16 bytes (`e_ident`) before libelf sees it, so that a
  /// file with the ELF magic is never reported as "not an ELF file"; returns the file size.
  private static func checkIdentification(_ fd: Int32) throws(ELFError) -> UInt64 {
    var st = stat()
    guard fstat(fd, &st) == 0 else { throw .unreadable(reason: String(cString: strerror(errno))) }
    switch st.st_mode & S_IFMT {
    case S_IFREG: break
    case S_IFDIR: throw .notELF(reason: "is a directory")
    default: throw .notELF(reason: "not a regular file")
    }
    guard let size = UInt64(exactly: st.st_size), size > 0 else {
      throw .notELF(reason: "empty file")
    }
    var ident = [UInt8](repeating: 0, count: Int(EI_NIDENT))
    let n = ident.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
    guard n >= 0 else { throw .unreadable(reason: String(cString: strerror(errno))) }
    if n >= ELFArchive.magic.count, ident.prefix(ELFArchive.magic.count).elementsEqual(ELFArchive.magic) {
      throw .notELF(reason: "an ar archive")
    }
    try checkIdentification(Array(ident.prefix(n)), fileSize: size)
    return size
  }

  /// Checks the identification bytes `ident` (up to `EI_NIDENT` of them) of a file or archive
  /// member of `fileSize` bytes: the magic, class, byte order and version, and that the ELF
  /// header fits.
  static func checkIdentification(_ ident: [UInt8], fileSize: UInt64)
    throws(ELFError)
  {
    let n = ident.count
    guard n >= 4, ident[0..<4].elementsEqual([0x7f, 0x45, 0x4c, 0x46]) else {
      throw .notELF(reason: fileSize == 0 ? "empty file" : "no ELF magic")
    }
    guard n == Int(EI_NIDENT) else {
      throw .damaged(reason: "truncated: file is \(fileSize) bytes, shorter than the ELF identification")
    }
    let fileClass = ident[Int(EI_CLASS)]
    guard fileClass == ELFCLASS32 || fileClass == ELFCLASS64 else {
      throw .damaged(reason: "invalid ELF class \(fileClass)")
    }
    guard ident[Int(EI_DATA)] == ELFDATA2LSB || ident[Int(EI_DATA)] == ELFDATA2MSB else {
      throw .damaged(reason: "invalid byte order \(ident[Int(EI_DATA)])")
    }
    guard ident[Int(EI_VERSION)] == EV_CURRENT else {
      throw .damaged(reason: "invalid ELF version \(ident[Int(EI_VERSION)])")
    }
    let headerSize: UInt64 = fileClass == ELFCLASS64 ? 64 : 52
    guard fileSize >= headerSize else {
      throw .damaged(
        reason: "truncated: file is \(fileSize) bytes, the ELF header needs \(headerSize)")
    }
  }

  /// `gelf_getehdr`, `elf_getshdrnum`, `elf_getshdrstrndx`, `elf_getphdrnum`; checks that both
  /// header tables lie inside the file.
  private static func readHeader(_ elf: OpaquePointer, fileSize: UInt64) throws(ELFError)
    -> ELFHeader
  {
    var ehdr = GElf_Ehdr()
    guard gelf_getehdr(elf, &ehdr) != nil else {
      throw .damaged(reason: "ELF header: \(lastError())")
    }
    let is64 = gelf_getclass(elf) == ELFCLASS64
    var shnum = 0
    var shstrndx = 0
    var phnum = 0
    guard elf_getshdrnum(elf, &shnum) == 0 else {
      throw .damaged(reason: "section count: \(lastError())")
    }
    guard elf_getphdrnum(elf, &phnum) == 0 else {
      throw .damaged(reason: "program header count: \(lastError())")
    }
    // libelf reports 0 entries for a table that lies past the end of the file; the header's
    // own counts (unless extended numbering defers them to section 0) are checked instead.
    let (phdrSize, shdrSize): (UInt64, UInt64) = is64 ? (56, 64) : (32, 40)
    if ehdr.e_shoff != 0, ehdr.e_shnum == 0 {
      try checkTable(
        "section header table", offset: ehdr.e_shoff, count: 1,
        entrySize: UInt64(ehdr.e_shentsize), expected: shdrSize, fileSize: fileSize)
    }
    let headerShnum = ehdr.e_shnum == 0 ? UInt64(shnum) : UInt64(ehdr.e_shnum)
    let headerPhnum = ehdr.e_phnum == 0xffff ? UInt64(phnum) : UInt64(ehdr.e_phnum)
    try checkTable(
      "program header table", offset: ehdr.e_phoff, count: headerPhnum,
      entrySize: UInt64(ehdr.e_phentsize), expected: phdrSize, fileSize: fileSize)
    try checkTable(
      "section header table", offset: ehdr.e_shoff, count: headerShnum,
      entrySize: UInt64(ehdr.e_shentsize), expected: shdrSize, fileSize: fileSize)
    guard headerShnum == UInt64(shnum), headerPhnum == UInt64(phnum) else {
      throw .damaged(
        reason:
          "libelf sees \(shnum) sections and \(phnum) program headers, the header says \(headerShnum) and \(headerPhnum)"
      )
    }
    if shnum > 0 {
      guard elf_getshdrstrndx(elf, &shstrndx) == 0 else {
        throw .damaged(reason: "section name table index: \(lastError())")
      }
      guard shstrndx < shnum else {
        throw .damaged(
          reason: "section name string table index \(shstrndx) out of range (\(shnum) sections)")
      }
    }
    let h = ELFHeader(
      is64: is64, bigEndian: ehdr.e_ident.5 == ELFDATA2MSB, osABI: ehdr.e_ident.7,
      abiVersion: ehdr.e_ident.8, type: ehdr.e_type, machine: ehdr.e_machine,
      entry: ehdr.e_entry, flags: ehdr.e_flags,
      programHeaderOffset: ehdr.e_phoff, programHeaderEntrySize: UInt64(ehdr.e_phentsize),
      programHeaderCount: UInt64(phnum), sectionHeaderOffset: ehdr.e_shoff,
      sectionHeaderEntrySize: UInt64(ehdr.e_shentsize), sectionCount: UInt64(shnum),
      sectionNameTableIndex: UInt64(shstrndx))
    return h
  }

  private static func checkTable(
    _ what: String, offset: UInt64, count: UInt64, entrySize: UInt64, expected: UInt64,
    fileSize: UInt64
  ) throws(ELFError) {
    guard count > 0 else { return }
    guard entrySize == expected else {
      throw .damaged(reason: "\(what) entry size \(entrySize), expected \(expected)")
    }
    let (size, o1) = count.multipliedReportingOverflow(by: entrySize)
    let (end, o2) = offset.addingReportingOverflow(size)
    guard !o1, !o2, end <= fileSize else {
      throw .damaged(
        reason: "\(what) ends past end of file (offset \(offset), size \(size), file \(fileSize))")
    }
  }

  /// `gelf_getphdr` for each entry; every segment's file range must lie inside the file.
  private static func readSegments(_ elf: OpaquePointer, _ h: ELFHeader, fileSize: UInt64)
    throws(ELFError) -> [ELFSegment]
  {
    // The count was checked against the file size; these only keep a hostile value from
    // trapping on a conversion.
    guard let count = Int(exactly: h.programHeaderCount), count <= Int(Int32.max) else {
      throw .damaged(reason: "\(h.programHeaderCount) program headers")
    }
    var result: [ELFSegment] = []
    result.reserveCapacity(count)
    for i in 0..<count {
      var phdr = GElf_Phdr()
      guard gelf_getphdr(elf, Int32(i), &phdr) != nil else {
        throw .damaged(reason: "program header \(i): \(lastError())")
      }
      let s = ELFSegment(
        index: i, type: phdr.p_type, flags: phdr.p_flags, offset: phdr.p_offset,
        virtualAddress: phdr.p_vaddr, physicalAddress: phdr.p_paddr, fileSize: phdr.p_filesz,
        memorySize: phdr.p_memsz, alignment: phdr.p_align)
      let (end, overflow) = s.offset.addingReportingOverflow(s.fileSize)
      guard !overflow, end <= fileSize else {
        throw .damaged(
          reason:
            "segment \(i) (\(ELFNames.segmentType(s.type))) ends past end of file (offset \(s.offset), size \(s.fileSize), file \(fileSize))"
        )
      }
      result.append(s)
    }
    return result
  }

  /// `elf_getscn`/`elf_nextscn`, `gelf_getshdr` and `elf_strptr` for each section; every
  /// section's file range must lie inside the file and every name inside the name table.
  private static func readSections(_ elf: OpaquePointer, _ h: ELFHeader, fileSize: UInt64)
    throws(ELFError) -> [ELFSection]
  {
    guard h.sectionCount > 0 else { return [] }
    guard let count = Int(exactly: h.sectionCount),
      let strndx = Int(exactly: h.sectionNameTableIndex)
    else { throw .damaged(reason: "\(h.sectionCount) sections") }
    // The name table is checked before any name is looked up in it.
    var names = GElf_Shdr()
    if strndx != 0 {
      guard let scn = elf_getscn(elf, strndx), gelf_getshdr(scn, &names) != nil else {
        throw .damaged(reason: "section name table (section \(strndx)): \(lastError())")
      }
      guard names.sh_type == UInt32(SHT_STRTAB) else {
        throw .damaged(reason: "section name table (section \(strndx)) is not a string table")
      }
      try checkSectionRange(names, index: strndx, fileSize: fileSize)
    }
    // One pass, no copy of the headers: with 70,000 sections every table costs megabytes.
    var result: [ELFSection] = []
    result.reserveCapacity(count)
    var scn = elf_getscn(elf, 0)
    while let s = scn {
      var shdr = GElf_Shdr()
      let index = elf_ndxscn(s)
      guard gelf_getshdr(s, &shdr) != nil else {
        throw .damaged(reason: "section header \(result.count): \(lastError())")
      }
      try checkSectionRange(shdr, index: index, fileSize: fileSize)
      var name = ""
      if strndx != 0 {
        guard let p = elf_strptr(elf, strndx, Int(shdr.sh_name)) else {
          throw .damaged(
            reason:
              "section \(index): name offset \(shdr.sh_name) outside the section name table (size \(names.sh_size))"
          )
        }
        name = String(cString: p)
      }
      result.append(
        ELFSection(
          index: index, name: name, type: shdr.sh_type, flags: shdr.sh_flags,
          address: shdr.sh_addr, offset: shdr.sh_offset, size: shdr.sh_size,
          alignment: shdr.sh_addralign, link: shdr.sh_link,
          compression: compression(s, shdr, name: name, elf: elf)))
      scn = elf_nextscn(elf, s)
    }
    guard result.count == count else {
      throw .damaged(reason: "libelf found \(result.count) sections, the header says \(count)")
    }
    return result
  }

  /// What a compressed section declares: for `SHF_COMPRESSED`, its `Chdr` (`gelf_getchdr`,
  /// which reads the header only); for a GNU `.zdebug_*` section, its `ZLIB` header and
  /// big-endian size. Nil for other sections. Nothing is decompressed: the size is as declared.
  private static func compression(
    _ scn: OpaquePointer, _ shdr: GElf_Shdr, name: String, elf: OpaquePointer
  ) -> ELFCompression? {
    guard shdr.sh_type != UInt32(SHT_NOBITS) else { return nil }
    if shdr.sh_flags & UInt64(SHF_COMPRESSED) != 0 {
      var chdr = GElf_Chdr()
      guard gelf_getchdr(scn, &chdr) != nil else {
        return ELFCompression(
          format: "unreadable", uncompressedSize: nil, alignment: nil,
          error: "compression header: \(lastError())")
      }
      let format =
        switch Int32(bitPattern: chdr.ch_type) {
        case ELFCOMPRESS_ZLIB: "zlib"
        case 2: "zstd"  // ELFCOMPRESS_ZSTD, newer than this elf.h
        default: "type \(chdr.ch_type)"
        }
      return ELFCompression(
        format: format, uncompressedSize: chdr.ch_size, alignment: chdr.ch_addralign, error: nil)
    }
    guard name.hasPrefix(".zdebug"), shdr.sh_size >= 12, let raw = elf_rawdata(scn, nil),
      let buffer = raw.pointee.d_buf, raw.pointee.d_size >= 12
    else { return nil }
    let bytes = UnsafeRawBufferPointer(start: buffer, count: 12)
    guard bytes[0..<4].elementsEqual("ZLIB".utf8) else { return nil }
    let size = bytes[4..<12].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    return ELFCompression(format: "zlib-gnu", uncompressedSize: size, alignment: nil, error: nil)
  }

  private static func checkSectionRange(_ shdr: GElf_Shdr, index: Int, fileSize: UInt64)
    throws(ELFError)
  {
    guard shdr.sh_type != UInt32(SHT_NOBITS), shdr.sh_type != UInt32(SHT_NULL) else { return }
    let (end, overflow) = shdr.sh_offset.addingReportingOverflow(shdr.sh_size)
    guard !overflow, end <= fileSize else {
      throw .damaged(
        reason:
          "section \(index) ends past end of file (offset \(shdr.sh_offset), size \(shdr.sh_size), file \(fileSize))"
      )
    }
  }
}
