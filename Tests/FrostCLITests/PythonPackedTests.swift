import Foundation
import FrostKit
import Testing

@Suite("Self-contained Python: the packed interpreter")
struct PythonPackedTests {
  static let source = """
    import sys, os
    print("packed", sys.argv[1:], sys.executable == os.path.realpath(sys.argv[0]), hasattr(sys, "frozen"))
    def link(fd):
        try:
            return os.readlink("/proc/self/fd/" + fd)
        except OSError:
            return ""
    links = [link(fd) for fd in os.listdir("/proc/self/fd")]
    print(links.count(sys.executable), sum("ld-linux" in l or "memfd" in l for l in links))
    print(sum(1 for line in open("/proc/self/maps") if "ld-linux" in line and "r-xp" in line))
    if __name__ == "__main__" and sys.argv[1:2] == ["spawn"]:
        import multiprocessing as mp
        with mp.get_context("spawn").Pool(2) as pool:
            print(pool.map(abs, [-1, -2, -3]))

    """

  /// The probe built with the interpreter packed.
  static let built: (dir: String, binary: String?, log: String) = {
    guard let root = try? PythonFixtures.project(["probe.py": source]) else { return ("", nil, "") }
    let (binary, log) = PythonFixtures.build(
      "packed-probe", [root + "/probe.py", "--pack-interpreter", "always"])
    return (root, binary, log)
  }()

  static func size(_ path: String) throws -> Int {
    try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
  }

  @Test(
    "packed hello: the loader and make's LZ4 image, same output, 3 MB smaller; verify checks it")
  func hello() throws {
    let (packed, log) = PythonFixtures.build(
      "hello-packed", [CLI.sample("hello.py"), "--pack-interpreter", "always"])
    let path = try #require(packed, "\(log)")
    let (plain, plainLog) = PythonFixtures.build(
      "hello-unpacked", [CLI.sample("hello.py"), "--pack-interpreter", "never"])
    let plainPath = try #require(plain, "\(plainLog)")
    #expect(try CLI.run(path).stdout == CLI.run(plainPath).stdout)
    #expect(try Self.size(plainPath) - Self.size(path) > 3_000_000)
    #expect(try PayloadFile.open(plainPath).entry("frost/interpreter") == nil)
    let payload = try PayloadFile.open(path)
    #expect(payload.entry("frost/interpreter")?.compression == .lz4)
    let block = try Data(
      contentsOf: URL(fileURLWithPath: CLI.binDir.path + "/frost-stub-python.img.lz4"))
    #expect(try PythonFixtures.storedInterpreter(path) == block)
    try payload.verify()
    let json = try CLI.frost(["inspect", "--format", "json", path])
    let report = try #require(
      try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
    let rows = try #require((report["payload"] as? [String: Any])?["entries"] as? [[String: Any]])
    let codecs = Dictionary(
      rows.map { ($0["path"] as? String ?? "", $0["compression"] as? String ?? "") },
      uniquingKeysWith: { a, _ in a })
    #expect(codecs["frost/interpreter"] == "lz4" && codecs["lib/hello.pyc"] != nil)
    #expect(
      Set(codecs.values).isSubset(of: ["lz4", "zstd", "zstd-dict", "stored"]), "\(Set(codecs.values))")
    // The interpreter has its own row; the rows still add up to the file.
    let kinds = try #require(
      (report["payload"] as? [String: Any])?["byKind"] as? [[String: Any]])
    let byKind = Dictionary(
      kinds.map { ($0["kind"] as? String ?? "", $0["storedBytes"] as? Int ?? 0) },
      uniquingKeysWith: { a, _ in a })
    #expect(byKind["interpreter"] == block.count)
    #expect(byKind.values.reduce(0, +) == (try Self.size(path)))
    let text = try CLI.frost(["inspect", path]).stdout
    #expect(text.contains("    loader stub ") && text.contains("    interpreter "), "\(text)")
    let again = try #require(
      PythonFixtures.build(
        "hello-packed-2", [CLI.sample("hello.py"), "--pack-interpreter", "always"]
      ).0)
    #expect(FileManager.default.contentsEqual(atPath: path, andPath: again), "reproducible")
    // The loader reads only LZ4: the image stays LZ4 when everything else is stored.
    let (level0, log0) = PythonFixtures.build(
      "hello-packed-0",
      [CLI.sample("hello.py"), "--pack-interpreter", "always", "--compress-level", "0"])
    let stored = try #require(level0, "\(log0)")
    #expect(try PayloadFile.open(stored).entry("frost/interpreter")?.compression == .lz4)
    #expect(try PayloadFile.open(stored).entry("lib/hello.pyc")?.compression == .stored)
    #expect(try CLI.run(stored).stdout == CLI.run(plainPath).stdout)
  }

  @Test("make's block decodes to the memory image of the stub next to it, as pack.c makes it")
  func stubImage() throws {
    let bin = CLI.binDir.path
    let stub = try FileIO.read(bin + "/frost-stub-python")
    let image = try #require(PackedInterpreter.image(of: stub))
    // The section header table (at e_shoff; its first record is all zeros) stays out.
    let shoff = (40..<48).reduce(0) { $0 | Int(stub[$1]) << (8 * ($1 - 40)) }
    try #require(shoff > 0 && shoff + 64 + 512 <= stub.count)
    #expect(Data(image).range(of: Data(stub[(shoff + 64)..<(shoff + 64 + 512)])) == nil)
    #expect(image[0..<4] == [0x7f, 0x45, 0x4c, 0x46][...])
    let block = try Data(contentsOf: URL(fileURLWithPath: bin + "/frost-stub-python.img.lz4"))
    let payload = try PayloadFile.open(try #require(Self.built.binary, "\(Self.built.log)"))
    let entry = try #require(payload.entry("frost/interpreter"))
    #expect(entry.rawSize == UInt64(image.count) && entry.storedSize == UInt64(block.count))
    #expect(try payload.read(entry) == image)
    #expect(PackedInterpreter.image(of: Array(stub[..<63])) == nil)
  }

  @Test("the packed loader needs no library, no ELF interpreter and no relocation")
  func loaderIsFreestanding() throws {
    let loader = CLI.binDir.path + "/frost-stub-python-packed"
    let r = try CLI.run("/usr/bin/readelf", ["-lrd", loader])
    #expect(r.status == 0)
    #expect(!r.stdout.contains("INTERP"), "\(r.stdout)")
    #expect(!r.stdout.contains("(NEEDED)"), "\(r.stdout)")
    #expect(r.stdout.contains("There are no relocations in this file."), "\(r.stdout)")
    #expect(try Self.size(loader) < 64_000)
  }

  @Test("argv, sys.executable, one descriptor of the binary, one ld.so, with host Python hidden")
  func behaviour() throws {
    let path = try #require(Self.built.binary, "\(Self.built.log)")
    let r = try PythonFixtures.runHidden(path, ["x", ""], alsoHidden: [Self.built.dir])
    #expect(r.status == 0, "\(r.stderr)")
    let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.first == "packed ['x', ''] True False")
    // One descriptor of the binary, the payload's, as in a default build: the loader's own
    // and ld.so's are closed, and there is no memfd.
    #expect(lines.count > 2 && lines[1] == "1 0", "\(r.stdout)")
    #expect(lines.count > 2 && lines[2] == "1", "ld.so is mapped once: \(r.stdout)")
  }

  @Test("multiprocessing spawn re-executes the packed binary")
  func spawn() throws {
    let path = try #require(Self.built.binary, "\(Self.built.log)")
    let r = try PythonFixtures.runHidden(path, ["spawn"], alsoHidden: [Self.built.dir])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("\n[1, 2, 3]\n"), "\(r.stdout)")
  }

  @Test("one process, one execve, no memfd, nothing written")
  func oneProcessNothingWritten() throws {
    let path = try #require(Self.built.binary, "\(Self.built.log)")
    let calls = try PythonFixtures.traceNothingWritten(
      path,
      syscalls:
        "open,openat,creat,mkdir,rename,unlink,execve,execveat,memfd_create,clone,clone3,fork,vfork",
      log: "strace-packed.log")
    #expect(calls.filter { $0.contains("execve") }.count == 1, "\(calls)")
    #expect(!calls.contains { $0.contains("memfd_create(") })
    #expect(
      !calls.contains {
        ($0.contains("clone") || $0.contains("fork(")) && !$0.contains("CLONE_THREAD")
          && !$0.contains("resumed>")
      })
  }

  @Test("where memory may not become executable (PR_SET_MDWE, MemoryDenyWriteExecute=), it runs")
  func memoryDenyWriteExecute() throws {
    let path = try #require(Self.built.binary, "\(Self.built.log)")
    // prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN) holds across execve: mprotect(PROT_EXEC)
    // fails, and the loader maps the interpreter's code from a memfd instead.
    let exec = """
      import ctypes, os, sys
      if ctypes.CDLL(None, use_errno=True).prctl(65, 1, 0, 0, 0) != 0:
          sys.exit("prctl: %d" % ctypes.get_errno())
      os.execv(sys.argv[1], sys.argv[1:])
      """
    let r = try CLI.run(PythonFixtures.python, ["-I", "-c", exec, path, "x"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.hasPrefix("packed ['x'] True False\n"), "\(r.stdout)")
    let direct = try CLI.run(path, ["x"])
    #expect(r.stdout == direct.stdout)
  }

  @Test("a damaged image is refused with one line and status 126")
  func damaged() throws {
    let path = try #require(Self.built.binary, "\(Self.built.log)")
    let dir = try CLI.tempDir("frost-packed")
    defer { CLI.cleanup(dir) }
    // The first token: no literals, a match reaching before the image.
    let r = try PythonFixtures.runDamaged(
      path, stored: try PythonFixtures.storedInterpreter(path), in: dir
    ) { $0[$1] = 0 }
    #expect(r.status == 126)
    #expect(r.stdout.isEmpty)
    #expect(r.stderr == "damaged: payload damaged: frost/interpreter is not an interpreter image\n")
  }

  @Test("a packed image that is not the stub's is a one-line build error; nothing is written")
  func staleImage() throws {
    let dir = try PythonFixtures.stubFolder([
      "frost-stub-python", "frost-stub-python-packed", "frost-python-lib",
    ])
    defer { CLI.cleanup(dir) }
    try Data([0x10, 0x41]).write(to: URL(fileURLWithPath: dir + "/frost-stub-python.img.lz4"))
    let out = dir + "/hello"
    let r = try CLI.frost(
      ["build", CLI.sample("hello.py"), "--pack-interpreter", "always", "-o", out],
      env: ProcessInfo.processInfo.environment.merging(["FROST_STUB_DIR": dir]) { $1 })
    #expect(r.status != 0)
    #expect(
      r.stderr.hasSuffix(
        "frost: \(dir)/frost-stub-python.img.lz4: not the packed image of the interpreter stub next to it (run make)\n"
      ),
      "\(r.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out))
  }

  @Test("pack-interpreter in [tool.frost]; a bad value is one line naming the file")
  func pyproject() throws {
    let root = try PythonFixtures.project([
      "app.py": "print('hi')\n", "pyproject.toml": "[tool.frost]\npack-interpreter = \"always\"\n",
    ])
    let (built, log) = PythonFixtures.build("pyproject-packed", [root + "/app.py"])
    let path = try #require(built, "\(log)")
    #expect(try PayloadFile.open(path).entry("frost/interpreter")?.compression == .lz4)
    #expect(try CLI.run(path).stdout == "hi\n")
    try PythonFixtures.expectRefused(
      root, setting: "pack-interpreter = \"maybe\"", script: "app.py",
      message: "pack-interpreter = maybe: expected auto, always or never")
  }
}
