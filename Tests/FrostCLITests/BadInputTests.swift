import Foundation
import FrostKit
import Testing

@Suite("frost build: bad input gets one line and no output file")
struct BadBuildInputTests {
  /// Runs `frost build` on `script` into a fresh folder; returns the result and what the
  /// output folder holds afterwards.
  func build(_ script: String, _ extra: [String] = [], out: String? = nil) throws -> (
    CLI.Result, [String]
  ) {
    let dir = try CLI.tempDir()
    defer { CLI.cleanup(dir) }
    let r = try CLI.frost(["build", script, "-o", out ?? dir + "/out"] + extra)
    return (r, try FileManager.default.contentsOfDirectory(atPath: dir))
  }

  func expectOneLine(_ r: CLI.Result, naming subject: String, _ cause: String) {
    #expect(r.status == 1)
    #expect(r.stderr.hasPrefix("frost: \(subject)"), "\(r.stderr)")
    #expect(r.stderr.contains(cause), "\(r.stderr)")
    #expect(r.stderr.split(separator: "\n").count == 1)
  }

  @Test("a missing script")
  func missing() throws {
    let (r, left) = try build("/nonexistent/x.sh")
    expectOneLine(r, naming: "/nonexistent/x.sh", "No such file or directory")
    #expect(left.isEmpty)
  }

  @Test("a missing Python script named by a relative path: one line, no endless search for pyproject.toml")
  func missingRelativePython() throws {
    let dir = try CLI.tempDir()
    defer { CLI.cleanup(dir) }
    try FileManager.default.createDirectory(atPath: dir + "/a/b", withIntermediateDirectories: true)
    for script in ["../../nope/x.py", "x.py", "nope/x.py"] {
      // Under timeout(1): the search for pyproject.toml used to climb "." forever.
      let r = try CLI.run(
        "/usr/bin/timeout", ["60", CLI.frost, "build", script, "-o", "out"], cwd: dir + "/a/b")
      #expect(r.status == 1, "\(script): \(r.status) \(r.stderr)")
      expectOneLine(r, naming: script, "no such file or directory")
      #expect(!FileManager.default.fileExists(atPath: dir + "/a/b/out"))
    }
  }

  @Test("an empty script")
  func empty() throws {
    let dir = try CLI.tempDir()
    defer { CLI.cleanup(dir) }
    _ = FileManager.default.createFile(atPath: dir + "/e.sh", contents: Data())
    let (r, left) = try build(dir + "/e.sh")
    expectOneLine(r, naming: dir + "/e.sh", "script is empty")
    #expect(left.isEmpty)
  }

  @Test("an unknown interpreter, from the shebang or --interpreter")
  func unknownInterpreter() throws {
    let dir = try CLI.tempDir()
    defer { CLI.cleanup(dir) }
    try "#!/usr/bin/env frost-no-such-shell\necho\n".write(
      toFile: dir + "/s", atomically: true, encoding: .utf8)
    expectOneLine(try build(dir + "/s").0, naming: dir + "/s", "interpreter 'frost-no-such-shell' not found")
    expectOneLine(
      try build(dir + "/s", ["--interpreter", "/opt/none/sh"]).0, naming: dir + "/s",
      "interpreter '/opt/none/sh' not found")
    try "echo no shebang\n".write(toFile: dir + "/n", atomically: true, encoding: .utf8)
    expectOneLine(try build(dir + "/n").0, naming: dir + "/n", "no #! line")
  }

  @Test("an output that is a directory, or the input itself; the input is untouched")
  func badOutput() throws {
    let dir = try CLI.tempDir()
    defer { CLI.cleanup(dir) }
    let script = dir + "/s.sh"
    try "#!/bin/sh\necho\n".write(toFile: script, atomically: true, encoding: .utf8)
    expectOneLine(try build(script, out: dir).0, naming: dir, "is a directory")
    expectOneLine(try build(script, out: script).0, naming: script, "would overwrite an input")
    #expect(try String(contentsOfFile: script, encoding: .utf8) == "#!/bin/sh\necho\n")
  }

  @Test("an unreadable script (checked as an unprivileged user)")
  func unreadable() throws {
    let dir = try CLI.tempDir()
    defer { CLI.cleanup(dir) }
    try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: dir)
    try "#!/bin/sh\n".write(toFile: dir + "/s", atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: dir + "/s")
    let r = try CLI.run(
      "/usr/bin/setpriv",
      ["--reuid=65534", "--regid=65534", "--clear-groups", CLI.frost, "build", dir + "/s", "-o", dir + "/o"])
    expectOneLine(r, naming: dir + "/s", "Permission denied")
    #expect(!FileManager.default.fileExists(atPath: dir + "/o"))
  }

  @Test("a full disk leaves no partial file")
  func fullDisk() throws {
    let dir = try CLI.tempDir()
    defer {
      _ = try? CLI.run("/bin/umount", [dir])
      CLI.cleanup(dir)
    }
    let mount = try CLI.run("/bin/mount", ["-t", "tmpfs", "-o", "size=32k", "tmpfs", dir])
    try #require(mount.status == 0, "mounting a tmpfs needs root: \(mount.stderr)")
    let r = try CLI.frost(["build", CLI.sample("hello.sh"), "-o", dir + "/hello"])
    expectOneLine(r, naming: dir + "/hello", "No space left on device")
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
  }
}

@Suite("A damaged Frost binary says so and exits 126")
struct DamagedBinaryTests {
  enum Damage: String, CaseIterable {
    case flippedPayloadByte, flippedIndexByte, sectionTableCut, truncated
  }

  @Test("one clear line, status 126, never a crash", arguments: Damage.allCases)
  func damaged(_ damage: Damage) throws {
    let f = try Frozen("#!/bin/sh\necho fine; echo padding padding padding padding\n")
    defer { CLI.cleanup(f.dir) }
    var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: f.binary)))
    let section = try #require(
      try ELFFile(path: f.binary).sections().first { $0.name == ".frost" })
    let entries = try PayloadFile.open(f.binary).entries
    let shoff = Int(bytes[40..<48].reversed().reduce(0) { $0 << 8 | UInt64($1) })
    switch damage {
    case .flippedPayloadByte: bytes[Int(section.offset + entries[0].dataOffset) + 3] ^= 0x10
    case .flippedIndexByte: bytes[Int(section.offset) + 64 + 8] ^= 0x01
    case .sectionTableCut: bytes.removeSubrange(shoff...)
    case .truncated: bytes.removeSubrange((Int(section.offset) + 100)...)
    }
    try Data(bytes).write(to: URL(fileURLWithPath: f.binary))
    let r = try f.run()
    #expect(r.status == 126)
    #expect(r.signal == nil)
    #expect(r.stdout.isEmpty)
    #expect(r.stderr.hasPrefix("prog: payload damaged: "), "\(r.stderr)")
    #expect(r.stderr.split(separator: "\n").count == 1)
  }
}

@Suite("frost ls, extract and verify")
struct ReadBackTests {
  @Test("ls lists entries with sizes and ratio; json has the manifest")
  func ls() throws {
    let f = try Frozen("#!/bin/sh\necho hi\n", flags: ["--arg", "-e"])
    defer { CLI.cleanup(f.dir) }
    let text = try CLI.frost(["ls", f.binary])
    #expect(text.status == 0)
    #expect(
      text.stdout == """
        PATH       KIND     MODE  RAW  STORED   RATIO
        prog.sh    program  755    18      18  100.0%
        total (1)                  18      18  100.0%

        """)
    let json = try CLI.frost(["ls", f.binary, "--format", "json"])
    let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
    let manifest = try #require(object?["manifest"] as? [[String: String]])
    #expect(manifest.contains { $0["key"] == "arg" && $0["value"] == "-e" })
    #expect(manifest.contains { $0["key"] == "interpreter" && $0["value"] == "/bin/sh" })
  }

  @Test("extract writes the entries with their modes; verify passes")
  func extract() throws {
    let f = try Frozen("#!/bin/sh\necho hi\n")
    defer { CLI.cleanup(f.dir) }
    #expect(try CLI.frost(["extract", f.binary, f.dir + "/x"]).status == 0)
    #expect(try String(contentsOfFile: f.dir + "/x/prog.sh", encoding: .utf8) == "#!/bin/sh\necho hi\n")
    let mode = try FileManager.default.attributesOfItem(atPath: f.dir + "/x/prog.sh")[.posixPermissions]
    #expect(mode as? Int == 0o755)
    let v = try CLI.frost(["verify", f.binary])
    #expect(v.status == 0 && v.stdout == "frost: \(f.binary): ok (1 entry, CRC-32 and SHA-256 checked)\n")
  }

  @Test("verify names the first bad entry")
  func verifyDamaged() throws {
    let f = try Frozen("#!/bin/sh\necho hi\n")
    defer { CLI.cleanup(f.dir) }
    var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: f.binary)))
    let section = try #require(try ELFFile(path: f.binary).sections().first { $0.name == ".frost" })
    let entry = try PayloadFile.open(f.binary).entries[0]
    bytes[Int(section.offset + entry.dataOffset)] ^= 1
    try Data(bytes).write(to: URL(fileURLWithPath: f.binary))
    let v = try CLI.frost(["verify", f.binary])
    #expect(v.status == 1)
    #expect(v.stderr.hasPrefix("frost: \(f.binary): payload damaged: entry 'prog.sh'"))
  }

  @Test("extract refuses '..', absolute paths and symlinks in the way", arguments: ["../evil", "/tmp/ev"])
  func extractRefuses(path: String) throws {
    let f = try Frozen("#!/bin/sh\necho hi\n", name: String(repeating: "p", count: path.utf8.count))
    defer { CLI.cleanup(f.dir) }
    try rename(f.binary, entry: String(repeating: "p", count: path.utf8.count), to: path)
    let r = try CLI.frost(["extract", f.binary, f.dir + "/x"])
    #expect(r.status == 1 && r.stderr.contains("unsafe entry path '\(path)'"))
    #expect(!FileManager.default.fileExists(atPath: f.dir + "/evil"))
    #expect(!FileManager.default.fileExists(atPath: "/tmp/ev"))
  }

  @Test("extract does not follow a symlink planted in the target folder")
  func extractSymlink() throws {
    let f = try Frozen("#!/bin/sh\necho hi\n")
    defer { CLI.cleanup(f.dir) }
    try FileManager.default.createDirectory(atPath: f.dir + "/x", withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(atPath: f.dir + "/x/prog.sh", withDestinationPath: f.dir + "/victim")
    let r = try CLI.frost(["extract", f.binary, f.dir + "/x"])
    #expect(r.status == 1 && r.stderr.contains("is a symbolic link (refused)"))
    #expect(!FileManager.default.fileExists(atPath: f.dir + "/victim"))
  }

  /// Renames entry `from` to `to` (same length) inside the binary, in the names and in the
  /// manifest's `entry`, and fixes the index CRC.
  func rename(_ binary: String, entry from: String, to: String) throws {
    var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: binary)))
    let section = try #require(try ELFFile(path: binary).sections().first { $0.name == ".frost" })
    var payload = Array(bytes[Int(section.offset)..<Int(section.offset + section.size)])
    let u64 = { (o: Int) in payload[o..<o + 8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
    let (indexOffset, namesOffset, manifestOffset) = (Int(u64(16)), Int(u64(32)), Int(u64(48)))
    let manifestSize = Int(payload[56]) | Int(payload[57]) << 8
    for key in [[UInt8](), Array("entry".utf8) + [0]] {
      let names = Array(payload[namesOffset..<manifestOffset + manifestSize])
      let at = try #require(names.firstRange(of: key + Array(from.utf8)))
      let start = namesOffset + at.lowerBound + key.count
      payload.replaceSubrange(start..<start + from.utf8.count, with: Array(to.utf8))
    }
    let crc = Zlib.crc32(Array(payload[indexOffset..<manifestOffset + manifestSize]))
    for i in 0..<4 { payload[60 + i] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(i))) }
    bytes.replaceSubrange(Int(section.offset)..<Int(section.offset + section.size), with: payload)
    try Data(bytes).write(to: URL(fileURLWithPath: binary))
  }
}
