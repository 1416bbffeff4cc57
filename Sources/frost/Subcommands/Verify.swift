import ArgumentParser
import FrostKit

extension FrostCommand {
  struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Check every checksum of a Frost binary.",
      discussion: "Exit status 0 when intact; otherwise the first bad entry is named.\n\n  $ frost verify hello")

    @Argument(help: "A Frost binary.")
    var binary: String

    func run() throws {
      do {
        let reader = try PayloadFile.open(binary)
        try reader.verify()
        print("frost: \(binary): ok (\(Report.count(reader.entries.count, "entry", "entries")), CRC-32 and SHA-256 checked)")
      } catch {
        fail(binary, error)
      }
    }
  }
}
