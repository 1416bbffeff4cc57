import Foundation

/// The interpreter stub for the CPython that collects a program: the one `make` built for
/// /usr/bin/python3 when the interpreter is that one, else one linked once with the system C
/// compiler from the stub kit (`frost-stub-kit/` next to the stubs: the stub's C sources, static
/// zlib and zstd, the packing tool) and that interpreter's own static library and headers, and
/// kept in the cache under a digest of everything that goes into it.
///
/// A folder this returns holds `frost-stub-python`, `frost-python-lib/` (the extension modules
/// the stub leaves out of its built-ins; empty for a linked stub, which keeps the library's own
/// built-ins) and `frost-stub-python.img.lz4` (PackedInterpreter).
public enum InterpreterStub {
  /// The kit's folder name, and its list of files (written by `make`).
  public static let kit = "frost-stub-kit"
  static let kitList = "kit.list"

  /// The interpreter stub for `python`: a folder that holds it, or one being linked.
  enum Stub {
    case ready(String)
    case linking(PendingLink, ProbeFacts)

    /// What the stub embeds: read from it, or, while it is linked, from its frozen-module
    /// header and the probe.
    func abi() throws -> StubABI {
      switch self {
      case .ready(let folder): return try StubABI.read(folder + "/" + PythonFreezer.stub)
      case .linking(let link, let facts):
        guard let magic = link.define("FROST_PY_MAGIC").flatMap({ Int($0) }),
          let provided = link.define("FROST_PY_PROVIDED")
        else { throw PythonError.badStub(path: link.final + "/" + PythonFreezer.stub) }
        return StubABI(
          version: facts.version, fullVersion: facts.fullVersion, prefix: facts.prefix,
          magic: magic, provided: provided.split(separator: ",").map(String.init))
      }
    }

    /// The folder, once the stub is there (waits for a link).
    func folder() throws -> String {
      switch self {
      case .ready(let folder): return folder
      case .linking(let link, _): return try link.folder()
      }
    }
  }

  /// The probe's facts that a stub being linked will carry in its `.frost_python` section.
  struct ProbeFacts: Sendable {
    var version: String
    var fullVersion: String
    var prefix: String
  }

  /// The interpreter stub for `python` (already probed and checked). `notice` is told when a
  /// stub is linked (a few seconds, once per interpreter, while the program is collected).
  static func find(
    python: String, probe: PythonProbe, stubDirectory: String, environment: [String: String],
    notice: (String) -> Void
  ) throws -> Stub {
    let made = stubDirectory + "/" + PythonFreezer.stub
    if let abi = try? StubABI.read(made), abi.fullVersion == probe.fullVersion,
      abi.prefix == probe.prefix
    {
      return .ready(stubDirectory)
    }
    let kitDir = stubDirectory + "/" + kit
    let files = try kitFiles(kitDir)
    let root = try cacheRoot(environment, python: python)
    let final = root + "/" + key(probe: probe, kitDir: kitDir, files: files)
    if FileManager.default.fileExists(atPath: final + "/" + PythonFreezer.stub) {
      return .ready(final)
    }
    try probe.checkLinkable(python)
    notice(
      "linking the interpreter stub for Python \(probe.fullVersion) of \(probe.prefix) "
        + "(once; kept in \(root))")
    let link = try StubLinker(python: python, probe: probe, kit: kitDir, files: files)
      .start(into: final)
    return .linking(
      link,
      ProbeFacts(version: probe.version, fullVersion: probe.fullVersion, prefix: probe.prefix))
  }

  /// `$FROST_CACHE_DIR/python`, else `$XDG_CACHE_HOME/frost/python`, else
  /// `~/.cache/frost/python`; with the cache off or no home, a folder of the temporary folder
  /// that must be this user's alone (a stub found there is run by every build).
  static func cacheRoot(_ environment: [String: String], python: String) throws -> String {
    if let root = CompressionCache.root(environment: environment) { return root + "/python" }
    let folder = NSTemporaryDirectory() + "frost-python-stubs-\(getuid())"
    _ = mkdir(folder, 0o700)
    var st = stat()
    guard lstat(folder, &st) == 0, st.st_mode & S_IFMT == S_IFDIR, st.st_uid == getuid(),
      st.st_mode & 0o077 == 0
    else {
      throw PythonError.stubBuildFailed(
        python: python,
        reason: "\(folder) is not a folder of this user's alone "
          + "(remove it, or set FROST_CACHE_DIR)")
    }
    return folder
  }

  /// The kit's files (relative paths), as `make` listed them.
  static func kitFiles(_ kitDir: String) throws -> [String] {
    guard let list = try? FileIO.read(kitDir + "/" + kitList) else {
      throw BuildError.stubMissing(
        stub: kit + "/" + kitList, directory: FileIO.directoryName(kitDir))
    }
    return String(decoding: list, as: UTF8.self).split(separator: "\n").map {
      String($0.hasPrefix("./") ? $0.dropFirst(2) : $0[...])
    }
  }

  /// The cache key: the SHA-256 of the kit's files and of what the probe says of the
  /// interpreter, with its static library's size and modification time (a rebuilt
  /// interpreter gets a new stub).
  static func key(probe: PythonProbe, kitDir: String, files: [String]) -> String {
    var bytes: [UInt8] = []
    for file in files {
      bytes += Array(file.utf8) + [0]
      bytes += SHA256.digest((try? FileIO.read(kitDir + "/" + file)) ?? [])
    }
    var st = stat()
    _ = stat(probe.archive, &st)
    let facts = [
      probe.fullVersion, probe.prefix, probe.archive, probe.include,
      probe.moduleLibraries.joined(separator: " "), String(st.st_size),
      String(st.st_mtim.tv_sec), String(st.st_mtim.tv_nsec),
    ]
    bytes += Array(facts.joined(separator: "\n").utf8)
    return probe.version + "-" + String(SHA256.hex(bytes).prefix(32))
  }
}
