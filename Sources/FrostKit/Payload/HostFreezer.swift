#if canImport(Glibc)
  import Glibc
#endif

/// Plans binaries whose script runs through the host's interpreter (`frost-stub-host`).
public enum HostFreezer {
  /// The stub that runs these binaries.
  public static let stub = "frost-stub-host"

  /// What to freeze.
  public struct Request: Sendable {
    /// A script file, or with `hostPython` a folder with `__main__.py`.
    public var script: String
    /// `--interpreter`: a path or a name looked up on PATH; else the shebang decides.
    public var interpreter: String?
    /// `--arg`: fixed arguments placed before the user's.
    public var args: [String]
    /// `--host-python`: run by the host's python3 (a script, or a package folder).
    public var hostPython: Bool
    /// Extra modules for every Python program (e.g. the `frost` runtime module).
    public var pythonExtras: [PayloadInput]

    public init(
      script: String, interpreter: String? = nil, args: [String] = [], hostPython: Bool = false,
      pythonExtras: [PayloadInput] = []
    ) {
      self.script = script
      self.interpreter = interpreter
      self.args = args
      self.hostPython = hostPython
      self.pythonExtras = pythonExtras
    }
  }

  /// The plan for `request`: entries, interpreter, launcher and the manifest.
  public static func plan(_ request: Request) throws -> FreezePlan {
    let (entries, entry) = try collect(request)
    guard let main = entries.first(where: { $0.path == entry }), !main.bytes.isEmpty else {
      throw BuildError.emptyScript(path: request.script)
    }
    var (command, fixed) = try interpreterCommand(request, main: main.bytes)
    let interpreter = try resolve(command, script: request.script)
    let name = String(command.split(separator: "/").last ?? Substring(command))
    fixed += request.args
    var manifest = Manifest([
      .init(ManifestKey.runtime, "host"), .init(ManifestKey.entry, entry),
      .init(ManifestKey.interpreter, interpreter), .init(ManifestKey.interpreterName, name),
      .init(ManifestKey.launcher, launcher(for: name)),
    ])
    manifest.pairs += fixed.map { .init(ManifestKey.arg, $0) }
    manifest.pairs.append(.init(ManifestKey.frostVersion, Frost.version))
    manifest.pairs.append(.init(ManifestKey.glibc, GlibcFloor.text(GlibcFloor.linked)))
    manifest.addInputDigests(entries)
    let extras = request.pythonExtras.filter { extra in !entries.contains { $0.path == extra.path } }
    return FreezePlan(stub: stub, entries: entries + extras, manifest: manifest)
  }

  /// The `frost` runtime module (`stubs/python/frost.py`: sd_notify, socket activation,
  /// inetd), installed next to the stubs and bundled into every `--host-python` program.
  public static func runtimeModule(environment: [String: String]) throws -> PayloadInput {
    let dir = try StubLocator.directory(for: "frost.py", environment: environment)
    return PayloadInput(path: "frost.py", kind: .thirdParty, bytes: try FileIO.read(dir + "/frost.py"))
  }

  /// The launcher family of an interpreter name (see `stubs/host/stub_launch.c`).
  public static func launcher(for name: String) -> String {
    let base = name.split(separator: "/").last.map(String.init) ?? name
    if ["sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "yash", "posh"].contains(base) {
      return "sh"
    }
    if base.hasPrefix("python") { return "python" }
    if base == "perl" || base.hasPrefix("perl5") { return "perl" }
    return "exec"
  }

  /// The entries and the entry path: one script, or every file of a `--host-python` folder.
  static func collect(_ request: Request) throws -> ([PayloadInput], String) {
    var st = stat()
    guard stat(request.script, &st) == 0 else {
      throw FileError.cannotRead(path: request.script, reason: errnoText())
    }
    guard (st.st_mode & S_IFMT) == S_IFDIR else {
      let bytes = try FileIO.read(request.script)
      let name = String(request.script.split(separator: "/").last ?? "script")
      let path = request.hostPython && !name.hasSuffix(".py") ? name + ".py" : name
      return ([PayloadInput(path: path, kind: .program, mode: 0o755, bytes: bytes)], path)
    }
    guard request.hostPython, access(request.script + "/__main__.py", R_OK) == 0 else {
      throw request.hostPython
        ? BuildError.noMain(path: request.script) : FileError.isDirectory(path: request.script)
    }
    let files = try DirectoryWalker.files(under: request.script).filter { $0.hasSuffix(".py") }
    let entries = try files.map {
      PayloadInput(path: $0, kind: .program, bytes: try FileIO.read(request.script + "/" + $0))
    }
    return (entries, "__main__.py")
  }

  /// The interpreter command and its shebang arguments.
  static func interpreterCommand(_ request: Request, main: [UInt8]) throws -> (String, [String]) {
    if let interpreter = request.interpreter { return (interpreter, []) }
    if request.hostPython { return ("/usr/bin/python3", []) }
    guard let words = Shebang.parse(main) else {
      throw BuildError.noInterpreter(path: request.script)
    }
    return (words[0], Array(words.dropFirst()))
  }

  /// An absolute, executable interpreter path for `command` (a path, or a name on PATH).
  static func resolve(_ command: String, script: String) throws -> String {
    if command.contains("/") {
      guard access(command, X_OK) == 0 else {
        throw BuildError.interpreterNotFound(path: script, interpreter: command)
      }
      return command
    }
    let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/bin:/bin"
    for dir in path.split(separator: ":") where access("\(dir)/\(command)", X_OK) == 0 {
      return "\(dir)/\(command)"
    }
    throw BuildError.interpreterNotFound(path: script, interpreter: command)
  }
}

/// Reading `#!` lines.
public enum Shebang {
  /// The words of a `#!` line, with `/usr/bin/env [-S] NAME ARGS` reduced to `NAME ARGS`;
  /// nil when there is no `#!` line.
  public static func parse(_ bytes: [UInt8]) -> [String]? {
    guard bytes.starts(with: [0x23, 0x21]) else { return nil }
    let end = bytes.firstIndex(of: 0x0a) ?? bytes.count
    let line = String(decoding: bytes[2..<end], as: UTF8.self)
    var words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(
      String.init)
    if words.first.map({ $0 == "/usr/bin/env" || $0 == "/bin/env" }) == true {
      words.removeFirst()
      if words.first == "-S" { words.removeFirst() }
    }
    return words.isEmpty ? nil : words
  }
}

/// Listing the files under a folder, sorted, as relative paths.
enum DirectoryWalker {
  static func files(under root: String, prefix: String = "") throws -> [String] {
    guard let dir = opendir(root + (prefix.isEmpty ? "" : "/" + prefix)) else {
      throw FileError.cannotRead(path: root + "/" + prefix, reason: errnoText())
    }
    defer { closedir(dir) }
    var result: [String] = []
    while let ent = readdir(dir) {
      let name = withUnsafeBytes(of: ent.pointee.d_name) { String(cString: $0.baseAddress!.assumingMemoryBound(to: CChar.self)) }
      if name == "." || name == ".." || name == "__pycache__" { continue }
      let rel = prefix.isEmpty ? name : prefix + "/" + name
      var st = stat()
      guard stat(root + "/" + rel, &st) == 0 else { continue }
      if (st.st_mode & S_IFMT) == S_IFDIR {
        result += try files(under: root, prefix: rel)
      } else if (st.st_mode & S_IFMT) == S_IFREG {
        result.append(rel)
      }
    }
    return result.sorted()
  }
}
