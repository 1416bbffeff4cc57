import Foundation
import Testing

/// Files for the `frost inspect` end-to-end tests: `hello` (gcc, from the source below),
/// `hello.frost` (`frost build` of a shell script) and bad inputs, built once per run.
enum InspectCLIFixtures {
  static let helloC = "#include <stdio.h>\nint main(void) { puts(\"hi\"); return 0; }\n"

  static let dir: String = {
    do {
      let dir = try CLI.tempDir("frost-inspect-cli")
      try helloC.write(toFile: dir + "/hello.c", atomically: true, encoding: .utf8)
      let gcc = try CLI.run("/usr/bin/gcc", ["-O1", "-o", dir + "/hello", dir + "/hello.c"])
      guard gcc.status == 0 else { fatalError("gcc: \(gcc.stderr)") }
      try "#!/bin/sh\necho \"hello $1\"\n".write(
        toFile: dir + "/hi.sh", atomically: true, encoding: .utf8)
      let build = try CLI.frost(["build", dir + "/hi.sh", "-o", dir + "/hi"])
      guard build.status == 0 else { fatalError("frost build: \(build.stderr)") }
      try Data("just text\n".utf8).write(to: URL(fileURLWithPath: dir + "/text"))
      try Data().write(to: URL(fileURLWithPath: dir + "/empty"))
      var elf = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/hello")))
      try Data(elf.prefix(100)).write(to: URL(fileURLWithPath: dir + "/truncated"))
      // e_shoff (offset 40, ELF64 little-endian) past the end of the file.
      let past = UInt64(elf.count) + 64
      for i in 0..<8 { elf[40 + i] = UInt8(truncatingIfNeeded: past >> (8 * i)) }
      try Data(elf).write(to: URL(fileURLWithPath: dir + "/shoff-past"))
      // An archive of an object and a text file, and a copy cut inside a member header.
      let cc = try CLI.run("/usr/bin/gcc", ["-O1", "-c", "-o", dir + "/hello.o", dir + "/hello.c"])
      guard cc.status == 0 else { fatalError("gcc: \(cc.stderr)") }
      let ar = try CLI.run("/usr/bin/ar", ["rcs", dir + "/lib.a", dir + "/hello.o", dir + "/text"])
      guard ar.status == 0 else { fatalError("ar: \(ar.stderr)") }
      let archive = try Data(contentsOf: URL(fileURLWithPath: dir + "/lib.a"))
      try archive.prefix(archive.count - 30).write(to: URL(fileURLWithPath: dir + "/cut.a"))
      return dir
    } catch {
      fatalError("cannot build inspect CLI fixtures: \(error)")
    }
  }()

  static func path(_ name: String) -> String { dir + "/" + name }
}

@Suite("frost inspect, end to end")
struct InspectCLITests {
  @Test("text output names the interpreter, the libraries and the total")
  func text() throws {
    let path = InspectCLIFixtures.path("hello")
    let r = try CLI.frost(["inspect", path])
    #expect(r.status == 0 && r.stderr.isEmpty)
    #expect(r.stdout.hasPrefix("\(path): ELF64 little-endian DYN"))
    #expect(r.stdout.contains("interpreter   /lib64/ld-linux-x86-64.so.2\n"))
    #expect(r.stdout.contains("needed        libc.so.6\n"))
    let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
    let grouped = size.formatted(.number.grouping(.automatic).locale(Locale(identifier: "en_US")))
    #expect(r.stdout.contains(grouped + "  100.0%"))
  }

  @Test("JSON: fileBytes sum to fileSize, sections carry the documented keys")
  func json() throws {
    let path = InspectCLIFixtures.path("hello")
    let r = try CLI.frost(["inspect", "--format", "json", path])
    #expect(r.status == 0)
    let object = try #require(try JSONSerialization.jsonObject(with: r.stdoutBytes) as? [String: Any])
    let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
    #expect(object["fileSize"] as? Int == size)
    let breakdown = try #require(object["breakdown"] as? [[String: Any]])
    #expect(breakdown.reduce(0) { $0 + ($1["fileBytes"] as! Int) } == size)
    let sections = try #require(object["sections"] as? [[String: Any]])
    let text = sections.first { $0["name"] as? String == ".text" }
    #expect(text?["type"] as? String == "PROGBITS" && text?["flags"] as? String == "AX")
    #expect(object["segments"] is [[String: Any]])
    #expect(object["payload"] is NSNull)
  }

  @Test("a binary from frost build: payload by kind and the overhead line, then it still runs")
  func frostBinary() throws {
    let path = InspectCLIFixtures.path("hi")
    let r = try CLI.frost(["inspect", path])
    #expect(r.status == 0)
    #expect(r.stdout.contains("Frost payload: 1 entry in .frost"))
    #expect(r.stdout.contains("interpreter stub"))
    #expect(r.stdout.contains("hi.sh"))
    #expect(r.stdout.contains("  overhead: "))
    let json = try CLI.frost(["inspect", "--format", "json", path])
    let object = try #require(try JSONSerialization.jsonObject(with: json.stdoutBytes) as? [String: Any])
    let payload = try #require(object["payload"] as? [String: Any])
    #expect(payload["entryCount"] as? Int == 1)
    let run = try CLI.run(path, ["world"])
    #expect(run.stdout == "hello world\n")
  }

  @Test("--sections, --segments and --symbols tables; CSV shows one of them")
  func tables() throws {
    let path = InspectCLIFixtures.path("hello")
    let r = try CLI.frost(["inspect", "--sections", "--segments", "--symbols", "-n", "3", path])
    #expect(r.status == 0)
    #expect(r.stdout.contains("Sections (") && r.stdout.contains("Segments ("))
    #expect(r.stdout.contains("Largest symbols (3 of"))
    let csv = try CLI.frost(["inspect", "--format", "csv", "--sections", path])
    #expect(
      csv.stdout.hasPrefix(
        "index,name,type,flags,address,offset,size,category,compression,uncompressedSize\n"))
    let both = try CLI.frost(["inspect", "--format", "csv", "--sections", "--segments", path])
    #expect(both.status == 64)
  }

  @Test("--diff shows the added .frost section and payload entry, with totals")
  func diff() throws {
    let r = try CLI.frost([
      "inspect", "--diff", "-n", "100", InspectCLIFixtures.path("hello"),
      InspectCLIFixtures.path("hi"),
    ])
    #expect(r.status == 0)
    #expect(r.stdout.contains(".frost (added)"))
    #expect(r.stdout.contains("hi.sh (added)"))
    #expect(r.stdout.contains("total (file "))
    let csv = try CLI.frost([
      "inspect", "--diff", "--format", "csv", InspectCLIFixtures.path("hi"),
      InspectCLIFixtures.path("hi"),
    ])
    #expect(csv.stdout.split(separator: "\n").count == 3)  // header + two total rows
    #expect(try CLI.frost(["inspect", "--diff", InspectCLIFixtures.path("hi")]).status == 64)
  }

  @Test(
    "bad input: one line naming the file, exit 3 for not-ELF, 4 for damaged, 1 unreadable",
    arguments: [
      ("text", Int32(3)), ("empty", 3), ("/dev/null", 3), ("/", 3), ("truncated", 4),
      ("shoff-past", 4), ("missing", 1),
    ])
  func badInput(_ name: String, _ status: Int32) throws {
    let path = name.hasPrefix("/") ? name : InspectCLIFixtures.path(name)
    for format in ["text", "json"] {
      let r = try CLI.frost(["inspect", "--format", format, path])
      #expect(r.signal == nil)
      #expect(r.status == status, "\(name): \(r.stderr)")
      #expect(r.stdout.isEmpty)
      #expect(r.stderr.hasPrefix("frost: cannot inspect '\(path)': "))
      #expect(r.stderr.filter { $0 == "\n" }.count == 1)
    }
  }
}
