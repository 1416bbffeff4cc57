/// The packed interpreter (stubs/packed/packed.h): the default output of a large program is the
/// packed loader plus a payload whose entry `frost/interpreter` is the memory image of the
/// interpreter stub as one LZ4 block, which `make` builds next to the stubs. The loader decodes
/// it into place in the same process at every start (~1 ms here, into huge pages); the
/// output is 3.3 MB smaller than with the interpreter stored.
public enum PackedInterpreter {
  /// The loader stub.
  public static let loader = "frost-stub-python-packed"
  /// The LZ4 block of the image of `PythonFreezer.stub`, in the same folder.
  public static let block = PythonFreezer.stub + ".img.lz4"
  /// `.auto` packs programs that load at least this many raw bytes at start (their `preload`
  /// list: modules, extensions and libraries imported by the main module): they spend tens
  /// of milliseconds importing, against which the unpacking is lost, while 3.3 MB is not. What
  /// is bundled but not loaded at start (the rest of the standard library) does not count.
  public static let autoThreshold: UInt64 = 4 << 20

  /// When `frost build` packs the interpreter (`--pack-interpreter`).
  public enum Mode: String, Sendable, CaseIterable {
    case auto, always, never

    /// Whether a program that loads `rawBytes` raw bytes at start is packed.
    public func packs(rawBytes: UInt64) -> Bool {
      switch self {
      case .always: true
      case .never: false
      case .auto: rawBytes >= autoThreshold
      }
    }
  }

  /// The payload entry for the interpreter stub in `stubDirectory`: its image, with `make`'s
  /// LZ4 block of it, checked to decode to that image.
  static func entry(stubDirectory: String) throws -> PayloadInput {
    let stubPath = stubDirectory + "/" + PythonFreezer.stub
    guard let image = image(of: try FileIO.read(stubPath)) else {
      throw PythonError.badStub(path: stubPath)
    }
    let blockPath = stubDirectory + "/" + block
    let bytes = try FileIO.read(blockPath)
    guard LZ4.decode(bytes[...], rawSize: image.count) == image else {
      throw PythonError.stalePackedImage(path: blockPath)
    }
    var input = PayloadInput(
      path: PythonFreezer.compactInterpreterEntry, kind: .nativeLibrary, mode: 0o755,
      bytes: image, precompressed: bytes)
    input.precompressedAs = .lz4
    return input
  }

  /// The memory image of the x86-64 ET_EXEC `elf` (as stubs/packed/pack.c makes it): the file
  /// bytes of each PT_LOAD at its address less the lowest segment's, zero between; nil when
  /// `elf` is not such a file.
  public static func image(of elf: [UInt8]) -> [UInt8]? {
    func u16(_ at: Int) -> Int { Int(elf[at]) | Int(elf[at + 1]) << 8 }
    func u64(_ at: Int) -> UInt64 {
      (0..<8).reduce(UInt64(0)) { $0 | UInt64(elf[at + $1]) << (8 * UInt64($1)) }
    }
    guard elf.count >= 64, elf[0..<4] == [0x7f, 0x45, 0x4c, 0x46], elf[4] == 2,
      u16(16) == 2, u16(18) == 62, u16(54) == 56
    else { return nil }
    let phoff = u64(32)
    let count = u16(56)
    guard phoff <= UInt64(elf.count), UInt64(count) * 56 <= UInt64(elf.count) - phoff else {
      return nil
    }
    typealias Load = (offset: UInt64, vaddr: UInt64, size: UInt64)
    let starts: [Int] = (0..<Int(count)).map { (i: Int) -> Int in Int(phoff) + i * 56 }
    let loads: [Load] = starts.filter { (at: Int) -> Bool in
      elf[at] == 1 && elf[at + 1] == 0 && elf[at + 2] == 0 && elf[at + 3] == 0
    }.map { (at: Int) -> Load in (offset: u64(at + 8), vaddr: u64(at + 16), size: u64(at + 32)) }
    let fileSize = UInt64(elf.count)
    let sound = loads.allSatisfy { (s: Load) -> Bool in
      s.vaddr >= s.offset && s.offset <= fileSize && s.size <= fileSize - s.offset
        && s.vaddr <= UInt64.max - s.size
    }
    guard !loads.isEmpty, sound else { return nil }
    let low: UInt64 = loads.map { (s: Load) -> UInt64 in s.vaddr - s.offset }.min()!
    let high: UInt64 = loads.map { (s: Load) -> UInt64 in s.vaddr + s.size }.max()!
    let limit: UInt64 = 1 << 30
    guard high > low, high - low <= limit else { return nil }
    var image = [UInt8](repeating: 0, count: Int(high - low))
    for s in loads where s.size > 0 {
      let at = Int(s.vaddr - low)
      image[at..<at + Int(s.size)] = elf[Int(s.offset)..<Int(s.offset + s.size)]
    }
    return image
  }
}
