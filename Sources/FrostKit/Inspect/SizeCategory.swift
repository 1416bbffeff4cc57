import CLibELF

/// What a byte of an ELF file is for, in `frost inspect`'s size breakdown.
///
/// The raw values are the `category` strings of the JSON and CSV output (docs/INSPECT.md).
public enum SizeCategory: String, Codable, Sendable, CaseIterable {
  /// The ELF header, the program header table and the section header table.
  case headers
  /// Executable sections (`SHF_EXECINSTR`): `.text`, `.plt`, `.init`, ...
  case code
  /// Allocated, read-only sections: `.rodata`, `.eh_frame`, ...
  case readOnlyData = "read-only-data"
  /// Allocated, writable sections: `.data`, `.bss`, `.init_array`, `.data.rel.ro`, ...
  case writableData = "writable-data"
  /// Relocation sections (`SHT_REL`, `SHT_RELA`, `SHT_RELR`).
  case relocations
  /// What the dynamic linker reads: `.interp`, `.dynamic`, `.dynsym`, `.dynstr`, hash and
  /// version tables, `.got`, `.got.plt`.
  case dynamicLinking = "dynamic-linking"
  /// `.symtab`, `.strtab`, `.shstrtab` and other non-allocated string tables.
  case symbols = "symbols-strings"
  /// Debug information: `.debug_*`, `.zdebug_*`, `.stab*`, `.gnu_debuglink`.
  case debug
  /// Note sections (`SHT_NOTE`): build-id, ABI tag, properties.
  case notes
  /// The `.frost` section: a Frost binary's payload.
  case frostPayload = "frost-payload"
  /// Alignment gaps between structures (and, in memory, between the end of a segment's file
  /// image and its size that no `SHT_NOBITS` section covers).
  case padding
  /// Bytes after the last structure the headers describe (appended data).
  case overlay
  /// Anything else: `.comment`, section groups, attributes, unknown sections.
  case other

  /// The name shown in text output.
  public var label: String {
    switch self {
    case .headers: "ELF headers"
    case .code: "code"
    case .readOnlyData: "read-only data"
    case .writableData: "writable data"
    case .relocations: "relocations"
    case .dynamicLinking: "dynamic linking"
    case .symbols: "symbols and strings"
    case .debug: "debug information"
    case .notes: "notes"
    case .frostPayload: "Frost payload"
    case .padding: "padding"
    case .overlay: "overlay"
    case .other: "other"
    }
  }

  /// The category of `section`, from its name, type and flags (in that order of precedence).
  public static func of(_ section: ELFSection) -> SizeCategory {
    let name = section.name
    if name == PayloadFormat.sectionName { return .frostPayload }
    if name.hasPrefix(".debug") || name.hasPrefix(".zdebug") || name.hasPrefix(".stab")
      || name == ".gnu_debuglink" || name == ".gnu_debugaltlink" || name == ".line"
    {
      return .debug
    }
    switch Int32(bitPattern: section.type) {
    case SHT_NOTE: return .notes
    case SHT_REL, SHT_RELA, SHT_RELR: return .relocations
    case SHT_DYNAMIC, SHT_DYNSYM, SHT_HASH, SHT_GNU_HASH, SHT_GNU_versym, SHT_GNU_verdef,
      SHT_GNU_verneed:
      return .dynamicLinking
    case SHT_SYMTAB, SHT_SYMTAB_SHNDX: return .symbols
    case SHT_STRTAB: return section.isAllocated ? .dynamicLinking : .symbols
    case SHT_NULL: return .other
    default: break
    }
    if name == ".interp" || name == ".got" || name == ".got.plt" { return .dynamicLinking }
    guard section.isAllocated else { return .other }
    if section.isExecutable { return .code }
    return section.isWritable ? .writableData : .readOnlyData
  }
}
