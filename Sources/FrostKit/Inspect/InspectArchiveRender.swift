/// Text, JSON and CSV of an `ArchiveReport`: the archive's own bytes, then each member with
/// its own report (the ELF report's renderer, nested).
extension InspectRender {
  /// The JSON of an archive report (docs/INSPECT.md), in the shape of `json(_: InspectReport)`.
  public static func json(_ r: ArchiveReport) -> String { r.jsonText }

  /// The text report of an archive: its breakdown, the member list, then each ELF member's
  /// report indented under it.
  public static func text(_ r: ArchiveReport, tables: Tables) -> String {
    let elf = r.members.filter { $0.content == .elf }.count
    var out =
      "\(r.file): ar archive, \(Report.count(r.members.count, "member", "members")) (\(elf) ELF, \(r.members.count - elf) other)"
    out += r.symbolCount.map { ", symbol table of \(grouped(UInt64($0))) entries\n" } ?? ", no symbol table\n"
    out += "  " + pad("file size", 14) + "\(grouped(r.fileSize)) bytes\n\n"
    out += pad("Where the bytes go", 36) + lpad("file bytes", 14) + lpad("%", 8)
      + lpad("memory bytes", 15) + "\n"
    for total in r.breakdown where total.fileBytes > 0 || total.kind == .elfMember {
      out += "  " + pad(archiveLabel(total.kind), 34) + lpad(grouped(total.fileBytes), 14)
        + lpad(percent(total.fileBytes, r.fileSize), 8) + "\n"
      guard total.kind == .elfMember else { continue }
      for c in r.memberBreakdown where c.fileBytes > 0 || c.memoryBytes > 0 {
        out += "    " + pad(c.category.label, 32) + lpad(grouped(c.fileBytes), 14)
          + lpad(percent(c.fileBytes, r.fileSize), 8) + lpad(grouped(c.memoryBytes), 15) + "\n"
      }
    }
    out += "  " + pad("total", 34) + lpad(grouped(r.fileSize), 14)
      + lpad(percent(r.fileSize, r.fileSize), 8) + "\n"
    out += "\nMembers (\(r.members.count))\n"
    out += "  " + lpad("offset", 12) + lpad("size", 14) + "  " + pad("content", 28) + "name\n"
    for m in r.members {
      let content: String
      if let e = m.report?.elf {
        content = "\(e.elfClass) \(e.type) \(e.machine)"
      } else {
        content = m.content == .damagedELF ? "damaged ELF" : "other"
      }
      out += "  " + lpad(hex(m.dataOffset), 12) + lpad(grouped(m.size), 14) + "  "
        + pad(content, 28) + m.name + "\n"
    }
    for m in r.members {
      out += "\n"
      guard let report = m.report else {
        out += "  \(r.file)(\(m.name)): \(m.error ?? "not an ELF file"), \(grouped(m.size)) bytes\n"
        continue
      }
      for line in text(report, tables: tables).split(separator: "\n", omittingEmptySubsequences: false)
        .dropLast()
      {
        out += line.isEmpty ? "\n" : "  " + line + "\n"
      }
    }
    return out
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
    var rows: [[String]] = []
    if tables.sections || tables.segments || tables.symbols {
      for m in r.members {
        guard let report = m.report else { continue }
        let table = csvRows(report, tables: tables)
        if rows.isEmpty { rows.append(["member"] + table[0]) }
        rows += table.dropFirst().map { [m.name] + $0 }
      }
      if rows.isEmpty {
        rows.append(["member"] + csvRows(emptyReport, tables: tables)[0])
      }
      return csvText(rows)
    }
    rows = [["member", "kind", "name", "category", "offset", "fileBytes", "memoryBytes"]]
    let byOffset = Dictionary(
      r.members.map { ($0.dataOffset, $0) }, uniquingKeysWith: { a, _ in a })
    for region in r.regions {
      let member = region.kind == .archiveHeader ? "" : region.name
      if region.kind == .elfMember, let report = byOffset[region.offset]?.report {
        rows += report.regions.map {
          [member, $0.kind.rawValue, $0.name, $0.category.rawValue,
            "\(region.offset + $0.offset)", "\($0.fileBytes)", "\($0.memoryBytes)"]
        }
        continue
      }
      rows.append([
        member, region.kind.rawValue, region.name,
        region.kind == .otherMember ? SizeCategory.other.rawValue : "archive",
        "\(region.offset)", "\(region.fileBytes)", "0",
      ])
    }
    return csvText(rows)
  }

  /// A report with no rows, for the header line of a table no member has.
  private static var emptyReport: InspectReport {
    InspectReport(
      file: "", fileSize: 0,
      elf: HeaderSummary(
        elfClass: "", byteOrder: "", osABI: "", abiVersion: 0, type: "", typeDescription: "",
        machine: "", machineNumber: 0, entry: 0, flags: 0, sectionCount: 0, segmentCount: 0),
      interpreter: nil, needed: [], soname: nil, rpath: nil, runpath: nil, buildID: nil,
      sections: [], segments: [], regions: [], breakdown: [], memorySize: 0, allocatedSize: 0)
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
