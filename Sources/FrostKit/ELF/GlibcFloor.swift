/// The payload's shared objects made loadable by an older glibc than the build machine's
/// (docs/GLIBC.md). Written over the file's bytes rather than through libelf: it rewrites two
/// tables in place (no section moves or grows), which libelf's update would lay out again.
///
/// A library linked on the build machine asks for `pthread_create@GLIBC_2.34`, `stat@GLIBC_2.33`,
/// `arc4random_buf@GLIBC_2.36`: versions that glibc 2.28 does not have, so it refuses the whole
/// file. For each such reference, the symbol must be one that glibc at the floor defines (in a
/// library the Python stub or the file itself needs), or one that the stub exports
/// (stubs/python/stub_glibc.c, the stat family, the vfs functions); the reference is then made
/// unversioned (`SHT_GNU_versym` entry 1), so that it binds to the running glibc's default
/// version or to the stub's definition, and the version record is marked weak
/// (`VER_FLG_WEAK`), which the dynamic linker does not require. Every version that glibc
/// introduced after 2.28 on x86_64 only moved a function between its libraries (libpthread,
/// libdl, librt into libc in 2.34), made a former inline wrapper a function (the stat family in
/// 2.33), dropped SVID error handling (exp, log, pow in 2.29; hypot in 2.35) or added a new
/// function: the default version at each glibc has the same ABI. A symbol that is neither is
/// an error naming the file, the symbol and its version.
public struct GlibcFloor: Sendable {
  /// The floor the stubs are linked against (scripts/glibc-floor.sh).
  public static let linked = [2, 28]
  /// The floor's symbols, beside the stubs (`NAME LIBRARY VERSION` lines).
  public static let symbolsFile = "frost-stub-kit/glibc-floor/symbols.txt"
  /// The oldest glibc a build's payload must load on (`--glibc`; at least `linked`).
  public let version: [Int]
  /// Symbols the floor's libraries define at a default version: name and library.
  let defined: [String: String]
  /// Dynamic symbols the interpreter stub defines (and so exports: it is linked with -E).
  let exported: Set<String>

  /// Libraries the Python stub needs (Makefile: FLOOR_PY_LIBS), whose symbols are in every
  /// payload library's scope on an older glibc; ld.so is loaded in every process.
  static let inScope: Set<String> = [
    "libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2", "librt.so.1", "libutil.so.1",
    "libld.so.2",
  ]

  /// `symbols` is the floor's symbols.txt (`NAME LIBRARY VERSION` lines), `stub` the
  /// interpreter stub's bytes.
  public init(version: [Int], symbols: String, stub: [UInt8]) throws(GlibcFloorError) {
    self.version = version
    var defined: [String: String] = [:]
    for line in symbols.split(separator: "\n") {
      let fields = line.split(separator: " ")
      if fields.count == 3 { defined[String(fields[0])] = String(fields[1]) }
    }
    self.defined = defined
    guard let stubFile = ELFBytes(stub) else {
      throw .damaged(file: "interpreter stub", reason: "not an x86-64 ELF64 file")
    }
    exported = try Set(stubFile.dynamicSymbols(file: "interpreter stub") { defined, _ in defined }.map(\.name))
  }

  /// A floor with its tables given (tests).
  init(version: [Int], defined: [String: String], exported: Set<String>) {
    self.version = version
    self.defined = defined
    self.exported = exported
  }

  /// "2.28"
  public static func text(_ version: [Int]) -> String { version.map(String.init).joined(separator: ".") }

  /// Parses "2.28" (a `--glibc` value): nil unless two or three numbers of at most 3 digits.
  public static func parse(_ text: String) -> [Int]? {
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    guard (2...3).contains(parts.count) else { return nil }
    let numbers = parts.compactMap { $0.count <= 3 && $0.allSatisfy(\.isASCII) ? Int($0) : nil }
    return numbers.count == parts.count ? numbers : nil
  }

  /// Rebinds `bytes` (the file `name`, for messages) in place; returns how many references it
  /// rebound (0 for a file that is not an x86-64 ELF64 shared object or needs nothing newer).
  public func rebind(_ bytes: inout [UInt8], name: String) throws(GlibcFloorError) -> Int {
    // Planned on a reader that shares the bytes, applied once it is gone (no copy on write).
    let (edits, rebound) = try plan(bytes, name: name)
    for (offset, value) in edits {
      bytes[offset] = UInt8(truncatingIfNeeded: value)
      bytes[offset + 1] = UInt8(truncatingIfNeeded: value >> 8)
    }
    return rebound
  }

  /// The 16-bit words to write (file offset, value) and the number of references rebound.
  func plan(_ bytes: [UInt8], name: String) throws(GlibcFloorError) -> ([(Int, UInt16)], Int) {
    guard let file = ELFBytes(bytes), file.isSharedObject else { return ([], 0) }
    let needs = try file.versionNeeds(file: name)
    var newer: [UInt16: String] = [:]
    for need in needs where need.version.hasPrefix("GLIBC_") {
      if need.version == "GLIBC_ABI_DT_RELR" {
        throw .tooNew(
          file: name, symbol: "DT_RELR relocations", version: "GLIBC_2.36", floor: Self.text(version))
      }
      guard let numbers = ELFVersionNeed(file: need.file, version: need.version, symbols: []).numbers,
        version.lexicographicallyPrecedes(numbers)
      else { continue }
      newer[need.index] = need.version
    }
    guard !newer.isEmpty else { return ([], 0) }
    let needed = Set(try file.neededLibraries(file: name))
    var edits: [(Int, UInt16)] = []
    let asking = try file.dynamicSymbols(file: name) { defined, index in
      !defined && newer[index & 0x7fff] != nil
    }
    for symbol in asking {
      guard let wanted = newer[symbol.versionIndex & 0x7fff], let at = symbol.versionOffset else {
        continue
      }
      let library = defined[symbol.name]
      let inScope = library.map { Self.inScope.contains($0) || needed.contains($0) } ?? false
      guard inScope || exported.contains(symbol.name) else {
        throw .tooNew(file: name, symbol: symbol.name, version: wanted, floor: Self.text(version))
      }
      edits.append((at, 1))  // VER_NDX_GLOBAL: unversioned
    }
    let rebound = edits.count
    for need in needs where newer[need.index] != nil {
      let flags = ELFBytes.u16(bytes, need.auxOffset + 4) ?? 0
      edits.append((need.auxOffset + 4, flags | 2))  // VER_FLG_WEAK
    }
    return (edits, rebound)
  }
}

/// Why a payload file cannot be made to load on the floor.
public enum GlibcFloorError: Error, Equatable, CustomStringConvertible {
  /// The file needs a symbol that glibc at the floor lacks and the stub does not provide.
  case tooNew(file: String, symbol: String, version: String, floor: String)
  /// The file's version or symbol tables point outside it.
  case damaged(file: String, reason: String)

  public var description: String {
    switch self {
    case .tooNew(let file, let symbol, let version, let floor):
      "\(file): needs \(symbol) from \(version), newer than the glibc floor \(floor) (no older "
        + "glibc has it): use a build of it for an older glibc (a manylinux wheel) or raise the "
        + "floor with --glibc \(version.dropFirst("GLIBC_".count))"
    case .damaged(let file, let reason): "\(file): damaged ELF file: \(reason)"
    }
  }
}
