import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// File reading and atomic writing with errors that name the file and the cause.
public enum FileIO {
  /// The whole file at `path`.
  public static func read(_ path: String) throws(FileError) -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw .cannotRead(path: path, reason: errnoText()) }
    defer { close(fd) }
    var st = stat()
    guard fstat(fd, &st) == 0 else { throw .cannotRead(path: path, reason: errnoText()) }
    guard (st.st_mode & S_IFMT) != S_IFDIR else { throw .isDirectory(path: path) }
    var out: [UInt8] = []
    out.reserveCapacity(Int(st.st_size))
    var buf = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let n = buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
      if n < 0, errno == EINTR { continue }
      guard n >= 0 else { throw .cannotRead(path: path, reason: errnoText()) }
      if n == 0 { break }
      out += buf[0..<n]
    }
    return out
  }

  /// Writes `bytes` to a temporary file next to `path`, fsyncs it and renames it over `path`;
  /// on any failure the temporary file is removed and `path` is untouched.
  public static func writeAtomically(_ bytes: [UInt8], to path: String, mode: mode_t)
    throws(FileError)
  {
    let dir = directoryName(path)
    let base = path.split(separator: "/").last.map(String.init) ?? path
    var template = Array("\(dir)/.\(base).frost-XXXXXX".utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard fd >= 0 else { throw .cannotWrite(path: path, reason: errnoText()) }
    let tmp = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    do throws(FileError) {
      defer { close(fd) }
      try writeAll(fd, bytes, path: path)
      guard fchmod(fd, mode) == 0, fsync(fd) == 0 else {
        throw FileError.cannotWrite(path: path, reason: errnoText())
      }
      guard rename(tmp, path) == 0 else {
        throw FileError.cannotWrite(path: path, reason: errnoText())
      }
    } catch {
      unlink(tmp)
      throw error
    }
  }

  /// Refuses an output that is a directory or the same file as one of `inputs`.
  public static func checkOutput(_ output: String, inputs: [String]) throws(FileError) {
    var st = stat()
    guard stat(output, &st) == 0 else { return }
    if (st.st_mode & S_IFMT) == S_IFDIR { throw .isDirectory(path: output) }
    for input in inputs {
      var ist = stat()
      if stat(input, &ist) == 0, ist.st_dev == st.st_dev, ist.st_ino == st.st_ino {
        throw .outputIsInput(path: output)
      }
    }
  }

  /// `realpath(3)` of `path`, or nil.
  public static func realPath(_ path: String) -> String? {
    guard let p = realpath(path, nil) else { return nil }
    defer { free(p) }
    return String(cString: p)
  }

  /// True when `path` is a directory (or a link to one).
  public static func isDirectory(_ path: String) -> Bool {
    var st = stat()
    return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
  }

  /// `path` made absolute against `base` (default: the current directory); an absolute `path`
  /// is kept. Then standardized (no `.`, `..`, `//` or trailing `/`) unless `standardized` is
  /// false.
  public static func absolute(_ path: String, from base: String? = nil, standardized: Bool = true)
    -> String
  {
    let dir = base ?? FileManager.default.currentDirectoryPath
    let full = path.hasPrefix("/") ? path : (dir == "/" ? "" : dir) + "/" + path
    return standardized ? (full as NSString).standardizingPath : full
  }

  /// The folder part of `path` ("." when there is none).
  public static func directoryName(_ path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return slash == path.startIndex ? "/" : String(path[..<slash])
  }

  static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(FileError) {
    var offset = 0
    while offset < bytes.count {
      let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
      if n < 0, errno == EINTR { continue }
      guard n > 0 else { throw .cannotWrite(path: path, reason: errnoText()) }
      offset += n
    }
  }
}

/// `strerror(errno)`.
func errnoText() -> String { String(cString: strerror(errno)) }

/// Errors of reading and writing files.
public enum FileError: Error, CustomStringConvertible, Equatable {
  /// The file cannot be opened or read.
  case cannotRead(path: String, reason: String)
  /// The file cannot be created, written, synced or renamed into place.
  case cannotWrite(path: String, reason: String)
  /// A file was expected but the path is a directory.
  case isDirectory(path: String)
  /// The output path names one of the inputs.
  case outputIsInput(path: String)

  /// The file the error is about.
  public var path: String {
    switch self {
    case .cannotRead(let path, _), .cannotWrite(let path, _), .isDirectory(let path),
      .outputIsInput(let path):
      path
    }
  }

  /// What went wrong, without the path.
  public var message: String {
    switch self {
    case .cannotRead(_, let reason): "cannot read: \(reason)"
    case .cannotWrite(_, let reason): "cannot write: \(reason)"
    case .isDirectory: "is a directory"
    case .outputIsInput: "output would overwrite an input"
    }
  }

  public var description: String { "\(path): \(message)" }
}
