import CLibELF

#if canImport(Glibc)
  import Glibc
#endif

/// A Unix `ar` archive (`.a`) opened read-only through libelf: `elf_begin` with
/// `ELF_C_READ_MMAP` on an archive gives an archive descriptor, whose members are walked with
/// `elf_begin` (the archive as parent), `elf_getarhdr`, `elf_getbase` and `elf_next`, and
/// reopened with `elf_rand`.
///
/// Opening walks every member header and checks that the members tile the file: the 8-byte
/// global header, then per member a 60-byte header, its data and one padding byte after data
/// of odd size. A header libelf cannot read before the end of the file makes the archive
/// `.damagedArchive`; a member's contents are not checked here (`open(_:)` does that).
public final class ELFArchive {
  /// `!<arch>\n`, the global header.
  public static let magic: [UInt8] = Array("!<arch>\n".utf8)
  /// Size of a member header (`struct ar_hdr`).
  public static let memberHeaderSize: UInt64 = 60

  /// Size of the archive in bytes.
  public let fileSize: UInt64
  /// Every member in file order, the symbol table (`/`) and long-name table (`//`) included.
  public let members: [ELFArchiveMember]
  /// Entries of the archive symbol table (`elf_getarsym`), or nil when there is none or
  /// libelf cannot read it.
  public let symbolCount: Int?
  let fd: Int32
  let elf: OpaquePointer

  /// Whether `path` starts with the archive magic (a regular file of at least 8 bytes).
  public static func isArchive(path: String) -> Bool {
    let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var st = stat()
    guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { return false }
    var head = [UInt8](repeating: 0, count: magic.count)
    let n = head.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
    return n == magic.count && head == magic
  }

  /// Opens the archive at `path` and reads its member headers.
  ///
  /// Throws `.unreadable` when the file cannot be opened or read, `.notELF` when it is not an
  /// `ar` archive libelf reads (thin archives are not), `.damagedArchive` when a member header
  /// is unreadable or out of bounds.
  public init(path: String) throws(ELFError) {
    let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw .unreadable(reason: String(cString: strerror(errno))) }
    var ok = false
    defer { if !ok { close(fd) } }
    var st = stat()
    guard fstat(fd, &st) == 0 else { throw .unreadable(reason: String(cString: strerror(errno))) }
    guard let size = UInt64(exactly: st.st_size) else { throw .notELF(reason: "not a regular file") }
    elf_version(UInt32(EV_CURRENT))
    guard let elf = elf_begin(fd, ELF_C_READ_MMAP, nil) else {
      throw .damagedArchive(reason: "libelf: \(ELFFile.lastError())")
    }
    defer { if !ok { elf_end(elf) } }
    guard elf_kind(elf) == ELF_K_AR else { throw .notELF(reason: "not an ar archive libelf reads") }
    self.members = try Self.walk(elf, fd: fd, fileSize: size)
    var count = 0
    self.symbolCount = elf_getarsym(elf, &count) == nil ? nil : max(0, count - 1)
    self.fd = fd
    self.elf = elf
    self.fileSize = size
    ok = true
  }

  deinit {
    elf_end(elf)
    close(fd)
  }

  /// The member as an ELF file (`elf_rand` to its header, `elf_begin`), checked as
  /// `ELFFile(path:)` checks a file. Throws `.notELF` for a member that is not an ELF file and
  /// `.damaged` for a damaged one; the archive stays usable.
  public func open(_ member: ELFArchiveMember) throws(ELFError) -> ELFFile {
    guard let offset = Int(exactly: member.headerOffset),
      elf_rand(elf, offset) == offset,
      let child = elf_begin(fd, ELF_C_READ_MMAP, elf)
    else {
      throw .damagedArchive(
        reason: "member \(member.name) at offset \(member.headerOffset): \(ELFFile.lastError())")
    }
    return try ELFFile(member: child, of: self)
  }

  /// `elf_begin`/`elf_getarhdr`/`elf_getbase`/`elf_next` over every member.
  private static func walk(_ elf: OpaquePointer, fd: Int32, fileSize: UInt64) throws(ELFError)
    -> [ELFArchiveMember]
  {
    var mapSize = 0
    guard let map = elf_rawfile(elf, &mapSize), UInt64(exactly: mapSize) == fileSize else {
      throw .damagedArchive(reason: "libelf: \(ELFFile.lastError())")
    }
    let file = UnsafeRawBufferPointer(start: map, count: mapSize)
    var result: [ELFArchiveMember] = []
    var position = UInt64(magic.count)
    var command = ELF_C_READ_MMAP
    while position < fileSize {
      guard command != ELF_C_NULL, let child = elf_begin(fd, command, elf) else {
        throw .damagedArchive(
          reason: "member header at offset \(position): \(ELFFile.lastError())")
      }
      defer { elf_end(child) }
      guard let header = elf_getarhdr(child), let name = header.pointee.ar_name else {
        throw .damagedArchive(
          reason: "member header at offset \(position): \(ELFFile.lastError())")
      }
      let base = elf_getbase(child)
      var rawSize = 0
      let raw = elf_rawfile(child, &rawSize)
      guard let dataOffset = UInt64(exactly: base), let size = UInt64(exactly: header.pointee.ar_size),
        dataOffset == position + memberHeaderSize
      else {
        throw .damagedArchive(
          reason: "member header at offset \(position): data offset \(base), size \(header.pointee.ar_size)")
      }
      // libelf cuts a member that declares more bytes than the file holds: the declared
      // `ar_size` is read from the header (10 decimal digits at offset 48) and checked here.
      let declared = declaredSize(file, header: Int(position))
      let (end, overflow) = dataOffset.addingReportingOverflow(declared ?? size)
      guard let declared, declared == size, !overflow, end <= fileSize,
        UInt64(exactly: rawSize) == size
      else {
        throw .damagedArchive(
          reason:
            "member \(String(cString: name)) at offset \(position) ends past end of file (size \(declared.map { "\($0)" } ?? "unreadable"), file \(fileSize))"
        )
      }
      let nameText = String(cString: name)
      let kind: ELFArchiveMember.Kind =
        switch nameText {
        case "/", "/SYM64/": .symbolTable
        case "//": .longNames
        default: .file
        }
      var isELF = false
      if kind == .file, let raw, rawSize >= 4 {
        isELF = UnsafeRawBufferPointer(start: raw, count: 4).elementsEqual([0x7f, 0x45, 0x4c, 0x46])
      }
      let padding: UInt64 = end % 2 == 1 && end < fileSize ? 1 : 0
      result.append(
        ELFArchiveMember(
          index: result.count, name: nameText, kind: kind, headerOffset: position,
          dataOffset: dataOffset, size: size, padding: padding, hasELFMagic: isELF))
      position = end + padding
      command = elf_next(child)
    }
    return result
  }
}

extension ELFArchive {
  /// The `ar_size` field of the member header at `offset` of `file` (decimal, space-padded),
  /// or nil when it is not a number or the header is cut.
  static func declaredSize(_ file: UnsafeRawBufferPointer, header offset: Int) -> UInt64? {
    guard offset <= file.count - Int(memberHeaderSize) else { return nil }
    var value: UInt64 = 0
    var digits = 0
    for b in file[(offset + 48)..<(offset + 58)] where b != UInt8(ascii: " ") {
      guard b >= 0x30, b <= 0x39 else { return nil }
      value = value * 10 + UInt64(b - 0x30)  // at most 10 digits: no overflow
      digits += 1
    }
    return digits > 0 ? value : nil
  }
}

/// One member of an `ar` archive, from its header (`Elf_Arhdr`).
public struct ELFArchiveMember: Codable, Sendable, Equatable {
  /// What the member is.
  public enum Kind: String, Codable, Sendable {
    /// The archive symbol table (`/`, or `/SYM64/`).
    case symbolTable = "symbol-table"
    /// The long-name table (`//`).
    case longNames = "long-names"
    /// A file stored in the archive.
    case file
  }
  /// Position among all members, special ones included.
  public var index: Int
  /// The name, long names resolved (`ar_name`).
  public var name: String
  /// What the member is.
  public var kind: Kind
  /// File offset of its 60-byte header.
  public var headerOffset: UInt64
  /// File offset of its data (`elf_getbase`).
  public var dataOffset: UInt64
  /// Size of its data (`ar_size`).
  public var size: UInt64
  /// The padding byte after data of odd size (0 or 1).
  public var padding: UInt64
  /// Whether its data starts with the ELF magic.
  public var hasELFMagic: Bool
}
