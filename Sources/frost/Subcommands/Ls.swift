import ArgumentParser
import Foundation
import FrostKit

extension FrostCommand {
  struct Ls: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List the entries of a Frost binary.",
      discussion: "  $ frost ls hello\n  $ frost ls hello --format json")

    @Argument(help: "A Frost binary.")
    var binary: String

    @OptionGroup var output: OutputOptions

    func run() throws {
      do {
        let reader = try PayloadFile.open(binary)
        switch output.format {
        case .text: print(Report.listing(reader))
        case .json, .csv:
          guard output.format == .json else { throw ValidationError("ls has no csv format") }
          let encoder = JSONEncoder()
          encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
          let value = ListingJSON(entries: reader.entries, manifest: reader.manifest.pairs)
          print(String(decoding: try encoder.encode(value), as: UTF8.self))
        }
      } catch {
        fail(binary, error)
      }
    }
  }
}

/// The JSON shape of `frost ls --format json`.
struct ListingJSON: Encodable {
  var entries: [PayloadEntry]
  var manifest: [Manifest.Pair]
}
