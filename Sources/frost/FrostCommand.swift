import ArgumentParser
import FrostKit

#if canImport(Glibc)
  import Glibc
#endif

@main
struct FrostCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "frost",
    abstract: "Turn script programs into single-file executables and ship them as services.",
    version: Frost.version,
    subcommands: [Build.self, Ls.self, Extract.self, Verify.self, Service.self, Inspect.self])

  /// Runs `frost inspect` directly when its arguments are a plain documented form
  /// (`InspectFastPath`); everything else goes through ArgumentParser.
  static func main() {
    if InspectFastPath.run(Array(CommandLine.arguments.dropFirst())) { return }
    main(nil)
  }
}

/// Flags shared by the commands that print a report.
struct OutputOptions: ParsableArguments {
  @Option(help: "Output format: text or json.")
  var format: OutputFormat = .text
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
  case text, json, csv
}

/// Prints `frost: <subject>: <error>` on one line and exits with `code`.
func fail(_ subject: String, _ error: Error, code: Int32 = 1) -> Never {
  let message = subject.isEmpty ? "\(error)" : "\(subject): \(error)"
  FileHandleOut.stderr("frost: \(message)\n")
  exit(code)
}

enum FileHandleOut {
  static func stderr(_ s: String) { _ = s.withCString { write(2, $0, strlen($0)) } }
}
