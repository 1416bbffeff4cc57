// A small decoder of Rust v0 symbol names (`_R...`, RFC 2603), written here because no
// library on this system decodes them (libstdc++'s `__cxa_demangle` does not; libiberty and
// LLVM's demangler are not installed as libraries). It prints what rustc-demangle's `{:#}`
// prints for the common forms: paths, generic arguments, closures and shims, impls, the
// built-in types, references, pointers, arrays, slices, tuples, `fn` and `dyn` types,
// integer, bool and char constants, backreferences and punycode identifiers. Anything else
// (other constants, an encoding version) makes it give up: the name is then shown as stored.

/// Decodes Rust v0 mangled names (see the comment at the top of this file).
enum RustV0Demangler {
  /// The demangled name, or nil when `name` is not a v0 name this decoder handles.
  static func demangle(_ name: String) -> String? {
    var bytes = Array(name.utf8)
    guard bytes.starts(with: "_R".utf8) else { return nil }
    var suffix = ""
    if let dot = bytes.firstIndex(of: UInt8(ascii: ".")) {
      suffix = String(decoding: bytes[dot...], as: UTF8.self)
      bytes.removeSubrange(dot...)
      if suffix.hasPrefix(".llvm.") { suffix = "" }
    }
    var p = Parser(bytes: Array(bytes.dropFirst(2)))
    guard let first = p.peek(), first >= UInt8(ascii: "A"), first <= UInt8(ascii: "Z"),
      (try? p.path(inValue: true)) != nil
    else { return nil }
    // An instantiating crate may follow; it is not printed.
    if !p.atEnd { guard (try? p.skip { p throws(Invalid) in try p.path(inValue: false) }) != nil, p.atEnd else { return nil } }
    return p.out + suffix
  }

  struct Invalid: Error {}

  /// A recursive-descent parser that prints as it parses.
  struct Parser {
    let bytes: [UInt8]
    var pos = 0
    var out = ""
    var depth = 0
    /// Lifetimes bound by enclosing `for<...>` binders.
    var boundLifetimes = 0

    static let maxDepth = 200
    static let maxOutput = 1 << 16

    var atEnd: Bool { pos == bytes.count }
    func peek() -> UInt8? { pos < bytes.count ? bytes[pos] : nil }

    mutating func eat(_ c: Character) -> Bool {
      guard let b = peek(), b == c.asciiValue else { return false }
      pos += 1
      return true
    }

    mutating func next() throws(Invalid) -> UInt8 {
      guard let b = peek() else { throw Invalid() }
      pos += 1
      return b
    }

    mutating func write(_ s: String) throws(Invalid) {
      out += s
      guard out.utf8.count <= Self.maxOutput else { throw Invalid() }
    }

    /// Runs `body` without keeping what it prints.
    mutating func skip(_ body: (inout Parser) throws(Invalid) -> Void) throws(Invalid) {
      let saved = out
      try body(&self)
      out = saved
    }

    /// Parses (and prints) the item at `target`, then comes back.
    mutating func backref(_ body: (inout Parser) throws(Invalid) -> Void) throws(Invalid) {
      let start = pos - 1
      guard let target = Int(exactly: try base62()), target < start, depth < Self.maxDepth else {
        throw Invalid()
      }
      let saved = pos
      pos = target
      depth += 1
      try body(&self)
      depth -= 1
      pos = saved
    }

    /// `{0-9a-zA-Z} _`: `_` is 0, otherwise the digits plus 1 (crate disambiguators are
    /// 64-bit hashes, hence `UInt64`).
    mutating func base62() throws(Invalid) -> UInt64 {
      if eat("_") { return 0 }
      var value: UInt64 = 0
      while true {
        let b = try next()
        let digit: UInt64
        switch b {
        case UInt8(ascii: "_"):
          guard value < UInt64.max else { throw Invalid() }
          return value + 1
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt64(b - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "z"): digit = UInt64(b - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): digit = UInt64(b - UInt8(ascii: "A")) + 36
        default: throw Invalid()
        }
        let (m, o1) = value.multipliedReportingOverflow(by: 62)
        let (a, o2) = m.addingReportingOverflow(digit)
        guard !o1, !o2 else { throw Invalid() }
        value = a
      }
    }

    mutating func decimal() throws(Invalid) -> Int {
      var value = 0
      var digits = 0
      while let b = peek(), b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") {
        guard !(digits == 1 && value == 0), digits < 9 else { throw Invalid() }
        value = value * 10 + Int(b - UInt8(ascii: "0"))
        digits += 1
        pos += 1
      }
      guard digits > 0 else { throw Invalid() }
      return value
    }

    /// `["s" base62]`: the disambiguator, 0 when absent (printed as 1 less than stored + 1).
    mutating func disambiguator() throws(Invalid) -> UInt64 {
      eat("s") ? try base62() &+ 1 : 0
    }

    /// `["u"] decimal ["_"] bytes`, punycode decoded.
    mutating func identifier() throws(Invalid) -> String {
      let puny = eat("u")
      let length = try decimal()
      _ = eat("_")
      guard length <= bytes.count - pos else { throw Invalid() }
      let raw = bytes[pos..<(pos + length)]
      pos += length
      guard puny else { return String(decoding: raw, as: UTF8.self) }
      return try Self.punycode(Array(raw))
    }

    mutating func path(inValue: Bool) throws(Invalid) {
      depth += 1
      defer { depth -= 1 }
      guard depth < Self.maxDepth else { throw Invalid() }
      switch try next() {
      case UInt8(ascii: "C"):
        _ = try disambiguator()
        try write(try identifier())
      case UInt8(ascii: "M"):
        _ = try disambiguator()
        try skip { p throws(Invalid) in try p.path(inValue: false) }
        try write("<")
        try type()
        try write(">")
      case UInt8(ascii: "X"):
        _ = try disambiguator()
        try skip { p throws(Invalid) in try p.path(inValue: false) }
        try write("<")
        try type()
        try write(" as ")
        try path(inValue: false)
        try write(">")
      case UInt8(ascii: "Y"):
        try write("<")
        try type()
        try write(" as ")
        try path(inValue: false)
        try write(">")
      case UInt8(ascii: "N"):
        let namespace = try next()
        try path(inValue: inValue)
        let number = try disambiguator()
        let name = try identifier()
        if namespace >= UInt8(ascii: "A"), namespace <= UInt8(ascii: "Z") {
          let kind =
            switch namespace {
            case UInt8(ascii: "C"): "closure"
            case UInt8(ascii: "S"): "shim"
            default: String(UnicodeScalar(namespace))
            }
          try write("::{" + kind + (name.isEmpty ? "" : ":" + name) + "#\(number)}")
        } else if !name.isEmpty {
          try write("::" + name)
        }
      case UInt8(ascii: "I"):
        try path(inValue: inValue)
        try write(inValue ? "::<" : "<")
        var first = true
        while !eat("E") {
          if !first { try write(", ") }
          first = false
          try genericArg()
        }
        try write(">")
      case UInt8(ascii: "B"):
        try backref { p throws(Invalid) in try p.path(inValue: inValue) }
      default: throw Invalid()
      }
    }

    mutating func genericArg() throws(Invalid) {
      if eat("L") {
        try lifetime(try base62())
      } else if eat("K") {
        try const()
      } else {
        try type()
      }
    }

    mutating func lifetime(_ index: UInt64) throws(Invalid) {
      if index == 0 { return try write("'_") }
      guard let index = Int(exactly: index), index <= boundLifetimes else { throw Invalid() }
      let depth = boundLifetimes - index
      try write(depth < 26 ? "'" + String(UnicodeScalar(UInt8(ascii: "a") + UInt8(depth))) : "'_\(depth)")
    }

    /// `["G" base62]`: a `for<'a, ...>` binder, printed when it binds anything.
    mutating func binder() throws(Invalid) {
      guard eat("G") else { return }
      let count = try base62() &+ 1
      guard count < 1000 else { throw Invalid() }
      try write("for<")
      for i in 0..<count {
        if i > 0 { try write(", ") }
        boundLifetimes += 1
        try lifetime(1)
      }
      try write("> ")
    }

    static let basicTypes: [UInt8: String] = [
      UInt8(ascii: "a"): "i8", UInt8(ascii: "b"): "bool", UInt8(ascii: "c"): "char",
      UInt8(ascii: "d"): "f64", UInt8(ascii: "e"): "str", UInt8(ascii: "f"): "f32",
      UInt8(ascii: "h"): "u8", UInt8(ascii: "i"): "isize", UInt8(ascii: "j"): "usize",
      UInt8(ascii: "l"): "i32", UInt8(ascii: "m"): "u32", UInt8(ascii: "n"): "i128",
      UInt8(ascii: "o"): "u128", UInt8(ascii: "s"): "i16", UInt8(ascii: "t"): "u16",
      UInt8(ascii: "u"): "()", UInt8(ascii: "v"): "...", UInt8(ascii: "x"): "i64",
      UInt8(ascii: "y"): "u64", UInt8(ascii: "z"): "!", UInt8(ascii: "p"): "_",
    ]

    mutating func type() throws(Invalid) {
      depth += 1
      defer { depth -= 1 }
      guard depth < Self.maxDepth else { throw Invalid() }
      let tag = try next()
      if let basic = Self.basicTypes[tag] { return try write(basic) }
      switch tag {
      case UInt8(ascii: "R"), UInt8(ascii: "Q"):
        try write("&")
        if eat("L") {
          let index = try base62()
          if index != 0 {
            try lifetime(index)
            try write(" ")
          }
        }
        if tag == UInt8(ascii: "Q") { try write("mut ") }
        try type()
      case UInt8(ascii: "P"), UInt8(ascii: "O"):
        try write(tag == UInt8(ascii: "P") ? "*const " : "*mut ")
        try type()
      case UInt8(ascii: "A"), UInt8(ascii: "S"):
        try write("[")
        try type()
        if tag == UInt8(ascii: "A") {
          try write("; ")
          try const()
        }
        try write("]")
      case UInt8(ascii: "T"):
        try write("(")
        var count = 0
        while !eat("E") {
          if count > 0 { try write(", ") }
          try type()
          count += 1
        }
        try write(count == 1 ? ",)" : ")")
      case UInt8(ascii: "F"):
        let saved = boundLifetimes
        try binder()
        if eat("U") { try write("unsafe ") }
        if eat("K") {
          let abi = eat("C") ? "C" : String(try identifier().map { $0 == "_" ? "-" : $0 })
          try write("extern \"\(abi)\" ")
        }
        try write("fn(")
        var first = true
        while !eat("E") {
          if !first { try write(", ") }
          first = false
          try type()
        }
        try write(")")
        if eat("u") { /* returns () */ } else {
          try write(" -> ")
          try type()
        }
        boundLifetimes = saved
      case UInt8(ascii: "D"):
        let saved = boundLifetimes
        try write("dyn ")
        try binder()
        var first = true
        while !eat("E") {
          if !first { try write(" + ") }
          first = false
          try dynTrait()
        }
        boundLifetimes = saved
        guard eat("L") else { throw Invalid() }
        let index = try base62()
        if index != 0 {
          try write(" + ")
          try lifetime(index)
        }
      case UInt8(ascii: "B"):
        try backref { p throws(Invalid) in try p.type() }
      default:
        pos -= 1
        try path(inValue: false)
      }
    }

    /// A trait path and its `p name type` associated type bindings (`Trait<Item = T>`).
    mutating func dynTrait() throws(Invalid) {
      let start = out.utf8.count
      try path(inValue: false)
      var open = false
      while eat("p") {
        if !open {
          // Bindings join the trait's generic arguments when it has some.
          if out.hasSuffix(">"), out.utf8.count > start {
            out.removeLast()
            try write(", ")
          } else {
            try write("<")
          }
          open = true
        } else {
          try write(", ")
        }
        try write(try identifier() + " = ")
        try type()
      }
      if open { try write(">") }
    }

    /// A constant: a type, then `["n"] hex _`; or `p` (placeholder) or a backreference.
    mutating func const() throws(Invalid) {
      if eat("p") { return try write("_") }
      if eat("B") { return try backref { p throws(Invalid) in try p.const() } }
      let tag = try next()
      var negative = false
      if eat("n") { negative = true }
      var value: UInt64 = 0
      var digits = 0
      while !eat("_") {
        let b = try next()
        guard let d = UInt64(String(UnicodeScalar(b)), radix: 16), digits < 16 else {
          throw Invalid()
        }
        value = value << 4 | d
        digits += 1
      }
      switch tag {
      case UInt8(ascii: "a"), UInt8(ascii: "s"), UInt8(ascii: "l"), UInt8(ascii: "x"),
        UInt8(ascii: "n"), UInt8(ascii: "i"), UInt8(ascii: "h"), UInt8(ascii: "t"),
        UInt8(ascii: "m"), UInt8(ascii: "y"), UInt8(ascii: "o"), UInt8(ascii: "j"):
        try write((negative ? "-" : "") + "\(value)")
      case UInt8(ascii: "b") where !negative && value <= 1:
        try write(value == 1 ? "true" : "false")
      case UInt8(ascii: "c") where !negative:
        guard let v = UInt32(exactly: value), let scalar = Unicode.Scalar(v) else { throw Invalid() }
        try write("'" + String(Character(scalar)) + "'")
      default: throw Invalid()
      }
    }

    /// RFC 3492 Punycode, with `_` as the delimiter (Rust v0's form).
    static func punycode(_ input: [UInt8]) throws(Invalid) -> String {
      var output: [UInt32] = []
      var rest = input[...]
      if let delimiter = input.lastIndex(of: UInt8(ascii: "_")) {
        output = input[..<delimiter].map(UInt32.init)
        rest = input[(delimiter + 1)...]
      }
      let base = 36, tMin = 1, tMax = 26, skew = 38, damp = 700
      var n = 128, i = 0, bias = 72
      while !rest.isEmpty {
        let oldI = i
        var w = 1
        var k = base
        while true {
          guard let b = rest.popFirst() else { throw Invalid() }
          let digit: Int
          switch b {
          case UInt8(ascii: "a")...UInt8(ascii: "z"): digit = Int(b - UInt8(ascii: "a"))
          case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = Int(b - UInt8(ascii: "0")) + 26
          default: throw Invalid()
          }
          let (dw, o1) = digit.multipliedReportingOverflow(by: w)
          let (sum, o2) = i.addingReportingOverflow(dw)
          guard !o1, !o2, sum < 0x11_0000 * 64 else { throw Invalid() }
          i = sum
          let t = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
          if digit < t { break }
          w *= base - t
          guard w < 1 << 40 else { throw Invalid() }
          k += base
        }
        let count = output.count + 1
        var delta = oldI == 0 ? (i - oldI) / damp : (i - oldI) / 2
        delta += delta / count
        var k2 = 0
        while delta > ((base - tMin) * tMax) / 2 {
          delta /= base - tMin
          k2 += base
        }
        bias = k2 + (base - tMin + 1) * delta / (delta + skew)
        n += i / count
        i %= count
        guard n < 0x11_0000, output.count < 1000 else { throw Invalid() }
        output.insert(UInt32(n), at: i)
        i += 1
      }
      var s = ""
      for v in output {
        guard let scalar = Unicode.Scalar(v) else { throw Invalid() }
        s.unicodeScalars.append(scalar)
      }
      return s
    }
  }
}
