import Foundation
import Testing

@Suite("frost inspect on archives and symbols, end to end")
struct InspectArchiveCLITests {
  @Test("an archive in text, JSON and CSV")
  func archive() throws {
    let path = InspectCLIFixtures.path("lib.a")
    let text = try CLI.frost(["inspect", path])
    #expect(text.status == 0 && text.stderr.isEmpty)
    #expect(text.stdout.hasPrefix("\(path): ar archive, 2 members (1 ELF, 1 other)"))
    #expect(text.stdout.contains("  \(path)(hello.o): ELF64 little-endian REL"))
    #expect(text.stdout.contains("\(path)(text): not an ELF file (no ELF magic)"))
    let json = try CLI.frost(["inspect", "--format", "json", path])
    let object = try #require(try JSONSerialization.jsonObject(with: json.stdoutBytes) as? [String: Any])
    #expect(object["format"] as? String == "ar")
    let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
    let regions = try #require(object["regions"] as? [[String: Any]])
    #expect(regions.reduce(0) { $0 + ($1["fileBytes"] as! Int) } == size)
    let members = try #require(object["members"] as? [[String: Any]])
    #expect(members.map { $0["content"] as? String } == ["elf", "other"])
    #expect((members[0]["report"] as? [String: Any])?["fileSize"] is Int)
    #expect(members[1]["report"] is NSNull)
    let csv = try CLI.frost(["inspect", "--format", "csv", "--sections", path])
    #expect(csv.stdout.hasPrefix("member,index,name,type,flags,address,offset,size,category,"))
    #expect(csv.stdout.contains("\nhello.o,1,.text,PROGBITS,AX,"))
  }

  @Test("a damaged archive exits 4, --diff with an archive exits 1")
  func errors() throws {
    let cut = try CLI.frost(["inspect", InspectCLIFixtures.path("cut.a")])
    #expect(cut.status == 4 && cut.stdout.isEmpty)
    #expect(cut.stderr.hasPrefix("frost: cannot inspect '\(InspectCLIFixtures.path("cut.a"))': damaged ar archive: "))
    let diff = try CLI.frost(["inspect", "--diff", InspectCLIFixtures.path("lib.a"), InspectCLIFixtures.path("hello")])
    #expect(diff.status == 1 && diff.stderr.contains("this is an ar archive"))
  }

  @Test("symbols are demangled unless --no-demangle")
  func demangle() throws {
    let dir = InspectCLIFixtures.dir
    try "namespace n { int twice(int x) { return 2 * x; } }\n"
      .write(toFile: dir + "/t.cc", atomically: true, encoding: .utf8)
    let gxx = try CLI.run("/usr/bin/g++", ["-c", "-o", dir + "/t.o", dir + "/t.cc"])
    #expect(gxx.status == 0)
    let on = try CLI.frost(["inspect", "--symbols", dir + "/t.o"])
    #expect(on.stdout.contains(" n::twice(int)\n"))
    let off = try CLI.frost(["inspect", "--symbols", "--no-demangle", dir + "/t.o"])
    #expect(off.stdout.contains(" _ZN1n5twiceEi\n"))
  }
}
