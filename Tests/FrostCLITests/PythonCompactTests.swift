import Foundation
import FrostKit
import Testing

@Suite("Self-contained Python: --compact")
struct PythonCompactTests {
  static let source = """
    import sys, os
    print("compact", sys.argv[1:], sys.executable == os.path.realpath(sys.argv[0]), hasattr(sys, "frozen"))
    print(sorted(os.listdir("/proc/self/fd")))
    print("FROST_PAYLOAD_FD" in os.environ)

    """

  /// The probe built --compact once.
  static let built: (dir: String, binary: String?, log: String) = {
    guard let root = try? PythonFixtures.project(["probe.py": source]) else { return ("", nil, "") }
    let (binary, log) = PythonFixtures.build(
      "compact-probe", [root + "/probe.py", "--compact", "--stdlib", "imported"])
    return (root, binary, log)
  }()

  @Test("a compact hello (--stdlib imported) is under 4.0 MB and prints what the default build prints")
  func hello() throws {
    let (compact, log) = PythonFixtures.build(
      "hello-compact", [CLI.sample("hello.py"), "--compact", "--stdlib", "imported"])
    let path = try #require(compact, "\(log)")
    let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
    #expect(size < 4_000_000, "compact hello is \(size) bytes")
    let (plain, _) = PythonFixtures.build("hello-plain", [CLI.sample("hello.py")])
    let expected = try CLI.run(try #require(plain)).stdout
    #expect(try CLI.run(path).stdout == expected)
    let ls = try CLI.frost(["ls", path])
    #expect(ls.stdout.contains("frost/interpreter "), "the interpreter stub travels in the payload")
  }

  @Test("the interpreter comes precompressed from make; without that file the build compresses it")
  func precompressed() throws {
    let bin = CLI.binDir.path
    let frame = try Data(contentsOf: URL(fileURLWithPath: bin + "/frost-stub-python.zst"))
    let (built, log) = PythonFixtures.build(
      "hello-pre", [CLI.sample("hello.py"), "--compact", "--stdlib", "imported"])
    let path = try #require(built, "\(log)")
    #expect(try PythonFixtures.storedInterpreter(path) == frame)
    try PayloadFile.open(path).verify()
    // A stub folder without the .zst (or with a stale one): compressed at build time instead.
    let dir = try PythonFixtures.stubFolder([
      "frost-stub-python", "frost-stub-python-compact", "frost-python-lib",
    ])
    defer { CLI.cleanup(dir) }
    try Data([0x28, 0xb5, 0x2f, 0xfd, 0]).write(
      to: URL(fileURLWithPath: dir + "/frost-stub-python.zst"))
    let out = dir + "/hello"
    let r = try CLI.frost(
      ["build", CLI.sample("hello.py"), "--compact", "--stdlib", "imported", "-o", out],
      env: ProcessInfo.processInfo.environment.merging(["FROST_STUB_DIR": dir]) { $1 })
    #expect(r.status == 0, "\(r.stderr)")
    #expect(try CLI.run(out).stdout == CLI.run(path).stdout)
    try PayloadFile.open(out).verify()
  }

  @Test("the compact loader is a plain C executable: ldd lists only glibc's libraries")
  func lddGlibcOnly() throws {
    let r = try CLI.run("/usr/bin/ldd", [CLI.binDir.path + "/frost-stub-python-compact"])
    let libs = r.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
    #expect(libs.count >= 2)
    for lib in libs {
      #expect(CLI.isGlibcLibrary(lib), "unexpected dependency: \(lib)")
    }
  }

  @Test("argv, sys.executable, no leftover descriptor or variable, with host Python hidden")
  func behaviour() throws {
    let path = try #require(Self.built.binary, "\(Self.built.log)")
    let r = try PythonFixtures.runHidden(path, ["x", ""], alsoHidden: [Self.built.dir])
    #expect(r.status == 0, "\(r.stderr)")
    let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.first == "compact ['x', ''] True False")
    #expect(lines.count > 2 && lines[2] == "False")
  }

  @Test("one process, nothing written: the interpreter is exec'ed from a memfd")
  func oneProcessNothingWritten() throws {
    let path = try #require(Self.built.binary, "\(Self.built.log)")
    let calls = try PythonFixtures.traceNothingWritten(
      path,
      syscalls: "open,openat,creat,mkdir,rename,unlink,execve,execveat,clone,clone3,fork,vfork",
      log: "strace-compact.log")
    #expect(calls.contains { $0.contains("execveat(") }, "the loader execs the interpreter")
    let clones = calls.filter { $0.contains("clone") || $0.contains("fork(") }
    let forks = clones.filter { !$0.contains("CLONE_THREAD") && !$0.contains("resumed>") }
    #expect(forks.isEmpty, "\(forks)")
    // The loader decodes the interpreter on threads, which strace -f names by thread ID: the
    // value of their clone calls (on the line of the call, or of its "resumed>" end).
    let tids = Set(
      clones.compactMap { c in c.range(of: ") = ").map { String(c[$0.upperBound...]) } })
    let pids = Set(calls.compactMap { $0.split(separator: " ").first.map(String.init) })
      .subtracting(tids)
    #expect(pids.count == 1, "one process: \(pids)")
  }

  @Test("the interpreter is four zstd frames with 1 MiB windows; a damaged one is refused")
  func frames() throws {
    let path = try #require(Self.built.binary, "\(Self.built.log)")
    let stored = try PythonFixtures.storedInterpreter(path)
    let dir = try CLI.tempDir("frost-frames")
    defer { CLI.cleanup(dir) }
    try stored.write(to: URL(fileURLWithPath: dir + "/interpreter.zst"))
    let list = try CLI.run("/usr/bin/zstd", ["-lv", dir + "/interpreter.zst"])
    #expect(list.stdout.contains("# Zstandard Frames: 4"), "\(list.stdout)")
    #expect(list.stdout.contains("Window Size: 1.000 MiB"), "\(list.stdout)")
    // The last frame's checksum, flipped: that frame alone fails, on whichever thread.
    let r = try PythonFixtures.runDamaged(path, stored: stored, in: dir) {
      $0[$1 + stored.count - 2] ^= 0xff
    }
    #expect(r.status == 126)
    #expect(r.stdout.isEmpty)
    #expect(
      r.stderr == "damaged: payload damaged: frost/interpreter does not decompress or check out\n")
  }
}
