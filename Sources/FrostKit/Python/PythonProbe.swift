import Foundation

/// What `frost build --python PY` learns of PY before anything else: which CPython it is and
/// where its static library and headers are, so that the stub embedding exactly that
/// interpreter can be found or linked (InterpreterStub).
public struct PythonProbe: Sendable, Equatable {
  /// `sys.implementation.name`: "cpython" is the only one Frost embeds.
  public var implementation: String
  /// (major, minor) as numbers, and "3.12" and "3.12.1".
  public var major: Int
  public var minor: Int
  public var version: String
  public var fullVersion: String
  /// `sys.base_prefix`: the installation (a venv's base interpreter's).
  public var prefix: String
  /// A `Py_DEBUG` build (`sys.gettotalrefcount` exists).
  public var debug: Bool
  /// A free-threaded build (`Py_GIL_DISABLED`).
  public var freeThreaded: Bool
  /// sysconfig's LIBPL and LIBRARY: the folder and name of the static library.
  public var libraryFolder: String
  public var library: String
  /// sysconfig's include path (holds Python.h).
  public var include: String
  /// `-l` flags of the modules built into the library (sysconfig's MODLIBS).
  public var moduleLibraries: [String]

  /// The oldest and newest versions whose embedding Frost knows (stubs/python/stub_pycompat.h).
  public static let oldest = (3, 8)
  public static let newest = (3, 13)

  /// Runs `python` with the probe program (2.7 syntax, so that an old interpreter is named,
  /// not misread). Throws `PythonError.interpreterFailed` when it cannot run.
  public static func run(_ python: String) throws -> PythonProbe {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = ["-E", "-s", "-c", source]
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    do { try process.run() } catch {
      throw PythonError.interpreterFailed(python: python, reason: error.localizedDescription)
    }
    let data = out.fileHandleForReading.readDataToEndOfFile()
    let errors = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0, let probe = parse(String(decoding: data, as: UTF8.self))
    else {
      let last = String(decoding: errors, as: UTF8.self).split(separator: "\n").last
      throw PythonError.interpreterFailed(
        python: python, reason: last.map(String.init) ?? "status \(process.terminationStatus)")
    }
    return probe
  }

  /// Reads the probe's `key=value` lines; nil when a key is missing.
  static func parse(_ text: String) -> PythonProbe? {
    var v: [String: String] = [:]
    for line in text.split(separator: "\n") {
      if let eq = line.firstIndex(of: "=") {
        v[String(line[..<eq])] = String(line[line.index(after: eq)...])
      }
    }
    guard let impl = v["implementation"], let full = v["full"], let prefix = v["prefix"],
      let parts = v["version"]?.split(separator: "."), parts.count == 2,
      let major = Int(parts[0]), let minor = Int(parts[1])
    else { return nil }
    return PythonProbe(
      implementation: impl, major: major, minor: minor, version: "\(major).\(minor)",
      fullVersion: full, prefix: prefix, debug: v["debug"] == "1",
      freeThreaded: v["gil_disabled"] == "1", libraryFolder: v["libpl"] ?? "",
      library: v["library"] ?? "", include: v["include"] ?? "",
      moduleLibraries: (v["modlibs"] ?? "").split(separator: " ").map(String.init).filter {
        $0.hasPrefix("-l")
      })
  }

  /// Throws the one-line reason why Frost cannot embed this interpreter (`python` names it):
  /// not CPython 3.8 to 3.13, or a debug or free-threaded build.
  public func check(_ python: String) throws {
    func refuse(_ reason: String) -> PythonError {
      .cannotEmbed(python: python, reason: reason)
    }
    guard implementation == "cpython" else {
      throw refuse("it is \(implementation), and Frost embeds only CPython")
    }
    guard (major, minor) >= Self.oldest, (major, minor) <= Self.newest else {
      throw refuse("it is Python \(fullVersion), and Frost embeds CPython 3.8 to 3.13")
    }
    if debug { throw refuse("it is a debug build (Py_DEBUG); use a release build of CPython") }
    if freeThreaded {
      throw refuse("it is a free-threaded build (Py_GIL_DISABLED); use the default build")
    }
  }

  /// Throws the one-line reason why a stub cannot be linked for this interpreter: no static
  /// library or no Python.h (needed only when no stub for it exists yet).
  public func checkLinkable(_ python: String) throws {
    func refuse(_ reason: String) -> PythonError {
      .cannotEmbed(python: python, reason: reason)
    }
    guard !library.isEmpty, FileManager.default.fileExists(atPath: archive) else {
      throw refuse(
        "no static library \(library.isEmpty ? "libpython\(version).a" : library) in "
          + "\(libraryFolder); install libpython\(version)-dev (Debian, Ubuntu), or build "
          + "CPython with its static library (pyenv and python.org builds have it)")
    }
    guard FileManager.default.fileExists(atPath: include + "/Python.h") else {
      throw refuse("no Python.h in \(include); install python\(version)-dev")
    }
  }

  /// The static library's path.
  public var archive: String { libraryFolder + "/" + library }

  /// The probe program: Python 2.7 to 3.13 syntax; prints `key=value` lines.
  static let source = """
    import sys
    impl = getattr(getattr(sys, "implementation", None), "name", "cpython")
    lines = ["implementation=" + impl, "version=%d.%d" % sys.version_info[:2],
             "full=" + sys.version.split()[0],
             "prefix=" + getattr(sys, "base_prefix", sys.prefix),
             "debug=%d" % hasattr(sys, "gettotalrefcount")]
    try:
        import sysconfig
        g = sysconfig.get_config_var
        lines += ["gil_disabled=%s" % (g("Py_GIL_DISABLED") or 0), "libpl=%s" % g("LIBPL"),
                  "library=%s" % (g("LIBRARY") or ""),
                  "include=" + sysconfig.get_paths()["include"],
                  "modlibs=%s" % (g("MODLIBS") or "")]
    except Exception:
        pass
    sys.stdout.write("\\n".join(lines) + "\\n")
    """
}
