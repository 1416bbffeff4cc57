import Foundation
import Testing

/// Frozen binaries where /proc is not mounted (a chroot, an initramfs, some sandboxes): each
/// runs in a new mount namespace with an empty tmpfs over /proc, so /proc/self/exe and
/// /proc/self/fd do not exist. The stubs then find themselves through AT_EXECFN, argv[0] and
/// PATH (stubs/common/stub_self.c).
@Suite("Frozen binaries without /proc")
struct NoProcTests {
  /// Whether this process may make a mount namespace (root, or a user namespace allowed).
  static let canHideProc: Bool = {
    guard let r = try? CLI.run("/usr/bin/unshare", ["--mount", "--fork", "/bin/sh", "-c", hide + "exit 0"])
    else { return false }
    return r.status == 0
  }()

  /// Mounts an empty tmpfs over /proc, then checks that /proc/self is gone.
  static let hide = "mount -t tmpfs none /proc && ! test -e /proc/self/exe && "

  /// Runs `command` (after `cd dir`, with `dir` first on PATH) without /proc.
  static func runWithoutProc(_ dir: String, _ command: [String]) throws -> CLI.Result {
    try CLI.run(
      "/usr/bin/unshare",
      ["--mount", "--fork", "/bin/sh", "-c", hide + "cd \"$0\" && PATH=\"$0:$PATH\" exec \"$@\"", dir]
        + command)
  }

  static let folder: String = (try? CLI.tempDir("frost-noproc")) ?? "/nonexistent"

  /// `frost build ARGS -o folder/NAME`, or the build's output when it fails.
  static func build(_ name: String, _ args: [String]) throws -> String {
    let out = folder + "/" + name
    let r = try CLI.frost(["build"] + args + ["-o", out])
    try #require(r.status == 0, "\(r.stdout)\(r.stderr)")
    return out
  }

  @Test(
    "host scripts run, started by a relative name and through PATH",
    .enabled(if: canHideProc, "needs a mount namespace (root)"))
  func hostScript() throws {
    _ = try Self.build("hello-sh", [CLI.sample("hello.sh")])
    for command in [["./hello-sh", "a", "b c"], ["hello-sh", "a", "b c"]] {
      let r = try Self.runWithoutProc(Self.folder, command)
      #expect(r.status == 0, "\(command): \(r.stderr)")
      #expect(r.stdout.hasPrefix("hello from hello-sh (pid "), "\(command): \(r.stdout)")
      #expect(r.stdout.hasSuffix("2 argument(s)\n  [a]\n  [b c]\n"), "\(command): \(r.stdout)")
    }
  }

  @Test(
    "self-contained Python (plain, --compact, packed) prints what it prints with /proc",
    .enabled(if: canHideProc, "needs a mount namespace (root)"))
  func python() throws {
    let variants: [(String, [String])] = [
      ("hello-py", ["--stdlib", "imported"]),
      ("hello-compact", ["--stdlib", "imported", "--compact"]),
      ("hello-packed", ["--pack-interpreter", "always"]),
    ]
    for (name, flags) in variants {
      let path = try Self.build(name, [CLI.sample("hello.py")] + flags)
      let expected = try CLI.run(path, ["x"])
      #expect(expected.status == 0)
      for command in [["./" + name, "x"], [name, "x"]] {
        let r = try Self.runWithoutProc(Self.folder, command)
        #expect(r.status == 0, "\(command): \(r.stderr)")
        #expect(r.stdout == expected.stdout, "\(command)")
      }
    }
  }

  @Test(
    "an extension module that cannot load without /proc says so in one line",
    .enabled(if: canHideProc, "needs a mount namespace (root)"))
  func extensionNeedsProc() throws {
    _ = try Self.build("stdlib-app", [CLI.sample("stdlib_app.py")])
    let r = try Self.runWithoutProc(Self.folder, ["./stdlib-app"])
    #expect(r.status != 0)
    #expect(r.stderr.contains(": needs /proc mounted (extensions load from memory as /proc/self/fd/N)"), "\(r.stderr)")
  }

  @Test(
    "built with --native-cache, extensions and libraries load from the cache folder without /proc",
    .enabled(if: canHideProc, "needs a mount namespace (root)"))
  func nativeCacheWithoutProc() throws {
    let path = try Self.build("stdlib-cache", [CLI.sample("stdlib_app.py"), "--native-cache"])
    let cache = try CLI.tempDir("frost-noproc-cache")
    let expected = try CLI.run(path, [], env: ["PATH": "/usr/bin:/bin"])
    #expect(expected.status == 0, "\(expected.stderr)")
    let r = try Self.runWithoutProc(Self.folder, ["env", "XDG_CACHE_HOME=" + cache, "./stdlib-cache"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout == expected.stdout)
    let files = try FileManager.default.contentsOfDirectory(atPath: cache + "/frost/native")
    #expect(files.contains { $0.hasSuffix("-_sqlite3.so") }, "\(files)")
  }
}
