import ArgumentParser
import FrostKit

extension FrostCommand {
  struct Extract: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write the entries of a Frost binary into a folder.",
      discussion: "Paths are checked: nothing is written outside DIR.\n\n  $ frost extract hello out/")

    @Argument(help: "A Frost binary.")
    var binary: String

    @Argument(help: "The folder to write into (created if missing).")
    var directory: String

    func run() throws {
      do {
        let written = try Extractor.extract(try PayloadFile.open(binary), to: directory)
        print("frost: extracted \(Report.count(written.count, "entry", "entries")) to \(directory)")
      } catch {
        fail(binary, error)
      }
    }
  }
}
