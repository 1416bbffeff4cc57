/// Text, JSON and CSV of an `ArchiveReport`: the archive's own bytes, then each member with
/// its own report (the ELF report's renderer, nested).
extension InspectRender {
  /// The JSON of an archive report (docs/INSPECT.md), in the shape of `json(_: InspectReport)`.
  public static func json(_ r: ArchiveReport) -> String { r.jsonText }

  /// The text report of an archive: its breakdown, the member list, then each ELF member's
  /// report indented under it.
  public static func text(_ r: ArchiveReport, tables: Tables) -> String {
    let sink = ByteSink()
    writeText(r, tables: tables, to: sink)
    return sink.text
  }

  /// `text(_:tables:)` into `out`.
  public static func writeText(_ r: ArchiveReport, tables: Tables, to out: ByteSink) {
    let elf = r.members.filter { $0.content == .elf }.count
    out.write(
      "\(r.file): ar archive, \(Report.count(r.members.count, "member", "members")) (\(elf) ELF, \(r.members.count - elf) other)"
    )
    out.write(r.symbolCount.map { ", symbol table of \(grouped(UInt64($0))) entries\n" } ?? ", no symbol table\n")
    out.write("  ")
    out.padded("file size", 14)
    out.grouped(r.fileSize)
    out.write(" bytes\n\n")
    out.padded("Where the bytes go", 36)
    out.leftPadded("file bytes", 14)
    out.leftPadded("%", 8)
    out.leftPadded("memory bytes", 15)
    out.byte(0x0a)
    for total in r.breakdown where total.fileBytes > 0 || total.kind == .elfMember {
      breakdownLine(out, indent: 2, archiveLabel(total.kind), file: total.fileBytes,
        percentOf: r.fileSize, memory: nil)
      guard total.kind == .elfMember else { continue }
      for c in r.memberBreakdown where c.fileBytes > 0 || c.memoryBytes > 0 {
        breakdownLine(out, indent: 4, c.category.label, file: c.fileBytes,
          percentOf: r.fileSize, memory: c.memoryBytes)
      }
    }
    breakdownLine(out, indent: 2, "total", file: r.fileSize, percentOf: r.fileSize, memory: nil)
    out.write("\nMembers (\(r.members.count))\n  ")
    out.leftPadded("offset", 12)
    out.leftPadded("size", 14)
    out.write("  ")
    out.padded("content", 28)
    out.write("name\n")
    for m in r.members {
      let content: String
      if let e = m.report?.elf {
        content = "\(e.elfClass) \(e.type) \(e.machine)"
      } else {
        content = m.content == .damagedELF ? "damaged ELF" : "other"
      }
      out.write("  ")
      out.leftPaddedHex(m.dataOffset, 12)
      out.leftPaddedGrouped(m.size, 14)
      out.write("  ")
      out.padded(content, 28)
      out.write(m.name)
      out.byte(0x0a)
    }
    let member = ByteSink()
    for m in r.members {
      out.byte(0x0a)
      guard let report = m.report else {
        out.write("  \(r.file)(\(m.name)): \(m.error ?? "not an ELF file"), \(grouped(m.size)) bytes\n")
        continue
      }
      member.clear()
      writeText(report, tables: tables, to: member)
      member.appendIndented(to: out, by: 2)
    }
  }

  private static func archiveLabel(_ kind: ArchiveRegion.Kind) -> String {
    switch kind {
    case .archiveHeader: "archive header"
    case .memberHeader: "member headers"
    case .symbolTable: "symbol table"
    case .longNames: "long-name table"
    case .elfMember: "ELF members"
    case .otherMember: "other members"
    case .padding: "padding"
    }
  }

  /// One CSV table with a `member` column first: by default the archive's own ranges with each
  /// ELF member's regions in place of its data (offsets in the archive; every byte once);
  /// with `--sections`, `--segments` or `--symbols` that table of every ELF member (offsets in
  /// the member).
  public static func csv(_ r: ArchiveReport, tables: Tables) -> String {
    let sink = ByteSink()
    writeCSV(r, tables: tables, to: sink)
    return sink.text
  }

  /// `csv(_:tables:)` into `out`.
  public static func writeCSV(_ r: ArchiveReport, tables: Tables, to out: ByteSink) {
    csvHeader(tables, member: true, to: out)
    if tables.sections || tables.segments || tables.symbols {
      for m in r.members {
        guard let report = m.report else { continue }
        csvRows(report, tables: tables, member: m.name, to: out)
      }
      return
    }
    // Members by data offset, found by binary search (the regions and members are both in
    // file order; a `Dictionary` keyed by offset costs a run-time conformance lookup).
    let members = r.members.sorted { $0.dataOffset < $1.dataOffset }
    func member(at offset: UInt64) -> ArchiveMemberReport? {
      var low = 0
      var high = members.count
      while low < high {
        let mid = (low + high) / 2
        if members[mid].dataOffset < offset { low = mid + 1 } else { high = mid }
      }
      return low < members.count && members[low].dataOffset == offset ? members[low] : nil
    }
    for region in r.regions {
      let name = region.kind == .archiveHeader ? "" : region.name
      if region.kind == .elfMember, let report = member(at: region.offset)?.report {
        csvRows(report, tables: tables, member: name, regionOffset: region.offset, to: out)
        continue
      }
      let category = region.kind == .otherMember ? SizeCategory.other.rawValue : "archive"
      for (i, f) in [name, region.kind.rawValue, region.name, category].enumerated() {
        if i > 0 { out.byte(UInt8(ascii: ",")) }
        csvField(f, to: out)
      }
      out.byte(UInt8(ascii: ","))
      out.decimal(region.offset)
      out.byte(UInt8(ascii: ","))
      out.decimal(region.fileBytes)
      out.write(",0\n")
    }
  }

}

extension ArchiveReport: JSONWritable {
  func writeJSON(to w: inout JSONWriter) {
    w.object { w in
      w.field("breakdown", breakdown)
      w.field("file", file)
      w.field("fileSize", fileSize)
      w.field("format", format)
      w.field("memberBreakdown", memberBreakdown)
      w.field("members", members)
      w.field("regions", regions)
      w.field("schemaVersion", schemaVersion)
      w.field("symbolCount", symbolCount)
    }
  }
}

extension ArchiveMemberReport: JSONWritable {
  func writeJSON(to w: inout JSONWriter) {
    w.object { w in
      w.field("content", content.rawValue)
      w.field("dataOffset", dataOffset)
      w.field("error", error)
      w.field("headerOffset", headerOffset)
      w.field("name", name)
      w.field("report", report)
      w.field("size", size)
    }
  }
}

extension ArchiveRegion: JSONWritable {
  func writeJSON(to w: inout JSONWriter) {
    w.object { w in
      w.field("fileBytes", fileBytes)
      w.field("kind", kind.rawValue)
      w.field("name", name)
      w.field("offset", offset)
    }
  }
}

extension ArchiveTotal: JSONWritable {
  func writeJSON(to w: inout JSONWriter) {
    w.object { w in
      w.field("fileBytes", fileBytes)
      w.field("kind", kind.rawValue)
      w.field("regions", regions)
    }
  }
}
