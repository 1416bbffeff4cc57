#if canImport(Glibc)
  import Glibc
#endif

/// Where `frost inspect`'s renderers write: a byte buffer that either keeps everything (`text`,
/// for tests and callers that want a `String`) or hands every 64 KiB on to a file descriptor,
/// so that a report of any size costs 64 KiB of buffer rather than its whole text, and no
/// `String` is built per cell (string concatenation was most of the time of a 70,000-row
/// table).
///
/// Widths (`padded`, `leftPadded`) count Characters, as the tables' columns do; for ASCII text
/// that is the byte count, found without walking Characters.
public final class ByteSink {
  private var base: UnsafeMutablePointer<UInt8>
  private var capacity: Int
  private var count = 0
  /// The descriptor that full buffers go to, or -1 to keep everything.
  private let fd: Int32
  /// A write to `fd` failed (closed pipe, full disk): later output is dropped.
  public private(set) var writeFailed = false

  /// A sink that keeps everything written to it (read it with `text`).
  public convenience init() { self.init(fd: -1) }

  /// A sink that writes to `fd` whenever 64 KiB have gathered, and at `flush()`.
  public init(fd: Int32) {
    self.fd = fd
    capacity = 1 << 16
    base = .allocate(capacity: capacity)
  }

  deinit { base.deallocate() }

  /// Everything written so far, for a sink that keeps it (`init()`).
  public var text: String {
    String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self)
  }

  /// Bytes written and not yet passed on.
  var pendingCount: Int { count }

  /// Writes what is pending to the descriptor (retrying partial writes and `EINTR`).
  public func flush() {
    guard fd >= 0 else { return }
    var done = 0
    while done < count && !writeFailed {
      let n = Glibc.write(fd, base + done, count - done)
      if n > 0 {
        done += n
      } else if n < 0 && errno == EINTR {
        continue
      } else {
        writeFailed = true
      }
    }
    count = 0
  }

  /// Room for `n` more bytes: flushes to the descriptor, or grows the buffer.
  @inline(__always) private func reserve(_ n: Int) {
    if count + n > capacity { makeRoom(n) }
  }

  private func makeRoom(_ n: Int) {
    if fd >= 0 {
      flush()
      if n <= capacity { return }
    }
    var newCapacity = capacity * 2
    while newCapacity < count + n { newCapacity *= 2 }
    let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
    grown.update(from: base, count: count)
    base.deallocate()
    base = grown
    capacity = newCapacity
  }

  /// One byte.
  @inline(__always) public func byte(_ b: UInt8) {
    reserve(1)
    base[count] = b
    count += 1
  }

  /// Raw bytes.
  public func bytes(_ buffer: UnsafeBufferPointer<UInt8>) {
    guard let start = buffer.baseAddress, !buffer.isEmpty else { return }
    reserve(buffer.count)
    (base + count).update(from: start, count: buffer.count)
    count += buffer.count
  }

  /// The bytes of another sink that keeps its text (`init()`).
  public func append(_ other: ByteSink) {
    bytes(UnsafeBufferPointer(start: other.base, count: other.count))
  }

  /// Forgets what a sink that keeps its text (`init()`) holds, keeping the buffer.
  public func clear() { count = 0 }

  /// This sink's text into `other` with `indent` spaces before every line that is not empty
  /// (the text ends in a newline; a last line without one is ended with one).
  public func appendIndented(to other: ByteSink, by indent: Int) {
    var start = 0
    while start < count {
      var end = start
      while end < count && base[end] != 0x0a { end += 1 }
      if end > start {
        other.spaces(indent)
        other.bytes(UnsafeBufferPointer(start: base + start, count: end - start))
      }
      other.byte(0x0a)
      start = end + 1
    }
  }

  /// `s` as UTF-8.
  public func write(_ s: String) {
    var s = s
    s.withUTF8 { bytes($0) }
  }

  /// A literal.
  public func write(_ s: StaticString) {
    s.withUTF8Buffer { bytes($0) }
  }

  /// `n` spaces.
  public func spaces(_ n: Int) {
    guard n > 0 else { return }
    reserve(n)
    (base + count).initialize(repeating: 0x20, count: n)
    count += n
  }

  /// `v` in decimal.
  public func decimal(_ v: UInt64) { digits(v, grouping: false) }

  /// `v` in decimal with `,` between groups of three digits (`1,234,567`).
  public func grouped(_ v: UInt64) { digits(v, grouping: true) }

  /// `0x` and `v` in lower-case hexadecimal.
  public func hex(_ v: UInt64) {
    reserve(18)
    base[count] = UInt8(ascii: "0")
    base[count + 1] = UInt8(ascii: "x")
    let n = ByteSink.hexWidth(v)
    var rest = v
    for i in stride(from: count + 1 + n, through: count + 2, by: -1) {
      base[i] = ByteSink.hexDigits[Int(rest & 0xf)]
      rest >>= 4
    }
    count += 2 + n
  }

  /// `s` then spaces up to `width` Characters; `s` and one space when it is that wide or wider.
  public func padded(_ s: String, _ width: Int) {
    let n = ByteSink.width(s)
    write(s)
    spaces(n >= width ? 1 : width - n)
  }

  /// Spaces, then `s`, `width` Characters in all; one space before `s` when it is that wide or
  /// wider.
  public func leftPadded(_ s: String, _ width: Int) {
    let n = ByteSink.width(s)
    spaces(n >= width ? 1 : width - n)
    write(s)
  }

  /// `grouped(v)` right-aligned in `width` columns (one space before it when wider).
  public func leftPaddedGrouped(_ v: UInt64, _ width: Int) {
    let n = ByteSink.decimalWidth(v, grouping: true)
    spaces(n >= width ? 1 : width - n)
    grouped(v)
  }

  /// `hex(v)` right-aligned in `width` columns (one space before it when wider).
  public func leftPaddedHex(_ v: UInt64, _ width: Int) {
    let n = 2 + ByteSink.hexWidth(v)
    spaces(n >= width ? 1 : width - n)
    hex(v)
  }

  /// The columns `s` takes: its byte count when it is ASCII, else its Character count.
  static func width(_ s: String) -> Int {
    var s = s
    let ascii = s.withUTF8 { buffer in !buffer.contains { $0 >= 0x80 } }
    return ascii ? s.utf8.count : s.count
  }

  private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

  private static func hexWidth(_ v: UInt64) -> Int {
    v == 0 ? 1 : (64 - v.leadingZeroBitCount + 3) / 4
  }

  static func decimalWidth(_ v: UInt64, grouping: Bool) -> Int {
    var n = 1
    var rest = v / 10
    while rest > 0 {
      n += 1
      rest /= 10
    }
    return grouping ? n + (n - 1) / 3 : n
  }

  private func digits(_ v: UInt64, grouping: Bool) {
    let n = ByteSink.decimalWidth(v, grouping: grouping)
    reserve(n)
    var rest = v
    var i = count + n - 1
    var inGroup = 0
    while true {
      if grouping && inGroup == 3 {
        base[i] = UInt8(ascii: ",")
        i -= 1
        inGroup = 0
      }
      base[i] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
      rest /= 10
      inGroup += 1
      if rest == 0 { break }
      i -= 1
    }
    count += n
  }
}
