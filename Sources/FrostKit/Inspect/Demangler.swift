import CDemangle

#if canImport(Glibc)
  import Glibc
#endif

/// Demangles symbol names for `frost inspect --symbols`: C++ (Itanium ABI) with the C++
/// runtime's `__cxa_demangle`, Rust legacy names (`_ZN...17h<hash>E`) with `__cxa_demangle`
/// plus rustc-demangle's unescaping and hash removal, Rust v0 names (`_R...`) with
/// `RustV0Demangler` (no library for them is on this system), Swift names (`$s...`) with the
/// Swift runtime's `swift_demangle`. Names are shown as rustc-demangle's `{:#}` shows them:
/// without the hash of a legacy Rust name.
public enum Demangler {
  /// Longest name handed to a demangler: a longer one is shown as stored.
  static let maxLength = 4096

  /// The demangled form of `name`, or nil when it is not a mangled name of a language above
  /// or its demangler refuses it.
  public static func demangle(_ name: String) -> String? {
    let utf8 = name.utf8
    guard utf8.count >= 3, utf8.count <= maxLength else { return nil }
    if name.hasPrefix("_R") { return RustV0Demangler.demangle(name) }
    if name.hasPrefix("_Z") {
      return rustLegacy(name) ?? cxaDemangle(name)
    }
    if name.hasPrefix("$s") || name.hasPrefix("_$s") || name.hasPrefix("$S")
      || name.hasPrefix("_$S") || name.hasPrefix("$e") || name.hasPrefix("_$e")
      || name.hasPrefix("_T0")
    {
      return swiftDemangle(name)
    }
    return nil
  }

  /// `__cxa_demangle`.
  static func cxaDemangle(_ name: String) -> String? {
    var status: Int32 = 0
    guard let p = __cxa_demangle(name, nil, nil, &status) else { return nil }
    defer { free(p) }
    return status == 0 ? String(cString: p) : nil
  }

  /// `swift_demangle`.
  static func swiftDemangle(_ name: String) -> String? {
    let count = name.utf8.count
    guard let p = swift_demangle(name, count, nil, nil, 0) else { return nil }
    defer { free(p) }
    let text = String(cString: p)
    return text == name ? nil : text
  }

  /// A legacy Rust name: `_ZN` paths whose last element is `h` and 16 hex digits, then `E`
  /// and an optional `.suffix` (a `.llvm.<hex>` suffix is dropped, as rustc-demangle does).
  static func rustLegacy(_ name: String) -> String? {
    var bytes = Array(name.utf8)
    if let i = find(Array(".llvm.".utf8), in: bytes),
      bytes[(i + 6)...].allSatisfy({ isHex($0) || $0 == UInt8(ascii: "@") })
    {
      bytes.removeSubrange(i...)
    }
    guard bytes.starts(with: "_ZN".utf8) else { return nil }
    // The element list ends at the first `E` that follows a complete element.
    var i = 3
    var last: ArraySlice<UInt8> = []
    while i < bytes.count, bytes[i] != UInt8(ascii: "E") {
      var length = 0
      while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39, length < 100_000 {
        length = length * 10 + Int(bytes[i] - 0x30)
        i += 1
      }
      guard length > 0, i + length <= bytes.count else { return nil }
      last = bytes[i..<(i + length)]
      i += length
    }
    guard i < bytes.count, last.count == 17, last.first == UInt8(ascii: "h"),
      last.dropFirst().allSatisfy(isHex)
    else { return nil }
    let suffix = String(decoding: bytes[(i + 1)...], as: UTF8.self)
    guard suffix.isEmpty || suffix.hasPrefix("."),
      let demangled = cxaDemangle(String(decoding: bytes[...i], as: UTF8.self)),
      demangled.hasSuffix("::" + String(decoding: last, as: UTF8.self))
    else { return nil }
    return unescapeRust(String(demangled.dropLast(19))) + suffix
  }

  /// rustc-demangle's legacy unescaping: `..` is `::`, `$LT$` `<`, `$u20$` a space, ...; a
  /// leading `_` before `$` in an element is dropped. An unknown escape is left as is.
  static func unescapeRust(_ s: String) -> String {
    let escapes: [String: String] = [
      "SP": "@", "BP": "*", "RF": "&", "LT": "<", "GT": ">", "LP": "(", "RP": ")", "C": ",",
    ]
    var out = ""
    var rest = Substring(s)
    var elementStart = true
    while let c = rest.first {
      if elementStart, rest.hasPrefix("_$") {
        rest = rest.dropFirst()
        continue
      }
      elementStart = false
      if rest.hasPrefix("::") || rest.hasPrefix("..") {
        out += "::"
        rest = rest.dropFirst(2)
        elementStart = true
      } else if c == "$", let end = rest.dropFirst().firstIndex(of: "$") {
        let code = rest[rest.index(after: rest.startIndex)..<end]
        if let text = escapes[String(code)] {
          out += text
        } else if code.hasPrefix("u"), let v = UInt32(code.dropFirst(), radix: 16),
          let scalar = Unicode.Scalar(v)
        {
          out.unicodeScalars.append(scalar)
        } else {
          out += rest[...end]
        }
        rest = rest[rest.index(after: end)...]
      } else {
        out.append(c)
        rest = rest.dropFirst()
      }
    }
    return out
  }

  private static func isHex(_ b: UInt8) -> Bool {
    (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x66)
  }

  private static func find(_ needle: [UInt8], in bytes: [UInt8]) -> Int? {
    guard bytes.count >= needle.count else { return nil }
    return (0...(bytes.count - needle.count)).first { bytes[$0..<($0 + needle.count)].elementsEqual(needle) }
  }
}
