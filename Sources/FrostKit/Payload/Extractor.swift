import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Writing a payload's entries into a folder, never outside it.
public enum Extractor {
  /// Writes every entry of `reader` under `directory` (created if missing) and returns the
  /// paths written. Refuses entry paths that are absolute or contain "..", entries whose mode
  /// is not a plain file, and any existing symbolic link on the way to an entry. Every entry
  /// is checked (CRC-32, SHA-256) before anything is written, and a new `directory` is filled
  /// as a temporary folder beside it, then renamed: a failure leaves nothing.
  public static func extract(_ reader: PayloadReader, to directory: String) throws -> [String] {
    for entry in reader.entries {
      try PayloadPath.validate(entry.path)
      if entry.mode & ~UInt32(0o7777) != 0 { throw ExtractError.notAFile(path: entry.path) }
    }
    try reader.verify()
    var st = stat()
    guard lstat(directory, &st) != 0 else { return try write(reader, into: directory) }
    let parent = FileIO.directoryName(directory)
    let temporary =
      (parent.isEmpty ? "." : parent) + "/.frost-extract-" + String(getpid()) + "-"
      + String(UInt64.random(in: 0...UInt64.max), radix: 16)
    do {
      let written = try write(reader, into: temporary)
      guard rename(temporary, directory) == 0 else {
        throw FileError.cannotWrite(path: directory, reason: errnoText())
      }
      return written.map { directory + $0.dropFirst(temporary.count) }
    } catch {
      _ = try? FileManager.default.removeItem(atPath: temporary)
      throw error
    }
  }

  /// Writes the entries under `directory`, refusing symbolic links in the way.
  private static func write(_ reader: PayloadReader, into directory: String) throws -> [String] {
    try makeDirectory(directory)
    var written: [String] = []
    for entry in reader.entries {
      let parts = entry.path.split(separator: "/").map(String.init)
      var dir = directory
      for part in parts.dropLast() {
        dir += "/" + part
        try makeDirectory(dir)
      }
      let target = dir + "/" + parts.last!
      try refuseSymlink(target)
      try FileIO.writeAtomically(
        // verify() checked every SHA-256 before anything was written.
        try reader.read(entry), to: target, mode: mode_t(entry.mode & 0o777))
      written.append(target)
    }
    return written
  }

  private static func makeDirectory(_ path: String) throws {
    try refuseSymlink(path)
    if mkdir(path, 0o755) != 0, errno != EEXIST {
      throw FileError.cannotWrite(path: path, reason: errnoText())
    }
  }

  private static func refuseSymlink(_ path: String) throws {
    var st = stat()
    if lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFLNK {
      throw ExtractError.symlinkInTheWay(path: path)
    }
  }
}

/// Errors of `frost extract`.
public enum ExtractError: Error, CustomStringConvertible, Equatable {
  /// An entry's mode describes something other than a regular file (e.g. a symlink).
  case notAFile(path: String)
  /// A symbolic link exists where an entry or its folder would be written.
  case symlinkInTheWay(path: String)

  public var description: String {
    switch self {
    case .notAFile(let path): "entry '\(path)' is not a regular file (refused)"
    case .symlinkInTheWay(let path): "\(path): is a symbolic link (refused)"
    }
  }
}
