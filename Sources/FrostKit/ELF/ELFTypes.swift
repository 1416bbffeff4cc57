import CLibELF

/// The ELF header of a file, class- and byte-order-neutral (`GElf_Ehdr`), with extended
/// numbering resolved: `sectionCount`, `sectionNameTableIndex` and `programHeaderCount` are
/// the real values even when the header fields hold `0`, `SHN_XINDEX` or `PN_XNUM`.
public struct ELFHeader: Codable, Sendable, Equatable {
  /// `ELFCLASS64` (else `ELFCLASS32`).
  public var is64: Bool
  /// `ELFDATA2MSB` (else `ELFDATA2LSB`).
  public var bigEndian: Bool
  /// `e_ident[EI_OSABI]`.
  public var osABI: UInt8
  /// `e_ident[EI_ABIVERSION]`.
  public var abiVersion: UInt8
  /// `e_type`.
  public var type: UInt16
  /// `e_machine`.
  public var machine: UInt16
  /// `e_entry`.
  public var entry: UInt64
  /// `e_flags`.
  public var flags: UInt32
  /// `e_phoff`.
  public var programHeaderOffset: UInt64
  /// `e_phentsize`.
  public var programHeaderEntrySize: UInt64
  /// `elf_getphdrnum`.
  public var programHeaderCount: UInt64
  /// `e_shoff`.
  public var sectionHeaderOffset: UInt64
  /// `e_shentsize`.
  public var sectionHeaderEntrySize: UInt64
  /// `elf_getshdrnum`.
  public var sectionCount: UInt64
  /// `elf_getshdrstrndx` (0 when the file has no section names).
  public var sectionNameTableIndex: UInt64

  /// Size of the ELF header as laid out for this class (52 or 64 bytes).
  public var classHeaderSize: UInt64 { is64 ? 64 : 52 }
}

/// One section as described by the section header table (`GElf_Shdr`).
public struct ELFSection: Codable, Sendable, Equatable {
  /// Index in the section header table.
  public var index: Int
  /// Name from the section name string table (empty when there is none).
  public var name: String
  /// `sh_type`.
  public var type: UInt32
  /// `sh_flags`.
  public var flags: UInt64
  /// `sh_addr`.
  public var address: UInt64
  /// `sh_offset`.
  public var offset: UInt64
  /// `sh_size`.
  public var size: UInt64
  /// `sh_addralign`.
  public var alignment: UInt64
  /// `sh_link`.
  public var link: UInt32 = 0
  /// For a compressed section (`SHF_COMPRESSED`, or a GNU `.zdebug_*` one), what it declares.
  public var compression: ELFCompression? = nil

  /// Whether the section occupies bytes in the file (neither `SHT_NOBITS` nor `SHT_NULL`).
  public var hasFileBytes: Bool { type != UInt32(SHT_NOBITS) && type != UInt32(SHT_NULL) }
  /// Bytes of the file the section occupies.
  public var fileSize: UInt64 { hasFileBytes ? size : 0 }
  /// `SHF_ALLOC`: the section occupies memory at run time.
  public var isAllocated: Bool { flags & UInt64(SHF_ALLOC) != 0 }
  /// `SHF_WRITE`.
  public var isWritable: Bool { flags & UInt64(SHF_WRITE) != 0 }
  /// `SHF_EXECINSTR`.
  public var isExecutable: Bool { flags & UInt64(SHF_EXECINSTR) != 0 }
  /// `SHF_TLS`.
  public var isTLS: Bool { flags & UInt64(SHF_TLS) != 0 }
  /// `SHT_NOBITS`.
  public var isNoBits: Bool { type == UInt32(SHT_NOBITS) }
  /// An allocated, non-TLS `SHT_NOBITS` section (`.bss`): its memory lies in a `PT_LOAD`
  /// segment's memory-only tail (`.tbss` lives in the TLS template instead).
  public var isSegmentTailBSS: Bool { isNoBits && isAllocated && !isTLS }
}

/// What a compressed section declares about its contents, read from its header only.
public struct ELFCompression: Codable, Sendable, Equatable {
  /// `zlib` or `zstd` (`ch_type` of an `SHF_COMPRESSED` section), `zlib-gnu` (a `.zdebug_*`
  /// section with a `ZLIB` header), `type N` for another `ch_type`, `unreadable` when the
  /// compression header cannot be read.
  public var format: String
  /// The declared uncompressed size (`ch_size`), as declared: nothing is decompressed.
  public var uncompressedSize: UInt64?
  /// `ch_addralign`.
  public var alignment: UInt64?
  /// Why the compression header cannot be read.
  public var error: String?
}

/// One entry of the program header table (`GElf_Phdr`).
public struct ELFSegment: Codable, Sendable, Equatable {
  /// Index in the program header table.
  public var index: Int
  /// `p_type`.
  public var type: UInt32
  /// `p_flags` (`PF_R`, `PF_W`, `PF_X`).
  public var flags: UInt32
  /// `p_offset`.
  public var offset: UInt64
  /// `p_vaddr`.
  public var virtualAddress: UInt64
  /// `p_paddr`.
  public var physicalAddress: UInt64
  /// `p_filesz`.
  public var fileSize: UInt64
  /// `p_memsz`.
  public var memorySize: UInt64
  /// `p_align`.
  public var alignment: UInt64

  /// `PT_LOAD`.
  public var isLoad: Bool { type == UInt32(PT_LOAD) }
}

/// One symbol of `.symtab` or `.dynsym` (`GElf_Sym`).
public struct ELFSymbol: Codable, Sendable, Equatable {
  /// Name from the symbol table's string table.
  public var name: String
  /// `st_value`.
  public var value: UInt64
  /// `st_size`.
  public var size: UInt64
  /// `GELF_ST_TYPE(st_info)`.
  public var type: UInt8
  /// `GELF_ST_BIND(st_info)`.
  public var binding: UInt8
  /// The section the symbol is defined in (`st_shndx`, or the `SHT_SYMTAB_SHNDX` entry).
  public var sectionIndex: UInt32
}

/// What the dynamic section (`SHT_DYNAMIC`) says about linking.
public struct ELFDynamicInfo: Codable, Sendable, Equatable {
  /// `DT_NEEDED`, in order.
  public var needed: [String] = []
  /// `DT_SONAME`.
  public var soname: String?
  /// `DT_RPATH`.
  public var rpath: String?
  /// `DT_RUNPATH`.
  public var runpath: String?
}
