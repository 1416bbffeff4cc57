import Foundation
import Testing

@testable import FrostKit

@Suite("frost inspect JSON: JSONWriter gives the text the Encodable encoder gave")
struct InspectJSONTests {
  @Test("reports, with and without --symbols, are byte-identical", arguments: InspectFixtures.all)
  func reports(_ name: String) throws {
    let path = InspectFixtures.path(name)
    for options in [InspectOptions(), InspectOptions(symbols: true, symbolLimit: 7)] {
      let r = try Inspector.inspect(path, options: options)
      try expectSame(InspectRender.json(r), r)
      #expect(
        try JSONDecoder().decode(InspectReport.self, from: Data(InspectRender.json(r).utf8)) == r)
    }
  }

  @Test("diffs are byte-identical, also with payload entries added and removed")
  func diffs() throws {
    let hello = try Inspector.inspect(InspectFixtures.path("hello"))
    let frost = try Inspector.inspect(InspectFixtures.path("frost-hello"))
    let stripped = try Inspector.inspect(InspectFixtures.path("frost-hello-stripped"))
    for (old, new) in [(hello, frost), (frost, hello), (frost, stripped), (hello, hello)] {
      let d = Inspector.diff(old: old, new: new)
      try expectSame(InspectRender.json(d), d)
    }
  }

  @Test("escapes, fractions, negative numbers, empty lists and absent values")
  func edgeCases() throws {
    let odd = "q\"b\\n\nr\rt\t\u{1}\u{1f}é✓/"
    var r = try Inspector.inspect(InspectFixtures.path("frost-hello"))
    r.file = odd
    r.needed = []
    r.regions = []
    r.interpreter = nil
    r.symbols = []
    r.symbolCount = 0
    r.payload?.ratio = 1.0 / 3
    r.payload?.entries[0].ratio = 0.000_001_25
    r.payload?.entries[1].ratio = .nan
    r.payload?.entries[2].ratio = 1e17
    r.payload?.manifest.append(Manifest.Pair(odd, ""))
    r.payloadError = odd
    try expectSame(InspectRender.json(r), r)
    r.payload = nil
    r.symbols = nil
    r.symbolCount = nil
    r.regions = [
      SizeRegion(
        kind: .gap, name: "[gap]", sectionIndex: nil, category: .padding, offset: 1,
        fileBytes: 2, memoryBytes: 3)
    ]
    try expectSame(InspectRender.json(r), r)
    var d = Inspector.diff(
      old: try Inspector.inspect(InspectFixtures.path("frost-hello")),
      new: try Inspector.inspect(InspectFixtures.path("hello")))
    #expect(d.fileSize.change < 0)
    d.entries = []
    d.old = odd
    try expectSame(InspectRender.json(d), d)
  }

  /// `json` equals the old encoder's text for `value`.
  private func expectSame<T: Encodable>(_ json: String, _ value: T) throws {
    let reference = try JSONText.encode(value)
    #expect(json == reference)
    if json != reference {
      let a = json.split(separator: "\n", omittingEmptySubsequences: false)
      let b = reference.split(separator: "\n", omittingEmptySubsequences: false)
      if let i = zip(a, b).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
        Issue.record("line \(i + 1): \(a[i]) vs \(b[i])")
      }
    }
  }
}
