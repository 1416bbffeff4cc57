/// The result of `frost inspect --diff OLD NEW`: growth per section and per payload entry.
///
/// Encoded as is by `--format json` (schema in docs/INSPECT.md). Rows whose sizes did not
/// change are left out; the `fileChange` of `sections` sums to `fileChange`, their
/// `memoryChange` to `memoryChange`.
public struct InspectDiff: Codable, Sendable, Equatable {
  /// Version of the JSON schema.
  public var schemaVersion = 1
  /// The old file's path.
  public var old: String
  /// The new file's path.
  public var new: String
  /// File sizes and their change.
  public var fileSize: Change
  /// Loaded sizes (`memorySize` of each report) and their change.
  public var memorySize: Change
  /// Sections (by name; a repeated name gets ` #2`, ` #3`... in order) plus the rows
  /// `[ELF header]`, `[program headers]`, `[section headers]`, `[padding]` and `[overlay]`,
  /// largest absolute file change first (then memory change, then name).
  public var sections: [Row]
  /// Payload entries by path (stored bytes in `file`, raw bytes in `memory`), largest
  /// absolute stored change first.
  public var entries: [Row]
  /// Total stored bytes of payload entries, old and new.
  public var payloadStored: Change
  /// Total raw bytes of payload entries, old and new.
  public var payloadRaw: Change

  /// An old size, a new size and the difference.
  public struct Change: Codable, Sendable, Equatable {
    /// Size in the old file.
    public var old: UInt64
    /// Size in the new file.
    public var new: UInt64
    /// `new - old`.
    public var change: Int64

    init(_ old: UInt64, _ new: UInt64) {
      self.old = old
      self.new = new
      self.change = Int64(bitPattern: new &- old)
    }
  }

  /// One changed section or entry.
  public struct Row: Codable, Sendable, Equatable {
    /// Section name, bracketed row name, or entry path.
    public var name: String
    /// For sections: file bytes; for payload entries: stored bytes.
    public var file: Change
    /// For sections: loaded bytes; for payload entries: raw bytes.
    public var memory: Change
    /// `added`, `removed` or `changed`.
    public var status: String
  }
}

extension Inspector {
  /// Compares two reports (from `inspect`) section by section and entry by entry.
  public static func diff(old: InspectReport, new: InspectReport) -> InspectDiff {
    let oldSections = sectionSizes(old)
    let newSections = sectionSizes(new)
    let oldEntries = entrySizes(old)
    let newEntries = entrySizes(new)
    func sum(_ m: [(String, UInt64, UInt64)]) -> (UInt64, UInt64) {
      m.reduce((0, 0)) { ($0.0 + $1.1, $0.1 + $1.2) }
    }
    let (oldStored, oldRaw) = sum(oldEntries)
    let (newStored, newRaw) = sum(newEntries)
    return InspectDiff(
      old: old.file, new: new.file, fileSize: .init(old.fileSize, new.fileSize),
      memorySize: .init(old.memorySize, new.memorySize),
      sections: rows(oldSections, newSections), entries: rows(oldEntries, newEntries),
      payloadStored: .init(oldStored, newStored), payloadRaw: .init(oldRaw, newRaw))
  }

  /// (name, file bytes, memory bytes) per section in table order, then the bracketed rows.
  private static func sectionSizes(_ r: InspectReport) -> [(String, UInt64, UInt64)] {
    var seen: [String: Int] = [:]
    var result: [(String, UInt64, UInt64)] = []
    // Inspector.regions gives each header table at most one row; they follow the sections.
    var headers: [(String, UInt64, UInt64)] = []
    var padding: (UInt64, UInt64) = (0, 0)
    var overlay: (UInt64, UInt64) = (0, 0)
    var bySection: [Int: (UInt64, UInt64)] = [:]
    for region in r.regions {
      switch region.kind {
      case .section:
        if let i = region.sectionIndex { bySection[i] = (region.fileBytes, region.memoryBytes) }
      case .gap, .memoryGap:
        padding = (padding.0 + region.fileBytes, padding.1 + region.memoryBytes)
      case .overlay: overlay = (region.fileBytes, region.memoryBytes)
      case .elfHeader, .programHeaders, .sectionHeaders:
        headers.append((region.name, region.fileBytes, region.memoryBytes))
      }
    }
    for s in r.sections where s.index > 0 {
      let n = (seen[s.name] ?? 0) + 1
      seen[s.name] = n
      let key = n == 1 ? s.name : "\(s.name) #\(n)"
      let sizes = bySection[s.index] ?? (0, 0)
      result.append((key, sizes.0, sizes.1))
    }
    result += headers
    result.append(("[padding]", padding.0, padding.1))
    result.append(("[overlay]", overlay.0, overlay.1))
    return result
  }

  /// (path, stored bytes, raw bytes) per payload entry.
  private static func entrySizes(_ r: InspectReport) -> [(String, UInt64, UInt64)] {
    (r.payload?.entries ?? []).map { ($0.path, $0.storedBytes, $0.rawBytes) }
  }

  private static func rows(_ old: [(String, UInt64, UInt64)], _ new: [(String, UInt64, UInt64)])
    -> [InspectDiff.Row]
  {
    var oldBy: [String: (UInt64, UInt64)] = [:]
    for (name, a, b) in old { oldBy[name] = (a, b) }
    var rows: [InspectDiff.Row] = []
    var newNames = Set<String>()
    for (name, a, b) in new {
      newNames.insert(name)
      let o = oldBy[name]
      let row = InspectDiff.Row(
        name: name, file: .init(o?.0 ?? 0, a), memory: .init(o?.1 ?? 0, b),
        status: o == nil ? "added" : "changed")
      if o == nil || row.file.change != 0 || row.memory.change != 0 { rows.append(row) }
    }
    for (name, a, b) in old where !newNames.contains(name) {
      rows.append(
        InspectDiff.Row(name: name, file: .init(a, 0), memory: .init(b, 0), status: "removed"))
    }
    return rows.sorted {
      let (fa, fb) = ($0.file.change.magnitude, $1.file.change.magnitude)
      if fa != fb { return fa > fb }
      let (ma, mb) = ($0.memory.change.magnitude, $1.memory.change.magnitude)
      if ma != mb { return ma > mb }
      return $0.name < $1.name
    }
  }
}
