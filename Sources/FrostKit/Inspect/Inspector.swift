/// What `frost inspect` should look at beyond the default report.
public struct InspectOptions: Sendable {
  /// Read the symbol table and report the largest symbols.
  public var symbols: Bool
  /// How many symbols to report.
  public var symbolLimit: Int
  /// Demangle C++, Rust and Swift symbol names (`SymbolRow.demangled`).
  public var demangle: Bool
  /// Read the name of every symbol that needs a version (`--requires`); else the first three.
  public var requires: Bool

  /// Defaults: no symbols, 10 when asked, demangled.
  public init(
    symbols: Bool = false, symbolLimit: Int = 10, demangle: Bool = true, requires: Bool = false
  ) {
    self.symbols = symbols
    self.symbolLimit = symbolLimit
    self.demangle = demangle
    self.requires = requires
  }
}

/// `frost inspect`: reads an ELF file through `ELFFile` and accounts for every byte of it.
public enum Inspector {
  /// The report for the ELF file at `path`.
  ///
  /// Throws `ELFError.unreadable`, `.notELF` or `.damaged`; a damaged `.frost` section is not
  /// an error but is reported in `payloadError`.
  public static func inspect(_ path: String, options: InspectOptions = InspectOptions())
    throws(ELFError) -> InspectReport
  {
    try report(try ELFFile(path: path), name: path, options: options)
  }

  /// The report for an opened ELF file (a file, or an archive member), named `name`.
  static func report(_ file: ELFFile, name path: String, options: InspectOptions)
    throws(ELFError) -> InspectReport
  {
    let sections = try file.sections()
    let dynamic = try file.dynamicInfo()
    var report = InspectReport(
      file: path, fileSize: file.fileSize, elf: summary(file.header),
      interpreter: try file.interpreter(), needed: dynamic.needed, soname: dynamic.soname,
      rpath: dynamic.rpath, runpath: dynamic.runpath, buildID: try file.buildID(),
      sections: [], segments: file.segments.map(row),
      regions: [], breakdown: [], memorySize: 0,
      allocatedSize: try checkedSum(
        sections.lazy.filter(\.isAllocated).map(\.size), "allocated section sizes"))
    // Regions before rows: the claims behind the regions are freed before the rows exist
    // (peak memory with 70,000 sections).
    let categories = sections.map(SizeCategory.of)
    report.regions = try regions(header: file.header, sections: sections,
      categories: categories, segments: file.segments, fileSize: file.fileSize)
    report.sections = zip(sections, categories).map(row)
    report.breakdown = try totals(report.regions)
    report.memorySize = try checkedSum(report.regions.lazy.map(\.memoryBytes), "memory sizes")
    report.versionNeeds = try file.versionNeeds(symbolNames: options.requires ? .max : 3)
    if options.symbols {
      if let table = file.symbolTable() {
        let (symbols, count) = try file.largestSymbols(in: table, limit: options.symbolLimit)
        report.symbolTable = table.name
        report.symbolCount = count
        report.symbols = symbols.map { s in
          SymbolRow(
            name: s.name, size: s.size, value: s.value, type: ELFNames.symbolType(s.type),
            binding: ELFNames.symbolBinding(s.binding),
            section: s.sectionIndex > 0 && Int(s.sectionIndex) < sections.count
              && s.sectionIndex < 0xff00 ? sections[Int(s.sectionIndex)].name : "",
            demangled: options.demangle ? Demangler.demangle(s.name) : nil)
        }
      } else {
        report.symbols = []
        report.symbolCount = 0
      }
    }
    if let section = try file.section(named: PayloadFormat.sectionName) {
      do {
        let reader = try PayloadReader(section: try file.bytes(of: section))
        report.payload = payloadSummary(reader, section: section, fileSize: file.fileSize)
        report.payloadGLIBC = payloadVersionNeed(reader)
      } catch {
        report.payloadError = "\(error)"
      }
    }
    return report
  }

  // MARK: - Breakdown

  /// Splits `[0, fileSize)` into header tables, sections, gaps and the overlay, each byte
  /// counted once: where structures overlap, the one that starts first (then: ELF header,
  /// program headers, section headers, sections by index) keeps the shared bytes.
  /// `categories[i]` is `SizeCategory.of(sections[i])`.
  static func regions(
    header: ELFHeader, sections: [ELFSection], categories: [SizeCategory],
    segments: [ELFSegment], fileSize: UInt64
  ) throws(ELFError) -> [SizeRegion] {
    // A claim names its region by kind and section index (the region, with its name, is
    // made when the claim is emitted): 40 bytes, not a whole `SizeRegion`, per section.
    struct Claim {
      var start: UInt64
      var end: UInt64
      var rank: Int
      var kind: SizeRegion.Kind
      var category: SizeCategory
      var index: Int
    }
    func claim(_ kind: SizeRegion.Kind, _ start: UInt64, _ size: UInt64, rank: Int,
      category: SizeCategory, index: Int = -1) -> Claim {
      Claim(start: start, end: start + size, rank: rank, kind: kind, category: category,
        index: index)
    }
    func region(_ c: Claim) -> SizeRegion {
      let name =
        switch c.kind {
        case .elfHeader: "[ELF header]"
        case .programHeaders: "[program headers]"
        case .sectionHeaders: "[section headers]"
        default: sections[c.index].name
        }
      return SizeRegion(
        kind: c.kind, name: name, sectionIndex: c.index >= 0 ? c.index : nil,
        category: c.category, offset: c.start, fileBytes: 0, memoryBytes: 0)
    }
    // Table bounds were checked when the file was opened, so these sums do not overflow.
    var claims = [claim(.elfHeader, 0, header.classHeaderSize, rank: 0, category: .headers)]
    claims.reserveCapacity(sections.count + 3)
    if header.programHeaderCount > 0 {
      claims.append(claim(.programHeaders, header.programHeaderOffset,
        header.programHeaderCount * header.programHeaderEntrySize, rank: 1, category: .headers))
    }
    for (s, category) in zip(sections, categories) where s.index > 0 || s.type != 0 {
      claims.append(claim(.section, s.offset, s.fileSize, rank: 3 + s.index,
        category: category, index: s.index))
    }
    if header.sectionCount > 0 {
      claims.append(claim(.sectionHeaders, header.sectionHeaderOffset,
        header.sectionCount * header.sectionHeaderEntrySize, rank: 2, category: .headers))
    }
    // Ranks are unique, so the order is total. Linkers usually leave the claims in it already
    // (section headers last); the check saves the sort's first run-time conformance lookup
    // (the stdlib's merge sort keeps its runs in an `Array<Range<Int>>`), a scan of every
    // conformance record.
    func before(_ a: Claim, _ b: Claim) -> Bool { (a.start, a.rank) < (b.start, b.rank) }
    if !zip(claims, claims.dropFirst()).allSatisfy(before) { claims.sort(by: before) }

    let loads = segments.filter(\.isLoad)
    var result: [SizeRegion] = []
    // Gaps between claims are few: room for the claims only (a table of 70,000 sections).
    result.reserveCapacity(claims.count + 8)
    var position: UInt64 = 0
    func fileRegion(_ r: SizeRegion, from start: UInt64, to end: UInt64) throws(ELFError)
      -> SizeRegion
    {
      var r = r
      r.offset = start
      r.fileBytes = end - start
      // Segments may overlap one another: the sum is only bounded by their count.
      r.memoryBytes = try checkedSum(
        loads.lazy.map { overlap(start, end, $0.offset, $0.offset + $0.fileSize) },
        "memory of \(r.name)")
      return r
    }
    for c in claims {
      // Empty sections (and SHT_NOBITS ones, whose offset may even lie past the end) own no
      // file bytes and must not open a gap.
      if c.end == c.start {
        var r = region(c)
        if let index = r.sectionIndex {
          r.memoryBytes = try memoryBytes(sections[index], fileMemory: 0, loads: loads)
        }
        result.append(r)
        continue
      }
      if c.start > position {
        result.append(try fileRegion(
          SizeRegion(kind: .gap, name: "[gap]", sectionIndex: nil, category: .padding,
            offset: position, fileBytes: 0, memoryBytes: 0), from: position, to: c.start))
      }
      let start = max(position, c.start)
      let end = max(start, c.end)
      var r = try fileRegion(region(c), from: start, to: end)
      if let index = r.sectionIndex {
        r.memoryBytes = try memoryBytes(sections[index], fileMemory: r.memoryBytes, loads: loads)
      }
      result.append(r)
      position = max(position, c.end)
    }
    if position < fileSize {
      result.append(try fileRegion(
        SizeRegion(kind: .overlay, name: "[overlay]", sectionIndex: nil, category: .overlay,
          offset: position, fileBytes: 0, memoryBytes: 0), from: position, to: fileSize))
    }
    result += try memoryGaps(sections: sections, loads: loads)
    return result
  }

  /// Memory of a section: its bytes inside a `PT_LOAD` file image, plus for `SHT_NOBITS`
  /// (not TLS: `.tbss` lives in the TLS template) the part inside a segment's memory-only
  /// tail. Without `PT_LOAD` segments (relocatable objects), `sh_size` of allocated sections.
  private static func memoryBytes(_ s: ELFSection, fileMemory: UInt64, loads: [ELFSegment])
    throws(ELFError) -> UInt64
  {
    if loads.isEmpty { return s.isAllocated ? s.size : 0 }
    guard s.isSegmentTailBSS else { return fileMemory }
    let (end, o) = s.address.addingReportingOverflow(s.size)
    guard !o else { return 0 }
    return try checkedSum(
      loads.lazy.map { l in
        let (tail, bad) = tailRange(l)
        return bad ? 0 : overlap(s.address, end, tail.0, tail.1)
      }, "memory of section \(s.index)")
  }

  /// For each `PT_LOAD`, the part of its memory-only tail (`p_memsz - p_filesz`) that no
  /// `SHT_NOBITS` section covers, so that memory bytes sum to the segments' `p_memsz`.
  private static func memoryGaps(sections: [ELFSection], loads: [ELFSegment]) throws(ELFError)
    -> [SizeRegion]
  {
    let bss = sections.filter(\.isSegmentTailBSS)
    var result: [SizeRegion] = []
    for l in loads {
      let (tail, bad) = tailRange(l)
      guard !bad, tail.1 > tail.0 else { continue }
      let covered = try checkedSum(
        bss.lazy.map { s in
          let (end, o) = s.address.addingReportingOverflow(s.size)
          return o ? 0 : overlap(s.address, end, tail.0, tail.1)
        }, "memory of segment \(l.index)")
      let size = tail.1 - tail.0
      if covered < size {
        result.append(
          SizeRegion(
            kind: .memoryGap, name: "[segment \(l.index) memory gap]", sectionIndex: nil,
            category: .padding, offset: l.offset + l.fileSize, fileBytes: 0,
            memoryBytes: size - covered))
      }
    }
    return result
  }

  /// The virtual address range of a segment's memory-only tail; `bad` when it overflows or
  /// `p_memsz < p_filesz`.
  private static func tailRange(_ l: ELFSegment) -> ((UInt64, UInt64), bad: Bool) {
    let (start, o1) = l.virtualAddress.addingReportingOverflow(l.fileSize)
    let (end, o2) = l.virtualAddress.addingReportingOverflow(l.memorySize)
    return ((start, end), o1 || o2 || end < start)
  }

  private static func overlap(_ a: UInt64, _ b: UInt64, _ c: UInt64, _ d: UInt64) -> UInt64 {
    let lo = max(a, c)
    let hi = min(b, d)
    return hi > lo ? hi - lo : 0
  }

  /// `values` added up; throws `.damaged` naming `what` when the sum passes 2^64 (sizes read
  /// from the file, such as `p_memsz`, are not bounded by the file size).
  static func checkedSum<S: Sequence<UInt64>>(_ values: S, _ what: @autoclosure () -> String)
    throws(ELFError) -> UInt64
  {
    var total: UInt64 = 0
    for v in values {
      let (sum, overflow) = total.addingReportingOverflow(v)
      guard !overflow else { throw .damaged(reason: "\(what()) add up past 2^64 bytes") }
      total = sum
    }
    return total
  }

  /// `a + b`; throws as `checkedSum` does.
  static func add(_ a: UInt64, _ b: UInt64, _ what: String) throws(ELFError) -> UInt64 {
    let (sum, overflow) = a.addingReportingOverflow(b)
    guard !overflow else { throw .damaged(reason: "\(what) add up past 2^64 bytes") }
    return sum
  }

  /// Sums `regions` per category, one row per category in declaration order.
  static func totals(_ regions: [SizeRegion]) throws(ELFError) -> [CategoryTotal] {
    var rows = SizeCategory.allCases.map {
      CategoryTotal(category: $0, fileBytes: 0, memoryBytes: 0, regions: 0)
    }
    // A linear search, not a Dictionary: creating the first `Dictionary<SizeCategory, _>`
    // looks up `SizeCategory: Hashable` at run time, a scan of every conformance record.
    for r in regions {
      let i = SizeCategory.allCases.firstIndex(of: r.category)!
      rows[i].fileBytes = try add(rows[i].fileBytes, r.fileBytes, "file sizes")
      rows[i].memoryBytes = try add(rows[i].memoryBytes, r.memoryBytes, "memory sizes")
      rows[i].regions += 1
    }
    return rows
  }

  // MARK: - Rows

  private static func summary(_ h: ELFHeader) -> HeaderSummary {
    HeaderSummary(
      elfClass: h.is64 ? "ELF64" : "ELF32", byteOrder: h.bigEndian ? "big" : "little",
      osABI: ELFNames.osABI(h.osABI), abiVersion: Int(h.abiVersion),
      type: ELFNames.fileType(h.type), typeDescription: ELFNames.fileTypeDescription(h.type),
      machine: ELFNames.machine(h.machine), machineNumber: Int(h.machine), entry: h.entry,
      flags: h.flags, sectionCount: h.sectionCount, segmentCount: h.programHeaderCount)
  }

  private static func row(_ s: ELFSection, _ category: SizeCategory) -> SectionRow {
    SectionRow(
      index: s.index, name: s.name, type: ELFNames.sectionType(s.type),
      flags: ELFNames.sectionFlags(s.flags), address: s.address, offset: s.offset, size: s.size,
      alignment: s.alignment, category: category, compression: s.compression?.format,
      uncompressedSize: s.compression?.uncompressedSize)
  }

  private static func row(_ p: ELFSegment) -> SegmentRow {
    SegmentRow(
      index: p.index, type: ELFNames.segmentType(p.type), flags: ELFNames.segmentFlags(p.flags),
      offset: p.offset, virtualAddress: p.virtualAddress, physicalAddress: p.physicalAddress,
      fileSize: p.fileSize, memorySize: p.memorySize, alignment: p.alignment)
  }

  // MARK: - Payload

  static func payloadSummary(_ reader: PayloadReader, section: ELFSection, fileSize: UInt64)
    -> PayloadSummary
  {
    let entries = reader.entries.sorted {
      $0.storedSize != $1.storedSize ? $0.storedSize > $1.storedSize : $0.path < $1.path
    }
    let raw = entries.reduce(0) { $0 + $1.rawSize }
    // Entries that share their stored bytes (identical files, PayloadTwins) count them once,
    // in the first of them in index order: the totals still add up to the file.
    let share = Dictionary(
      zip(reader.entries.map(\.path), reader.entries.storedShares), uniquingKeysWith: { a, _ in a })
    let counted = { (e: PayloadEntry) -> UInt64 in share[e.path] ?? 0 }
    let stored = entries.reduce(0) { $0 + counted($1) }
    var byKind = [
      PayloadKindTotal(
        kind: "stub", entries: 0, rawBytes: fileSize - section.size,
        storedBytes: fileSize - section.size),
      PayloadKindTotal(
        kind: "index", entries: 0, rawBytes: section.size - min(stored, section.size),
        storedBytes: section.size - min(stored, section.size)),
    ]
    // The interpreter a loader stub carries in the payload (--compact, packed) has a row of
    // its own, not a native library's.
    let isInterpreter = { (e: PayloadEntry) in e.path == PythonFreezer.compactInterpreterEntry }
    let interpreter = entries.filter(isInterpreter)
    if !interpreter.isEmpty {
      byKind.append(
        PayloadKindTotal(
          kind: "interpreter", entries: interpreter.count,
          rawBytes: interpreter.reduce(0) { $0 + $1.rawSize },
          storedBytes: interpreter.reduce(0) { $0 + counted($1) }))
    }
    for kind in EntryKind.allCases {
      let of = entries.filter { $0.kind == kind && !isInterpreter($0) }
      byKind.append(
        PayloadKindTotal(
          kind: kind.label, entries: of.count, rawBytes: of.reduce(0) { $0 + $1.rawSize },
          storedBytes: of.reduce(0) { $0 + counted($1) }))
    }
    let program = entries.filter { $0.kind == .program || $0.kind == .data }
      .reduce(0) { $0 + counted($1) }
    return PayloadSummary(
      sectionOffset: section.offset, sectionSize: section.size, entryCount: entries.count,
      rawBytes: raw, storedBytes: stored, ratio: ratio(stored, raw),
      manifest: reader.manifest.pairs, byKind: byKind,
      entries: entries.map {
        PayloadEntryRow(
          path: $0.path, kind: $0.kind.label,
          compression: $0.compression.label, rawBytes: $0.rawSize,
          storedBytes: $0.storedSize, ratio: ratio($0.storedSize, $0.rawSize))
      }, programBytes: program, overheadBytes: fileSize - min(program, fileSize))
  }

  /// `stored / raw`, rounded to 4 decimals; 1 when `raw` is 0.
  static func ratio(_ stored: UInt64, _ raw: UInt64) -> Double {
    guard raw > 0 else { return 1 }
    return (Double(stored) / Double(raw) * 10000).rounded() / 10000
  }
}
