import Foundation
import FrostKit
import Testing

/// The stubs check the payload index and every stored entry with their own CRC-32
/// (stubs/common/stub_crc32.c: carry-less multiplies, zlib's crc32_z below 64 bytes). It must
/// agree with zlib's, which the build writes, on both sides of the fold's 16- and 64-byte steps.
@Suite("Self-contained Python: the stub's CRC-32")
struct PythonChecksumTests {
  /// Lengths around the 16- and 64-byte steps of the fold, and two larger ones.
  static let lengths = [
    0, 1, 15, 16, 17, 63, 64, 65, 79, 80, 81, 127, 128, 129, 200, 4095, 4096, 70_013,
  ]

  /// Bytes that do not compress (so that the build stores them), the same at every run.
  static func noise(_ count: Int, seed: UInt64) -> Data {
    var state = seed
    return Data(
      (0..<count).map { _ in
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return UInt8(truncatingIfNeeded: state >> 33)
      })
  }

  static func project() throws -> String {
    let root = try PythonFixtures.project([
      "app/__init__.py": "",
      "main.py": """
      import pkgutil, sys, zlib
      import app
      for name in sys.argv[1:]:
          data = pkgutil.get_data("app", "blobs/" + name)
          print(name, len(data), zlib.crc32(data))

      """,
    ])
    try FileManager.default.createDirectory(
      atPath: root + "/app/blobs", withIntermediateDirectories: true)
    for n in lengths {
      try noise(n, seed: UInt64(n) + 1).write(
        to: URL(fileURLWithPath: root + "/app/blobs/\(n).bin"))
    }
    return root
  }

  @Test("stored entries of every length read back; a flipped byte in one is refused")
  func storedEntries() throws {
    let root = try Self.project()
    defer { CLI.cleanup(root) }
    let (bin, log) = PythonFixtures.build("checksums", [root + "/main.py"], cwd: root)
    let path = try #require(bin, "\(log)")
    let names = Self.lengths.map { "\($0).bin" }
    let payload = try PayloadFile.open(path)
    for name in names {
      #expect(payload.entry("lib/app/blobs/" + name)?.compression == .stored, "\(name)")
    }
    let frozen = try CLI.run(path, names)
    #expect(frozen.status == 0, "\(frozen.stderr)")
    // -E -s rather than -I, which would leave the script's folder (and `app`) off sys.path.
    let python = try CLI.run("/usr/bin/python3", ["-E", "-s", root + "/main.py"] + names)
    #expect(python.status == 0, "\(python.stderr)")
    #expect(frozen.stdout == python.stdout)
    #expect(frozen.stdout.split(separator: "\n").count == names.count)

    let big = Self.noise(70_013, seed: 70_014)
    let r = try PythonFixtures.runDamaged(path, stored: big, in: root, args: names) { bytes, at in
      bytes[at + 70_000] ^= 0x40
    }
    #expect(r.status == 126, "\(r.stderr)")
    #expect(r.stderr.contains("payload damaged: entry lib/app/blobs/70013.bin"), "\(r.stderr)")
    #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
  }
}
