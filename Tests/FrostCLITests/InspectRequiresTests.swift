import Foundation
import Testing

/// `frost inspect`'s glibc line and `--requires`: the symbol versions a file needs
/// (`SHT_GNU_verneed` and `SHT_GNU_versym`), on programs compiled here against Debian 12's
/// glibc 2.36, where `hypot` is `GLIBC_2.35` and `__libc_start_main` `GLIBC_2.34`.
@Suite("frost inspect: required symbol versions")
struct InspectRequiresTests {
  /// `source` compiled with gcc (and `flags`) into a new folder.
  static func compile(_ source: String, _ flags: [String] = []) throws -> String {
    let dir = try CLI.tempDir("frost-requires")
    try source.write(toFile: dir + "/p.c", atomically: true, encoding: .utf8)
    let r = try CLI.run("/usr/bin/gcc", ["-O1", "-o", dir + "/p", dir + "/p.c"] + flags)
    try #require(r.status == 0, "\(r.stderr)")
    return dir + "/p"
  }

  @Test("the newest GLIBC version and the symbols that need it, in the default view")
  func glibcLine() throws {
    let hypot = try Self.compile(
      "#include <math.h>\nint main(int c, char **v) { (void)v; return (int)hypot(3.0, 4.0 + c); }\n",
      ["-lm"])
    let r = try CLI.frost(["inspect", hypot])
    #expect(r.status == 0)
    #expect(r.stdout.contains("\n  glibc         GLIBC_2.35 or newer (1 symbol needs it: hypot)\n"), "\(r.stdout)")
    let hello = try Self.compile("#include <stdio.h>\nint main(void) { puts(\"hi\"); return 0; }\n")
    let h = try CLI.frost(["inspect", hello])
    #expect(h.stdout.contains("\n  glibc         GLIBC_2.34 or newer (1 symbol needs it: __libc_start_main)\n"), "\(h.stdout)")
    // An object file needs nothing.
    let dir = try CLI.tempDir("frost-requires")
    try "int f(void) { return 1; }\n".write(toFile: dir + "/o.c", atomically: true, encoding: .utf8)
    _ = try CLI.run("/usr/bin/gcc", ["-c", "-o", dir + "/o.o", dir + "/o.c"])
    #expect(try CLI.frost(["inspect", dir + "/o.o"]).stdout.contains("\n  glibc         -\n"))
  }

  @Test("--requires lists every library and version with its symbols; JSON has them all")
  func requiresTable() throws {
    let hypot = try Self.compile(
      "#include <math.h>\n#include <stdio.h>\nint main(int c, char **v) { (void)v; printf(\"%f\\n\", hypot(3.0, 4.0 + c)); return 0; }\n",
      ["-lm"])
    for env in [["FROST_NO_FAST_PATH": "1"], [:]] {
      let r = try CLI.frost(["inspect", "--requires", hypot], env: ProcessInfo.processInfo.environment.merging(env) { $1 })
      #expect(r.status == 0, "\(r.stderr)")
      let lines = r.stdout.split(separator: "\n").map(String.init)
      let table = try #require(lines.firstIndex { $0.hasPrefix("Version requirements (") }, "\(r.stdout)")
      let rows = lines[(table + 2)...].map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
      #expect(rows.contains { $0.starts(with: ["libm.so.6", "GLIBC_2.35", "1", "hypot"]) }, "\(rows)")
      #expect(rows.contains { $0.starts(with: ["libc.so.6", "GLIBC_2.34", "1", "__libc_start_main"]) }, "\(rows)")
      #expect(rows.contains { $0.first == "libc.so.6" && $0.contains { $0.hasPrefix("printf") } }, "\(rows)")
    }
    let json = try CLI.frost(["inspect", "--format", "json", hypot]).stdoutBytes
    let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
    let needs = try #require(object["versionNeeds"] as? [[String: Any]])
    let hypotNeed = needs.first { $0["version"] as? String == "GLIBC_2.35" }
    #expect(hypotNeed?["file"] as? String == "libm.so.6")
    #expect(hypotNeed?["symbols"] as? [String] == ["hypot"])
  }
}

@Suite("frost inspect: the glibc a Frost binary's payload needs")
struct InspectPayloadGLIBCTests {
  @Test("the whole standard library's extensions and libraries: the payload line says GLIBC_2.28 (the floor)")
  func payloadLine() throws {
    let dir = try CLI.tempDir("frost-requires")
    let hello = dir + "/hello"
    let b = try CLI.frost(["build", CLI.sample("hello.py"), "-o", hello])
    try #require(b.status == 0, "\(b.stderr)")
    let r = try CLI.frost(["inspect", hello])
    let line = r.stdout.split(separator: "\n").first { $0.hasPrefix("  payload glibc ") } ?? ""
    // The build machine's libraries ask for newer versions; the build rebinds them
    // (docs/GLIBC.md), so what remains is the floor's.
    #expect(line.hasPrefix("  payload glibc GLIBC_2.28 or newer ("), "\(r.stdout)")
    #expect(r.stdout.contains(" glibc=2.28"), "\(r.stdout)")
    let json = try #require(
      try JSONSerialization.jsonObject(with: CLI.frost(["inspect", "--format", "json", hello]).stdoutBytes)
        as? [String: Any])
    let payload = try #require(json["payloadGlibc"] as? [String: Any])
    #expect(payload["version"] as? String == "GLIBC_2.28")
    // A host script's payload holds no ELF file: no payload line, null in JSON.
    let sh = dir + "/hello-sh"
    _ = try CLI.frost(["build", CLI.sample("hello.sh"), "-o", sh])
    #expect(!(try CLI.frost(["inspect", sh]).stdout.contains("payload glibc")))
  }
}
