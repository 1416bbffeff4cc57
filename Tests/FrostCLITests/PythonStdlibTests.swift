import Foundation
import FrostKit
import Testing

/// The stdlib sample frozen: same output as python3, with every host Python file hidden, and
/// without writing or opening a file it should not.
@Suite("Self-contained Python: standard library, isolation")
struct PythonStdlibTests {
  /// Mounts over every host Python (stdlib folders, interpreters) before running `command`.
  static func hidden(_ command: String) -> String {
    """
    set -e
    for d in /usr/lib/python3* /usr/local/lib/python3* /root/.pyenv; do
      [ -d "$d" ] && mount -t tmpfs none "$d"
    done
    for f in /usr/bin/python3* /usr/local/bin/python3*; do
      [ -f "$f" ] && mount --bind /dev/null "$f"
    done
    ! ls /usr/lib/python3*/os.py 2>/dev/null
    \(command)
    """
  }

  @Test("the stdlib sample prints what python3 prints")
  func sameOutput() throws {
    let path = try #require(PythonFixtures.stdlibApp)
    let python = try CLI.run(
      PythonFixtures.python, ["-I", CLI.sample("stdlib_app.py"), "--count", "4"])
    let frozen = try CLI.run(path, ["--count", "4"])
    #expect(python.status == 0)
    #expect(frozen.status == 0, "\(frozen.stderr)")
    #expect(frozen.stdout == python.stdout)
  }

  @Test("the stdlib sample runs the same with every host Python hidden (unshare -m)")
  func hiddenHostPython() throws {
    let path = try #require(PythonFixtures.stdlibApp)
    let python = try CLI.run(PythonFixtures.python, ["-I", CLI.sample("stdlib_app.py")])
    let r = try CLI.run("/usr/bin/unshare", ["-m", "/bin/sh", "-c", Self.hidden("'\(path)'")])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout == python.stdout)
  }

  @Test("strace -f: no file created or opened for writing, nothing opened under the host's stdlib")
  func straceClean() throws {
    let path = try #require(PythonFixtures.stdlibApp)
    let calls = try PythonFixtures.traceNothingWritten(
      path, syscalls: "open,openat,openat2,creat,mkdir,rename,unlink,truncate", log: "strace.log")
    #expect(calls.count > 5)
    let stdlib = calls.filter { $0.contains("/python3") || $0.contains("lib-dynload") }
    #expect(stdlib.isEmpty, "\(stdlib)")
  }

  @Test("extension modules and the libraries they need are bundled and loaded from memory")
  func extensionsFromMemory() throws {
    let path = try #require(PythonFixtures.stdlibApp)
    let ls = try CLI.frost(["ls", path])
    for entry in [
      "lib/_ssl.so", "lib/_hashlib.so", "lib/_sqlite3.so", "lib/_ctypes.so", "lib/_lzma.so",
      "lib/_bz2.so", "native/libssl.so.3", "native/libcrypto.so.3", "native/libsqlite3.so.0",
      "native/libffi.so.8", "native/liblzma.so.5", "native/libbz2.so.1.0",
    ] {
      #expect(ls.stdout.contains(entry + " "), "\(entry)")
    }
    let (_, calls) = try CLI.strace(
      "open,openat", log: PythonFixtures.dir + "/strace-libs.log", [path])
    let opened = calls.filter {
      ["libssl", "libcrypto", "libsqlite3", "libffi", "liblzma", "libbz2", ".cpython-311"].contains(
        where: $0.contains)
    }
    #expect(opened.isEmpty, "\(opened)")
  }

  @Test("the modules the interpreter imports while it starts are stored as they are")
  func startupModulesStored() throws {
    let payload = try PayloadFile.open(try #require(PythonFixtures.stdlibApp))
    for name in ["encodings/__init__", "encodings/aliases", "encodings/utf_8"] {
      let entry = try #require(payload.entry("lib/\(name).pyc"))
      #expect(entry.compression == .stored, "\(name)")
    }
    #expect(payload.entry("lib/encodings/latin_1.pyc")?.compression == .zstdDictionary)
  }

  @Test("libcrypto (4.7 MB) travels as two zstd frames with 1 MiB windows, sqlite as one")
  func sharedObjectFrames() throws {
    let path = try #require(PythonFixtures.stdlibApp)
    let payload = try PayloadFile.open(path)
    let dir = try CLI.tempDir("frost-frames")
    defer { CLI.cleanup(dir) }
    for (name, frames) in [("native/libcrypto.so.3", 2), ("native/libsqlite3.so.0", 1)] {
      let entry = try #require(payload.entry(name))
      let file = dir + "/entry.zst"
      try Data(payload.section[Int(entry.dataOffset)..<Int(entry.dataOffset + entry.storedSize)])
        .write(to: URL(fileURLWithPath: file))
      let list = try CLI.run("/usr/bin/zstd", ["-lv", file]).stdout
      #expect(list.contains("# Zstandard Frames: \(frames)\n"), "\(name): \(list)")
      #expect(list.contains("Window Size: 1.000 MiB"), "\(name): \(list)")
    }
  }
}
