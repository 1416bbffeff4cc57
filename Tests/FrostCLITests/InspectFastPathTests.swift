import Foundation
import Testing

/// `frost inspect` parses its documented argument forms without ArgumentParser
/// (`Sources/frost/InspectFastPath.swift`); everything else goes to ArgumentParser. Each
/// argument list here runs both ways (`FROST_NO_FAST_PATH=1` forces ArgumentParser), and the
/// two runs must give the same standard output, standard error and exit status.
@Suite("frost inspect: the fast path and ArgumentParser agree")
struct InspectFastPathTests {
  /// Argument lists after `frost`; `@name` is the fixture `name`.
  static let cases: [[String]] = [
    // Forms the fast path takes.
    ["inspect", "@hello"],
    ["inspect", "--format", "json", "@hello"],
    ["inspect", "@hi", "--format", "json"],
    ["inspect", "--format", "text", "@hi"],
    ["inspect", "--format", "csv", "@hello"],
    ["inspect", "--format", "csv", "--segments", "@hello"],
    ["inspect", "--symbols", "-n", "3", "--format", "csv", "@hello"],
    ["inspect", "--sections", "@hello", "--segments", "--symbols", "-n", "007"],
    ["inspect", "--format", "json", "--symbols", "-n", "2", "@hi"],
    ["inspect", "--requires", "-n", "2", "@hello"],
    ["inspect", "--symbols", "--no-demangle", "@hello"],
    ["inspect", "--format", "csv", "@lib.a"],
    ["inspect", "--diff", "@hello", "@hi"],
    ["inspect", "@hello", "--diff", "-n", "1", "@hi"],
    ["inspect", "--diff", "--format", "json", "@hello", "@hi"],
    ["inspect", "--diff", "--format", "csv", "@hi", "@hi"],
    ["inspect", "help"],
    ["inspect", "@missing"],
    ["inspect", "--format", "json", "@text"],
    ["inspect", "@truncated"],
    ["inspect", "--format", "csv", "@shoff-past"],
    ["inspect", "--diff", "@hello", "@missing"],
    // Forms left to ArgumentParser: help, errors, spellings the fast path does not take.
    ["inspect", "--format=json", "@hello"],
    ["inspect", "--", "@hello"],
    ["inspect", "--help"],
    ["inspect", "-h"],
    ["help", "inspect"],
    ["inspect"],
    ["inspect", "@hello", "@hi"],
    ["inspect", "--diff", "@hello"],
    ["inspect", "-n", "0", "@hello"],
    ["inspect", "-n", "-3", "@hello"],
    ["inspect", "-n", "x", "@hello"],
    ["inspect", "-n3", "@hello"],
    ["inspect", "@hello", "-n"],
    ["inspect", "--format", "yaml", "@hello"],
    ["inspect", "--format", "JSON", "@hello"],
    ["inspect", "@hello", "--format"],
    ["inspect", "--sections", "--sections", "@hello"],
    ["inspect", "--no-demangle", "--no-demangle", "@hello"],
    ["inspect", "--format", "csv", "--sections", "--symbols", "@hello"],
    ["inspect", "--bogus", "@hello"],
    ["inspect", "-", "@hello"],
    ["--version"],
  ]

  @Test("same stdout, stderr and exit status both ways", arguments: cases)
  func samePaths(_ arguments: [String]) throws {
    let args = arguments.map {
      $0.hasPrefix("@") ? InspectCLIFixtures.path(String($0.dropFirst())) : $0
    }
    var environment = ProcessInfo.processInfo.environment
    environment["FROST_NO_FAST_PATH"] = nil
    let fast = try CLI.run(CLI.frost, args, env: environment)
    environment["FROST_NO_FAST_PATH"] = "1"
    let slow = try CLI.run(CLI.frost, args, env: environment)
    #expect(fast.signal == nil && slow.signal == nil)
    #expect(fast.status == slow.status)
    #expect(fast.stdout == slow.stdout)
    #expect(fast.stderr == slow.stderr)
  }

  @Test("--format json and --format=json (always ArgumentParser) print the same report")
  func spellings() throws {
    let path = InspectCLIFixtures.path("hi")
    let fast = try CLI.frost(["inspect", "--format", "json", path])
    let slow = try CLI.frost(["inspect", "--format=json", path])
    #expect(fast.status == 0 && fast.stdout == slow.stdout && fast.stderr == slow.stderr)
  }
}
