import Testing

@testable import FrostKit

@Suite("frost build's notes on a Python payload")
struct PythonSummaryTests {
  static func dist(_ name: String, _ mb: UInt64, _ why: String, _ through: [String]) -> BundledDistribution {
    BundledDistribution(name: name, version: "1.0", bytes: mb * 1_000_000, why: why, through: through)
  }

  @Test("a large payload names its largest distributions and how the program reaches each")
  func largestDistributions() {
    var summary = PythonSummary(entries: [], missing: [])
    summary.distributions = [
      Self.dist("pyarrow", 171, "imported by pandas.io", ["pandas", "tqdm"]),
      Self.dist("pandas", 44, "imported by tqdm.std", ["tqdm"]),
      Self.dist("tqdm", 1, "imported by main", []),
    ]
    let notes = summary.notes
    #expect(notes.count == 1)
    let note = notes.first ?? ""
    #expect(note.hasPrefix("frost: note: 216.0 MB of 3 distributions bundled whole"), "\(note)")
    #expect(note.contains("the largest: pyarrow 1.0 171.0 MB (tqdm → pandas → pyarrow), "
      + "pandas 1.0 44.0 MB (tqdm → pandas), tqdm 1.0 1.0 MB (imported by main);"), "\(note)")
    #expect(note.contains("--exclude-module PACKAGE"))
  }

  @Test("a small payload gets no such note, and at most five are named")
  func smallOrMany() {
    var summary = PythonSummary(entries: [], missing: [])
    summary.distributions = [Self.dist("click", 1, "imported by main", [])]
    #expect(summary.notes.isEmpty)
    summary.distributions = (1...8).map { Self.dist("d\($0)", 20, "required by x", []) }
    let note = summary.notes.first ?? ""
    #expect(note.contains("d5 1.0") && !note.contains("d6 1.0"), "\(note)")
  }
}
