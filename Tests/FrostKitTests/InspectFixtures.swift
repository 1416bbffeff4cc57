import Foundation
import FrostKit

/// ELF files for the `frost inspect` tests, built once per test run from the sources recorded
/// here, with the real gcc, as, ld, objcopy and strip:
///
/// - `hello` (PIE executable), `hello-g` (gcc -g), `hello-stripped` (strip), `hello.o`
///   (relocatable object), `libdemo.so` (shared library with a soname): gcc from `helloC`/`libC`.
/// - `t32`: a 32-bit i386 executable (`as --32` + `ld -m elf_i386` from `asm32`).
/// - `be32.o`, `be64.o`: big-endian ELF32/ELF64 objects (`objcopy -I binary -O elf32-big` /
///   `elf64-big` of a text file: this binutils can write big-endian ELF but cannot convert
///   x86 code to it).
/// - `many.o`: 66,000 sections (`as` input with one `.section` directive each), so the file
///   uses extended numbering (`e_shnum` 0, count in section 0).
/// - `frost-hello`: `hello` with a `.frost` payload (PayloadWriter + SectionAppender);
///   `frost-hello-stripped`: the same after `strip`.
enum InspectFixtures {
  static let helloC = """
    #include <stdio.h>
    int counter;
    int table[100] = {1};
    static const char banner[] = "hello from a fixture";
    int main(void) { puts(banner); return counter + table[0] - 1; }
    """

  static let libC = """
    int demo_values[64] = {1, 2, 3};
    int demo_add(int a, int b) { return a + b + demo_values[0]; }
    """

  static let asm32 = """
      .section .text
      .globl _start
    _start:
      movl $1, %eax
      xorl %ebx, %ebx
      int $0x80
      .section .data
    msg: .ascii "hello32\\n"
      .section .bss
      .lcomm buf, 64
    """

  /// Number of extra sections in `many.o`.
  static let manySections = 66_000

  /// The payload put into `frost-hello`.
  static let payloadInputs: [PayloadInput] = [
    PayloadInput(path: "main.sh", kind: .program, mode: 0o755, bytes: Array("echo hello\n".utf8)),
    PayloadInput(
      path: "lib/std.txt", kind: .stdlib,
      bytes: Array(String(repeating: "standard library text ", count: 400).utf8)),
    PayloadInput(path: "data/table.bin", kind: .data, bytes: (0..<3000).map { UInt8($0 % 251) }),
  ]

  /// Every fixture's name, for parameterized tests.
  static let all = [
    "hello", "hello-g", "hello-stripped", "hello.o", "libdemo.so", "t32", "be32.o", "be64.o",
    "many.o", "frost-hello", "frost-hello-stripped",
  ]

  /// The folder holding every fixture (built on first use).
  static let dir: String = {
    do { return try build() } catch { fatalError("cannot build inspect fixtures: \(error)") }
  }()

  static func path(_ name: String) -> String { dir + "/" + name }

  private static func build() throws -> String {
    let dir = FileManager.default.temporaryDirectory
      .appendingPathComponent("frost-inspect-fixtures-\(getpid())").path
    try? FileManager.default.removeItem(atPath: dir)
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    // Gone when the test process exits: a run leaves nothing in /tmp.
    atexit {
      try? FileManager.default.removeItem(
        atPath: FileManager.default.temporaryDirectory
          .appendingPathComponent("frost-inspect-fixtures-\(getpid())").path)
    }
    func write(_ name: String, _ text: String) throws {
      try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
    }
    try write("hello.c", helloC)
    try write("lib.c", libC)
    try write("t32.s", asm32)
    var many = ""
    many.reserveCapacity(manySections * 24)
    for i in 0..<manySections { many += ".section .s\(i),\"a\"\n.byte \(i % 256)\n" }
    try write("many.s", many)
    let steps: [[String]] = [
      ["gcc", "-O1", "-o", "hello", "hello.c"],
      ["gcc", "-O1", "-g", "-o", "hello-g", "hello.c"],
      ["strip", "-o", "hello-stripped", "hello"],
      ["gcc", "-O1", "-c", "-o", "hello.o", "hello.c"],
      ["gcc", "-shared", "-fPIC", "-Wl,-soname,libdemo.so.1", "-o", "libdemo.so", "lib.c"],
      ["as", "--32", "-o", "t32.o", "t32.s"],
      ["ld", "-m", "elf_i386", "-o", "t32", "t32.o"],
      ["objcopy", "-I", "binary", "-O", "elf32-big", "hello.c", "be32.o"],
      ["objcopy", "-I", "binary", "-O", "elf64-big", "hello.c", "be64.o"],
      ["as", "-o", "many.o", "many.s"],
    ]
    for step in steps { try run(step, in: dir) }
    let payload = try PayloadWriter.build(
      payloadInputs, manifest: Manifest([.init("runtime", "host"), .init("entry", "main.sh")]),
      level: 6)
    let stub = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/hello")))
    let frost = try SectionAppender.append(name: ".frost", payload: payload, to: stub)
    try Data(frost).write(to: URL(fileURLWithPath: dir + "/frost-hello"))
    try run(["strip", "-o", "frost-hello-stripped", "frost-hello"], in: dir)
    return dir
  }

  /// Runs a tool; throws when it fails.
  @discardableResult
  static func run(_ args: [String], in dir: String? = nil) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = args
    if let dir { p.currentDirectoryURL = URL(fileURLWithPath: dir) }
    let out = Pipe()
    p.standardOutput = out
    p.standardError = FileHandle.nullDevice
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    guard p.terminationStatus == 0 else {
      throw FixtureError(message: "\(args.joined(separator: " ")) exited \(p.terminationStatus)")
    }
    return String(decoding: data, as: UTF8.self)
  }

  struct FixtureError: Error { var message: String }

  /// `readelf -S -W`: (name, type, offset, size) per section.
  static func readelfSections(_ path: String) throws -> [(
    name: String, type: String, offset: UInt64, size: UInt64
  )] {
    var result: [(String, String, UInt64, UInt64)] = []
    for line in try run(["readelf", "-S", "-W", path]).split(separator: "\n") {
      guard let open = line.firstIndex(of: "["), let close = line.firstIndex(of: "]"),
        open < close
      else { continue }
      let number = line[line.index(after: open)..<close].trimmingCharacters(in: .whitespaces)
      guard !number.isEmpty, number.allSatisfy(\.isNumber) else { continue }
      let fields = line[line.index(after: close)...].split(separator: " ").map(String.init)
      // The type is the field before the address: 8 or 16 hex digits followed by offset and size.
      guard
        let t = fields.indices.first(where: { i in
          i + 3 < fields.count && [8, 16].contains(fields[i + 1].count)
            && fields[(i + 1)...(i + 3)].allSatisfy { UInt64($0, radix: 16) != nil }
        })
      else { continue }
      result.append(
        (fields[0..<t].joined(separator: " "), fields[t], UInt64(fields[t + 2], radix: 16)!,
          UInt64(fields[t + 3], radix: 16)!))
    }
    return result.map { (name: $0.0, type: $0.1, offset: $0.2, size: $0.3) }
  }

  /// `size -A`: (name, size) per listed section, without the total.
  static func sizeA(_ path: String) throws -> [(name: String, size: UInt64)] {
    try run(["size", "-A", path]).split(separator: "\n").dropFirst(2).compactMap { line in
      let f = line.split(separator: " ")
      guard f.count == 3, f[0] != "Total", let size = UInt64(f[1]) else { return nil }
      return (String(f[0]), size)
    }
  }

  /// A copy of `hello` with `edit` applied to its bytes (ELF64 little-endian offsets).
  static func damaged(_ name: String, _ edit: (inout [UInt8]) -> Void) throws -> String {
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path("hello"))))
    edit(&bytes)
    let out = path("bad-" + name)
    try Data(bytes).write(to: URL(fileURLWithPath: out))
    return out
  }

  static func get(_ b: [UInt8], _ o: Int, _ n: Int) -> UInt64 {
    (0..<n).reduce(0) { $0 | UInt64(b[o + $1]) << (8 * $1) }
  }

  static func set(_ b: inout [UInt8], _ o: Int, _ n: Int, _ v: UInt64) {
    for i in 0..<n { b[o + i] = UInt8(truncatingIfNeeded: v >> (8 * i)) }
  }
}
