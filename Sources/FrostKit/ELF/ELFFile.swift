import CLibELF

#if canImport(Glibc)
  import Glibc
#endif

/// One section as described by the section header table.
public struct ELFSection: Codable, Sendable, Equatable {
  public var index: Int
  public var name: String
  /// `sh_type`.
  public var type: UInt32
  /// `sh_flags`.
  public var flags: UInt64
  public var address: UInt64
  public var offset: UInt64
  public var size: UInt64
  public var alignment: UInt64
  /// Whether the section occupies bytes in the file (not `SHT_NOBITS`).
  public var hasFileBytes: Bool { type != UInt32(SHT_NOBITS) }
}

/// An ELF file opened read-only through libelf (`elf_begin` with `ELF_C_READ_MMAP`): the file
/// is mapped, not copied. Every libelf call of Frost lives in this folder.
public final class ELFFile {
  public let path: String
  let fd: Int32
  let elf: OpaquePointer
  /// Size of the file in bytes.
  public let fileSize: UInt64

  /// Opens `path`; throws `.unreadable`, `.notELF` or `.damaged`.
  public init(path: String) throws(ELFError) {
    self.path = path
    var st = stat()
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
      throw .unreadable(reason: String(cString: strerror(errno)))
    }
    guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
      close(fd)
      throw .notELF(reason: "not a regular file")
    }
    elf_version(UInt32(EV_CURRENT))
    guard let elf = elf_begin(fd, ELF_C_READ_MMAP, nil) else {
      close(fd)
      throw .notELF(reason: String(cString: elf_errmsg(-1)))
    }
    guard elf_kind(elf) == ELF_K_ELF else {
      elf_end(elf)
      close(fd)
      throw .notELF(reason: st.st_size == 0 ? "empty file" : "no ELF magic")
    }
    self.fd = fd
    self.elf = elf
    self.fileSize = UInt64(st.st_size)
  }

  deinit {
    elf_end(elf)
    close(fd)
  }

  /// The last libelf error (`elf_errmsg(-1)`).
  static func lastError() -> String { String(cString: elf_errmsg(-1)) }

  /// Every section, in header table order (`elf_nextscn`, `gelf_getshdr`, `elf_strptr`).
  public func sections() throws(ELFError) -> [ELFSection] {
    var shstrndx = 0
    guard elf_getshdrstrndx(elf, &shstrndx) == 0 else {
      throw .damaged(reason: "section name table: \(Self.lastError())")
    }
    var result: [ELFSection] = []
    var scn: OpaquePointer? = nil
    while true {
      scn = elf_nextscn(elf, scn)
      guard let scn else { break }
      var shdr = GElf_Shdr()
      guard gelf_getshdr(scn, &shdr) != nil else {
        throw .damaged(reason: "section header: \(Self.lastError())")
      }
      let namePtr = elf_strptr(elf, shstrndx, Int(shdr.sh_name))
      let s = ELFSection(
        index: Int(elf_ndxscn(scn)), name: namePtr.map { String(cString: $0) } ?? "",
        type: shdr.sh_type, flags: shdr.sh_flags, address: shdr.sh_addr, offset: shdr.sh_offset,
        size: shdr.sh_size, alignment: shdr.sh_addralign)
      if s.hasFileBytes {
        let (end, o) = s.offset.addingReportingOverflow(s.size)
        if o || end > fileSize {
          throw .damaged(
            reason: "section \(s.index) '\(s.name)' ends past end of file (offset \(s.offset), size \(s.size), file \(fileSize))"
          )
        }
      }
      result.append(s)
    }
    return result
  }

  /// The bytes of `section` (`elf_rawfile`, no copy beyond the returned array).
  public func bytes(of section: ELFSection) throws(ELFError) -> [UInt8] {
    var size = 0
    guard let base = elf_rawfile(elf, &size) else {
      throw .unreadable(reason: Self.lastError())
    }
    let (end, o) = section.offset.addingReportingOverflow(section.size)
    guard !o, end <= UInt64(size) else { throw .damaged(reason: "section past end of file") }
    let p = UnsafeRawPointer(base).advanced(by: Int(section.offset))
    return Array(UnsafeRawBufferPointer(start: p, count: Int(section.size)))
  }
}
