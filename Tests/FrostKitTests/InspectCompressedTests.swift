import Foundation
import Testing

@testable import FrostKit

@Suite("frost inspect: compressed sections and hostile sizes")
struct InspectCompressedTests {
  /// `g++ -g -gz` (zlib `SHF_COMPRESSED` debug sections) and the same after
  /// `objcopy --decompress-debug-sections`.
  static let dir: String = {
    let dir = InspectFixtures.path("compressed")
    do {
      try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
      try "#include <vector>\nstd::vector<int> make(int n) { return std::vector<int>(n, 7); }\n"
        .write(toFile: dir + "/z.cc", atomically: true, encoding: .utf8)
      try InspectFixtures.run(["g++", "-O1", "-g", "-gz", "-c", "-o", "z.o", "z.cc"], in: dir)
      try InspectFixtures.run(["objcopy", "--decompress-debug-sections", "z.o", "plain.o"], in: dir)
    } catch {
      fatalError("cannot build compressed fixtures: \(error)")
    }
    return dir
  }()

  @Test("SHF_COMPRESSED sections show zlib and the size objcopy decompresses them to")
  func compressed() throws {
    let z = try Inspector.inspect(Self.dir + "/z.o")
    let plain = try Inspector.inspect(Self.dir + "/plain.o")
    let compressed = z.sections.filter { $0.flags.contains("C") }
    #expect(compressed.count >= 3)
    for s in compressed {
      #expect(s.compression == "zlib", "\(s.name)")
      let size = try #require(plain.sections.first { $0.name == s.name }?.size)
      #expect(s.uncompressedSize == size, "\(s.name)")
      #expect(s.size < size)
    }
    #expect(z.sections.filter { !$0.flags.contains("C") }.allSatisfy { $0.compression == nil })
    #expect(InspectRender.text(z, tables: .init(sections: true)).contains("(zlib, "))
    #expect(InspectRender.json(z).contains("\"compression\" : \"zlib\""))
  }

  @Test("an absurd declared size is reported as declared, nothing is decompressed")
  func absurdSize() throws {
    let z = try Inspector.inspect(Self.dir + "/z.o")
    let s = try #require(z.sections.first { $0.compression == "zlib" })
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.dir + "/z.o")))
    // Elf64_Chdr: ch_type (4), ch_reserved (4), ch_size (8), ch_addralign (8).
    InspectFixtures.set(&bytes, Int(s.offset) + 8, 8, UInt64.max)
    let path = Self.dir + "/absurd.o"
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    let r = try Inspector.inspect(path)
    #expect(r.sections[s.index].uncompressedSize == UInt64.max)
  }

  @Test("segments whose memory sizes add up past 2^64: damaged, not a trap")
  func memoryOverflow() throws {
    let path = try InspectFixtures.damaged("memsz-overflow") { b in
      let phoff = Int(InspectFixtures.get(b, 32, 8))
      let count = Int(InspectFixtures.get(b, 56, 2))
      for i in 0..<count where InspectFixtures.get(b, phoff + i * 56, 4) == 1 {
        InspectFixtures.set(&b, phoff + i * 56 + 40, 8, 1 << 63)  // p_memsz of each PT_LOAD
      }
    }
    #expect {
      _ = try Inspector.inspect(path)
    } throws: { error in
      guard case .damaged(let reason) = error as? ELFError else { return false }
      return reason.contains("past 2^64")
    }
  }

  @Test("2,000 random mutations of an object with compressed sections: never a trap")
  func mutations() throws {
    let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.dir + "/z.o")))
    let path = Self.dir + "/mutated.o"
    for _ in 0..<2000 {
      var bytes = original
      for _ in 0..<Int.random(in: 1...8) {
        // Mostly the headers and tables, where the sizes and offsets are.
        let i = Bool.random() ? Int.random(in: 0..<64) : Int.random(in: 0..<bytes.count)
        bytes[i] = UInt8.random(in: 0...255)
      }
      try Data(bytes).write(to: URL(fileURLWithPath: path))
      if let r = try? Inspector.inspect(path, options: InspectOptions(symbols: true, symbolLimit: 5)) {
        #expect(r.breakdown.reduce(0) { $0 + $1.fileBytes } == r.fileSize)
        _ = InspectRender.text(r, tables: .init(sections: true, segments: true, symbols: true))
      }
    }
  }
}
