/// The on-disk payload format, mirrored from `stubs/include/frost_format.h` (the one C
/// definition; change both together). Prose description: `docs/FORMAT.md`.
public enum PayloadFormat {
  /// Name of the ELF section that holds the payload.
  public static let sectionName = ".frost"
  /// The 8 magic bytes at offset 0 of the section ("FROSTPK" and a NUL).
  public static let magic: [UInt8] = Array("FROSTPK".utf8) + [0]
  /// Version of the format written by this Frost.
  public static let version: UInt16 = 1
  /// Size of `struct frost_header`.
  public static let headerSize = 64
  /// Size of `struct frost_entry`.
  public static let entrySize = 80
  /// Alignment of every entry's stored bytes.
  public static let dataAlignment = 8
  /// The largest raw size an entry may declare per stored byte (`FROST_MAX_RATIO`): readers
  /// refuse more before allocating; the writer falls back to zlib (at most 1032:1) when zstd
  /// compresses further.
  public static let maxRatio: UInt64 = 4096

  /// True when `raw` bytes may be declared for `stored` bytes of `compression`.
  public static func plausible(raw: UInt64, stored: UInt64, _ compression: Compression) -> Bool {
    compression == .stored ? raw == stored : stored > 0 && raw / maxRatio <= stored
  }
}

/// What an entry is (`enum frost_kind`).
public enum EntryKind: UInt8, Codable, Sendable, CaseIterable {
  /// The program's own code: the script, its modules.
  case program = 1
  /// A module of the interpreter's standard library.
  case stdlib = 2
  /// A module of an installed third-party package.
  case thirdParty = 3
  /// A C extension module.
  case extensionModule = 4
  /// A shared library an extension module needs.
  case nativeLibrary = 5
  /// A data file the program reads.
  case data = 6
  /// Package metadata (`*.dist-info`).
  case metadata = 7
  /// The zstd dictionary of `Compression.zstdDictionary` entries.
  case dictionary = 8

  /// The name shown by `frost ls` and `frost inspect`.
  public var label: String {
    switch self {
    case .program: "program"
    case .stdlib: "stdlib"
    case .thirdParty: "third-party"
    case .extensionModule: "extension"
    case .nativeLibrary: "native-lib"
    case .data: "data"
    case .metadata: "metadata"
    case .dictionary: "dictionary"
    }
  }
}

/// How an entry's bytes are stored (`enum frost_compression`).
public enum Compression: UInt8, Codable, Sendable, CaseIterable {
  /// The raw bytes.
  case stored = 0
  /// One zlib stream of the raw bytes.
  case zlib = 1
  /// One Zstandard frame of the raw bytes.
  case zstd = 2
  /// One Zstandard frame compressed with the payload's dictionary (the entry named by the
  /// manifest key `zstd-dictionary`). Written by `PayloadWriter` for the entries a plan
  /// shares a dictionary among, never chosen as a plan's codec.
  case zstdDictionary = 3
  /// One LZ4 block: only the packed loader's interpreter image (stubs/packed/packed.h), which
  /// `make` compresses; never chosen as a plan's codec.
  case lz4 = 4

  /// The highest level of this codec (0 always means "store").
  public var maxLevel: Int {
    switch self {
    case .stored, .lz4: 0
    case .zlib: 9
    case .zstd, .zstdDictionary: 19
    }
  }

  /// The name `frost inspect` shows.
  public var label: String {
    switch self {
    case .stored: "stored"
    case .zlib: "zlib"
    case .zstd: "zstd"
    case .zstdDictionary: "zstd-dict"
    case .lz4: "lz4"
    }
  }

  /// `bytes` compressed at `level`; with zstd, as `frames` independent frames. Nil for LZ4,
  /// which Frost does not write (the entry is then stored).
  func compress(_ bytes: [UInt8], level: Int, frames: Int = 1) -> [UInt8]? {
    switch self {
    case .stored: bytes
    case .zlib: Zlib.compress(bytes, level: level)
    case .zstd, .zstdDictionary: Zstd.compress(bytes, level: level, frames: frames)
    case .lz4: nil
    }
  }

  /// `stored` decompressed into `rawSize` bytes, or nil when damaged (or, for
  /// `zstdDictionary`, without the payload's dictionary).
  func decompress(_ stored: ArraySlice<UInt8>, rawSize: Int, dictionary: [UInt8]?) -> [UInt8]? {
    switch self {
    case .stored: stored.count == rawSize ? Array(stored) : nil
    case .zlib: Zlib.inflate(stored, rawSize: rawSize)
    case .zstd: Zstd.decompress(stored, rawSize: rawSize)
    case .zstdDictionary:
      dictionary.flatMap { Zstd.decompress(stored, rawSize: rawSize, dictionary: $0) }
    case .lz4: LZ4.decode(stored, rawSize: rawSize)
    }
  }
}

/// Manifest keys (`FROST_MF_*`).
public enum ManifestKey {
  public static let runtime = "runtime"
  public static let entry = "entry"
  public static let interpreter = "interpreter"
  public static let interpreterName = "interpreter-name"
  public static let launcher = "launcher"
  public static let arg = "arg"
  public static let frostVersion = "frost-version"
  public static let input = "input-sha256"
  public static let compressLevel = "compress-level"
  public static let pythonVersion = "python-version"
  /// "2.28": the oldest glibc the binary starts on (docs/GLIBC.md).
  public static let glibc = "glibc"
  /// "1": the stub detaches as a daemon at start (`STUB_DAEMON_MF_DAEMON`).
  public static let daemon = "daemon"
  /// Absolute path of the daemon's pidfile (`STUB_DAEMON_MF_PIDFILE`).
  public static let pidfile = "pidfile"
  /// Path of the dictionary of `zstdDictionary` entries (`FROST_MF_ZSTD_DICTIONARY`).
  public static let zstdDictionary = "zstd-dictionary"
}

/// One index record of a payload, as read back (`struct frost_entry`).
public struct PayloadEntry: Codable, Sendable, Equatable {
  /// Relative, '/'-separated path.
  public var path: String
  public var kind: EntryKind
  public var compression: Compression
  /// Permission bits.
  public var mode: UInt32
  public var rawSize: UInt64
  public var storedSize: UInt64
  /// Offset of the stored bytes from the start of the section.
  public var dataOffset: UInt64
  public var crc32: UInt32
  /// SHA-256 of the raw bytes, lowercase hex.
  public var sha256: String
}

extension Sequence where Element == PayloadEntry {
  /// Each entry's share of the section's bytes, in order: its stored size, or 0 when an
  /// earlier entry holds the same stored bytes (identical files, `PayloadTwins`).
  public var storedShares: [UInt64] {
    var seen = Set<UInt64>()
    return map { seen.insert($0.dataOffset).inserted ? $0.storedSize : 0 }
  }

  /// The bytes these entries take in the section, shared stored bytes counted once.
  public var storedBytesCountedOnce: UInt64 { storedShares.reduce(0, +) }
}

/// The manifest: ordered key/value pairs (`"key\0value\0"`), keys may repeat.
public struct Manifest: Codable, Sendable, Equatable {
  public var pairs: [Pair]

  /// One key/value pair of the manifest.
  public struct Pair: Codable, Sendable, Equatable {
    public var key: String
    public var value: String
    public init(_ key: String, _ value: String) {
      self.key = key
      self.value = value
    }
  }

  public init(_ pairs: [Pair] = []) { self.pairs = pairs }

  /// The first value of `key`.
  public subscript(key: String) -> String? { pairs.first { $0.key == key }?.value }

  /// Every value of `key`, in order.
  public func all(_ key: String) -> [String] { pairs.filter { $0.key == key }.map(\.value) }

  /// Appends an `input-sha256` pair ("DIGEST PATH") for each of the program's own entries.
  public mutating func addInputDigests(_ entries: [PayloadInput]) {
    for input in entries where input.kind == .program {
      pairs.append(.init(ManifestKey.input, "\(SHA256.hex(input.bytes)) \(input.path)"))
    }
  }

  /// The encoded bytes.
  public func encoded() -> [UInt8] {
    var out: [UInt8] = []
    for pair in pairs {
      out += Array(pair.key.utf8) + [0] + Array(pair.value.utf8) + [0]
    }
    return out
  }
}
