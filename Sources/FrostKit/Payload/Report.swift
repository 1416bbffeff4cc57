/// Text rendering of build and payload reports.
public enum Report {
  /// "wrote OUT (SIZE: stub SIZE, payload SIZE in N entries, RATIO of raw)".
  public static func buildSummary(_ s: FreezeSummary) -> String {
    let added = s.fileSize - s.stubSize
    return
      "frost: wrote \(s.output) (\(bytes(s.fileSize)) = stub \(bytes(s.stubSize)) + \(bytes(added)) .frost section and tables; \(count(s.entries, "entry", "entries")), \(bytes(s.rawBytes)) raw)"
  }

  /// "1 entry", "3 entries".
  public static func count(_ n: Int, _ one: String, _ many: String) -> String {
    "\(n) \(n == 1 ? one : many)"
  }

  /// `frost ls` as a text table.
  public static func listing(_ r: PayloadReader) -> String {
    var rows = [["PATH", "KIND", "MODE", "RAW", "STORED", "RATIO"]]
    for e in r.entries {
      rows.append([
        e.path, e.kind.label, String(e.mode, radix: 8), String(e.rawSize), String(e.storedSize),
        ratio(e.storedSize, e.rawSize),
      ])
    }
    let raw = r.entries.reduce(0) { $0 + $1.rawSize }
    let stored = r.entries.storedBytesCountedOnce
    rows.append(["total (\(r.entries.count))", "", "", String(raw), String(stored), ratio(stored, raw)])
    return table(rows, rightAligned: [3, 4, 5])
  }

  /// "42.0%" of stored over raw.
  public static func ratio(_ stored: UInt64, _ raw: UInt64) -> String {
    guard raw > 0 else { return "-" }
    let tenths = (stored * 1000 + raw / 2) / raw
    return "\(tenths / 10).\(tenths % 10)%"
  }

  /// "1.2 MB", "312 B" (decimal units).
  public static func bytes(_ n: UInt64) -> String {
    if n < 1000 { return "\(n) B" }
    let units = ["kB", "MB", "GB", "TB"]
    var value = Double(n) / 1000
    var unit = 0
    while value >= 1000, unit < units.count - 1 {
      value /= 1000
      unit += 1
    }
    let tenths = Int((value * 10).rounded())
    return "\(tenths / 10).\(tenths % 10) \(units[unit])"
  }

  /// Aligned columns separated by two spaces.
  public static func table(_ rows: [[String]], rightAligned: Set<Int> = []) -> String {
    guard let first = rows.first else { return "" }
    let widths = first.indices.map { i in rows.map { $0[i].count }.max() ?? 0 }
    return rows.map { row in
      row.enumerated().map { i, cell in
        let pad = String(repeating: " ", count: widths[i] - cell.count)
        return rightAligned.contains(i) ? pad + cell : cell + pad
      }.joined(separator: "  ").trimmingTrailingSpaces()
    }.joined(separator: "\n")
  }
}

extension String {
  func trimmingTrailingSpaces() -> String {
    var s = self
    while s.last == " " { s.removeLast() }
    return s
  }
}
