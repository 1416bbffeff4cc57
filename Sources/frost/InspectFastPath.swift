#if canImport(Glibc)
  import Glibc
#endif

/// `frost inspect` without ArgumentParser, for the documented argument forms.
///
/// Building ArgumentParser's command tree reflects over every command type (`Mirror`, dynamic
/// casts), and in a binary as large as `frost` each first cast scans all protocol conformance
/// records: that took three times as long as inspecting a 250 MB file. This recognises exactly
/// `inspect` followed, in any order, by files and `--format text|json|csv`, `--sections`,
/// `--segments`, `--symbols`, `--requires`, `--no-demangle`, `-n N`, `--diff`, each at most once, that pass
/// `Inspect.Request.problem`. Anything else (help, `--version`, `--`, `--format=json`, unknown
/// or repeated options, bad values, a file name starting with `-`) is left to ArgumentParser,
/// so that its errors and help stay the only ones. `FROST_NO_FAST_PATH=1` turns this off (for
/// the tests that compare both paths).
enum InspectFastPath {
  /// The request `arguments` (without the program name) make, or nil to let ArgumentParser
  /// parse them.
  static func request(_ arguments: [String]) -> FrostCommand.Inspect.Request? {
    guard arguments.first == "inspect" else { return nil }
    var request = FrostCommand.Inspect.Request(files: [])
    // An array, not a Set: the first `Set<String>` costs a run-time conformance lookup.
    var seen: [String] = []
    var rest = arguments.dropFirst()
    while let argument = rest.popFirst() {
      guard argument.hasPrefix("-") else {
        request.files.append(argument)
        continue
      }
      guard !seen.contains(argument) else { return nil }
      seen.append(argument)
      switch argument {
      case "--sections": request.sections = true
      case "--segments": request.segments = true
      case "--symbols": request.symbols = true
      case "--requires": request.requires = true
      case "--no-demangle": request.demangle = false
      case "--diff": request.diff = true
      case "--format":
        guard let value = rest.popFirst(), let format = OutputFormat(rawValue: value) else {
          return nil
        }
        request.format = format
      case "-n":
        guard let value = rest.popFirst(), !value.isEmpty,
          value.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
          let limit = Int(value)
        else { return nil }
        request.limit = limit
      default: return nil
      }
    }
    return request.problem == nil ? request : nil
  }

  /// Runs `frost inspect` if `arguments` are a form this recognises; false otherwise.
  static func run(_ arguments: [String]) -> Bool {
    if let off = getenv("FROST_NO_FAST_PATH"), String(cString: off) == "1" { return false }
    guard let request = request(arguments) else { return false }
    request.run()
    return true
  }
}
