import Foundation
import FrostKit
import Testing

/// Mutations of real files fed to the Swift readers: `ELFFile`, `ELFArchive`, `Inspector` and
/// `PayloadFile`/`PayloadReader`. Each input must give a result or a documented error
/// (`ELFError`, `PayloadError`), never a trap: a trap ends this test process, which fails the
/// run. The mutations know the formats (ELF header, section and program headers, section
/// contents, the `.frost` header and index with the index CRC-32 recomputed, ar member
/// headers) and write boundary values (0, 1, the maximum, 2^31, 2^32, 2^63, the file size,
/// neighbours of the real value). Deterministic: a fixed seed per fixture, a fixed count.
///
/// `FROST_FUZZ_VERBOSE=1` prints what the readers ended with, per fixture; a trap names no
/// input, so `FROST_FUZZ_VERBOSE=2 swift test --filter ReaderFuzzTests` also prints each one
/// (fixture and iteration) before it runs; it is `fuzz-current-FIXTURE` in the fixture folder.
@Suite("Mutated ELF files, archives and payloads give a result or a documented error")
struct ReaderFuzzTests {
  @Test("no mutation of a real file traps a reader", arguments: ReaderFuzzFixtures.all)
  func mutations(_ fixture: String) throws {
    guard let original = try ReaderFuzzFixtures.bytes(fixture) else { return }
    let out = ReaderFuzzFixtures.dir + "/fuzz-current-" + fixture
    let verbose = Int(ProcessInfo.processInfo.environment["FROST_FUZZ_VERBOSE"] ?? "") ?? 0
    var rng = SplitMix64(seed: fnv1a(fixture))
    var outcomes = [String: Int]()
    for i in 0..<ReaderFuzzFixtures.iterations(original.count) {
      var bytes = original
      // One to three mutations on top of each other: the second often gets past the check
      // the first one trips.
      for _ in 0...rng.below(3) { FieldMutator.mutate(&bytes, &rng) }
      try Data(bytes).write(to: URL(fileURLWithPath: out))
      if verbose >= 2 { print("reader fuzz: \(fixture) #\(i): \(bytes.count) bytes") }
      for outcome in Self.exercise(out) { outcomes[outcome, default: 0] += 1 }
    }
    try? FileManager.default.removeItem(atPath: out)
    if verbose >= 1 {
      print(
        "reader fuzz: \(fixture): \(ReaderFuzzFixtures.iterations(original.count)) inputs: \(outcomes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))"
      )
    }
    // The mutations must reach past the first checks, or the test tests little.
    #expect(outcomes.count > 2, "\(fixture): only \(outcomes)")
  }

  /// Every reader on the file at `path`; what each ended with ("ok", or the error case).
  static func exercise(_ path: String) -> [String] {
    var seen: [String] = []
    // The error's case: the label of its payload, else its description.
    func name(_ e: some Error & CustomStringConvertible) -> String {
      "\(type(of: e))." + (Mirror(reflecting: e).children.first?.label ?? e.description)
    }
    func note(_ error: any Error) {
      switch error {
      case let e as ELFError:
        #expect(!e.description.isEmpty)
        seen.append(name(e))
      case let e as PayloadError:
        #expect(!e.description.isEmpty)
        seen.append(name(e))
      default:
        Issue.record("\(path): undocumented error \(type(of: error)): \(error)")
      }
    }
    if ELFArchive.isArchive(path: path) {
      do {
        let archive = try ELFArchive(path: path)
        for member in archive.members.prefix(8) {
          do {
            let file = try archive.open(member)
            _ = try file.sections()
            _ = try file.dynamicInfo()
            _ = try file.buildID()
            seen.append("member ok")
          } catch { note(error) }
        }
        seen.append("archive ok")
      } catch { note(error) }
    }
    do {
      let file = try ELFFile(path: path)
      _ = try file.interpreter()
      _ = try file.dynamicInfo()
      _ = try file.buildID()
      if let table = file.symbolTable() { _ = try file.largestSymbols(in: table, limit: 5) }
      seen.append("elf ok")
    } catch { note(error) }
    do {
      _ = try Inspector.inspect(path, options: InspectOptions(symbols: true, symbolLimit: 5))
      seen.append("inspect ok")
    } catch { note(error) }
    do {
      let reader = try PayloadFile.open(path)
      seen.append("payload ok")
      // Entries are read only up to 16 MiB raw: the format allows 4096 raw bytes per stored
      // byte, and what is tested is that the checks hold, not that 4 GB fit in memory.
      for entry in reader.entries where entry.rawSize <= 16 << 20 {
        do {
          _ = try reader.read(entry, checkDigest: true)
          seen.append("entry ok")
        } catch { note(error) }
      }
    } catch { note(error) }
    return seen
  }
}

/// The real files that are mutated, built once per test run into a temporary folder.
///
/// - `hello-sh`, `hello-py`, `hello-compact`: `frost build` of samples/hello.sh, of
///   samples/hello.py with `--stdlib imported`, and with `--compact --stdlib imported`, by the
///   `frost` next to this test bundle (where `make` puts it); without it, samples/hello.sh
///   and samples/hello.py appended to /bin/true by PayloadWriter and SectionAppender.
/// - `true`: /bin/true. `core`: a core file of `sleep` (gcore; else SIGABRT with `ulimit -c`;
///   skipped with a printed reason when neither makes one).
/// - `be64.o`, `be32.o`: big-endian objects (`objcopy -O elf64-big`, `elf32-big`);
///   `t32`: a 32-bit executable (`as --32`, `ld -m elf_i386`); `m32.o`: `gcc -m32 -c` (the
///   32-bit C library is not needed to compile without headers).
/// - `many.o`: 70,000 sections (`as`), so extended section numbering; `lib.a`: `ar rcs` of
///   two objects.
enum ReaderFuzzFixtures {
  static let all = [
    "hello-sh", "hello-py", "hello-compact", "true", "core", "be64.o", "be32.o", "t32", "m32.o",
    "many.o", "lib.a",
  ]

  /// How many mutations of a file of `size` bytes: fewer for big files, so that the whole
  /// suite stays well under a minute in a debug build on two cores. `FROST_FUZZ_SMALL=N` runs
  /// N of each file under 256 KiB instead (a long run: docs/SECURITY.md).
  static func iterations(_ size: Int) -> Int {
    let small = Int(ProcessInfo.processInfo.environment["FROST_FUZZ_SMALL"] ?? "") ?? 300
    return size < 256 << 10 ? small : size < 4 << 20 ? 100 : 25
  }

  /// The folder holding the fixtures.
  static let dir: String = {
    do { return try build() } catch { fatalError("cannot build reader fuzz fixtures: \(error)") }
  }()

  /// Why a fixture could not be made here (printed, and that input skipped).
  nonisolated(unsafe) static var missing: [String: String] = [:]

  /// The bytes of `name`, or nil (with the reason printed) when it cannot be made here.
  static func bytes(_ name: String) throws -> [UInt8]? {
    let path = dir + "/" + name
    guard FileManager.default.fileExists(atPath: path) else {
      print("reader fuzz: \(name) skipped: \(missing[name] ?? "not made")")
      return nil
    }
    return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
  }

  /// The build folder holding `frost` and the stubs, above this test bundle, if any.
  static var frostDir: String? {
    var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    while url.path != "/" {
      url.deleteLastPathComponent()
      if FileManager.default.isExecutableFile(atPath: url.appendingPathComponent("frost").path),
        FileManager.default.fileExists(
          atPath: url.appendingPathComponent("frost-stub-host").path)
      {
        return url.path
      }
    }
    return nil
  }

  static let repoRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
  }()

  private static func build() throws -> String {
    let dir = FileManager.default.temporaryDirectory
      .appendingPathComponent("frost-reader-fuzz-\(getpid())").path
    try? FileManager.default.removeItem(atPath: dir)
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    atexit {
      try? FileManager.default.removeItem(
        atPath: FileManager.default.temporaryDirectory
          .appendingPathComponent("frost-reader-fuzz-\(getpid())").path)
    }
    try frozenSamples(dir)
    try FileManager.default.copyItem(atPath: "/bin/true", toPath: dir + "/true")
    coreFile(dir)
    try "int f(int x) { return x * 3; }\nint g = 7;\n".write(
      toFile: dir + "/m32.c", atomically: true, encoding: .utf8)
    try InspectFixtures.asm32.write(toFile: dir + "/t32.s", atomically: true, encoding: .utf8)
    var many = ""
    many.reserveCapacity(70_000 * 26)
    for i in 0..<70_000 { many += ".section .s\(i),\"a\"\n.byte \(i % 256)\n" }
    try many.write(toFile: dir + "/many.s", atomically: true, encoding: .utf8)
    let steps: [[String]] = [
      ["objcopy", "-I", "binary", "-O", "elf64-big", "m32.c", "be64.o"],
      ["objcopy", "-I", "binary", "-O", "elf32-big", "m32.c", "be32.o"],
      ["as", "--32", "-o", "t32.o", "t32.s"],
      ["ld", "-m", "elf_i386", "-o", "t32", "t32.o"],
      ["gcc", "-m32", "-O1", "-c", "-o", "m32.o", "m32.c"],
      ["as", "-o", "many.o", "many.s"],
      ["gcc", "-O1", "-c", "-o", "m64.o", "m32.c"],
      ["ar", "rcs", "lib.a", "m64.o", "t32.o"],
    ]
    for step in steps { try InspectFixtures.run(step, in: dir) }
    try? FileManager.default.removeItem(atPath: dir + "/many.s")
    return dir
  }

  /// The samples, frozen by the real `frost` when the build has one.
  private static func frozenSamples(_ dir: String) throws {
    let samples = repoRoot + "/samples/"
    if let bin = frostDir {
      let frost = bin + "/frost"
      try InspectFixtures.run([frost, "build", samples + "hello.sh", "-o", dir + "/hello-sh"])
      try InspectFixtures.run([
        frost, "build", samples + "hello.py", "--stdlib", "imported", "-o", dir + "/hello-py",
      ])
      try InspectFixtures.run([
        frost, "build", samples + "hello.py", "--compact", "--stdlib", "imported", "-o",
        dir + "/hello-compact",
      ])
      return
    }
    print("reader fuzz: no built frost above the test bundle: samples appended to /bin/true")
    let stub = [UInt8](try Data(contentsOf: URL(fileURLWithPath: "/bin/true")))
    for (name, file, kind) in [
      ("hello-sh", "hello.sh", EntryKind.program), ("hello-py", "hello.py", .program),
      ("hello-compact", "stdlib_app.py", .program),
    ] {
      let source = [UInt8](try Data(contentsOf: URL(fileURLWithPath: samples + file)))
      let payload = try PayloadWriter.build(
        [PayloadInput(path: file, kind: kind, mode: 0o755, bytes: source)],
        manifest: Manifest([.init("runtime", "host"), .init("entry", file)]), level: 6)
      let out = try SectionAppender.append(name: ".frost", payload: payload, to: stub)
      try Data(out).write(to: URL(fileURLWithPath: dir + "/" + name))
    }
  }

  /// A core file of a sleeping process: gcore, else SIGABRT with `ulimit -c unlimited`.
  private static func coreFile(_ dir: String) {
    let script = """
      cd "$1" || exit 1
      sleep 30 & pid=$!
      gcore -o core-gcore $pid >/dev/null 2>&1
      kill $pid
      f=$(ls core-gcore.* 2>/dev/null | head -1)
      if [ -z "$f" ]; then
        (ulimit -c unlimited; exec sh -c 'kill -ABRT $$') 2>/dev/null
        f=$(ls core core.* 2>/dev/null | head -1)
      fi
      [ -n "$f" ] && mv "$f" core
      """
    _ = try? InspectFixtures.run(["bash", "-c", script, "bash", dir])
    if !FileManager.default.fileExists(atPath: dir + "/core") {
      let pattern =
        (try? String(contentsOfFile: "/proc/sys/kernel/core_pattern", encoding: .utf8))
        ?? "?"
      missing["core"] =
        "neither gcore nor SIGABRT with ulimit -c made a core file (core_pattern: \(pattern.trimmingCharacters(in: .whitespacesAndNewlines)))"
    }
  }
}

/// A fixed-seed PRNG (SplitMix64): the same mutations at every run.
struct SplitMix64 {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
  /// A number below `n` (0 when n is 0).
  mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }
}

/// FNV-1a of `s`: a seed that does not change between runs (Hasher's does).
func fnv1a(_ s: String) -> UInt64 {
  s.utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
}

/// Field-aware mutations of ELF files, `.frost` payloads and ar archives.
enum FieldMutator {
  /// One mutation of `b`, chosen by what the file is.
  static func mutate(_ b: inout [UInt8], _ rng: inout SplitMix64) {
    let isELF = b.count >= 52 && b[0] == 0x7f && b[1] == 0x45 && b[2] == 0x4c && b[3] == 0x46
    let isArchive = b.starts(with: Array("!<arch>\n".utf8))
    switch rng.below(16) {
    case 0: truncate(&b, &rng)
    case 1: flipBytes(&b, &rng)
    case 2...4 where isELF: elfHeader(&b, &rng)
    case 5...7 where isELF: tableEntry(&b, &rng)
    case 8,
      9 where isELF:
      sectionContents(&b, &rng)
    case 10...14 where isELF: if !payload(&b, &rng) { tableEntry(&b, &rng) }
    case 2...14 where isArchive: archiveMember(&b, &rng)
    default: flipBytes(&b, &rng)
    }
  }

  /// A boundary value for a field whose real value is `orig`, in a file of `limit` bytes.
  static func interesting(_ orig: UInt64, _ limit: UInt64, _ rng: inout SplitMix64) -> UInt64 {
    switch rng.below(20) {
    case 0: 0
    case 1: 1
    case 2: .max
    case 3: 1 << 31
    case 4: (1 << 31) - 1
    case 5: 1 << 32
    case 6: (1 << 32) - 1
    case 7: 1 << 63
    case 8: limit
    case 9: limit &- 1
    case 10: limit &+ 1
    case 11: orig &+ 1
    case 12: orig &- 1
    case 13: orig &* 2
    case 14: orig / 2
    case 15: orig &* 4096 &+ 4096
    case 16: 0xffff
    case 17: UInt64(rng.below(Int(min(limit, 1 << 40)) + 2))
    default: orig ^ (1 << UInt64(rng.below(64)))
    }
  }

  /// The byte order and class of an ELF file (`EI_DATA`, `EI_CLASS`).
  struct Layout {
    var big: Bool
    var is64: Bool
    init(_ b: [UInt8]) {
      // A mutation before this one may have cut the file short of its identification bytes.
      big = b.count > 5 && b[5] == 2
      is64 = b.count <= 4 || b[4] != 1
    }
  }

  static func get(_ b: [UInt8], _ o: Int, _ n: Int, big: Bool = false) -> UInt64 {
    guard o >= 0, o + n <= b.count else { return 0 }
    return (0..<n).reduce(0) { v, i in
      v | UInt64(b[o + i]) << (8 * UInt64(big ? n - 1 - i : i))
    }
  }

  static func set(_ b: inout [UInt8], _ o: Int, _ n: Int, _ v: UInt64, big: Bool = false) {
    guard o >= 0, o + n <= b.count else { return }
    for i in 0..<n { b[o + (big ? n - 1 - i : i)] = UInt8(truncatingIfNeeded: v >> (8 * i)) }
  }

  /// Sets the `n`-byte field at `o` to a boundary value.
  static func poke(_ b: inout [UInt8], _ o: Int, _ n: Int, big: Bool, _ rng: inout SplitMix64) {
    set(&b, o, n, interesting(get(b, o, n, big: big), UInt64(b.count), &rng), big: big)
  }

  static func truncate(_ b: inout [UInt8], _ rng: inout SplitMix64) {
    if rng.below(4) == 0 {
      b += [UInt8](repeating: 0, count: 1 + rng.below(4096))
    } else {
      b.removeLast(rng.below(b.count))
    }
  }

  static func flipBytes(_ b: inout [UInt8], _ rng: inout SplitMix64) {
    guard !b.isEmpty else { return }
    for _ in 0...rng.below(8) { b[rng.below(b.count)] ^= UInt8(1 << rng.below(8)) }
  }

  /// Fields of the ELF header: table offsets, counts, entry sizes, the name table index.
  static func elfHeader(_ b: inout [UInt8], _ rng: inout SplitMix64) {
    let l = Layout(b)
    let fields: [(Int, Int)] =
      l.is64
      ? [(32, 8), (40, 8), (52, 2), (54, 2), (56, 2), (58, 2), (60, 2), (62, 2), (16, 2), (4, 1)]
      : [(28, 4), (32, 4), (40, 2), (42, 2), (44, 2), (46, 2), (48, 2), (50, 2), (16, 2), (4, 1)]
    let (o, n) = fields[rng.below(fields.count)]
    poke(&b, o, n, big: l.big, &rng)
  }

  /// The section header table's offset, count and entry size, and the program header table's.
  static func tables(_ b: [UInt8]) -> (sh: (Int, Int, Int), ph: (Int, Int, Int)) {
    let l = Layout(b)
    let g = { (o: Int, n: Int) in Int(truncatingIfNeeded: get(b, o, n, big: l.big)) }
    var shnum = l.is64 ? g(60, 2) : g(48, 2)
    let shoff = l.is64 ? g(40, 8) : g(32, 4)
    if shnum == 0, shoff > 0 {  // extended numbering: the count is section 0's sh_size
      shnum = l.is64 ? g(shoff + 32, 8) : g(shoff + 20, 4)
    }
    return (
      (shoff, min(max(shnum, 0), 1 << 20), l.is64 ? 64 : 40),
      (l.is64 ? g(32, 8) : g(28, 4), l.is64 ? g(56, 2) : g(44, 2), l.is64 ? 56 : 32)
    )
  }

  /// A field of one section header or program header.
  static func tableEntry(_ b: inout [UInt8], _ rng: inout SplitMix64) {
    let l = Layout(b)
    let t = tables(b)
    let useSections = rng.below(3) != 0 && t.sh.1 > 0
    let (off, count, size) = useSections ? t.sh : t.ph
    guard count > 0, off > 0, off < b.count else { return elfHeader(&b, &rng) }
    let base = off + rng.below(count) * size
    let fields: [(Int, Int)] =
      switch (useSections, l.is64) {
      // name, type, offset, size, link, info, addralign, entsize
      case (true, true): [(0, 4), (4, 4), (24, 8), (32, 8), (40, 4), (44, 4), (48, 8), (56, 8)]
      case (true, false): [(0, 4), (4, 4), (16, 4), (20, 4), (24, 4), (28, 4), (32, 4), (36, 4)]
      // type, offset, filesz, memsz, align
      case (false, true): [(0, 4), (8, 8), (32, 8), (40, 8), (48, 8)]
      case (false, false): [(0, 4), (4, 4), (16, 4), (20, 4), (28, 4)]
      }
    let (o, n) = fields[rng.below(fields.count)]
    if o == 4, n == 4, useSections, rng.below(2) == 0 {
      // A section type the readers treat specially: NULL, SYMTAB, STRTAB, DYNAMIC, NOTE,
      // NOBITS, DYNSYM, GROUP, SYMTAB_SHNDX.
      let types: [UInt64] = [0, 2, 3, 6, 7, 8, 11, 17, 18]
      set(&b, base + o, n, types[rng.below(types.count)], big: l.big)
    } else {
      poke(&b, base + o, n, big: l.big, &rng)
    }
  }

  /// A word inside one section's contents: symbol, dynamic, note and string table records.
  static func sectionContents(_ b: inout [UInt8], _ rng: inout SplitMix64) {
    let l = Layout(b)
    let (shoff, shnum, size) = tables(b).sh
    guard shnum > 1, shoff > 0 else { return elfHeader(&b, &rng) }
    let base = shoff + (1 + rng.below(shnum - 1)) * size
    let offset = Int(
      truncatingIfNeeded: get(b, base + (l.is64 ? 24 : 16), l.is64 ? 8 : 4, big: l.big))
    let length = Int(
      truncatingIfNeeded: get(b, base + (l.is64 ? 32 : 20), l.is64 ? 8 : 4, big: l.big))
    guard offset > 0, length >= 8, offset <= b.count - min(length, b.count) else { return }
    let width = [1, 2, 4, 8][rng.below(4)]
    let at = offset + (rng.below(length / width)) * width
    if width == 1, rng.below(2) == 0 {
      b[at] = [0, 0x2e, 0xff, 0x41][rng.below(4)]  // NUL, '.', 0xff, 'A' in a string table
    } else {
      poke(&b, at, width, big: l.big, &rng)
    }
  }

  /// A field of the `.frost` header or of one index record, then the index CRC-32 recomputed
  /// (most of the time), as someone editing the file would. False when there is no payload.
  static func payload(_ b: inout [UInt8], _ rng: inout SplitMix64) -> Bool {
    guard let (sec, len) = frostSection(b), len >= 64 else { return false }
    let count = Int(get(b, sec + 12, 4))
    let index = Int(truncatingIfNeeded: get(b, sec + 16, 8))
    let recordsFit = index >= 0 && count > 0 && index <= len && count <= (len - index) / 80
    switch rng.below(recordsFit ? 4 : 1) {
    case 0:
      // version, header size, count, index, names and manifest offsets and sizes
      let fields = [(8, 2), (10, 2), (12, 4), (16, 8), (24, 8), (32, 8), (40, 8), (48, 8), (56, 4)]
      let (o, n) = fields[rng.below(fields.count)]
      set(&b, sec + o, n, interesting(get(b, sec + o, n), UInt64(len), &rng))
    case 1, 2:
      // data offset, stored and raw size, name offset and size, CRC, mode, kind, compression,
      // reserved
      let fields = [
        (0, 8), (8, 8), (16, 8), (24, 4), (28, 4), (32, 4), (36, 4), (40, 1), (41, 1),
        (42, 2),
      ]
      let (o, n) = fields[rng.below(fields.count)]
      let at = sec + index + rng.below(count) * 80 + o
      let v = n == 1 ? UInt64(rng.below(11)) : interesting(get(b, at, n), UInt64(len), &rng)
      set(&b, at, n, v)
    default:
      // Two records swapped, or one copied over another: order and uniqueness.
      let a = sec + index + rng.below(count) * 80
      let c = sec + index + rng.below(count) * 80
      let ra = Array(b[a..<a + 80])
      b.replaceSubrange(a..<a + 80, with: b[c..<c + 80])
      if rng.below(2) == 0 { b.replaceSubrange(c..<c + 80, with: ra) }
    }
    if rng.below(8) != 0 { fixCRC(&b, sec, len) }
    return true
  }

  /// The file offset and size of the `.frost` section (ELF64 little-endian), if any.
  static func frostSection(_ b: [UInt8]) -> (Int, Int)? {
    guard b.count >= 64, b[4] == 2, b[5] == 1 else { return nil }
    let (shoff, shnum, _) = tables(b).sh
    let strndx = Int(get(b, 62, 2))
    guard shoff > 0, shnum > 0, strndx < shnum, shoff <= b.count - shnum * 64 else { return nil }
    let strOff = Int(truncatingIfNeeded: get(b, shoff + strndx * 64 + 24, 8))
    let strSize = Int(truncatingIfNeeded: get(b, shoff + strndx * 64 + 32, 8))
    guard strOff >= 0, strSize >= 0, strOff <= b.count, strSize <= b.count - strOff else { return nil }
    let name = Array(".frost\0".utf8)
    for i in 1..<shnum {
      let h = shoff + i * 64
      let n = Int(get(b, h, 4))
      guard n <= strSize - name.count,
        b[(strOff + n)..<(strOff + n + name.count)].elementsEqual(name)
      else { continue }
      let off = Int(truncatingIfNeeded: get(b, h + 24, 8))
      let size = Int(truncatingIfNeeded: get(b, h + 32, 8))
      guard off >= 0, size >= 0, off <= b.count, size <= b.count - off else { return nil }
      return (off, size)
    }
    return nil
  }

  /// Recomputes the CRC-32 of index, names and manifest at header offset 60.
  static func fixCRC(_ b: inout [UInt8], _ sec: Int, _ len: Int) {
    var meta: [UInt8] = []
    for (o, n) in [(16, 24), (32, 40), (48, 56)] {
      let off = get(b, sec + o, 8)
      let size = o == 48 ? get(b, sec + n, 4) : get(b, sec + n, 8)
      guard off <= UInt64(len), size <= UInt64(len) - off else { return }
      meta += b[(sec + Int(off))..<(sec + Int(off) + Int(size))]
    }
    set(&b, sec + 60, 4, UInt64(Zlib.crc32(meta)))
  }

  /// A field of an ar member header: the name, the decimal size, the terminating "`\n".
  static func archiveMember(_ b: inout [UInt8], _ rng: inout SplitMix64) {
    var headers: [Int] = []
    var at = 8
    while at + 60 <= b.count, headers.count < 64 {
      headers.append(at)
      let text = String(decoding: b[(at + 48)..<(at + 58)], as: UTF8.self)
      guard let size = Int(text.trimmingCharacters(in: .whitespaces)), size >= 0 else { break }
      at += 60 + size + (size & 1)
    }
    guard let h = headers.isEmpty ? nil : headers[rng.below(headers.count)] else {
      return flipBytes(&b, &rng)
    }
    func write(_ s: String, _ o: Int, _ width: Int) {
      let bytes =
        Array(s.utf8.prefix(width)) + Array(repeating: 0x20, count: max(0, width - s.utf8.count))
      b.replaceSubrange((h + o)..<(h + o + width), with: bytes)
    }
    let size =
      Int(
        String(decoding: b[(h + 48)..<(h + 58)], as: UTF8.self)
          .trimmingCharacters(in: .whitespaces)) ?? 0
    switch rng.below(3) {
    case 0:
      let sizes = [
        "0", "1", "-1", "9999999999", "\(size + 1)", "\(size - 1)", "\(b.count)",
        "\(2 * size)", "12ab", "", "0x10",
      ]
      write(sizes[rng.below(sizes.count)], 48, 10)
    case 1:
      let names = ["/", "//", "/0", "/99999999", "/SYM64/", "#1/20", "a.o/", "", "/-1"]
      write(names[rng.below(names.count)], 0, 16)
    default:
      write(["`\n", "  ", "\n`"][rng.below(3)], 58, 2)
    }
  }
}
