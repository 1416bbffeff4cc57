/// Writes JSON text into a byte buffer: two-space indent, `"key" : value`, `[]`/`{}` when
/// empty (the shape of the `--format json` output documented in docs/INSPECT.md).
///
/// The inspect reports write themselves through this (`JSONWritable`) rather than through
/// `Encodable`: an `Encoder` checks values with dynamic casts, and in a binary as large as
/// `frost` each first cast scans every protocol conformance record, which cost more than the
/// whole ELF analysis. Callers write the members of an object in byte order of their keys.
struct JSONWriter {
  /// Where the text goes.
  let out: ByteSink
  /// Nesting depth of the open containers.
  private var depth = 0
  /// The innermost open container has no member yet.
  private var empty = true
  /// A key was written and its value is next.
  private var afterKey = false

  init(to out: ByteSink = ByteSink()) { self.out = out }

  /// An object; `body` writes its members with `field(_:_:)`, keys in byte order.
  mutating func object(_ body: (inout JSONWriter) -> Void) {
    container(UInt8(ascii: "{"), UInt8(ascii: "}"), body)
  }

  /// An array of `values`.
  mutating func array<T: JSONWritable>(_ values: [T]) {
    container(UInt8(ascii: "["), UInt8(ascii: "]")) { w in
      for v in values { v.writeJSON(to: &w) }
    }
  }

  /// One member of the open object.
  mutating func field<T: JSONWritable>(_ key: StaticString, _ value: T) {
    separate()
    out.byte(UInt8(ascii: "\""))
    out.write(key)
    out.write("\" : ")
    afterKey = true
    value.writeJSON(to: &self)
  }

  /// `s` quoted, with `"`, `\` and control characters escaped.
  mutating func string(_ s: String) {
    beforeValue()
    quote(s)
  }

  /// `text` as is: `null`, `true`, a number.
  mutating func literal(_ text: String) {
    beforeValue()
    out.write(text)
  }

  /// The final newline.
  mutating func newline() { out.byte(0x0a) }

  /// `v` in decimal, after a `-` when `negative`.
  mutating func number(_ v: UInt64, negative: Bool = false) {
    beforeValue()
    if negative { out.byte(UInt8(ascii: "-")) }
    out.decimal(v)
  }

  private mutating func container(
    _ open: UInt8, _ close: UInt8, _ body: (inout JSONWriter) -> Void
  ) {
    beforeValue()
    out.byte(open)
    depth += 1
    empty = true
    body(&self)
    depth -= 1
    if !empty {
      out.byte(0x0a)
      out.spaces(2 * depth)
    }
    out.byte(close)
    // The enclosing container now holds at least this value.
    empty = false
  }

  /// Starts a member line of an object or an element line of an array.
  private mutating func separate() {
    if depth == 0 { return }
    if !empty { out.byte(UInt8(ascii: ",")) }
    out.byte(0x0a)
    empty = false
    out.spaces(2 * depth)
  }

  private mutating func beforeValue() {
    if afterKey {
      afterKey = false
    } else {
      separate()
    }
  }

  private func quote(_ s: String) {
    var s = s
    s.withUTF8 { buffer in
      out.byte(UInt8(ascii: "\""))
      if !buffer.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
        out.bytes(buffer)
      } else {
        for b in buffer { escape(b) }
      }
      out.byte(UInt8(ascii: "\""))
    }
  }

  private func escape(_ b: UInt8) {
    switch b {
    case UInt8(ascii: "\""): out.write("\\\"")
    case UInt8(ascii: "\\"): out.write("\\\\")
    case 0x0a: out.write("\\n")
    case 0x0d: out.write("\\r")
    case 0x09: out.write("\\t")
    case 0..<0x20:
      let hex: StaticString = "0123456789abcdef"
      out.write("\\u00")
      out.byte(hex.utf8Start[Int(b >> 4)])
      out.byte(hex.utf8Start[Int(b & 0xf)])
    default: out.byte(b)
    }
  }
}

/// A value that writes itself as JSON: the same text as its `Encodable` conformance encoded
/// pretty-printed with sorted keys.
protocol JSONWritable {
  /// Appends the value to `w`.
  func writeJSON(to w: inout JSONWriter)
}

extension JSONWritable {
  /// The JSON text, ending in a newline.
  var jsonText: String {
    let sink = ByteSink()
    writeJSON(into: sink)
    return sink.text
  }

  /// Writes the JSON text, ending in a newline, into `sink`.
  func writeJSON(into sink: ByteSink) {
    var w = JSONWriter(to: sink)
    writeJSON(to: &w)
    w.newline()
  }
}

extension String: JSONWritable {
  func writeJSON(to w: inout JSONWriter) { w.string(self) }
}

extension Bool: JSONWritable {
  func writeJSON(to w: inout JSONWriter) { w.literal(self ? "true" : "false") }
}

extension Int: JSONWritable {
  func writeJSON(to w: inout JSONWriter) { w.number(UInt64(magnitude), negative: self < 0) }
}

extension Int64: JSONWritable {
  func writeJSON(to w: inout JSONWriter) { w.number(magnitude, negative: self < 0) }
}

extension UInt64: JSONWritable {
  func writeJSON(to w: inout JSONWriter) { w.number(self) }
}

extension UInt32: JSONWritable {
  func writeJSON(to w: inout JSONWriter) { w.number(UInt64(self)) }
}

extension Double: JSONWritable {
  /// Whole numbers below 10^15 without a fraction, other finite values as Swift prints them,
  /// NaN and infinities as `null`.
  func writeJSON(to w: inout JSONWriter) {
    guard isFinite else { return w.literal("null") }
    if self == rounded(), abs(self) < 1e15 { return Int64(self).writeJSON(to: &w) }
    w.literal(description)
  }
}

extension Optional: JSONWritable where Wrapped: JSONWritable {
  /// The value, or `null`.
  func writeJSON(to w: inout JSONWriter) {
    guard let self else { return w.literal("null") }
    self.writeJSON(to: &w)
  }
}

extension Array: JSONWritable where Element: JSONWritable {
  func writeJSON(to w: inout JSONWriter) { w.array(self) }
}

extension SizeCategory: JSONWritable {
  func writeJSON(to w: inout JSONWriter) { w.string(rawValue) }
}

extension SizeRegion.Kind: JSONWritable {
  func writeJSON(to w: inout JSONWriter) { w.string(rawValue) }
}

extension InspectReport: JSONWritable {
  /// Every key, `null` for absent values (as `encode(to:)`).
  func writeJSON(to w: inout JSONWriter) {
    w.object { w in
      w.field("allocatedSize", allocatedSize)
      w.field("breakdown", breakdown)
      w.field("buildId", buildID)
      w.field("elf", elf)
      w.field("file", file)
      w.field("fileSize", fileSize)
      w.field("interpreter", interpreter)
      w.field("memorySize", memorySize)
      w.field("needed", needed)
      w.field("payload", payload)
      w.field("payloadError", payloadError)
      w.field("payloadGlibc", payloadGLIBC)
      w.field("regions", regions)
      w.field("rpath", rpath)
      w.field("runpath", runpath)
      w.field("schemaVersion", schemaVersion)
      w.field("sections", sections)
      w.field("segments", segments)
      w.field("soname", soname)
      w.field("symbolCount", symbolCount)
      w.field("symbolTable", symbolTable)
      w.field("symbols", symbols)
      w.field("versionNeeds", versionNeeds)
    }
  }
}

extension PayloadVersionNeed: JSONWritable {
  func writeJSON(to w: inout JSONWriter) {
    w.object { w in
      w.field("entries", entries)
      w.field("entry", entry)
      w.field("symbols", symbols)
      w.field("version", version)
    }
  }
}

extension ELFVersionNeed: JSONWritable {
  func writeJSON(to w: inout JSONWriter) {
    w.object { w in
      w.field("file", file)
      w.field("symbolCount", symbolCount)
      w.field("symbols", symbols)
      w.field("version", version)
      w.field("weak", weak)
    }
  }
}

extension HeaderSummary: JSONWritable {
  func writeJSON(to w: inout JSONWriter) {
    w.object { w in
      w.field("abiVersion", abiVersion)
      w.field("byteOrder", byteOrder)
      w.field("class", elfClass)
      w.field("entry", entry)
      w.field("flags", flags)
      w.field("machine", machine)
      w.field("machineNumber", machineNumber)
      w.field("osAbi", osABI)
      w.field("sectionCount", sectionCount)
      w.field("segmentCount", segmentCount)
      w.field("type", type)
      w.field("typeDescription", typeDescription)
    }
  }
}

extension SectionRow: JSONWritable {
  func writeJSON(to w: inout JSONWriter) {
    w.object { w in
      w.field("address", address)
      w.field("alignment", alignment)
      w.field("category", category)
      w.field("compression", compression)
      w.field("flags", flags)
      w.field("index", index)
      w.field("name", name)
      w.field("offset", offset)
      w.field("size", size)
      w.field("type", type)
      w.field("uncompressedSize", uncompressedSize)
    }
  }
}

extension SegmentRow: JSONWritable {
  func writeJSON(to w: inout JSONWriter) {
    w.object { w in
      w.field("alignment", alignment)
      w.field("fileSize", fileSize)
      w.field("flags", flags)
      w.field("index", index)
      w.field("memorySize", memorySize)
      w.field("offset", offset)
      w.field("physicalAddress", physicalAddress)
      w.field("type", type)
      w.field("virtualAddress", virtualAddress)
    }
  }
}

extension SizeRegion: JSONWritable {
  /// `sectionIndex` is left out when absent (the synthesized `encodeIfPresent`).
  func writeJSON(to w: inout JSONWriter) {
    w.object { w in
      w.field("category", category)
      w.field("fileBytes", fileBytes)
      w.field("kind", kind)
      w.field("memoryBytes", memoryBytes)
      w.field("name", name)
      w.field("offset", offset)
      if let sectionIndex { w.field("sectionIndex", sectionIndex) }
    }
  }
}

extension CategoryTotal: JSONWritable {
  func writeJSON(to w: inout JSONWriter) {
    w.object { w in
      w.field("category", category)
      w.field("fileBytes", fileBytes)
      w.field("memoryBytes", memoryBytes)
      w.field("regions", regions)
    }
  }
}

extension SymbolRow: JSONWritable {
  func writeJSON(to w: inout JSONWriter) {
    w.object { w in
      w.field("binding", binding)
      w.field("demangled", demangled)
      w.field("name", name)
      w.field("section", section)
      w.field("size", size)
      w.field("type", type)
      w.field("value", value)
    }
  }
}

extension PayloadSummary: JSONWritable {
  func writeJSON(to w: inout JSONWriter) {
    w.object { w in
      w.field("byKind", byKind)
      w.field("entries", entries)
      w.field("entryCount", entryCount)
      w.field("manifest", manifest)
      w.field("overheadBytes", overheadBytes)
      w.field("programBytes", programBytes)
      w.field("ratio", ratio)
      w.field("rawBytes", rawBytes)
      w.field("sectionOffset", sectionOffset)
      w.field("sectionSize", sectionSize)
      w.field("storedBytes", storedBytes)
    }
  }
}

extension Manifest.Pair: JSONWritable {
  func writeJSON(to w: inout JSONWriter) {
    w.object { w in
      w.field("key", key)
      w.field("value", value)
    }
  }
}

extension PayloadKindTotal: JSONWritable {
  func writeJSON(to w: inout JSONWriter) {
    w.object { w in
      w.field("entries", entries)
      w.field("kind", kind)
      w.field("rawBytes", rawBytes)
      w.field("storedBytes", storedBytes)
    }
  }
}

extension PayloadEntryRow: JSONWritable {
  func writeJSON(to w: inout JSONWriter) {
    w.object { w in
      w.field("compression", compression)
      w.field("kind", kind)
      w.field("path", path)
      w.field("ratio", ratio)
      w.field("rawBytes", rawBytes)
      w.field("storedBytes", storedBytes)
    }
  }
}

extension InspectDiff: JSONWritable {
  func writeJSON(to w: inout JSONWriter) {
    w.object { w in
      w.field("entries", entries)
      w.field("fileSize", fileSize)
      w.field("memorySize", memorySize)
      w.field("new", new)
      w.field("old", old)
      w.field("payloadRaw", payloadRaw)
      w.field("payloadStored", payloadStored)
      w.field("schemaVersion", schemaVersion)
      w.field("sections", sections)
    }
  }
}

extension InspectDiff.Change: JSONWritable {
  func writeJSON(to w: inout JSONWriter) {
    w.object { w in
      w.field("change", change)
      w.field("new", new)
      w.field("old", old)
    }
  }
}

extension InspectDiff.Row: JSONWritable {
  func writeJSON(to w: inout JSONWriter) {
    w.object { w in
      w.field("file", file)
      w.field("memory", memory)
      w.field("name", name)
      w.field("status", status)
    }
  }
}
