import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Where `make dist` leaves the tarball.
enum DistTarball {
  /// The newest frost-*-linux-x86_64.tar.gz in .build-dist, or nil.
  static let path: String? = {
    let dir = CLI.repoRoot.appendingPathComponent(".build-dist").path
    let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
    return names.filter { $0.hasPrefix("frost-") && $0.hasSuffix("-linux-x86_64.tar.gz") }.sorted()
      .last.map { dir + "/" + $0 }
  }()
}

/// The release tarball of `make dist` (scripts/make-dist.sh), unpacked in a Debian bookworm
/// root that has Debian's python3 but no Swift and no C compiler (the root of
/// scripts/systemd-root.sh, run with systemd-nspawn without booting it, over a throw-away
/// overlay): it freezes hello.sh and the stdlib sample there, and they run; the sample prints
/// what python3 prints there. `make test` builds the tarball first.
@Suite(
  "The release tarball on a machine without Swift", .serialized,
  .enabled(if: DistTarball.path != nil, "no tarball: run `make dist` first"),
  .enabled(if: BootedSystemd.available, "needs root, systemd-nspawn and debootstrap (make deps)"))
struct DistTests {
  static var tarball: String? { DistTarball.path }

  /// Runs `script` with /bin/sh in the root (not booted), `folder` bound read-only at /dist.
  static func inRoot(_ folder: String, _ script: String) throws -> CLI.Result {
    let root = try #require(BootedSystemd.root.path)
    let name = "frost-dist-\(getpid())"
    defer { BootedSystemd.cleanUp(name) }
    let run = BootedSystemd.nspawnScript("--pipe")
    return try ServiceSupport.runBounded(
      "/bin/sh", ["-c", run, name, root, "--bind-ro=\(folder):/dist", "/bin/sh", "-c", script],
      timeout: 300)
  }

  @Test("unpacked under /opt, frost freezes hello.sh and the stdlib sample, and they run")
  func unpackAndFreeze() throws {
    let tarball = try #require(Self.tarball)
    let folder = try CLI.tempDir("frost-dist")
    for file in [tarball, CLI.sample("hello.sh"), CLI.sample("stdlib_app.py")] {
      try FileManager.default.copyItem(
        atPath: file, toPath: folder + "/" + (file as NSString).lastPathComponent)
    }
    let name = (tarball as NSString).lastPathComponent.replacingOccurrences(of: ".tar.gz", with: "")
    let r = try Self.inRoot(
      folder,
      """
      set -e
      for tool in swift swiftc cc gcc clang; do ! command -v $tool >/dev/null; done
      test -x /usr/bin/python3
      tar -C /opt -xzf /dist/\(name).tar.gz
      F=/opt/\(name)/bin/frost
      cd /tmp
      $F build /dist/hello.sh -o hello >/dev/null 2>&1
      ./hello one "two words"
      echo ---
      $F build /dist/stdlib_app.py -o app >/dev/null 2>&1
      ./app
      echo ---
      python3 /dist/stdlib_app.py
      test -s /opt/\(name)/share/man/man1/frost.1
      test -s /opt/\(name)/share/bash-completion/completions/frost
      """)
    #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
    let parts = r.stdout.components(separatedBy: "---\n")
    try #require(parts.count == 3, "\(r.stdout)\(r.stderr)")
    #expect(parts[0].hasPrefix("hello from hello (pid "))
    #expect(parts[0].hasSuffix("2 argument(s)\n  [one]\n  [two words]\n"), "\(parts[0])")
    // Frozen there, the stdlib sample prints what that machine's python3 prints for it (its
    // own OpenSSL and SQLite: the build bundles the libraries of the Python it is given).
    #expect(!parts[1].isEmpty && parts[1] == parts[2], "frozen:\n\(parts[1])python3:\n\(parts[2])")
  }

  @Test("every file of the tarball is owned by 0/0, and frost in it needs no shared library")
  func reproducibleAndStatic() throws {
    let tarball = try #require(Self.tarball)
    let list = try CLI.run("/bin/tar", ["-tzvf", tarball]).stdout
    #expect(list.contains("/bin/frost\n"))
    #expect(list.contains("/libexec/frost/frost-stub-python\n"))
    #expect(list.contains("/share/man/man1/frost.1\n"))
    #expect(list.contains("/share/zsh/site-functions/_frost\n"))
    #expect(list.contains("/share/fish/vendor_completions.d/frost.fish\n"))
    #expect(list.split(separator: "\n").allSatisfy { $0.contains(" 0/0 ") }, "every file owned by 0/0")
    let folder = try CLI.tempDir("frost-dist")
    _ = try CLI.run("/bin/tar", ["-C", folder, "-xzf", tarball])
    let name = (tarball as NSString).lastPathComponent.replacingOccurrences(of: ".tar.gz", with: "")
    let file = try CLI.run("/usr/bin/readelf", ["-d", folder + "/" + name + "/bin/frost"])
    #expect(file.stdout.contains("There is no dynamic section"), "\(file.stdout)")
  }

  @Test(
    "unpacked here, frost embeds another CPython: it links that stub from the installed kit",
    .enabled(if: PythonVersions.enabled("3.12"), PythonVersions.absent("3.12")))
  func linksFromInstalledKit() throws {
    let tarball = try #require(Self.tarball)
    let python = try #require(PythonVersions.interpreter("3.12"))
    let folder = try CLI.tempDir("frost-dist")
    defer { CLI.cleanup(folder) }
    _ = try CLI.run("/bin/tar", ["-C", folder, "-xzf", tarball])
    let name = (tarball as NSString).lastPathComponent.replacingOccurrences(of: ".tar.gz", with: "")
    try "import sys\nprint(sys.version_info[:2])\n".write(
      toFile: folder + "/v.py", atomically: true, encoding: .utf8)
    var env = ProcessInfo.processInfo.environment
    env["FROST_CACHE_DIR"] = folder + "/cache"
    let r = try CLI.run(
      folder + "/" + name + "/bin/frost",
      ["build", folder + "/v.py", "-o", folder + "/v", "--python", python], env: env)
    #expect(r.status == 0 && r.stderr.contains("linking the interpreter stub"), "\(r.stderr)")
    #expect(try CLI.run(folder + "/v").stdout == "(3, 12)\n")
  }
}
