import ArgumentParser
import FrostKit

#if canImport(Glibc)
  import Glibc
#endif

/// The flags of `frost build` for self-contained Python programs. Each may also be set in the
/// project's pyproject.toml, `[tool.frost]`, under the same long name.
struct PythonOptions: ParsableArguments {
  @Flag(
    name: [.customShort("m"), .long],
    help: "The argument is a module (or package) to run as __main__.")
  var module = false

  @Option(
    help:
      "The CPython (3.8 to 3.13) that collects, compiles and is embedded (default /usr/bin/python3; a venv's python for its packages)."
  )
  var python: String?

  @Option(help: "A folder of more importable code (repeatable).")
  var path: [String] = []

  @Option(help: "A module to bundle that analysis cannot see (repeatable).")
  var includeModule: [String] = []

  @Option(help: "A package to bundle with all its submodules (repeatable).")
  var includePackage: [String] = []

  @Option(help: "A module (and its submodules) to leave out (repeatable).")
  var excludeModule: [String] = []

  @Option(help: "SRC:DEST: a file or folder to bundle at DEST under the import root (repeatable).")
  var addData: [String] = []

  @Flag(
    inversion: .prefixedNo,
    help: ArgumentHelp(
      "Bundle the sources beside the bytecode (the default): tracebacks show source lines, and code that reads sources (inspect.getsource, typeguard, pylint, jedi, doctest) works; --no-include-source leaves them out (smaller)."))
  var includeSource: Bool?

  @Flag(help: "Smaller output: a compressed interpreter (starts a little slower).")
  var compact = false

  @Option(
    help: ArgumentHelp(
      "auto, always or never: the interpreter LZ4-packed in the payload (3.3 MB smaller, ~1 ms more per start); auto packs programs that load 4 MiB or more at start.",
      valueName: "when"))
  var packInterpreter: PackedInterpreter.Mode?

  @Flag(
    help:
      "Unbuffered stdout and stderr, as python3 -u: output reaches a pipe or the journal at once (PYTHONUNBUFFERED is not read)."
  )
  var unbuffered = false

  @Flag(
    help:
      "Leave the program's large allocations on 4 KiB pages: by default a block of 4 MiB or more is advised onto transparent huge pages."
  )
  var noHugePages = false

  @Flag(
    help: ArgumentHelp(
      "Write extension modules and libraries once to a cache folder on disk and load them from there, instead of decoding them into memory at every start.",
      discussion:
        "For programs with tens of MB of native code (numpy, scipy): later starts as fast as python's. The folder is $CACHE_DIRECTORY, $XDG_CACHE_HOME or ~/.cache, then frost/native (0700); without a usable one, memory as by default."
    ))
  var nativeCache = false

  @Option(
    help:
      "0, or 1 and 2 as python3 -O and -OO: bytecode without asserts (and docstrings), sys.flags.optimize to match."
  )
  var optimize: Int?

  @Option(
    help: ArgumentHelp(
      "all (default: every standard module, as python3 has them) or imported (only those the analysis finds: smaller, for programs whose imports it sees).",
      valueName: "profile"))
  var stdlib: PythonFreezer.StdlibProfile?

  @Option(help: "Freeze this console_scripts entry point of the --python environment.")
  var consoleScript: String?

  @Flag(help: "Fail the build when an import cannot be resolved (default: a warning).")
  var strict = false

  @Option(
    help: ArgumentHelp(
      "The oldest glibc the binary must start on (default and lowest: 2.28).",
      discussion:
        "A bundled extension or library that needs a newer glibc fails the build, naming it; raise the floor to accept it.",
      valueName: "version"))
  var glibc: String?

  @Flag(
    inversion: .prefixedNo,
    help: "Progress lines on stderr during long builds (default: only when stderr is a terminal).")
  var progress: Bool?

  /// True when `script` is built as a self-contained Python program: `-m`, a folder with
  /// `__main__.py`, a `.py` file, or a script with a python `#!` line.
  func selfContained(_ script: String, hostPython: Bool) -> Bool {
    if hostPython { return false }
    if module || script.hasSuffix(".py") { return true }
    if FileIO.isDirectory(script) { return access(script + "/__main__.py", F_OK) == 0 }
    guard let bytes = try? FileIO.read(script), let command = Shebang.parse(bytes)?.first else {
      return false
    }
    return HostFreezer.launcher(for: command) == "python"
  }

  /// The default output name: the module's last component with `-m`.
  func defaultOutput(_ script: String) -> String? {
    module ? String(script.split(separator: ".").last ?? "a.out") : nil
  }

  /// The request for `script`, with `[tool.frost]` of the nearest pyproject.toml underneath.
  func request(
    script: String, console: (name: String, value: String?)? = nil,
    progress: (@Sendable (String) -> Void)?
  ) throws -> PythonFreezer.Request {
    var r =
      console != nil
      ? PythonFreezer.Request()
      : PythonFreezer.Request(target: module ? nil : script, module: module ? script : nil)
    let start =
      module || console != nil
      ? "." : (FileIO.isDirectory(script) ? script : FileIO.directoryName(script))
    let project = try PyProject.find(from: FileIO.realPath(start) ?? start)
    var lists = project?.lists ?? [:]
    let flags = project?.flags ?? [:]
    // Relative paths in pyproject.toml are relative to its folder, not to the current one.
    if let project {
      let base = FileIO.directoryName(project.path)
      lists["python"] = lists["python"]?.map {
        $0.contains("/") ? Self.resolve($0, from: base) : $0
      }
      lists["path"] = lists["path"]?.map { Self.resolve($0, from: base) }
      lists["add-data"] = lists["add-data"]?.map { spec in
        guard let colon = spec.lastIndex(of: ":") else { return spec }
        return Self.resolve(String(spec[..<colon]), from: base) + spec[colon...]
      }
    }
    r.python = python ?? lists["python"]?.first ?? "/usr/bin/python3"
    r.paths = (lists["path"] ?? []) + path
    r.includeModules = (lists["include-module"] ?? []) + includeModule
    r.includePackages = (lists["include-package"] ?? []) + includePackage
    r.excludeModules = (lists["exclude-module"] ?? []) + excludeModule
    r.addData = (lists["add-data"] ?? []) + addData
    r.includeSource = includeSource ?? flags["include-source"] ?? true
    r.compact = compact || flags["compact"] == true
    r.unbuffered = unbuffered || flags["unbuffered"] == true
    r.hugePages = !(noHugePages || flags["no-huge-pages"] == true)
    r.nativeCache = nativeCache || flags["native-cache"] == true
    let source = project?.path ?? "pyproject.toml"
    r.optimize =
      try optimize
      ?? Self.setting("optimize", lists, source, expected: "0, 1 or 2") {
        Int($0).flatMap { PythonFreezer.Request.optimizeLevels.contains($0) ? $0 : nil }
      } ?? r.optimize
    r.packInterpreter =
      try packInterpreter
      ?? Self.setting("pack-interpreter", lists, source, expected: "auto, always or never") {
        PackedInterpreter.Mode(rawValue: $0)
      } ?? r.packInterpreter
    r.stdlib =
      try stdlib
      ?? Self.setting("stdlib", lists, source, expected: "all or imported") {
        PythonFreezer.StdlibProfile(rawValue: $0)
      } ?? r.stdlib
    r.consoleScript = console?.name ?? consoleScript ?? lists["console-script"]?.first
    r.entryPointValue = console?.value
    r.strict = strict || flags["strict"] == true
    let floor = glibc.map { ["glibc": [$0]] } ?? lists
    r.glibc =
      try Self.setting(
        "glibc", floor, glibc != nil ? "--glibc" : source,
        expected: "a glibc version from \(GlibcFloor.text(GlibcFloor.linked)) on, such as 2.31"
      ) { text in
        GlibcFloor.parse(text).flatMap { $0.lexicographicallyPrecedes(GlibcFloor.linked) ? nil : $0 }
      } ?? r.glibc
    r.progress = (self.progress ?? (isatty(2) != 0)) ? progress : nil
    if let progress { r.notice = progress }
    return r
  }

  /// Collects the program and returns the plan and its summary.
  func makePython(script: String, console: (name: String, value: String?)? = nil) throws
    -> PythonFreezer.Result
  {
    let progress: @Sendable (String) -> Void = { FileHandleOut.stderr("frost: \($0)\n") }
    let request = try request(script: script, console: console, progress: progress)
    let stub = request.compact ? PythonFreezer.compactStub : PythonFreezer.stub
    let dir = try StubLocator.directory(for: stub, environment: ProcessInfoEnv.environment)
    return try PythonFreezer.plan(request, stubDirectory: dir)
  }

  /// The value of `key` in `[tool.frost]` (`lists`, from `source`) as `parse` reads it, or
  /// nil when it is not set; a value `parse` refuses (nil) is an error naming the file.
  static func setting<T>(
    _ key: String, _ lists: [String: [String]], _ source: String, expected: String,
    _ parse: (String) -> T?
  ) throws -> T? {
    guard let value = lists[key]?.first else { return nil }
    guard let parsed = parse(value) else {
      throw PythonError.badSetting(key: key, value: value, expected: expected, source: source)
    }
    return parsed
  }

  /// `path` made absolute against `base` (unchanged when absolute or empty).
  static func resolve(_ path: String, from base: String) -> String {
    path.isEmpty ? path : FileIO.absolute(path, from: base, standardized: false)
  }
}

extension PackedInterpreter.Mode: ExpressibleByArgument {}
extension PythonFreezer.StdlibProfile: ExpressibleByArgument {}
