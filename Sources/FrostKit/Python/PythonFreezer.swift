import Foundation

/// Plans self-contained Python binaries (`frost-stub-python`): the interpreter is in the stub,
/// every module, extension, library and data file of the program is in the payload.
/// Payload layout: docs/FORMAT.md, "Python payloads".
public enum PythonFreezer {
  /// The stub that runs these binaries, and its compact twin (`--compact`).
  public static let stub = "frost-stub-python"
  public static let compactStub = "frost-stub-python-compact"
  /// Payload entry of a compact binary that holds the interpreter stub
  /// (`STUB_COMPACT_INTERPRETER`).
  public static let compactInterpreterEntry = "frost/interpreter"
  /// Folder next to the stubs with the extension modules the stub leaves out of its built-ins.
  public static let stubLibrary = "frost-python-lib"

  /// What to freeze; the flags of `frost build` for Python, merged with `[tool.frost]`.
  public struct Request: Sendable {
    /// A script, or a folder with `__main__.py`; nil with `module`.
    public var target: String?
    /// `-m`: run this module (or package) as `__main__`.
    public var module: String?
    /// The interpreter that collects, compiles and is embedded (InterpreterStub).
    public var python: String = "/usr/bin/python3"
    /// `--path`: more import roots (third-party code).
    public var paths: [String] = []
    public var includeModules: [String] = []
    public var includePackages: [String] = []
    public var excludeModules: [String] = []
    /// `--add-data SRC:DEST`: DEST is a folder relative to the import root.
    public var addData: [String] = []
    /// Bundle sources beside the bytecode (the default): tracebacks show source lines, and
    /// code that reads sources (inspect.getsource, typeguard, pylint, jedi) finds them.
    public var includeSource = true
    /// Compact output: a small loader and the interpreter compressed in the payload.
    public var compact = false
    /// When the interpreter is packed (PackedInterpreter); `compact` overrides it.
    public var packInterpreter = PackedInterpreter.Mode.auto
    /// Unbuffered stdout and stderr, as `python3 -u`.
    public var unbuffered = false
    /// Large allocations advised onto transparent huge pages (stubs/python/stub_hugepage.h).
    public var hugePages = true
    /// `--native-cache`: shared objects are written once to a cache folder on disk and loaded
    /// from there, not decoded into memory at each start (stubs/python/stub_cache.h).
    public var nativeCache = false
    /// 0, or 1 and 2 as `python3 -O` and `-OO`: bytecode compiled without asserts (and
    /// docstrings), and `sys.flags.optimize` set to match.
    public var optimize = 0
    /// The values `optimize` takes.
    public static let optimizeLevels = 0...2
    /// Called with a line of progress (only when collecting takes over a second).
    public var progress: (@Sendable (String) -> Void)?
    /// Told what takes seconds whatever the terminal: linking the interpreter stub for an
    /// interpreter not seen before (InterpreterStub).
    public var notice: @Sendable (String) -> Void = { _ in }
    /// Which standard modules are bundled.
    public var stdlib = StdlibProfile.all
    /// `--console-script`: the entry point of the `python` environment to freeze.
    public var consoleScript: String?
    /// The console script's "module:attr" when known (`[project.scripts]`); nil: looked up
    /// among the `console_scripts` entry points of the `python` environment.
    public var entryPointValue: String?
    /// `--strict`: an import that cannot be resolved fails the build.
    public var strict = false
    /// `--glibc`: the oldest glibc the binary must start on (GlibcFloor; at least 2.28).
    public var glibc = GlibcFloor.linked

    public init(target: String? = nil, module: String? = nil) {
      self.target = target
      self.module = module
    }
  }

  /// Which standard modules a build bundles (`--stdlib`).
  public enum StdlibProfile: String, Sendable {
    /// Every module of the interpreter's standard library that can run on the target
    /// (CPython's own test-only extension modules left out): no standard import can fail.
    case all
    /// Only the modules that the analysis finds (smaller; an import it cannot see fails).
    case imported
  }

  /// A plan and what it holds.
  public struct Result: Sendable {
    public var plan: FreezePlan
    public var summary: PythonSummary
  }

  /// Collects the program of `request` with its interpreter, checks that interpreter against
  /// the stub found in `stubDirectory`, and returns the plan.
  public static func plan(_ request: Request, stubDirectory: String) throws -> Result {
    let probe = try PythonProbe.run(request.python)
    try probe.check(request.python)
    let found = try InterpreterStub.find(
      python: request.python, probe: probe, stubDirectory: stubDirectory,
      environment: ProcessInfo.processInfo.environment, notice: request.notice)
    // A stub being linked is waited for even when the build fails: nothing is left half done.
    defer { _ = try? found.folder() }
    let abi = try found.abi()
    let entry = try entryPoint(request)
    let work = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: work) }
    // A linked stub has no extension modules of its own (it keeps the library's built-ins).
    let stubLib: String
    if case .ready(let folder) = found {
      stubLib = folder + "/" + stubLibrary
    } else {
      stubLib = work + "/" + stubLibrary
      try FileManager.default.createDirectory(atPath: stubLib, withIntermediateDirectories: true)
    }
    let input = CollectorInput(
      entry: entry.entry, roots: entry.roots, paths: request.paths.map { FileIO.absolute($0) },
      include_modules: request.includeModules, include_packages: request.includePackages,
      exclude_modules: request.excludeModules,
      add_data: try request.addData.map(parseAddData), include_source: request.includeSource,
      optimize: request.optimize,
      blob: work + "/bytecode", provided: abi.provided,
      stub_lib: [stubLib], stdlib: request.stdlib.rawValue)
    let start = Date()
    let output = try PythonCollector.run(
      python: request.python, input: input, stubDirectory: stubDirectory,
      progress: request.progress)
    guard output.full_version == abi.fullVersion, output.magic == abi.magic else {
      throw PythonError.versionMismatch(
        python: request.python, found: output.full_version, embedded: abi.fullVersion)
    }
    if let bad = output.modules.first(where: { $0.error != nil }) {
      throw PythonError.syntaxError(message: bad.error ?? "")
    }
    guard output.modules.contains(where: { $0.name == output.main_module }) else {
      throw PythonError.mainNotFound(module: output.main_module)
    }
    let missing = output.missing.map {
      MissingImports(importer: $0.importer, names: $0.names, optional: $0.optional)
    }
    if request.strict, let first = missing.first(where: { !$0.optional }) {
      throw PythonError.unresolvedImports(importer: first.importer, names: first.names)
    }
    let blob = try FileIO.read(work + "/bytecode")
    var entries = try PythonPayload.entries(output, blob: blob)
    entries += try PythonPayload.files(output)
    var manifest = Manifest([
      .init(ManifestKey.runtime, "python"), .init(ManifestKey.pythonVersion, abi.version),
      .init(PythonManifestKey.mainModule, entry.main),
      .init(ManifestKey.frostVersion, Frost.version),
    ])
    if request.includeSource { manifest.pairs.append(.init(PythonManifestKey.source, "1")) }
    if request.unbuffered { manifest.pairs.append(.init(PythonManifestKey.unbuffered, "1")) }
    if !request.hugePages { manifest.pairs.append(.init(PythonManifestKey.hugePages, "0")) }
    if request.nativeCache { manifest.pairs.append(.init(PythonManifestKey.nativeCache, "1")) }
    if request.optimize > 0 {
      manifest.pairs.append(.init(PythonManifestKey.optimize, String(request.optimize)))
    }
    for cut in output.cuts {
      manifest.pairs.append(.init(PythonManifestKey.nativeCut, cut.soname + ":" + cut.names))
    }
    for need in output.needs {
      manifest.pairs.append(
        .init(PythonManifestKey.needs, need.path + ":" + need.sonames.joined(separator: ",")))
    }
    let preload = preloadList(output)
    manifest.pairs += preload.map { .init(PythonManifestKey.preload, $0) }
    let byPath = Dictionary(entries.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
    let started = preload.compactMap { byPath[$0] }
    let startBytes = started.reduce(UInt64(0)) { $0 + UInt64($1.bytes.count) }
    manifest.addInputDigests(entries)
    var summary = PythonSummary(entries: entries, missing: missing)
    summary.startNativeBytes = started.reduce(UInt64(0)) {
      $0 + ($1.kind == .extensionModule || $1.kind == .nativeLibrary ? UInt64($1.bytes.count) : 0)
    }
    summary.nativeCache = request.nativeCache
    summary.distributions = output.distributions ?? []
    let elapsed = Date().timeIntervalSince(start)
    if let progress = request.progress,
      elapsed > 1 || summary.rawBytes > slowPayload(compact: request.compact)
    {
      progress(
        "collected \(Report.count(summary.moduleCount, "module", "modules")), "
          + "\(Report.bytes(summary.rawBytes)) in \(String(format: "%.1f", elapsed)) s; compressing"
      )
    }
    let interpreter = try found.folder()
    try rebind(&entries, floor: request.glibc, stub: interpreter + "/" + stub, stubDirectory: stubDirectory)
    manifest.pairs.append(.init(ManifestKey.glibc, GlibcFloor.text(request.glibc)))
    let packed = !request.compact && request.packInterpreter.packs(rawBytes: startBytes)
    if packed {
      entries.append(try PackedInterpreter.entry(stubDirectory: interpreter))
    } else if request.compact {
      // The compact loader decodes this interpreter stub into a memfd and execs it
      // (stubs/compact/stub_compact.h).
      let bytes = try FileIO.read(interpreter + "/" + stub)
      entries.append(
        PayloadInput(
          path: compactInterpreterEntry, kind: .nativeLibrary, mode: 0o755, bytes: bytes,
          precompressed: precompressedStub(bytes, stubDirectory: interpreter),
          frames: interpreterFrames))
    }
    let plan = FreezePlan(
      stub: request.compact
        ? compactStub : packed ? PackedInterpreter.loader : interpreter + "/" + stub,
      entries: entries, manifest: manifest, codec: .zstd,
      defaultLevel: request.compact ? 19 : 6,
      sharedObjectLevel: request.compact ? 19 : sharedObjectLevel,
      // What the program loads at start is compressed without the dictionary: decoding the
      // dictionary costs more than hello's whole import (7 M instructions against 26 M).
      dictionaryEntries: { [startPaths = Set(preload)] in
        $0.path.hasSuffix(".pyc") && !startPaths.contains($0.path)
      })
    return Result(plan: plan, summary: summary)
  }

  /// Makes the payload's shared objects loadable on glibc `floor` (GlibcFloor), on as many
  /// cores; the floor's symbols are the stub folder's `glibc-floor/symbols.txt`.
  static func rebind(
    _ entries: inout [PayloadInput], floor: [Int], stub: String, stubDirectory: String
  ) throws {
    let symbolsPath = stubDirectory + "/" + GlibcFloor.symbolsFile
    guard let symbols = try? FileIO.read(symbolsPath) else {
      throw BuildError.stubMissing(stub: GlibcFloor.symbolsFile, directory: stubDirectory)
    }
    let glibc = try GlibcFloor(
      version: floor, symbols: String(decoding: symbols, as: UTF8.self), stub: try FileIO.read(stub))
    let elf = entries.indices.filter { entries[$0].bytes.starts(with: [0x7f, 0x45, 0x4c, 0x46]) }
    let results = Parallel.map(elf.count) { [entries] i -> Swift.Result<[UInt8], GlibcFloorError> in
      var bytes = entries[elf[i]].bytes
      do throws(GlibcFloorError) {
        _ = try glibc.rebind(&bytes, name: entries[elf[i]].path)
        return .success(bytes)
      } catch { return .failure(error) }
    }
    for (i, result) in zip(elf, results) { entries[i].bytes = try result.get() }
  }

  /// The compact interpreter travels as this many zstd frames, which the loader decodes on as
  /// many cores (stubs/compact/stub_unpack.h); the Makefile's `frost-stub-python.zst` too.
  static let interpreterFrames = 4

  /// `frost-stub-python.zst` from the stub folder (made by `make`) when it holds exactly
  /// `interpreter`; otherwise nil, and the build compresses the interpreter itself.
  static func precompressedStub(_ interpreter: [UInt8], stubDirectory: String) -> [UInt8]? {
    guard let frame = try? FileIO.read(stubDirectory + "/" + stub + ".zst"),
      Zstd.decompress(frame[...], rawSize: interpreter.count) == interpreter
    else { return nil }
    return frame
  }

  /// The entries the stub decodes ahead on its prefetch thread: the modules and extension
  /// modules the program loads at start, in load order, each extension module after the
  /// bundled libraries it needs.
  static func preloadList(_ output: CollectorOutput) -> [String] {
    let needs = Dictionary(
      output.needs.map { ($0.path, $0.sonames) }, uniquingKeysWith: { a, _ in a })
    var list: [String] = []
    var seen = Set<String>()
    for ext in output.preload {
      for path in (needs[ext] ?? []).map({ "native/" + $0 }) + [ext]
      where seen.insert(path).inserted {
        list.append(path)
      }
    }
    return list
  }

  /// The level of extension modules and native libraries in default builds (see
  /// docs/PYTHON.md, "Compression").
  static let sharedObjectLevel = 12

  /// Raw payload size above which compressing takes about a second here (zstd -6: ~40 MB/s;
  /// -19 with `--compact`: ~3 MB/s).
  static func slowPayload(compact: Bool) -> UInt64 { compact ? 3_000_000 : 40_000_000 }

  /// The entry for the collector, the import roots and the `__main__` module name.
  static func entryPoint(_ request: Request) throws -> (
    entry: CollectorInput.Entry, roots: [String], main: String
  ) {
    if let name = request.consoleScript, request.target == nil, request.module == nil {
      let roots = [cwd()] + (FileIO.isDirectory(cwd() + "/src") ? [cwd() + "/src"] : [])
      return (
        .init(
          type: "console", module: consoleModule, path: nil, console: name,
          value: request.entryPointValue), roots, consoleModule
      )
    }
    if let module = request.module {
      return (.init(type: "module", module: module, path: nil), [cwd()], module)
    }
    guard let target = request.target else { throw PythonError.notFound(path: "") }
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: target, isDirectory: &isDir) else {
      throw PythonError.notFound(path: target)
    }
    let path = FileIO.absolute(target)
    let parent = (path as NSString).deletingLastPathComponent
    let base = (path as NSString).lastPathComponent
    if isDir.boolValue {
      guard FileManager.default.fileExists(atPath: path + "/__main__.py") else {
        throw PythonError.noMain(path: target)
      }
      return (.init(type: "package", module: base, path: path), [parent], base)
    }
    var name = base.hasSuffix(".py") ? String(base.dropLast(3)) : base
    name = String(name.map { $0.isLetter || $0.isNumber || $0 == "_" ? $0 : "_" })
    if name.isEmpty || name.first!.isNumber { name = "_" + name }
    return (.init(type: "script", module: name, path: path), [parent], name)
  }

  static func parseAddData(_ spec: String) throws -> [String] {
    guard let colon = spec.lastIndex(of: ":") else { throw PythonError.badAddData(spec: spec) }
    let src = String(spec[..<colon])
    let dest = String(spec[spec.index(after: colon)...])
    guard !src.isEmpty, FileManager.default.fileExists(atPath: src), !dest.contains("..") else {
      throw PythonError.badAddData(spec: spec)
    }
    return [FileIO.absolute(src), dest]
  }

  static func cwd() -> String { FileManager.default.currentDirectoryPath }

  /// The module name of a console script's generated main program (not the name of the
  /// package it calls, which it would shadow).
  static let consoleModule = "__frost_console__"

  static func temporaryDirectory() throws -> String {
    let dir = NSTemporaryDirectory() + "frost-python-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
  }
}

/// Manifest keys of Python payloads (docs/FORMAT.md, "Python payloads").
public enum PythonManifestKey {
  /// The module run as `__main__` (a package runs its `__main__` submodule).
  public static let mainModule = "main-module"
  /// "PATH:SONAME,SONAME": bundled libraries to load before extension PATH, dependencies first.
  public static let needs = "needs"
  /// "X:Y": bundled library X no longer names Y (a dependency cycle cut at build time): the
  /// stub loads X with lazy binding and Y, loaded right after it, into the global scope.
  public static let nativeCut = "native-cut"
  /// Entries to decode ahead on a thread, in order (stubs/python/stub_prefetch.h).
  public static let preload = "preload"
  /// "1" when sources are bundled (tracebacks print source lines).
  public static let source = "python-source"
  /// "1": stdout and stderr unbuffered, as `python3 -u` (stubs/include/frost_format.h).
  public static let unbuffered = "python-unbuffered"
  /// "0": the stub leaves large allocations on 4 KiB pages (stubs/python/stub_hugepage.h).
  public static let hugePages = "python-huge-pages"
  /// "1": shared objects load from a cache folder on disk (stubs/python/stub_cache.h).
  public static let nativeCache = "native-cache"
  /// "1" or "2": the bytecode was compiled as `python3 -O` or `-OO` would, and the interpreter
  /// runs with that optimization level.
  public static let optimize = "python-optimize"
}

/// The `.frost_python` section of the Python stub: what interpreter it embeds.
public struct StubABI: Sendable, Equatable {
  /// "3.11".
  public var version: String
  /// "3.11.2": the collecting interpreter must be exactly this one, so that the modules it
  /// finds are the sources of the embedded interpreter's standard library.
  public var fullVersion: String
  /// `sys.base_prefix` of the embedded interpreter's installation ("" when not recorded).
  public var prefix: String
  /// The bytecode magic number (first two bytes of a .pyc, little-endian).
  public var magic: Int
  /// Built-in and frozen module names: never bundled.
  public var provided: [String]

  /// Reads the section of the stub at `path`.
  public static func read(_ path: String) throws -> StubABI {
    let file: ELFFile
    do { file = try ELFFile(path: path) } catch {
      throw BuildError.stubMissing(
        stub: (path as NSString).lastPathComponent,
        directory: (path as NSString).deletingLastPathComponent)
    }
    guard let section = try file.section(named: ".frost_python") else {
      throw PythonError.badStub(path: path)
    }
    var values: [String: String] = [:]
    for field in try file.bytes(of: section).split(separator: 0) {
      let text = String(decoding: field, as: UTF8.self)
      if let eq = text.firstIndex(of: "=") {
        values[String(text[..<eq])] = String(text[text.index(after: eq)...])
      }
    }
    guard let version = values["python-version"], let full = values["full-version"],
      let magic = values["magic"].flatMap({ Int($0) })
    else { throw PythonError.badStub(path: path) }
    let provided = (values["provided"] ?? "").split(separator: ",").map(String.init)
    return StubABI(
      version: version, fullVersion: full, prefix: values["prefix"] ?? "", magic: magic,
      provided: provided)
  }
}
