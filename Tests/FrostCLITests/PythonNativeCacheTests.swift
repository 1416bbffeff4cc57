import Foundation
import Testing

/// `frost build --native-cache` (stubs/python/stub_cache.h): shared objects written once to a
/// cache folder on disk and loaded from there; any folder that is not the user's alone, or none,
/// falls back to memfds.
@Suite("Native cache on disk (opt-in)", .serialized)
struct PythonNativeCacheTests {
  /// A program with the stdlib's sqlite3 (an extension and a bundled library) and an extension
  /// of its own that finds its folder with dladdr; it prints where those were mapped from.
  static let program: [String: String] = [
    "main.py": """
    import os, sqlite3, sys
    from pkg import selfpath
    path, line = selfpath.where()
    row = sqlite3.connect(":memory:").execute("select 6 * 7").fetchone()
    print(os.path.basename(os.path.dirname(path)), line.strip(), os.path.exists(path), row)
    names = ("_sqlite3", "libsqlite3", "selfpath")
    proc = os.open("/proc/self", os.O_RDONLY)  # relative: the kernel's maps, not the renamed
    raw = open("maps", opener=lambda p, f: os.open(p, f, dir_fd=proc)).readlines()
    maps = [l for l in raw if any(n in l for n in names)]
    print(sorted({"cache" if "/frost/native/" in l else "memfd" if "memfd:" in l else "other"
                  for l in maps}))
    shown = {l.split()[-1] for l in open("/proc/self/maps") if "libsqlite3" in l}
    print(bool(shown) and shown == {os.path.join(sys.executable, "native", os.path.basename(p))
                                    for p in shown})

    """,
    "pkg/__init__.py": "",
    "pkg/sibling.txt": "beside\n",
    "selfpath.c": PythonFixtures.selfPathSource,
  ]

  static let cached = "pkg beside True (42,)\n['cache']\nTrue\n"
  static let inMemory = "pkg beside True (42,)\n['memfd']\nTrue\n"

  /// The program's folder with its extension compiled, and the binary built with `flags`.
  static func build(_ flags: [String], extra: [String: String] = [:]) throws -> (String, String) {
    let root = try PythonFixtures.project(program.merging(extra) { $1 })
    try PythonFixtures.compileExtension("selfpath.c", as: "pkg/selfpath", cwd: root)
    let r = try CLI.frost(["build", root + "/main.py", "-o", root + "/main"] + flags, cwd: root)
    #expect(r.status == 0, "\(r.stderr)")
    return (root, root + "/main")
  }

  /// Runs `binary` with only PATH and `env` set.
  static func run(_ binary: String, _ env: [String: String]) throws -> CLI.Result {
    try CLI.run(binary, [], env: env.merging(["PATH": "/usr/bin:/bin"]) { a, _ in a })
  }

  /// name -> (mode, inode, mtime, size) of the files in `dir`.
  static func listing(_ dir: String) throws -> [String: [Int]] {
    var out: [String: [Int]] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: dir) {
      var st = stat()
      #expect(lstat(dir + "/" + name, &st) == 0)
      out[name] = [Int(st.st_mode & 0o7777), Int(st.st_ino), st.st_mtim.tv_sec, Int(st.st_size)]
    }
    return out
  }

  static func mode(_ path: String) -> Int {
    var st = stat()
    return lstat(path, &st) == 0 ? Int(st.st_mode & 0o7777) : -1
  }

  @Test("shared objects are written once, 0500 under 0700 folders, named by their digest, and loaded from there")
  func writesOnceAndReuses() throws {
    let (root, binary) = try Self.build(["--native-cache"])
    defer { CLI.cleanup(root) }
    let xdg = root + "/xdg"
    let first = try Self.run(binary, ["XDG_CACHE_HOME": xdg, "HOME": root + "/home"])
    #expect(first.status == 0 && first.stdout == Self.cached, "\(first.stdout)\(first.stderr)")
    let dir = xdg + "/frost/native"
    #expect(Self.mode(xdg + "/frost") == 0o700 && Self.mode(dir) == 0o700)
    let files = try Self.listing(dir)
    #expect(files.keys.contains { $0.hasSuffix("-_sqlite3.so") }, "\(files.keys)")
    #expect(files.keys.contains { $0.hasSuffix("-selfpath.so") }, "\(files.keys)")
    #expect(files.keys.contains { $0.hasSuffix("-libsqlite3.so.0") }, "\(files.keys)")
    #expect(!files.keys.contains { $0.hasPrefix(".tmp") }, "\(files.keys)")
    for (name, info) in files {
      #expect(info[0] == 0o500, "\(name): \(String(info[0], radix: 8))")
      let sum = try PythonFixtures.sh("sha256sum < '\(dir)/\(name)'").stdout.prefix(64)
      #expect(name.hasPrefix(sum + "-"), "\(name) holds \(sum)")
    }
    #expect(!FileManager.default.fileExists(atPath: root + "/home"))
    let second = try Self.run(binary, ["XDG_CACHE_HOME": xdg])
    #expect(second.status == 0 && second.stdout == Self.cached, "\(second.stdout)\(second.stderr)")
    #expect(try Self.listing(dir) == files, "the second run rewrote the cache")
  }

  @Test("CACHE_DIRECTORY (systemd) comes first, then XDG_CACHE_HOME, then HOME/.cache")
  func folderOrder() throws {
    let (root, binary) = try Self.build(["--native-cache"])
    defer { CLI.cleanup(root) }
    let systemd = try Self.run(
      binary,
      ["CACHE_DIRECTORY": root + "/unit:" + root + "/other", "XDG_CACHE_HOME": root + "/xdg"])
    #expect(systemd.stdout == Self.cached, "\(systemd.stdout)\(systemd.stderr)")
    #expect(try !Self.listing(root + "/unit/frost/native").isEmpty)
    #expect(!FileManager.default.fileExists(atPath: root + "/xdg"))
    #expect(!FileManager.default.fileExists(atPath: root + "/other"))
    try FileManager.default.createDirectory(atPath: root + "/home", withIntermediateDirectories: true)
    let home = try Self.run(binary, ["HOME": root + "/home"])
    #expect(home.stdout == Self.cached, "\(home.stdout)\(home.stderr)")
    #expect(Self.mode(root + "/home/.cache") == 0o700)
    #expect(try !Self.listing(root + "/home/.cache/frost/native").isEmpty)
  }

  @Test("without a cache folder that is the user's alone it loads from memory and writes nothing")
  func fallsBack() throws {
    let (root, binary) = try Self.build(["--native-cache"])
    defer { CLI.cleanup(root) }
    let none = try Self.run(binary, [:])
    #expect(none.status == 0 && none.stdout == Self.inMemory, "\(none.stdout)\(none.stderr)")
    // A file where the base folder should be.
    FileManager.default.createFile(atPath: root + "/plain", contents: Data("x".utf8))
    let file = try Self.run(binary, ["XDG_CACHE_HOME": root + "/plain"])
    #expect(file.stdout == Self.inMemory, "\(file.stdout)\(file.stderr)")
    // A cache folder others may write to is not trusted, and nothing is put in it.
    let open = root + "/open"
    try FileManager.default.createDirectory(
      atPath: open + "/frost/native", withIntermediateDirectories: true)
    #expect(chmod(open + "/frost/native", 0o777) == 0)
    let shared = try Self.run(binary, ["XDG_CACHE_HOME": open])
    #expect(shared.stdout == Self.inMemory, "\(shared.stdout)\(shared.stderr)")
    #expect(try Self.listing(open + "/frost/native").isEmpty)
    // So is one of another user (made in a base others may write to, as /tmp).
    let sticky = root + "/sticky"
    try FileManager.default.createDirectory(
      atPath: sticky + "/frost/native", withIntermediateDirectories: true)
    #expect(chmod(sticky, 0o1777) == 0 && chmod(sticky + "/frost/native", 0o700) == 0)
    #expect(chown(sticky + "/frost/native", 65534, 65534) == 0)
    let theirs = try Self.run(binary, ["XDG_CACHE_HOME": sticky])
    #expect(theirs.stdout == Self.inMemory, "\(theirs.stdout)\(theirs.stderr)")
    #expect(try Self.listing(sticky + "/frost/native").isEmpty)
    // A base others may write to is no danger itself: the folder below it is checked on its
    // open descriptor, through which everything is opened and loaded.
    let shared2 = root + "/sticky2"
    try FileManager.default.createDirectory(atPath: shared2, withIntermediateDirectories: true)
    #expect(chmod(shared2, 0o1777) == 0)
    let base = try Self.run(binary, ["XDG_CACHE_HOME": shared2])
    #expect(base.stdout == Self.cached, "\(base.stdout)\(base.stderr)")
    #expect(Self.mode(shared2 + "/frost/native") == 0o700)
  }

  @Test("a cache file cut short is written anew; one writable by others is not loaded")
  func damagedFile() throws {
    let (root, binary) = try Self.build(["--native-cache"])
    defer { CLI.cleanup(root) }
    let env = ["XDG_CACHE_HOME": root + "/xdg"]
    #expect(try Self.run(binary, env).stdout == Self.cached)
    let dir = root + "/xdg/frost/native"
    let files = try Self.listing(dir)
    let name = try #require(files.keys.first { $0.hasSuffix("-libsqlite3.so.0") })
    #expect(truncate(dir + "/" + name, 1000) == 0)
    let again = try Self.run(binary, env)
    #expect(again.status == 0 && again.stdout == Self.cached, "\(again.stdout)\(again.stderr)")
    #expect(try Self.listing(dir)[name]?[3] == files[name]?[3], "not rewritten to full size")
    #expect(chmod(dir + "/" + name, 0o777) == 0)
    let loose = try Self.run(binary, env)
    #expect(loose.status == 0, "\(loose.stderr)")
    #expect(try Self.listing(dir)[name]?[0] == 0o500, "the loose file was not replaced")
  }

  @Test("a program that loads 16 MiB of native code at start is told of --native-cache at build time")
  func buildNote() throws {
    let root = try PythonFixtures.project([
      "main.py": "import big\nprint(big.first())\n",
      "big.c": #"""
      #include <Python.h>
      static const char blob[17 << 20] = {7}; /* 17 MiB in .rodata */
      static PyObject *first(PyObject *s, PyObject *a) { return PyLong_FromLong(blob[0]); }
      static PyMethodDef m[] = {{"first", first, METH_NOARGS, ""}, {0}};
      static struct PyModuleDef d = {PyModuleDef_HEAD_INIT, "big", 0, -1, m};
      PyMODINIT_FUNC PyInit_big(void) { return PyModule_Create(&d); }
      """#,
    ])
    defer { CLI.cleanup(root) }
    try PythonFixtures.compileExtension("big.c", as: "big", cwd: root)
    let plain = try CLI.frost(["build", root + "/main.py", "-o", root + "/plain"], cwd: root)
    #expect(plain.status == 0, "\(plain.stderr)")
    let note = plain.stderr.split(separator: "\n").filter { $0.contains("--native-cache") }
    #expect(note.count == 1 && note[0].hasPrefix("frost: note: the program loads 17."), "\(plain.stderr)")
    let cached = try CLI.frost(
      ["build", "--native-cache", root + "/main.py", "-o", root + "/cached"], cwd: root)
    #expect(cached.status == 0 && !cached.stderr.contains("--native-cache"), "\(cached.stderr)")
    let env = ["XDG_CACHE_HOME": root + "/xdg"]
    for binary in ["plain", "cached", "cached"] {
      let r = try Self.run(root + "/" + binary, env)
      #expect(r.status == 0 && r.stdout == "7\n", "\(binary): \(r.stdout)\(r.stderr)")
    }
    let files = try Self.listing(root + "/xdg/frost/native")
    #expect(files.count == 1 && files.values.first?[3] ?? 0 > 17 << 20, "\(files)")
  }

  @Test("a library a package loads by path with ctypes comes from the cache, once however often")
  func ctypesByPath() throws {
    let root = try PythonFixtures.project([
      "main.py": """
      import ctypes, os
      import lib
      here = os.path.dirname(lib.__file__)
      first = ctypes.CDLL(os.path.join(here, "libanswer.so"))
      fds = len(os.listdir("/proc/self/fd"))
      again = [ctypes.CDLL(os.path.join(here, "libanswer.so")) for _ in range(5)]
      proc = os.open("/proc/self", os.O_RDONLY)  # the kernel's maps (relative open)
      maps = [l for l in open("maps", opener=lambda p, f: os.open(p, f, dir_fd=proc))
              if "libanswer" in l]
      os.close(proc)
      print(first.answer(), again[-1].answer(), len(os.listdir("/proc/self/fd")) == fds,
            all("/frost/native/" in l for l in maps) and bool(maps))

      """,
      "lib/__init__.py": "",
      "answer.c": "int answer(void) { return 42; }\n",
    ])
    defer { CLI.cleanup(root) }
    let make = try PythonFixtures.sh("gcc -shared -fPIC -o lib/libanswer.so answer.c", cwd: root)
    #expect(make.status == 0, "\(make.stderr)")
    let b = try CLI.frost(
      ["build", "--native-cache", root + "/main.py", "-o", root + "/main"], cwd: root)
    #expect(b.status == 0, "\(b.stderr)")
    for _ in 1...2 {
      let r = try Self.run(root + "/main", ["XDG_CACHE_HOME": root + "/xdg"])
      #expect(r.status == 0 && r.stdout == "42 42 True True\n", "\(r.stdout)\(r.stderr)")
    }
  }

  @Test("a default build never writes a cache; pyproject's native-cache = true asks for one")
  func defaultAndPyproject() throws {
    let (root, binary) = try Self.build([])
    defer { CLI.cleanup(root) }
    let plain = try Self.run(binary, ["XDG_CACHE_HOME": root + "/xdg", "HOME": root + "/home"])
    #expect(plain.stdout == Self.inMemory, "\(plain.stdout)\(plain.stderr)")
    #expect(!FileManager.default.fileExists(atPath: root + "/xdg"))
    #expect(!FileManager.default.fileExists(atPath: root + "/home"))
    let (project, fromToml) = try Self.build(
      [], extra: ["pyproject.toml": "[project]\nname = \"p\"\n\n[tool.frost]\nnative-cache = true\n"])
    defer { CLI.cleanup(project) }
    let toml = try Self.run(fromToml, ["XDG_CACHE_HOME": project + "/xdg"])
    #expect(toml.stdout == Self.cached, "\(toml.stdout)\(toml.stderr)")
    let shown = try CLI.frost(["inspect", fromToml])
    #expect(shown.stdout.contains("native-cache=1"), "\(shown.stdout)")
  }
}
