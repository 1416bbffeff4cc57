/// The result of `frost inspect FILE`: what the file is and where each of its bytes goes.
///
/// Encoded as is by `--format json`; the schema is documented in docs/INSPECT.md and only grows
/// (new keys) while `schemaVersion` stays 1. Optional values are written as `null`, never left
/// out.
public struct InspectReport: Codable, Sendable, Equatable {
  /// Version of the JSON schema.
  public var schemaVersion = 1
  /// The path as given.
  public var file: String
  /// Size of the file in bytes; the `fileBytes` of `breakdown` (and of `regions`) sum to it.
  public var fileSize: UInt64
  /// The ELF header.
  public var elf: HeaderSummary
  /// `PT_INTERP`.
  public var interpreter: String?
  /// `DT_NEEDED`, in order.
  public var needed: [String]
  /// `DT_SONAME`.
  public var soname: String?
  /// `DT_RPATH`.
  public var rpath: String?
  /// `DT_RUNPATH`.
  public var runpath: String?
  /// The GNU build-id in hex.
  public var buildID: String?
  /// Every section, in header table order.
  public var sections: [SectionRow]
  /// Every program header, in table order.
  public var segments: [SegmentRow]
  /// Every byte range of the file, in file order, each counted once; then memory-only rows.
  public var regions: [SizeRegion]
  /// `regions` summed per category, one row per category in `SizeCategory` order.
  public var breakdown: [CategoryTotal]
  /// Sum of the `p_memsz` of the `PT_LOAD` segments (for a file without them, of the
  /// allocated sections); the `memoryBytes` of `breakdown` sum to it.
  public var memorySize: UInt64
  /// Sum of `sh_size` over the `SHF_ALLOC` sections (what `size -A` adds up, minus the
  /// non-allocated sections it also lists).
  public var allocatedSize: UInt64
  /// The symbol table used for `symbols` (`.symtab`, else `.dynsym`), when asked for.
  public var symbolTable: String?
  /// How many entries `symbolTable` holds.
  public var symbolCount: Int?
  /// The largest symbols by size, when asked for (`--symbols`).
  public var symbols: [SymbolRow]?
  /// The Frost payload; `null` when the file has no `.frost` section.
  public var payload: PayloadSummary?
  /// Why the `.frost` section could not be read, when it could not.
  public var payloadError: String?
  /// The symbol versions the file needs from shared libraries (`GLIBC_2.34`, ...), with the
  /// symbols that need each.
  public var versionNeeds: [ELFVersionNeed] = []
  /// For a Frost binary: the newest GLIBC version its payload's ELF entries need.
  public var payloadGLIBC: PayloadVersionNeed? = nil

  /// Memberwise.
  public init(
    file: String, fileSize: UInt64, elf: HeaderSummary, interpreter: String?, needed: [String],
    soname: String?, rpath: String?, runpath: String?, buildID: String?, sections: [SectionRow],
    segments: [SegmentRow], regions: [SizeRegion], breakdown: [CategoryTotal],
    memorySize: UInt64, allocatedSize: UInt64, symbolTable: String? = nil,
    symbolCount: Int? = nil, symbols: [SymbolRow]? = nil, payload: PayloadSummary? = nil,
    payloadError: String? = nil
  ) {
    self.file = file
    self.fileSize = fileSize
    self.elf = elf
    self.interpreter = interpreter
    self.needed = needed
    self.soname = soname
    self.rpath = rpath
    self.runpath = runpath
    self.buildID = buildID
    self.sections = sections
    self.segments = segments
    self.regions = regions
    self.breakdown = breakdown
    self.memorySize = memorySize
    self.allocatedSize = allocatedSize
    self.symbolTable = symbolTable
    self.symbolCount = symbolCount
    self.symbols = symbols
    self.payload = payload
    self.payloadError = payloadError
  }

  enum CodingKeys: String, CodingKey {
    case schemaVersion, file, fileSize, elf, interpreter, needed, soname, rpath, runpath
    case buildID = "buildId"
    case sections, segments, regions, breakdown, memorySize, allocatedSize, symbolTable
    case symbolCount, symbols, payload, payloadError, versionNeeds
    case payloadGLIBC = "payloadGlibc"
  }

  /// Writes every key, `null` for absent values.
  public func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(schemaVersion, forKey: .schemaVersion)
    try c.encode(file, forKey: .file)
    try c.encode(fileSize, forKey: .fileSize)
    try c.encode(elf, forKey: .elf)
    try c.encode(interpreter, forKey: .interpreter)
    try c.encode(needed, forKey: .needed)
    try c.encode(soname, forKey: .soname)
    try c.encode(rpath, forKey: .rpath)
    try c.encode(runpath, forKey: .runpath)
    try c.encode(buildID, forKey: .buildID)
    try c.encode(sections, forKey: .sections)
    try c.encode(segments, forKey: .segments)
    try c.encode(regions, forKey: .regions)
    try c.encode(breakdown, forKey: .breakdown)
    try c.encode(memorySize, forKey: .memorySize)
    try c.encode(allocatedSize, forKey: .allocatedSize)
    try c.encode(symbolTable, forKey: .symbolTable)
    try c.encode(symbolCount, forKey: .symbolCount)
    try c.encode(symbols, forKey: .symbols)
    try c.encode(payload, forKey: .payload)
    try c.encode(payloadError, forKey: .payloadError)
    try c.encode(versionNeeds, forKey: .versionNeeds)
    try c.encode(payloadGLIBC, forKey: .payloadGLIBC)
  }
}

/// The ELF header, with names as `readelf -h` prints them.
public struct HeaderSummary: Codable, Sendable, Equatable {
  /// `ELF32` or `ELF64`.
  public var elfClass: String
  /// `little` or `big`.
  public var byteOrder: String
  /// `e_ident[EI_OSABI]` by name (`UNIX - System V`, `GNU/Linux`, ...).
  public var osABI: String
  /// `e_ident[EI_ABIVERSION]`.
  public var abiVersion: Int
  /// `e_type` by name: `REL`, `EXEC`, `DYN`, `CORE`.
  public var type: String
  /// What `type` means.
  public var typeDescription: String
  /// `e_machine` by name (`x86-64`, `AArch64`, ...).
  public var machine: String
  /// `e_machine`.
  public var machineNumber: Int
  /// `e_entry`.
  public var entry: UInt64
  /// `e_flags`.
  public var flags: UInt32
  /// Number of sections (`elf_getshdrnum`, extended numbering resolved).
  public var sectionCount: UInt64
  /// Number of program headers.
  public var segmentCount: UInt64

  enum CodingKeys: String, CodingKey {
    case elfClass = "class"
    case byteOrder
    case osABI = "osAbi"
    case abiVersion, type, typeDescription, machine, machineNumber, entry, flags, sectionCount
    case segmentCount
  }
}

/// One section, as `readelf -S -W` shows it, plus its size category.
public struct SectionRow: Codable, Sendable, Equatable {
  /// Index in the section header table.
  public var index: Int
  /// `sh_name`, resolved.
  public var name: String
  /// `sh_type` by name (`PROGBITS`, `NOBITS`, ...).
  public var type: String
  /// `sh_flags` as `readelf` letters (`WAX`...).
  public var flags: String
  /// `sh_addr`.
  public var address: UInt64
  /// `sh_offset`.
  public var offset: UInt64
  /// `sh_size`.
  public var size: UInt64
  /// `sh_addralign`.
  public var alignment: UInt64
  /// Where the section counts in the breakdown.
  public var category: SizeCategory
  /// For a compressed section: `zlib`, `zstd`, `zlib-gnu` (`.zdebug_*`), `type N`, or
  /// `unreadable`; nil otherwise.
  public var compression: String? = nil
  /// The uncompressed size the compressed section declares (never checked by decompressing).
  public var uncompressedSize: UInt64? = nil

  enum CodingKeys: String, CodingKey {
    case index, name, type, flags, address, offset, size, alignment, category, compression
    case uncompressedSize
  }

  /// Every key, `null` for absent values.
  public func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(index, forKey: .index)
    try c.encode(name, forKey: .name)
    try c.encode(type, forKey: .type)
    try c.encode(flags, forKey: .flags)
    try c.encode(address, forKey: .address)
    try c.encode(offset, forKey: .offset)
    try c.encode(size, forKey: .size)
    try c.encode(alignment, forKey: .alignment)
    try c.encode(category, forKey: .category)
    try c.encode(compression, forKey: .compression)
    try c.encode(uncompressedSize, forKey: .uncompressedSize)
  }
}

/// One program header, as `readelf -l -W` shows it.
public struct SegmentRow: Codable, Sendable, Equatable {
  /// Index in the program header table.
  public var index: Int
  /// `p_type` by name (`LOAD`, `INTERP`, ...).
  public var type: String
  /// `p_flags` as `R`, `W`, `E` letters.
  public var flags: String
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
}

/// One row of the byte-exact breakdown: a header table, a section, a gap or the overlay.
public struct SizeRegion: Codable, Sendable, Equatable {
  /// What the row is.
  public enum Kind: String, Codable, Sendable {
    /// The ELF header.
    case elfHeader = "elf-header"
    /// The program header table.
    case programHeaders = "program-headers"
    /// The section header table.
    case sectionHeaders = "section-headers"
    /// A section (also `SHT_NOBITS` ones, which have no file bytes).
    case section
    /// Bytes between two structures.
    case gap
    /// Bytes after the last structure.
    case overlay
    /// Memory of a `PT_LOAD` segment past its file image not covered by a section.
    case memoryGap = "memory-gap"
  }
  /// What the row is.
  public var kind: Kind
  /// The section name, or a bracketed description (`[ELF header]`, `[gap]`, ...).
  public var name: String
  /// The section index, for sections.
  public var sectionIndex: Int?
  /// The category the row counts in.
  public var category: SizeCategory
  /// First file offset counted for the row (for a section that overlaps an earlier row, past
  /// the overlap; for empty sections, `sh_offset`).
  public var offset: UInt64
  /// File bytes counted for this row (a range claimed by an earlier row is not counted again).
  public var fileBytes: UInt64
  /// Bytes this row occupies in the loaded image (the part of `fileBytes` inside `PT_LOAD`
  /// file images, or the `SHT_NOBITS` size inside a segment's memory-only tail).
  public var memoryBytes: UInt64
}

/// The breakdown of one category.
public struct CategoryTotal: Codable, Sendable, Equatable {
  /// The category.
  public var category: SizeCategory
  /// File bytes in the category.
  public var fileBytes: UInt64
  /// Loaded bytes in the category.
  public var memoryBytes: UInt64
  /// Number of regions (sections, gaps, tables) in the category.
  public var regions: Int
}

/// One symbol of the symbol table.
public struct SymbolRow: Codable, Sendable, Equatable {
  /// The symbol name as stored (mangled).
  public var name: String
  /// `st_size`.
  public var size: UInt64
  /// `st_value`.
  public var value: UInt64
  /// `FUNC`, `OBJECT`, ...
  public var type: String
  /// `LOCAL`, `GLOBAL`, `WEAK`, ...
  public var binding: String
  /// The name of the section the symbol is in (empty for special indices).
  public var section: String
  /// The demangled name of a C++, Rust or Swift symbol; nil for other names and with
  /// `--no-demangle`.
  public var demangled: String? = nil

  enum CodingKeys: String, CodingKey {
    case name, size, value, type, binding, section, demangled
  }

  /// Every key, `null` for absent values.
  public func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(name, forKey: .name)
    try c.encode(size, forKey: .size)
    try c.encode(value, forKey: .value)
    try c.encode(type, forKey: .type)
    try c.encode(binding, forKey: .binding)
    try c.encode(section, forKey: .section)
    try c.encode(demangled, forKey: .demangled)
  }
}

/// The payload of a Frost binary.
public struct PayloadSummary: Codable, Sendable, Equatable {
  /// File offset of the `.frost` section.
  public var sectionOffset: UInt64
  /// Size of the `.frost` section.
  public var sectionSize: UInt64
  /// Number of entries.
  public var entryCount: Int
  /// Sum of the entries' raw sizes.
  public var rawBytes: UInt64
  /// Sum of the entries' stored sizes, the bytes of entries that share them (identical files)
  /// counted once, as in `byKind` (in the first such entry in index order).
  public var storedBytes: UInt64
  /// `storedBytes / rawBytes` (1 when there is nothing).
  public var ratio: Double
  /// The manifest, in stored order.
  public var manifest: [Manifest.Pair]
  /// File bytes by kind: `stub` (everything outside `.frost`), `index` (the section's header,
  /// index, names, manifest and alignment), then each entry kind; `storedBytes` sums to the
  /// file size.
  public var byKind: [PayloadKindTotal]
  /// Every entry, largest stored size first.
  public var entries: [PayloadEntryRow]
  /// Stored bytes of the user's program: entries of kind `program` and `data`.
  public var programBytes: UInt64
  /// File bytes that are not the user's program: `fileSize - programBytes`.
  public var overheadBytes: UInt64
}

/// Payload bytes of one kind.
public struct PayloadKindTotal: Codable, Sendable, Equatable {
  /// `stub`, `index`, or an entry kind label (`program`, `stdlib`, `third-party`,
  /// `extension`, `native-lib`, `data`, `metadata`).
  public var kind: String
  /// Number of entries (0 for `stub` and `index`).
  public var entries: Int
  /// Raw bytes (for `stub` and `index`, equal to `storedBytes`).
  public var rawBytes: UInt64
  /// Bytes in the file.
  public var storedBytes: UInt64
}

/// One payload entry.
public struct PayloadEntryRow: Codable, Sendable, Equatable {
  /// Path inside the payload.
  public var path: String
  /// Kind label (`program`, `stdlib`, ...).
  public var kind: String
  /// `stored` or `zlib`.
  public var compression: String
  /// Size after inflating.
  public var rawBytes: UInt64
  /// Size in the file.
  public var storedBytes: UInt64
  /// `storedBytes / rawBytes`.
  public var ratio: Double
}
