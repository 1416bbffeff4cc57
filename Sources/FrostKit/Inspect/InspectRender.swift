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
    /// `-n`: rows per list in text output.
    public var limit: Int

    /// Memberwise.
    public init(sections: Bool = false, segments: Bool = false, symbols: Bool = false,
      limit: Int = 10)
    {
      self.sections = sections
      self.segments = segments
      self.symbols = symbols
      self.limit = limit
    }
  }

  // MARK: - JSON

  /// The JSON of a report (docs/INSPECT.md): keys sorted, two-space indent, ending in a
  /// newline. Written by `JSONWriter`, not `Encodable` (see there why).
  public static func json(_ r: InspectReport) -> String { r.jsonText }

  /// The JSON of a diff, in the same shape.
  public static func json(_ d: InspectDiff) -> String { d.jsonText }

  // MARK: - Text

  /// The text report.
  public static func text(_ r: InspectReport, tables: Tables) -> String {
    var out = ""
    let e = r.elf
    out += "\(r.file): \(e.elfClass) \(e.byteOrder)-endian \(e.type) (\(e.typeDescription)), \(e.machine)\n"
    func field(_ name: String, _ value: String) {
      out += "  " + pad(name, 14) + value + "\n"
    }
    field("OS/ABI", "\(e.osABI), ABI version \(e.abiVersion)")
    field("entry point", hex(e.entry))
    field("interpreter", r.interpreter ?? "-")
    field("needed", r.needed.isEmpty ? "-" : r.needed.joined(separator: ", "))
    field("soname", r.soname ?? "-")
    if let rpath = r.rpath { field("rpath", rpath) }
    if let runpath = r.runpath { field("runpath", runpath) }
    field("build-id", r.buildID ?? "-")
    field("sections", "\(e.sectionCount); segments \(e.segmentCount)")
    field(
      "file size",
      "\(grouped(r.fileSize)) bytes; loaded \(grouped(r.memorySize)) bytes; allocated sections \(grouped(r.allocatedSize)) bytes"
    )
    out += "\n" + breakdown(r, limit: tables.limit)
    if let p = r.payload { out += "\n" + payload(p, fileSize: r.fileSize, limit: tables.limit) }
    if let error = r.payloadError { out += "\nFrost payload: cannot read .frost: \(error)\n" }
    if tables.sections { out += "\n" + sections(r) }
    if tables.segments { out += "\n" + segments(r) }
    if tables.symbols { out += "\n" + symbols(r) }
    return out
  }

  private static func breakdown(_ r: InspectReport, limit: Int) -> String {
    var out = pad("Where the bytes go", 36) + lpad("file bytes", 14) + lpad("%", 8)
      + lpad("memory bytes", 15) + "\n"
    for total in r.breakdown where total.fileBytes > 0 || total.memoryBytes > 0 {
      out += "  " + pad(total.category.label, 34) + lpad(grouped(total.fileBytes), 14)
        + lpad(percent(total.fileBytes, r.fileSize), 8) + lpad(grouped(total.memoryBytes), 15)
        + "\n"
      let members = r.regions.filter { $0.category == total.category }.sorted {
        ($0.fileBytes, $0.memoryBytes, $1.offset) > ($1.fileBytes, $1.memoryBytes, $0.offset)
      }
      for m in members.prefix(limit) {
        var name = m.kind == .gap ? "[gap at \(hex(m.offset))]" : m.name
        if let i = m.sectionIndex, i < r.sections.count, r.sections[i].compression != nil {
          name += " (compressed)"
        }
        out += "    " + pad(name, 32) + lpad(grouped(m.fileBytes), 14) + lpad("", 8)
          + lpad(grouped(m.memoryBytes), 15) + "\n"
      }
      if members.count > limit {
        let rest = members.dropFirst(limit)
        out += "    " + pad("(\(grouped(UInt64(rest.count))) more)", 32)
          + lpad(grouped(rest.reduce(0) { $0 + $1.fileBytes }), 14) + lpad("", 8)
          + lpad(grouped(rest.reduce(0) { $0 + $1.memoryBytes }), 15) + "\n"
      }
    }
    out += "  " + pad("total", 34) + lpad(grouped(r.fileSize), 14)
      + lpad(percent(r.fileSize, r.fileSize), 8) + lpad(grouped(r.memorySize), 15) + "\n"
    return out
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
    return words.joined(separator: " ")
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

  private static func sections(_ r: InspectReport) -> String {
    var out = "Sections (\(r.sections.count))\n"
    out += "  [Nr] " + pad("name", 24) + pad("type", 15) + pad("flags", 6) + lpad("address", 18)
      + lpad("offset", 12) + lpad("size", 14) + "  category\n"
    for s in r.sections {
      out += "  " + lpad("[\(s.index)]", 4) + " " + pad(s.name, 24) + pad(s.type, 15)
        + pad(s.flags, 6) + lpad(hex(s.address), 18) + lpad(hex(s.offset), 12)
        + lpad(grouped(s.size), 14) + "  " + s.category.rawValue + compressionNote(s) + "\n"
    }
    return out
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
    csvText(csvRows(r, tables: tables))
  }

  /// The rows of `csv(_:tables:)`, header first.
  static func csvRows(_ r: InspectReport, tables: Tables) -> [[String]] {
    var rows: [[String]]
    if tables.sections {
      rows = [["index", "name", "type", "flags", "address", "offset", "size", "category",
        "compression", "uncompressedSize"]]
      rows += r.sections.map {
        ["\($0.index)", $0.name, $0.type, $0.flags, "\($0.address)", "\($0.offset)",
          "\($0.size)", $0.category.rawValue, $0.compression ?? "",
          $0.uncompressedSize.map { "\($0)" } ?? ""]
      }
    } else if tables.segments {
      rows = [["index", "type", "flags", "offset", "virtualAddress", "fileSize", "memorySize",
        "alignment"]]
      rows += r.segments.map {
        ["\($0.index)", $0.type, $0.flags, "\($0.offset)", "\($0.virtualAddress)",
          "\($0.fileSize)", "\($0.memorySize)", "\($0.alignment)"]
      }
    } else if tables.symbols {
      rows = [["name", "size", "value", "type", "binding", "section", "demangled"]]
      rows += (r.symbols ?? []).map {
        [$0.name, "\($0.size)", "\($0.value)", $0.type, $0.binding, $0.section,
          $0.demangled ?? ""]
      }
    } else {
      rows = [["kind", "name", "category", "offset", "fileBytes", "memoryBytes"]]
      rows += r.regions.map {
        [$0.kind.rawValue, $0.name, $0.category.rawValue, "\($0.offset)", "\($0.fileBytes)",
          "\($0.memoryBytes)"]
      }
    }
    return rows
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
    rows.map { $0.map(csvField).joined(separator: ",") }.joined(separator: "\n") + "\n"
  }

  /// `s` as one CSV field: quoted, with `"` doubled, when it holds a `,`, `"`, `\n` or `\r`
  /// Character (a `\r\n` pair is one Character, equal to neither, and is left unquoted).
  public static func csvField(_ s: String) -> String {
    // Bytes first: walking Characters is most of the time of a 70,000-row table.
    guard s.utf8.contains(where: { $0 == 0x2c || $0 == 0x22 || $0 == 0x0a || $0 == 0x0d }),
      s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
    else {
      return s
    }
    return "\"" + s.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"")
      + "\""
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

  static func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }

  static func pad(_ s: String, _ width: Int) -> String {
    let n = s.count
    return n >= width ? s + " " : s + String(repeating: " ", count: width - n)
  }

  static func lpad(_ s: String, _ width: Int) -> String {
    let n = s.count
    return n >= width ? " " + s : String(repeating: " ", count: width - n) + s
  }
}
