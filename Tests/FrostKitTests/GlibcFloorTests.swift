import Foundation
import Testing

@testable import FrostKit

/// GlibcFloor on a shared object that cc links here against the build machine's glibc: it asks
/// for stat@GLIBC_2.33, pthread_create@GLIBC_2.34 and arc4random_buf@GLIBC_2.36.
@Suite("glibc floor: rebinding a library's newer symbol versions")
struct GlibcFloorUnitTests {
  static let library: [UInt8]? = {
    let dir = NSTemporaryDirectory() + "frost-floor-unit-\(getpid())"
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let source = """
      #include <pthread.h>
      #include <stdlib.h>
      #include <sys/stat.h>
      static void *run(void *p) { return p; }
      int probe(const char *path) {
          struct stat st;
          pthread_t t;
          unsigned char b[4];
          arc4random_buf(b, sizeof b);
          if (pthread_create(&t, NULL, run, NULL) == 0) pthread_join(t, NULL);
          return stat(path, &st);
      }
      """
    guard (try? source.write(toFile: dir + "/p.c", atomically: true, encoding: .utf8)) != nil else {
      return nil
    }
    let cc = Process()
    cc.executableURL = URL(fileURLWithPath: "/usr/bin/cc")
    cc.arguments = ["-shared", "-fPIC", "-O1", "-o", dir + "/libp.so", dir + "/p.c"]
    guard (try? cc.run()) != nil else { return nil }
    cc.waitUntilExit()
    return cc.terminationStatus == 0 ? try? FileIO.read(dir + "/libp.so") : nil
  }()

  static func floor(_ version: [Int] = GlibcFloor.linked, exported: Set<String>) -> GlibcFloor {
    GlibcFloor(
      version: version, defined: ["pthread_create": "libpthread.so.0", "pthread_join": "libpthread.so.0"],
      exported: exported)
  }

  static func newest(_ bytes: [UInt8]) throws -> [Int]? {
    ELFVersionNeed.newestGLIBC(try ELFFile(memory: bytes).versionNeeds())?.numbers
  }

  @Test("--glibc values: two or three numbers")
  func parse() {
    #expect(GlibcFloor.parse("2.28") == [2, 28])
    #expect(GlibcFloor.parse("2.17.1") == [2, 17, 1])
    for bad in ["2", "2.x", "", "2..28", "1234.1", "2.28.1.1", " 2.28", "٢.٢٨"] {
      #expect(GlibcFloor.parse(bad) == nil, "\(bad)")
    }
  }

  @Test("references newer than the floor become unversioned, their versions weak; it still loads")
  func rebinds() throws {
    var bytes = try #require(Self.library, "cc could not link the test library")
    #expect(try Self.newest(bytes) == [2, 36])
    let rebound = try Self.floor(exported: ["stat", "arc4random_buf"]).rebind(&bytes, name: "libp.so")
    #expect(rebound >= 3)  // stat, pthread_create, arc4random_buf (pthread_join too on 2.34+)
    let needs = try ELFFile(memory: bytes).versionNeeds()
    #expect(try Self.newest(bytes).map { !GlibcFloor.linked.lexicographicallyPrecedes($0) } == true)
    for need in needs where need.version == "GLIBC_2.36" || need.version == "GLIBC_2.33" {
      #expect(need.weak && need.symbolCount == 0, "\(need)")
    }
    // The rebound library loads and binds here (to the running glibc's default versions).
    let path = NSTemporaryDirectory() + "frost-floor-rebound-\(getpid()).so"
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let handle = try #require(dlopen(path, RTLD_NOW | RTLD_LOCAL), "\(String(cString: dlerror()))")
    typealias Probe = @convention(c) (UnsafePointer<CChar>) -> Int32
    let probe = unsafeBitCast(try #require(dlsym(handle, "probe")), to: Probe.self)
    #expect(probe("/") == 0)
    dlclose(handle)
  }

  @Test("a symbol that the floor lacks and the stub does not export is refused, naming it")
  func refuses() throws {
    var bytes = try #require(Self.library, "cc could not link the test library")
    let before = bytes
    #expect(throws: GlibcFloorError.tooNew(file: "lib/libp.so", symbol: "arc4random_buf", version: "GLIBC_2.36", floor: "2.28")) {
      try Self.floor(exported: ["stat"]).rebind(&bytes, name: "lib/libp.so")
    }
    #expect(bytes == before)
    // With the floor raised to 2.36 nothing needs rebinding.
    #expect(try Self.floor([2, 36], exported: []).rebind(&bytes, name: "lib/libp.so") == 0)
    #expect(bytes == before)
  }

  @Test("a memory image's version needs are read through its dynamic segment")
  func image() throws {
    // The image as pack.c lays it out: each PT_LOAD's file bytes at p_vaddr - L.
    let bytes = try #require(Self.library, "cc could not link the test library")
    let file = try ELFFile(memory: bytes)
    let loads = file.segments.filter { $0.type == 1 }
    let base = try #require(loads.map { $0.virtualAddress - $0.offset }.min())
    var image = [UInt8](repeating: 0, count: Int(loads.map { $0.virtualAddress + $0.fileSize }.max()! - base))
    for s in loads {
      let at = Int(s.virtualAddress - base)
      image[at..<at + Int(s.fileSize)] = bytes[Int(s.offset)..<Int(s.offset + s.fileSize)]
    }
    let needs = try #require(ELFBytes.imageVersionNeeds(image))
    let fromSections = try ELFFile(memory: bytes).versionNeeds()
    #expect(needs.map(\.version) == fromSections.map(\.version))
    #expect(needs.map(\.file) == fromSections.map(\.file))
    #expect(ELFBytes.imageVersionNeeds(Array(bytes.prefix(40))) == nil)
  }

  @Test("truncated and mutated files are refused or left alone, never a trap")
  func hostile() throws {
    let original = try #require(Self.library, "cc could not link the test library")
    let floor = Self.floor(exported: ["stat", "arc4random_buf"])
    var generator = SystemRandomNumberGenerator()
    for i in 0..<3000 {
      var bytes = original
      if i < 200 {
        bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &generator)))
      } else {
        for _ in 0..<Int.random(in: 1...8, using: &generator) {
          let at = Int.random(in: 0..<bytes.count, using: &generator)
          bytes[at] = UInt8.random(in: 0...255, using: &generator)
        }
      }
      _ = ELFBytes.imageVersionNeeds(bytes)
      _ = try? floor.rebind(&bytes, name: "m.so")
    }
  }
}
