import Foundation
import Testing

/// The CPython interpreters of this machine that `frost build --python` can embed (3.8 to
/// 3.13), and the program every one of them freezes in PythonVersionTests.
enum PythonVersions {
  static let minors = ["3.8", "3.9", "3.10", "3.11", "3.12", "3.13"]

  /// `FROST_REQUIRE_ALL_PYTHONS=1` (.ci/run sets it): an absent version fails its test instead
  /// of being skipped.
  static let required = ProcessInfo.processInfo.environment["FROST_REQUIRE_ALL_PYTHONS"] == "1"

  /// Whether the test of `minor` runs: its interpreter is here, or CI requires it.
  static func enabled(_ minor: String) -> Bool { required || interpreter(minor) != nil }

  /// The newest pyenv build of `minor` (`$PYENV_ROOT/versions/3.X.N/bin/python3`, pyenv's
  /// root defaulting to ~/.pyenv; `python2` for 2.7), else `python3.X` in /usr/local/bin or
  /// /usr/bin.
  static func interpreter(_ minor: String) -> String? {
    let env = ProcessInfo.processInfo.environment
    let root = env["PYENV_ROOT"] ?? ((env["HOME"] ?? "/root") + "/.pyenv")
    let program = "python" + minor.prefix(1)
    let versions = (try? FileManager.default.contentsOfDirectory(atPath: root + "/versions")) ?? []
    let patches = versions.compactMap { name -> (Int, String)? in
      guard name.hasPrefix(minor + "."), let patch = Int(name.dropFirst(minor.count + 1)),
        FileManager.default.isExecutableFile(atPath: "\(root)/versions/\(name)/bin/\(program)")
      else { return nil }
      return (patch, "\(root)/versions/\(name)/bin/\(program)")
    }
    if let newest = patches.max(by: { $0.0 < $1.0 }) { return newest.1 }
    return ["/usr/local/bin/python" + minor, "/usr/bin/python" + minor].first {
      FileManager.default.isExecutableFile(atPath: $0)
    }
  }

  /// The message of a version's skip.
  static func absent(_ minor: String) -> Comment {
    Comment(
      rawValue: "no CPython \(minor) here (pyenv's versions/\(minor).N, python\(minor)); "
        + "CI sets FROST_REQUIRE_ALL_PYTHONS=1")
  }

  /// A cache folder of this test run (FROST_CACHE_DIR): each interpreter's stub is linked
  /// once in it, by the first build for that interpreter.
  static let cache: String = (try? CLI.tempDir("frost-pycache")) ?? "/tmp/frost-pycache"

  /// The environment of builds: this run's cache.
  static var environment: [String: String] {
    var env = ProcessInfo.processInfo.environment
    env["FROST_CACHE_DIR"] = cache
    return env
  }

  /// What the program prints under the interpreter itself, and then, frozen, the lines below
  /// `frozenLines`: version, an extension and its library (sqlite3, ssl), multiprocessing's
  /// spawn; and from the payload (sys.path, modules and extensions), the C import fast path,
  /// huge pages, the `frost` module. Ends by `sys.exit(argv[1])`, by sleeping (`sleep`) or by an
  /// uncaught exception of helper.py.
  static let source = """
    import sys, os, json, hashlib, sqlite3, ssl, helper
    import multiprocessing as mp


    def square(n):
        return n * n


    """ + PythonHugePageTests.advisedSource + """


    if __name__ == "__main__":
        print("version", sys.version.replace("\\n", " "))
        print("sqlite", sqlite3.connect(":memory:").execute("select 40 + 2").fetchone(), sqlite3.sqlite_version)
        print("ssl", ssl.OPENSSL_VERSION, hashlib.sha256(b"x").hexdigest()[:16], json.dumps({"a": [1]}))
        with mp.get_context("spawn").Pool(2) as pool:
            print("spawn", pool.map(square, range(5)))
        if "_frost" in sys.builtin_module_names:
            import frost, _sqlite3
            lib = sys.executable + "/lib/"
            print("payload", sys.path == [lib[:-1]], helper.__file__ == lib + "helper.py",
                  _sqlite3.__file__ == lib + "_sqlite3.so", type(helper.__loader__).__name__)
            print("C import", type(sys.modules["_frozen_importlib"]._find_and_load).__name__)
            print("huge pages", advised(bytearray(8 << 20), (8 << 20) - 1))
            print("frost", frost.is_inetd(), frost.listen_sockets())
        if sys.argv[1:2] == ["sleep"]:
            import time
            print("ready", flush=True)
            time.sleep(30)
        if len(sys.argv) > 1:
            sys.exit(int(sys.argv[1]))
        helper.fail()

    """

  static let frozenLines = """
    payload True True True FrostImporter
    C import builtin_function_or_method
    huge pages True
    frost False []

    """
}
