/// The result of `frost inspect` on an `ar` archive (`.a`): the archive's own bytes (global
/// header, member headers, symbol table, long-name table, padding) and one nested
/// `InspectReport` per ELF member. Encoded by `--format json` as documented in docs/INSPECT.md.
public struct ArchiveReport: Codable, Sendable, Equatable {
  /// Version of the JSON schema (shared with `InspectReport`).
  public var schemaVersion = 1
  /// `ar`: tells an archive report from an ELF report (which has no `format` key).
  public var format = "ar"
  /// The path as given.
  public var file: String
  /// Size of the archive in bytes; `regions[].fileBytes` and `breakdown[].fileBytes` sum to it.
  public var fileSize: UInt64
  /// Entries of the archive symbol table, or nil when it has none (or libelf cannot read it).
  public var symbolCount: Int?
  /// The stored files, in archive order (the symbol and long-name tables are in `regions`).
  public var members: [ArchiveMemberReport]
  /// Every byte range of the archive, in file order, each counted once.
  public var regions: [ArchiveRegion]
  /// `regions` summed by kind, one row per `ArchiveRegion.Kind` in declaration order.
  public var breakdown: [ArchiveTotal]
  /// The breakdowns of the ELF members added up, one row per category; their `fileBytes` sum
  /// to the `elf-member` row of `breakdown`.
  public var memberBreakdown: [CategoryTotal]

  /// Memberwise.
  public init(
    file: String, fileSize: UInt64, symbolCount: Int?, members: [ArchiveMemberReport],
    regions: [ArchiveRegion], breakdown: [ArchiveTotal], memberBreakdown: [CategoryTotal]
  ) {
    self.file = file
    self.fileSize = fileSize
    self.symbolCount = symbolCount
    self.members = members
    self.regions = regions
    self.breakdown = breakdown
    self.memberBreakdown = memberBreakdown
  }

  enum CodingKeys: String, CodingKey {
    case schemaVersion, format, file, fileSize, symbolCount, members, regions, breakdown
    case memberBreakdown
  }

  /// Every key, `null` for absent values.
  public func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(schemaVersion, forKey: .schemaVersion)
    try c.encode(format, forKey: .format)
    try c.encode(file, forKey: .file)
    try c.encode(fileSize, forKey: .fileSize)
    try c.encode(symbolCount, forKey: .symbolCount)
    try c.encode(members, forKey: .members)
    try c.encode(regions, forKey: .regions)
    try c.encode(breakdown, forKey: .breakdown)
    try c.encode(memberBreakdown, forKey: .memberBreakdown)
  }
}

/// One file stored in an archive.
public struct ArchiveMemberReport: Codable, Sendable, Equatable {
  /// What the member holds.
  public enum Content: String, Codable, Sendable {
    /// An ELF file: `report` is its breakdown.
    case elf
    /// Not an ELF file (no ELF magic): shown as such, with `error` saying why.
    case other
    /// An ELF file that cannot be read: `error` says why; the archive is still reported.
    case damagedELF = "damaged-elf"
  }
  /// The member name (long names resolved).
  public var name: String
  /// File offset of its header in the archive.
  public var headerOffset: UInt64
  /// File offset of its data in the archive; offsets in `report` are relative to it.
  public var dataOffset: UInt64
  /// Size of its data (`ar_size`).
  public var size: UInt64
  /// What it holds.
  public var content: Content
  /// Why it is not (or not a readable) ELF file.
  public var error: String?
  /// Its own report, for an ELF member; `file` is `ARCHIVE(MEMBER)`.
  public var report: InspectReport?

  enum CodingKeys: String, CodingKey {
    case name, headerOffset, dataOffset, size, content, error, report
  }

  /// Every key, `null` for absent values.
  public func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(name, forKey: .name)
    try c.encode(headerOffset, forKey: .headerOffset)
    try c.encode(dataOffset, forKey: .dataOffset)
    try c.encode(size, forKey: .size)
    try c.encode(content, forKey: .content)
    try c.encode(error, forKey: .error)
    try c.encode(report, forKey: .report)
  }
}

/// One byte range of an archive.
public struct ArchiveRegion: Codable, Sendable, Equatable {
  /// What the range is; also the rows of `ArchiveReport.breakdown`, in this order.
  public enum Kind: String, Codable, Sendable, CaseIterable {
    /// `!<arch>\n`.
    case archiveHeader = "archive-header"
    /// A 60-byte member header.
    case memberHeader = "member-header"
    /// The archive symbol table (`/`, `/SYM64/`).
    case symbolTable = "symbol-table"
    /// The long-name table (`//`).
    case longNames = "long-names"
    /// The data of an ELF member (itself split in the member's report).
    case elfMember = "elf-member"
    /// The data of any other member (not ELF, or damaged ELF).
    case otherMember = "other-member"
    /// The byte that pads odd-sized member data to an even offset.
    case padding
  }
  /// What the range is.
  public var kind: Kind
  /// The member's name (`[archive header]` for the global header).
  public var name: String
  /// First byte.
  public var offset: UInt64
  /// Bytes.
  public var fileBytes: UInt64
}

/// The bytes of one kind of archive region.
public struct ArchiveTotal: Codable, Sendable, Equatable {
  /// The kind.
  public var kind: ArchiveRegion.Kind
  /// Bytes of that kind.
  public var fileBytes: UInt64
  /// Number of ranges.
  public var regions: Int
}

/// What `frost inspect FILE` found: an ELF file or an `ar` archive.
public enum InspectResult: Sendable, Equatable {
  /// An ELF file.
  case elf(InspectReport)
  /// An `ar` archive.
  case archive(ArchiveReport)
}
