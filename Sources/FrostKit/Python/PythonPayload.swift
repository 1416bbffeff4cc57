/// Turns the collector's output into payload entries (layout: docs/FORMAT.md, "Python payloads").
enum PythonPayload {
  static func kind(_ name: String?) -> EntryKind {
    switch name {
    case "program": .program
    case "stdlib": .stdlib
    default: .thirdParty
    }
  }

  /// Shared objects of 4 MiB and more travel as zstd frames of at least 2 MiB each, which the
  /// build compresses on as many cores: libcrypto (4.7 MB, two frames) was alone on one core
  /// for 1.5 s of the stdlib sample's build. The frames reach back 1 MiB anyway
  /// (`Zstd.windowLog`), so the cut costs little (libcrypto: +0.75 %, 13 kB).
  static let sharedObjectFrame = 2 << 20

  static func sharedObject(_ path: String, _ kind: EntryKind, _ bytes: [UInt8]) -> PayloadInput {
    .init(
      path: path, kind: kind, mode: 0o755, bytes: bytes,
      frames: max(1, bytes.count / sharedObjectFrame))
  }

  /// What the interpreter imports while it initializes, before any code of the program and
  /// before the stub's prefetch thread can have decoded anything: `encodings`, its aliases and
  /// the UTF-8 codec (the stdio and file system codec on a UTF-8 or C locale). Stored as they
  /// are: decoding their 20 kB cost hello ~370 K instructions, 1.7 % of its start.
  static let startupModules: Set<String> = [
    "lib/encodings/__init__.pyc", "lib/encodings/aliases.pyc", "lib/encodings/utf_8.pyc",
  ]

  /// Bytecode (from the collector's bytecode file), sources, extension modules.
  static func entries(_ out: CollectorOutput, blob: [UInt8]) throws -> [PayloadInput] {
    var entries: [PayloadInput] = []
    for module in out.modules {
      guard let path = module.path else { continue }
      if module.type == "extension", let file = module.file {
        entries.append(sharedObject(path, .extensionModule, try FileIO.read(file)))
        continue
      }
      guard let pyc = module.pyc, pyc.count == 2, pyc[0] >= 0, pyc[1] >= 0,
        pyc[0] <= blob.count, pyc[1] <= blob.count - pyc[0]
      else { throw PythonError.collectorFailed(python: "collector", message: "bad bytecode range") }
      var input = PayloadInput(
        path: path, kind: kind(module.kind), bytes: Array(blob[pyc[0]..<pyc[0] + pyc[1]]))
      input.alwaysStored = startupModules.contains(path)
      entries.append(input)
      if let source = module.source {
        entries.append(
          .init(
            path: String(path.dropLast()), kind: kind(module.kind), bytes: try FileIO.read(source)))
      }
    }
    return entries
  }

  /// Bundled libraries, data files and metadata.
  static func files(_ out: CollectorOutput) throws -> [PayloadInput] {
    var entries: [PayloadInput] = []
    for lib in out.natives {
      entries.append(sharedObject("native/" + lib.soname, .nativeLibrary, try FileIO.read(lib.src)))
    }
    for file in out.data {
      entries.append(.init(path: file.dest, kind: .data, bytes: try FileIO.read(file.src)))
    }
    for file in out.metadata {
      entries.append(.init(path: file.dest, kind: .metadata, bytes: try FileIO.read(file.src)))
    }
    return entries
  }
}

/// Imports that one module makes and that nothing provides.
public struct MissingImports: Codable, Sendable, Equatable {
  /// The importing module.
  public var importer: String
  public var names: [String]
  /// True when every one of these imports sits in a try block.
  public var optional: Bool
}

/// A distribution bundled whole, and why (collector's `distribution_report`).
public struct BundledDistribution: Codable, Sendable, Equatable {
  public var name: String
  public var version: String
  /// Raw bytes of its files in the payload.
  public var bytes: UInt64
  /// "imported by MODULE", "required by DISTRIBUTION" or "--include-package NAME".
  public var why: String
  /// The distributions it came through, nearest first (pandas, tqdm: tqdm imports pandas,
  /// which imports it).
  public var through: [String]?

  /// "pyarrow 26.0.1 171.3 MB (tqdm → pandas → pyarrow)", or "(imported by tqdm.std)".
  var line: String {
    let head = "\(name) \(version) \(Report.bytes(bytes))"
    if let through, !through.isEmpty {
      return head + " (" + (through.reversed() + [name]).joined(separator: " → ") + ")"
    }
    return why.isEmpty ? head : head + " (\(why))"
  }
}

/// What a Python payload holds, for the summary `frost build` prints.
public struct PythonSummary: Codable, Sendable {
  /// Number of modules (bytecode entries) by kind label ("program", "stdlib", "third-party").
  public var modules: [String: Int] = [:]
  public var extensions = 0
  public var nativeLibraries = 0
  public var dataFiles = 0
  public var metadataFiles = 0
  /// Raw bytes by the same groups: modules (bytecode and sources), extensions, native, data,
  /// metadata (`*.dist-info`).
  public var moduleBytes: UInt64 = 0
  public var extensionBytes: UInt64 = 0
  public var nativeBytes: UInt64 = 0
  public var dataBytes: UInt64 = 0
  public var metadataBytes: UInt64 = 0
  /// Imports of the program and third-party code that resolve to nothing, by importer.
  public var missing: [MissingImports] = []
  /// Raw bytes of the extension modules and libraries the program loads at start.
  public var startNativeBytes: UInt64 = 0
  /// Built with `--native-cache`.
  public var nativeCache = false
  /// The distributions bundled whole, largest first.
  public var distributions: [BundledDistribution] = []

  /// From this many raw bytes of distributions, the build names the largest and why each is
  /// there: a payload that big usually holds optional dependencies the program never uses
  /// (a package that imports pandas in one function brings pandas and all it may use).
  public static let distributionsHint: UInt64 = 64 << 20

  /// From this many bytes of native code loaded at start, the build suggests `--native-cache`:
  /// decoding them into memory costs tens of ms at every start (docs/PYTHON.md).
  public static let nativeCacheHint: UInt64 = 16 << 20

  /// A note on stderr when the program loads enough native code at start that
  /// `--native-cache` would make its later starts faster; empty otherwise.
  public var notes: [String] {
    var out: [String] = []
    if !nativeCache, startNativeBytes >= Self.nativeCacheHint {
      out.append(
        "frost: note: the program loads \(Report.bytes(startNativeBytes)) of extension modules "
          + "and libraries at start, decoded into memory at every run; --native-cache keeps them "
          + "in a cache folder on disk (written once), so that later starts map them as python does")
    }
    let total = distributions.reduce(UInt64(0)) { $0 + $1.bytes }
    if total >= Self.distributionsHint {
      let largest = distributions.prefix(5).map(\.line)
      out.append(
        "frost: note: \(Report.bytes(total)) of \(Report.count(distributions.count, "distribution", "distributions")) "
          + "bundled whole (with everything each may import at run time), the largest: "
          + largest.joined(separator: ", ")
          + "; --exclude-module PACKAGE leaves one out (importing it then fails, as in a venv without it)")
    }
    return out
  }

  init(entries: [PayloadInput], missing: [MissingImports]) {
    for e in entries {
      let size = UInt64(e.bytes.count)
      switch e.kind {
      case .extensionModule:
        extensions += 1
        extensionBytes += size
      case .nativeLibrary:
        nativeLibraries += 1
        nativeBytes += size
      case .data:
        dataFiles += 1
        dataBytes += size
      case .metadata:
        metadataFiles += 1
        metadataBytes += size
      default:
        moduleBytes += size
        if e.path.hasSuffix(".pyc") { modules[e.kind.label, default: 0] += 1 }
      }
    }
    self.missing = missing
  }

  /// The warning lines `frost build` prints on stderr for `missing`: the imports outside
  /// any try block one line per importer, with the flags that fix them; the others (which
  /// their importers handle) counted in one line. Empty when nothing is missing.
  public var missingText: [String] {
    let needed = missing.filter { !$0.optional }
    let optional = missing.filter(\.optional).reduce(0) { $0 + $1.names.count }
    var lines = needed.map { m in
      "frost: warning: \(m.importer) imports \(m.names.joined(separator: ", ")): not found"
    }
    if !needed.isEmpty {
      lines.append(
        "frost: warning: bundle them with --include-module NAME or --path DIR (or --python "
          + "VENV/bin/python), or leave them out knowingly with --exclude-module NAME")
    }
    if optional > 0 {
      let importers = missing.filter(\.optional).map(\.importer).joined(separator: ", ")
      lines.append(
        "frost: note: \(Report.count(optional, "optional import", "optional imports")) "
          + "(in try blocks) not found, in \(importers)")
    }
    return lines
  }

  /// Modules of every kind.
  public var moduleCount: Int { modules.values.reduce(0, +) }
  /// Raw bytes of every entry.
  public var rawBytes: UInt64 {
    moduleBytes + extensionBytes + nativeBytes + dataBytes + metadataBytes
  }

  /// "frost: python: 92 modules (1 program, 91 stdlib), 522.3 kB; 0 extensions 0 B; 0 native
  /// libraries 0 B; 0 data files 0 B; 0 metadata files 0 B" (raw sizes).
  public var text: String {
    let total = moduleCount
    let byKind = ["program", "stdlib", "third-party"].compactMap { k in
      modules[k].map { "\($0) \(k)" }
    }.joined(separator: ", ")
    return "frost: python: \(Report.count(total, "module", "modules")) (\(byKind)), "
      + "\(Report.bytes(moduleBytes)); "
      + "\(Report.count(extensions, "extension", "extensions")) \(Report.bytes(extensionBytes)); "
      + "\(Report.count(nativeLibraries, "native library", "native libraries")) \(Report.bytes(nativeBytes)); "
      + "\(Report.count(dataFiles, "data file", "data files")) \(Report.bytes(dataBytes)); "
      + "\(Report.count(metadataFiles, "metadata file", "metadata files")) \(Report.bytes(metadataBytes))"
  }
}
