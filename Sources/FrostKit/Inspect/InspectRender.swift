/// Turns `InspectReport` and `InspectDiff` values into text, JSON or CSV. Analysis never
/// prints; this never analyses.
public enum InspectRender {
  /// Which tables the text and CSV output show.
  public struct Tables: Sendable {
    /// `--sections`.
    public var sections: Bool
    /// `--segments`.
    public var segments: Bool
    /// `--symbols`.
    public var symbols: Bool
    /// `--requires`: every symbol version the file needs, with its symbols.
    public var requires: Bool = false
    /// `-n`: rows per list in text output.
    public var limit: Int

    /// Memberwise.
    public init(sections: Bool = false, segments: Bool = false, symbols: Bool = false,
      requires: Bool = false, limit: Int = 10)
    {
      self.sections = sections
      self.segments = segments
      self.symbols = symbols
      self.requires = requires
      self.limit = limit
    }
  }

  // MARK: - JSON

  /// The JSON of a report (docs/INSPECT.md): keys sorted, two-space indent, ending in a
  /// newline. Written by `JSONWriter`, not `Encodable` (see there why).
  public static func json(_ r: InspectReport) -> String { r.jsonText }

  /// The JSON of a diff, in the same shape.
  public static func json(_ d: InspectDiff) -> String { d.jsonText }

  /// `json(r)` into `out`.
  public static func writeJSON(_ r: InspectReport, to out: ByteSink) { r.writeJSON(into: out) }

  /// `json(r)` of an archive into `out`.
  public static func writeJSON(_ r: ArchiveReport, to out: ByteSink) { r.writeJSON(into: out) }

  // MARK: - Text

  /// The text report.
  public static func text(_ r: InspectReport, tables: Tables) -> String {
    let sink = ByteSink()
    writeText(r, tables: tables, to: sink)
    return sink.text
  }

  /// The text report, into `out`.
  public static func writeText(_ r: InspectReport, tables: Tables, to out: ByteSink) {
    let e = r.elf
    out.write("\(r.file): \(e.elfClass) \(e.byteOrder)-endian \(e.type) (\(e.typeDescription)), \(e.machine)\n")
    func field(_ name: StaticString, _ value: String) {
      out.write("  ")
      out.padded(name.description, 14)
      out.write(value)
      out.byte(0x0a)
    }
    field("OS/ABI", "\(e.osABI), ABI version \(e.abiVersion)")
    field("entry point", hex(e.entry))
    field("interpreter", r.interpreter ?? "-")
    field("needed", r.needed.isEmpty ? "-" : join(r.needed, ", "))
    field("soname", r.soname ?? "-")
    if let rpath = r.rpath { field("rpath", rpath) }
    if let runpath = r.runpath { field("runpath", runpath) }
    field("build-id", r.buildID ?? "-")
    field("glibc", glibcLine(r.versionNeeds))
    if let p = r.payloadGLIBC {
      let shown = Array(p.symbols.prefix(3))
      field(
        "payload glibc",
        "\(p.version) or newer (\(Report.count(p.entries, "entry", "entries")); \(p.entry)"
          + (shown.isEmpty ? "" : ": " + join(shown, ", "))
          + (p.symbols.count > shown.count ? ", ...)" : ")"))
    }
    field("sections", "\(e.sectionCount); segments \(e.segmentCount)")
    field(
      "file size",
      "\(grouped(r.fileSize)) bytes; loaded \(grouped(r.memorySize)) bytes; allocated sections \(grouped(r.allocatedSize)) bytes"
    )
    out.byte(0x0a)
    breakdown(r, limit: tables.limit, to: out)
    if let p = r.payload { out.write("\n" + payload(p, fileSize: r.fileSize, limit: tables.limit)) }
    if let error = r.payloadError { out.write("\nFrost payload: cannot read .frost: \(error)\n") }
    if tables.sections {
      out.byte(0x0a)
      sections(r, to: out)
    }
    if tables.segments { out.write("\n" + segments(r)) }
    if tables.symbols { out.write("\n" + symbols(r)) }
    if tables.requires { out.write("\n" + requirements(r.versionNeeds, limit: tables.limit)) }
  }

  /// `GLIBC_2.34 or newer (1 symbol needs it: __libc_start_main)`: the newest GLIBC version
  /// the file asks for and the first symbols that ask for it; `-` when it asks for none.
  static func glibcLine(_ needs: [ELFVersionNeed]) -> String {
    guard let newest = ELFVersionNeed.newestGLIBC(needs) else { return "-" }
    let shown = Array(newest.symbols.prefix(3))
    let more = newest.symbolCount > shown.count ? ", ..." : ""
    let verb = newest.symbolCount == 1 ? "needs" : "need"
    return "\(newest.version) or newer (\(Report.count(newest.symbolCount, "symbol", "symbols")) \(verb) it"
      + (shown.isEmpty ? ")" : ": " + join(shown, ", ") + more + ")")
  }

  /// The `--requires` table: each library and version, how many symbols need it, and the
  /// first `limit` of them; a weak version (not required: docs/GLIBC.md) says so.
  static func requirements(_ needs: [ELFVersionNeed], limit: Int) -> String {
    var out = "Version requirements (\(needs.count))\n"
    out += "  " + pad("library", 24) + pad("version", 18) + lpad("symbols", 8) + "  names\n"
    for need in needs {
      let shown = Array(need.symbols.prefix(limit))
      let rest = need.symbolCount - shown.count
      out += "  " + pad(need.file, 24) + pad(need.version, 18) + lpad("\(need.symbolCount)", 8)
        + "  " + (need.weak ? "(weak: not required) " : "") + join(shown, ", ")
        + (rest > 0 ? " (\(rest) more)" : "") + "\n"
    }
    return out
  }

  /// `parts` with `separator` between them (not `joined(separator:)`: unspecialized, its
  /// first call looks up a conformance at run time, a scan of every conformance record).
  static func join(_ parts: [String], _ separator: String) -> String {
    var out = ""
    for (i, part) in parts.enumerated() {
      if i > 0 { out += separator }
      out += part
    }
    return out
  }

  /// One line of the breakdown: the name indented by `indent`, file bytes, the percentage of
  /// the file (when `percentOf` is given) and memory bytes (when given).
  static func breakdownLine(
    _ out: ByteSink, indent: Int, _ name: String, file: UInt64, percentOf whole: UInt64?,
    memory: UInt64?
  ) {
    out.spaces(indent)
    out.padded(name, 36 - indent)
    out.leftPaddedGrouped(file, 14)
    if let whole { out.leftPadded(percent(file, whole), 8) } else { out.spaces(8) }
    if let memory { out.leftPaddedGrouped(memory, 15) }
    out.byte(0x0a)
  }

  private static func breakdown(_ r: InspectReport, limit: Int, to out: ByteSink) {
    out.padded("Where the bytes go", 36)
    out.leftPadded("file bytes", 14)
    out.leftPadded("%", 8)
    out.leftPadded("memory bytes", 15)
    out.byte(0x0a)
    let largest = largestRegions(r.regions, limit: limit)
    for total in r.breakdown where total.fileBytes > 0 || total.memoryBytes > 0 {
      breakdownLine(out, indent: 2, total.category.label, file: total.fileBytes,
        percentOf: r.fileSize, memory: total.memoryBytes)
      var shownFile: UInt64 = 0
      var shownMemory: UInt64 = 0
      let shown = largest[SizeCategory.allCases.firstIndex(of: total.category)!]
      for i in shown {
        let m = r.regions[i]
        var name = m.kind == .gap ? "[gap at \(hex(m.offset))]" : m.name
        if let s = m.sectionIndex, s < r.sections.count, r.sections[s].compression != nil {
          name += " (compressed)"
        }
        breakdownLine(out, indent: 4, name, file: m.fileBytes, percentOf: nil,
          memory: m.memoryBytes)
        shownFile += m.fileBytes
        shownMemory += m.memoryBytes
      }
      if total.regions > shown.count {
        // The totals are the checked sums of the same regions: the rest cannot underflow.
        breakdownLine(out, indent: 4, "(\(grouped(UInt64(total.regions - shown.count))) more)",
          file: total.fileBytes - shownFile, percentOf: nil,
          memory: total.memoryBytes - shownMemory)
      }
    }
    breakdownLine(out, indent: 2, "total", file: r.fileSize, percentOf: r.fileSize,
      memory: r.memorySize)
  }

  /// For each category (in `SizeCategory.allCases` order), the indices in `regions` of its
  /// `limit` largest regions, largest first (by file bytes, then memory bytes, then the lower
  /// offset). Arrays, not a `Dictionary` keyed by category: see `Inspector.totals`.
  static func largestRegions(_ regions: [SizeRegion], limit: Int) -> [[Int]] {
    let categories = SizeCategory.allCases
    var members = [[Int]](repeating: [], count: categories.count)
    for (i, region) in regions.enumerated() {
      members[categories.firstIndex(of: region.category)!].append(i)
    }
    func larger(_ a: Int, _ b: Int) -> Bool {
      let x = regions[a]
      let y = regions[b]
      if x.fileBytes != y.fileBytes { return x.fileBytes > y.fileBytes }
      if x.memoryBytes != y.memoryBytes { return x.memoryBytes > y.memoryBytes }
      return x.offset < y.offset
    }
    return members.map { Array($0.sorted(by: larger).prefix(limit)) }
  }

  /// "key=value ..." without the input digests; a key with more than eight values (the
  /// Python `preload` list) shows as "key=[N values]" where its first value was (all of them
  /// are in the JSON output).
  static func manifestLine(_ pairs: [Manifest.Pair]) -> String {
    let shown = pairs.filter { $0.key != ManifestKey.input }
    let counts = Dictionary(shown.map { ($0.key, 1) }, uniquingKeysWith: +)
    var summarized = Set<String>()
    var words: [String] = []
    for pair in shown {
      let n = counts[pair.key] ?? 0
      if n <= 8 {
        words.append("\(pair.key)=\(pair.value)")
      } else if summarized.insert(pair.key).inserted {
        words.append("\(pair.key)=[\(n) values]")
      }
    }
    return join(words, " ")
  }

  private static func payload(_ p: PayloadSummary, fileSize: UInt64, limit: Int) -> String {
    var out =
      "Frost payload: \(Report.count(p.entryCount, "entry", "entries")) in .frost (offset \(hex(p.sectionOffset)), \(grouped(p.sectionSize)) bytes)\n"
    if !p.manifest.isEmpty {
      out += "  manifest: " + manifestLine(p.manifest) + "\n"
    }
    out += "  " + pad("by kind", 20) + lpad("entries", 8) + lpad("raw bytes", 14)
      + lpad("stored bytes", 14) + lpad("ratio", 8) + lpad("% of file", 11) + "\n"
    let loader = p.byKind.contains { $0.kind == "interpreter" && $0.entries > 0 }
    for k in p.byKind where k.storedBytes > 0 || k.entries > 0 {
      let isEntryKind = k.kind != "stub" && k.kind != "index"
      let name =
        switch k.kind {
        case "stub": loader ? "loader stub" : "interpreter stub"
        case "index": "payload index"
        default: k.kind
        }
      out += "    " + pad(name, 18) + lpad(isEntryKind ? "\(k.entries)" : "-", 8)
        + lpad(grouped(k.rawBytes), 14) + lpad(grouped(k.storedBytes), 14)
        + lpad(isEntryKind ? percent(k.storedBytes, k.rawBytes) : "-", 8)
        + lpad(percent(k.storedBytes, fileSize), 11) + "\n"
    }
    out += "    " + pad("all entries", 18) + lpad("\(p.entryCount)", 8)
      + lpad(grouped(p.rawBytes), 14) + lpad(grouped(p.storedBytes), 14)
      + lpad(percent(p.storedBytes, p.rawBytes), 8) + lpad(percent(p.storedBytes, fileSize), 11)
      + "\n"
    if !p.entries.isEmpty {
      out += "  " + pad("largest entries", 20) + lpad("kind", 12) + lpad("raw bytes", 14)
        + lpad("stored bytes", 14) + lpad("ratio", 8) + "  path\n"
      for entry in p.entries.prefix(limit) {
        out += "  " + pad("", 20) + lpad(entry.kind, 12) + lpad(grouped(entry.rawBytes), 14)
          + lpad(grouped(entry.storedBytes), 14)
          + lpad(percent(entry.storedBytes, entry.rawBytes), 8) + "  " + entry.path + "\n"
      }
      if p.entries.count > limit { out += "  (\(p.entries.count - limit) more entries)\n" }
    }
    out +=
      "  overhead: \(percent(p.overheadBytes, fileSize)) of the file (\(grouped(p.overheadBytes)) of \(grouped(fileSize)) bytes) is not the program itself (\(grouped(p.programBytes)) bytes of program and data entries)\n"
    return out
  }

  private static func sections(_ r: InspectReport, to out: ByteSink) {
    out.write("Sections (\(r.sections.count))\n")
    out.write("  [Nr] ")
    out.padded("name", 24)
    out.padded("type", 15)
    out.padded("flags", 6)
    out.leftPadded("address", 18)
    out.leftPadded("offset", 12)
    out.leftPadded("size", 14)
    out.write("  category\n")
    for s in r.sections {
      out.write("  ")
      let indexWidth = ByteSink.decimalWidth(UInt64(s.index), grouping: false) + 2
      out.spaces(indexWidth >= 4 ? 1 : 4 - indexWidth)
      out.byte(UInt8(ascii: "["))
      out.decimal(UInt64(s.index))
      out.write("] ")
      out.padded(s.name, 24)
      out.padded(s.type, 15)
      out.padded(s.flags, 6)
      out.leftPaddedHex(s.address, 18)
      out.leftPaddedHex(s.offset, 12)
      out.leftPaddedGrouped(s.size, 14)
      out.write("  ")
      out.write(s.category.rawValue)
      if s.compression != nil { out.write(compressionNote(s)) }
      out.byte(0x0a)
    }
  }

  /// `  (zlib, 12,345 bytes uncompressed)` for a compressed section, else empty.
  static func compressionNote(_ s: SectionRow) -> String {
    guard let format = s.compression else { return "" }
    guard let size = s.uncompressedSize else { return "  (compressed: \(format))" }
    return "  (\(format), \(grouped(size)) bytes uncompressed, declared)"
  }

  private static func segments(_ r: InspectReport) -> String {
    var out = "Segments (\(r.segments.count))\n"
    out += "  " + pad("type", 14) + pad("flags", 6) + lpad("offset", 12) + lpad("address", 20)
      + lpad("file size", 14) + lpad("memory size", 14) + lpad("align", 10) + "\n"
    for p in r.segments {
      out += "  " + pad(p.type, 14) + pad(p.flags, 6) + lpad(hex(p.offset), 12)
        + lpad(hex(p.virtualAddress), 20) + lpad(grouped(p.fileSize), 14)
        + lpad(grouped(p.memorySize), 14) + lpad(hex(p.alignment), 10) + "\n"
    }
    return out
  }

  private static func symbols(_ r: InspectReport) -> String {
    guard let table = r.symbolTable, let symbols = r.symbols else {
      return "Symbols: the file has no symbol table\n"
    }
    var out =
      "Largest symbols (\(symbols.count) of \(grouped(UInt64(r.symbolCount ?? 0))) in \(table))\n"
    out += "  " + lpad("size", 12) + "  " + pad("type", 8) + pad("bind", 8) + pad("section", 20)
      + "name\n"
    for s in symbols {
      out += "  " + lpad(grouped(s.size), 12) + "  " + pad(s.type, 8) + pad(s.binding, 8)
        + pad(s.section, 20) + (s.demangled ?? s.name) + "\n"
    }
    return out
  }

  /// The text of a diff.
  public static func text(_ d: InspectDiff, limit: Int) -> String {
    var out = "\(d.old) -> \(d.new)\n"
    out += "  " + lpad("file change", 14) + lpad("memory change", 16) + "  section\n"
    for row in d.sections.prefix(limit) {
      out += "  " + lpad(signed(row.file.change), 14) + lpad(signed(row.memory.change), 16)
        + "  " + row.name + statusNote(row) + "\n"
    }
    if d.sections.count > limit { out += "  (\(d.sections.count - limit) more changed rows)\n" }
    out += "  " + lpad(signed(d.fileSize.change), 14) + lpad(signed(d.memorySize.change), 16)
      + "  total (file \(grouped(d.fileSize.old)) -> \(grouped(d.fileSize.new)) bytes, loaded \(grouped(d.memorySize.old)) -> \(grouped(d.memorySize.new)))\n"
    if !d.entries.isEmpty || d.payloadStored.old > 0 || d.payloadStored.new > 0 {
      out += "\n  " + lpad("stored change", 14) + lpad("raw change", 16) + "  payload entry\n"
      for row in d.entries.prefix(limit) {
        out += "  " + lpad(signed(row.file.change), 14) + lpad(signed(row.memory.change), 16)
          + "  " + row.name + statusNote(row) + "\n"
      }
      if d.entries.count > limit { out += "  (\(d.entries.count - limit) more changed entries)\n" }
      out += "  " + lpad(signed(d.payloadStored.change), 14)
        + lpad(signed(d.payloadRaw.change), 16)
        + "  total (stored \(grouped(d.payloadStored.old)) -> \(grouped(d.payloadStored.new)) bytes)\n"
    }
    return out
  }

  private static func statusNote(_ row: InspectDiff.Row) -> String {
    switch row.status {
    case "added": " (added)"
    case "removed": " (removed)"
    default: ""
    }
  }

  // MARK: - CSV

  /// One CSV table: the regions by default, else the table asked for (sections, segments or
  /// symbols, in that order of preference).
  public static func csv(_ r: InspectReport, tables: Tables) -> String {
    let sink = ByteSink()
    writeCSV(r, tables: tables, to: sink)
    return sink.text
  }

  /// `csv(_:tables:)` into `out`.
  public static func writeCSV(_ r: InspectReport, tables: Tables, to out: ByteSink) {
    csvHeader(tables, member: false, to: out)
    csvRows(r, tables: tables, member: nil, to: out)
  }

  /// The header line of `csv(_:tables:)`, after a `member` column when `member` is set.
  static func csvHeader(_ tables: Tables, member: Bool, to out: ByteSink) {
    if member { out.write("member,") }
    if tables.sections {
      out.write("index,name,type,flags,address,offset,size,category,compression,uncompressedSize\n")
    } else if tables.segments {
      out.write("index,type,flags,offset,virtualAddress,fileSize,memorySize,alignment\n")
    } else if tables.symbols {
      out.write("name,size,value,type,binding,section,demangled\n")
    } else {
      out.write("kind,name,category,offset,fileBytes,memoryBytes\n")
    }
  }

  /// The rows of `csv(_:tables:)` without the header, each after a `member` field when that is
  /// given; region offsets are moved by `regionOffset` (a member's place in its archive).
  static func csvRows(
    _ r: InspectReport, tables: Tables, member: String?, regionOffset: UInt64 = 0,
    to out: ByteSink
  ) {
    func start() {
      if let member {
        csvField(member, to: out)
        out.byte(UInt8(ascii: ","))
      }
    }
    func field(_ s: String) {
      csvField(s, to: out)
      out.byte(UInt8(ascii: ","))
    }
    func number(_ v: UInt64) {
      out.decimal(v)
      out.byte(UInt8(ascii: ","))
    }
    if tables.sections {
      for s in r.sections {
        start()
        number(UInt64(s.index))
        field(s.name)
        field(s.type)
        field(s.flags)
        number(s.address)
        number(s.offset)
        number(s.size)
        field(s.category.rawValue)
        field(s.compression ?? "")
        if let size = s.uncompressedSize { out.decimal(size) }
        out.byte(0x0a)
      }
    } else if tables.segments {
      for p in r.segments {
        start()
        number(UInt64(p.index))
        field(p.type)
        field(p.flags)
        number(p.offset)
        number(p.virtualAddress)
        number(p.fileSize)
        number(p.memorySize)
        out.decimal(p.alignment)
        out.byte(0x0a)
      }
    } else if tables.symbols {
      for s in r.symbols ?? [] {
        start()
        field(s.name)
        number(s.size)
        number(s.value)
        field(s.type)
        field(s.binding)
        field(s.section)
        csvField(s.demangled ?? "", to: out)
        out.byte(0x0a)
      }
    } else {
      for g in r.regions {
        start()
        field(g.kind.rawValue)
        field(g.name)
        field(g.category.rawValue)
        number(regionOffset + g.offset)
        number(g.fileBytes)
        out.decimal(g.memoryBytes)
        out.byte(0x0a)
      }
    }
  }

  /// The CSV of a diff: one row per changed section and entry, then the totals.
  public static func csv(_ d: InspectDiff) -> String {
    var rows = [["what", "name", "status", "oldFile", "newFile", "fileChange", "oldMemory",
      "newMemory", "memoryChange"]]
    func add(_ what: String, _ name: String, _ status: String, _ f: InspectDiff.Change,
      _ m: InspectDiff.Change)
    {
      rows.append([what, name, status, "\(f.old)", "\(f.new)", "\(f.change)", "\(m.old)",
        "\(m.new)", "\(m.change)"])
    }
    for row in d.sections { add("section", row.name, row.status, row.file, row.memory) }
    for row in d.entries { add("entry", row.name, row.status, row.file, row.memory) }
    add("total", "file", "", d.fileSize, d.memorySize)
    add("total", "payload", "", d.payloadStored, d.payloadRaw)
    return csvText(rows)
  }

  /// `rows` as CSV: fields (see `csvField`) joined by `,`, one `\n`-terminated line per row.
  public static func csvText(_ rows: [[String]]) -> String {
    let out = ByteSink()
    for row in rows {
      for (i, f) in row.enumerated() {
        if i > 0 { out.byte(UInt8(ascii: ",")) }
        csvField(f, to: out)
      }
      out.byte(0x0a)
    }
    return out.text
  }

  /// `s` as one CSV field: quoted, with `"` doubled, when it holds a `,`, `"`, `\n` or `\r`.
  public static func csvField(_ s: String) -> String {
    let out = ByteSink()
    csvField(s, to: out)
    return out.text
  }

  /// `csvField(s)` into `out`.
  static func csvField(_ s: String, to out: ByteSink) {
    var s = s
    s.withUTF8 { buffer in
      let special = { (b: UInt8) in b == 0x2c || b == 0x22 || b == 0x0a || b == 0x0d }
      guard buffer.contains(where: special) else { return out.bytes(buffer) }
      out.byte(0x22)
      for b in buffer {
        if b == 0x22 { out.byte(0x22) }
        out.byte(b)
      }
      out.byte(0x22)
    }
  }

  // MARK: - Numbers

  /// `1234567` as `1,234,567`.
  static func grouped(_ v: UInt64) -> String {
    let digits = Array(String(v))
    var out = ""
    for (i, d) in digits.enumerated() {
      if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
      out.append(d)
    }
    return out
  }

  /// `+1,234`, `-1,234` or `0`.
  static func signed(_ v: Int64) -> String {
    v > 0 ? "+" + grouped(UInt64(v)) : v < 0 ? "-" + grouped(v.magnitude) : "0"
  }

  /// `part / whole` as a percentage with one decimal (`12.3%`); `-` when `whole` is 0.
  static func percent(_ part: UInt64, _ whole: UInt64) -> String {
    guard whole > 0 else { return "-" }
    let tenths = (Double(part) * 1000 / Double(whole)).rounded()
    let t = UInt64(tenths)
    return "\(t / 10).\(t % 10)%"
  }

  /// `0x` and `v` in lower-case hexadecimal (not `String(_:radix:)`: unspecialized, its
  /// first call costs a run-time conformance lookup).
  static func hex(_ v: UInt64) -> String {
    var digits: [UInt8] = []
    var rest = v
    repeat {
      digits.append(UInt8(ascii: rest & 0xf < 10 ? "0" : "W") + UInt8(rest & 0xf))
      rest >>= 4
    } while rest > 0
    digits += [UInt8(ascii: "x"), UInt8(ascii: "0")]
    digits.reverse()
    return String(decoding: digits, as: UTF8.self)
  }

  static func pad(_ s: String, _ width: Int) -> String {
    let n = s.count
    return n >= width ? s + " " : s + String(repeating: " ", count: width - n)
  }

  static func lpad(_ s: String, _ width: Int) -> String {
    let n = s.count
    return n >= width ? " " + s : String(repeating: " ", count: width - n) + s
  }
}
