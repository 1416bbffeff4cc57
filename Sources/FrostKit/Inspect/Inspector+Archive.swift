extension Inspector {
  /// The report for the ELF file or `ar` archive at `path`.
  ///
  /// Throws as `inspect(_:options:)`, and `ELFError.damagedArchive` for an archive whose own
  /// structure is damaged; a member that is not ELF, or a damaged ELF member, is reported,
  /// not thrown.
  public static func inspectFile(_ path: String, options: InspectOptions = InspectOptions())
    throws(ELFError) -> InspectResult
  {
    guard ELFArchive.isArchive(path: path) else { return .elf(try inspect(path, options: options)) }
    return .archive(try inspectArchive(path, options: options))
  }

  /// The report for the `ar` archive at `path`.
  public static func inspectArchive(_ path: String, options: InspectOptions = InspectOptions())
    throws(ELFError) -> ArchiveReport
  {
    let archive = try ELFArchive(path: path)
    var regions = [
      ArchiveRegion(
        kind: .archiveHeader, name: "[archive header]", offset: 0,
        fileBytes: UInt64(ELFArchive.magic.count))
    ]
    var members: [ArchiveMemberReport] = []
    for m in archive.members {
      regions.append(
        ArchiveRegion(
          kind: .memberHeader, name: m.name, offset: m.headerOffset,
          fileBytes: ELFArchive.memberHeaderSize))
      var kind = ArchiveRegion.Kind.otherMember
      switch m.kind {
      case .symbolTable: kind = .symbolTable
      case .longNames: kind = .longNames
      case .file:
        let member = memberReport(archive, m, path: path, options: options)
        if member.content == .elf { kind = .elfMember }
        members.append(member)
      }
      regions.append(ArchiveRegion(kind: kind, name: m.name, offset: m.dataOffset, fileBytes: m.size))
      if m.padding > 0 {
        regions.append(
          ArchiveRegion(kind: .padding, name: m.name, offset: m.dataOffset + m.size, fileBytes: m.padding))
      }
    }
    var breakdown = ArchiveRegion.Kind.allCases.map { ArchiveTotal(kind: $0, fileBytes: 0, regions: 0) }
    for r in regions {
      let i = ArchiveRegion.Kind.allCases.firstIndex(of: r.kind)!
      breakdown[i].fileBytes = try add(breakdown[i].fileBytes, r.fileBytes, "archive regions")
      breakdown[i].regions += 1
    }
    var memberBreakdown = SizeCategory.allCases.map {
      CategoryTotal(category: $0, fileBytes: 0, memoryBytes: 0, regions: 0)
    }
    for case let report? in members.lazy.map(\.report) {
      for (i, row) in report.breakdown.enumerated() {
        memberBreakdown[i].fileBytes = try add(memberBreakdown[i].fileBytes, row.fileBytes, "member sizes")
        memberBreakdown[i].memoryBytes = try add(
          memberBreakdown[i].memoryBytes, row.memoryBytes, "member memory sizes")
        memberBreakdown[i].regions += row.regions
      }
    }
    return ArchiveReport(
      file: path, fileSize: archive.fileSize, symbolCount: archive.symbolCount, members: members,
      regions: regions, breakdown: breakdown, memberBreakdown: memberBreakdown)
  }

  /// One member: its report when it is a readable ELF file, else why not.
  private static func memberReport(
    _ archive: ELFArchive, _ m: ELFArchiveMember, path: String, options: InspectOptions
  ) -> ArchiveMemberReport {
    var result = ArchiveMemberReport(
      name: m.name, headerOffset: m.headerOffset, dataOffset: m.dataOffset, size: m.size,
      content: .other, error: nil, report: nil)
    guard m.hasELFMagic else {
      result.error = m.size == 0 ? "not an ELF file (empty)" : "not an ELF file (no ELF magic)"
      return result
    }
    do throws(ELFError) {
      let file = try archive.open(m)
      result.report = try report(file, name: "\(path)(\(m.name))", options: options)
      result.content = .elf
    } catch {
      result.content = .damagedELF
      result.error = "\(error)"
    }
    return result
  }
}
