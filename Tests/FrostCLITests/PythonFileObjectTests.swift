import Foundation
import Testing

/// Payload files as the program's code handles them by path (stubs/python/vfs.py and
/// support.py): a file that open() gives has a descriptor (fileno() for mmap, os.fstat,
/// os.sendfile), and importlib.resources.files() gives a pathlib.Path whose every method
/// works, as python3 gives for a package on disk; as_file() of one of its files is a memfd
/// path that a child process reads too.
@Suite("Self-contained Python: payload files as file objects and pathlib paths")
struct PythonFileObjectTests {
  /// The program's package: a text file, a bigger one, and a sub-folder.
  static let package: [String: String] = [
    "pk/__init__.py": "X = 1\n",
    "pk/data.txt": "a data file\nsecond line\n",
    "pk/blob.bin": String(repeating: "0123456789abcdef", count: 640),
    "pk/sub/x.txt": "in sub\n",
  ]

  /// open() of payload files, binary and text, and what code checks around fileno().
  static let fileObjects = """
    import json, mmap, os, shutil, tempfile
    import pk

    here = os.path.dirname(pk.__file__)
    path = os.path.join(here, "blob.bin")
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        print("binary", f.mode, f.name == path, f.readable(), f.seekable(), f.writable(), f.closed)
        fd = f.fileno()
        print("fileno", isinstance(fd, int), fd > 2, f.fileno() == fd, f.isatty())
        print("fstat", os.fstat(fd).st_size == size, size)
        with mmap.mmap(fd, 0, access=mmap.ACCESS_READ) as m:
            print("mmap", len(m), m[:4], m[-2:], m[:] == f.read())
        f.seek(3)
        print("read", f.read(2), f.tell(), f.peek(1)[:1])
        try:
            f.write(b"x")
        except OSError as e:
            print("write", type(e).__name__)
    print("closed", f.closed)
    try:
        os.fstat(fd)
        print("descriptor left open")
    except OSError as e:
        print("descriptor closed", e.errno)
    try:
        f.fileno()
    except ValueError as e:
        print("fileno after close", type(e).__name__)

    with open(json.__file__, "rb") as f:  # a stdlib module's source
        with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
            print("stdlib mmap", m[:200] == f.read(200), len(m) == os.path.getsize(json.__file__))

    text_path = os.path.join(here, "data.txt")
    with open(text_path) as t:
        print("text", t.mode, t.name == text_path, t.fileno() > 2, os.fstat(t.fileno()).st_size,
              repr(t.readline()), t.buffer.mode)
    print("text closed", t.closed, t.buffer.closed)

    with tempfile.TemporaryDirectory() as tmp:
        shutil.copyfile(path, os.path.join(tmp, "copy"))  # os.sendfile from fileno()
        with open(os.path.join(tmp, "copy"), "rb") as c, open(path, "rb") as f:
            print("copyfile", c.read() == f.read())
    """

  /// importlib.resources of the program's package; on 3.8, which has no files(), the legacy
  /// functions. A frozen run also says on stderr whether as_file() gave memfd paths.
  static let resources = """
    import importlib.resources as resources, os, pathlib, pickle, subprocess, sys, warnings
    import pk

    warnings.simplefilter("ignore", DeprecationWarning)
    frozen = "_frost" in sys.builtin_module_names
    here = os.path.dirname(pk.__file__)
    print("legacy", repr(resources.read_text("pk", "data.txt")), resources.is_resource("pk", "data.txt"),
          resources.is_resource("pk", "sub"), "data.txt" in resources.contents("pk"))
    with resources.open_binary("pk", "blob.bin") as b:
        print("open_binary", len(b.read()))
    if not hasattr(resources, "files"):
        sys.exit()
    root = resources.files("pk")
    print("type", isinstance(root, pathlib.PurePath), isinstance(root, pathlib.Path), type(root).__name__)
    print("str", str(root) == here, repr(root) == repr(pathlib.Path(here)))
    data = root / "data.txt"
    print("match", data.match("*.txt"), data.match("*.jpg"), data.suffix, data.stem, data.name, data.parts[-2:])
    print("derived", type(data) is type(root), type(root.joinpath("sub", "x.txt")) is type(root),
          type(data.parent) is type(root))
    print("glob", sorted(p.name for p in root.glob("*.txt")),
          sorted(str(p.relative_to(root)) for p in root.glob("**/*.txt")))
    print("iterdir", sorted(p.name for p in root.iterdir() if p.name != "__pycache__"))
    print("read", repr(data.read_text()), data.read_bytes()[:6], (root / "sub" / "x.txt").read_text().strip())
    print("stat", data.stat().st_size, data.stat().st_size == len(data.read_bytes()), data.is_file(),
          root.is_dir(), (root / "nope").exists())
    print("pure", data.with_suffix(".csv").name, str(data.relative_to(root)), data.resolve() == data,
          root.parent == pathlib.Path(here).parent)
    with data.open() as f:
        print("open", f.readline().strip(), f.fileno() > 2)
    print("pickle", pickle.loads(pickle.dumps(data)) == data)
    for label, p in (("file", data), ("joinpath", root.joinpath("sub", "x.txt")),
                     ("iterdir", next(p for p in root.iterdir() if p.name == "data.txt"))):
        with resources.as_file(p) as real:
            # subprocess's defaults (close_fds): the child reads the path, not an inherited fd
            child = subprocess.run(["cat", str(real)], stdout=subprocess.PIPE).stdout
            print("as_file", label, child == p.read_bytes(), isinstance(real, pathlib.Path))
            if frozen:
                print("frozen as_file", label, str(real).startswith("/proc/%d/fd/" % os.getpid()), file=sys.stderr)
    with resources.as_file(root) as folder:
        print("as_file folder", sorted(p.name for p in pathlib.Path(folder).glob("*.txt")))
    """

  /// Freezes `script` of `files` (and the package) with `python` and runs it, and runs it
  /// under `python`; both exit 0 and print the same. Returns the frozen run.
  static func same(
    _ files: [String: String], _ script: String, python: String = PythonFixtures.python,
    env: [String: String]? = nil
  ) throws -> CLI.Result {
    try PythonImportTests.sameRun(
      files.merging(package) { a, _ in a }, script, [], python: python, environment: env)
  }

  @Test("open() of a payload file has a descriptor: mmap, os.fstat, text mode, closing")
  func fileObjects() throws {
    let frozen = try Self.same(["files.py": Self.fileObjects], "files")
    #expect(frozen.stdout.contains("mmap 10240 b'0123' b'ef' True\n"), "\(frozen.stdout)")
    #expect(frozen.stdout.contains("descriptor closed 9\n"))
    #expect(frozen.stdout.contains("stdlib mmap True True\n"))
  }

  @Test("importlib.resources.files() gives a pathlib.Path, and as_file() a memfd path")
  func resourcePaths() throws {
    let frozen = try Self.same(["res.py": Self.resources], "res")
    #expect(frozen.stdout.contains("type True True PosixPath\n"), "\(frozen.stdout)")
    #expect(frozen.stdout.contains("match True False .txt data data.txt ('pk', 'data.txt')\n"))
    #expect(frozen.stdout.contains("as_file iterdir True True\n"))
    for label in ["file", "joinpath", "iterdir"] {
      #expect(frozen.stderr.contains("frozen as_file \(label) True\n"), "\(frozen.stderr)")
    }
  }

  @Test(
    "the same with the oldest and newest CPython",
    .enabled(if: PythonVersions.enabled("3.8") || PythonVersions.enabled("3.13")),
    arguments: ["3.8", "3.13"])
  func otherVersions(minor: String) throws {
    guard let python = PythonVersions.interpreter(minor) else {
      #expect(!PythonVersions.required, "\(PythonVersions.absent(minor))")
      return
    }
    // A cache folder of its own: PythonVersionTests expects its first build of each
    // interpreter to link the stub in the run's shared cache.
    let cache = try CLI.tempDir("frost-fileobject-cache")
    defer { CLI.cleanup(cache) }
    var env = PythonVersions.environment
    env["FROST_CACHE_DIR"] = cache
    let files = try Self.same(["files.py": Self.fileObjects], "files", python: python, env: env)
    #expect(files.stdout.contains("descriptor closed 9\n"), "\(files.stdout)")
    let res = try Self.same(["res.py": Self.resources], "res", python: python, env: env)
    #expect(res.stdout.contains("open_binary 10240\n"), "\(res.stdout)")
    if minor != "3.8" {
      #expect(res.stdout.contains("type True True PosixPath\n"), "\(res.stdout)")
      #expect(res.stderr.contains("frozen as_file file True\n"), "\(res.stderr)")
    }
  }
}
