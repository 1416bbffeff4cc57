/// Adds the `.frost` section to a copy of a stub: a new section-name string table and the
/// payload are placed after the stub's contents, followed by a new section header table.
/// Nothing the loader maps moves, so the stub runs exactly as before; `strip` and `objcopy`
/// keep the section because it is described by the section header table like any other.
///
/// Written by hand rather than with libelf's `elf_update`, whose layout pass may move
/// sections; this writes ELF64 little-endian only, the format of every stub Frost builds.
public enum SectionAppender {
  /// The stub bytes with a non-alloc `SHT_PROGBITS` section `name` holding `payload`.
  public static func append(name: String, payload: [UInt8], to stub: [UInt8]) throws(ELFError)
    -> [UInt8]
  {
    let h = try ELF64Header(stub)
    let shstr = try h.section(h.shstrndx, in: stub)
    let shstrBytes = Array(stub[Int(shstr.offset)..<Int(shstr.offset + shstr.size)])
    if try h.sectionNames(stub, strtab: shstrBytes).contains(name) {
      throw .alreadyHasSection(name)
    }
    var out = stub
    let tableEnd = h.shoff + UInt64(h.shnum) * 64
    if tableEnd == UInt64(stub.count), h.shoff >= h.contentEnd(stub) {
      out.removeSubrange(Int(h.shoff)...)
    }
    let newStrtabOffset = UInt64(out.count)
    let newStrtab = shstrBytes + Array(name.utf8) + [0]
    out += newStrtab
    pad(&out, to: 16)
    let payloadOffset = UInt64(out.count)
    out += payload
    pad(&out, to: 8)
    let newShoff = UInt64(out.count)
    for i in 0..<Int(h.shnum) {
      var sh = Array(stub[Int(h.shoff) + i * 64..<Int(h.shoff) + (i + 1) * 64])
      if i == Int(h.shstrndx) {
        put64(&sh, 24, newStrtabOffset)
        put64(&sh, 32, UInt64(newStrtab.count))
      }
      out += sh
    }
    var sh = [UInt8](repeating: 0, count: 64)
    put32(&sh, 0, UInt32(shstrBytes.count))
    put32(&sh, 4, 1)  // SHT_PROGBITS, no flags: not loaded
    put64(&sh, 24, payloadOffset)
    put64(&sh, 32, UInt64(payload.count))
    put64(&sh, 48, 8)
    out += sh
    put64(&out, 40, newShoff)
    put16(&out, 60, h.shnum + 1)
    return out
  }

  private static func pad(_ b: inout [UInt8], to alignment: Int) {
    while b.count % alignment != 0 { b.append(0) }
  }
}

func put16(_ b: inout [UInt8], _ o: Int, _ v: UInt16) {
  for i in 0..<2 { b[o + i] = UInt8(truncatingIfNeeded: v >> (8 * i)) }
}
func put32(_ b: inout [UInt8], _ o: Int, _ v: UInt32) {
  for i in 0..<4 { b[o + i] = UInt8(truncatingIfNeeded: v >> (8 * i)) }
}
func put64(_ b: inout [UInt8], _ o: Int, _ v: UInt64) {
  for i in 0..<8 { b[o + i] = UInt8(truncatingIfNeeded: v >> (8 * i)) }
}

/// The few fields of an ELF64 little-endian header that `SectionAppender` needs, checked.
struct ELF64Header {
  var phoff: UInt64, shoff: UInt64
  var phnum: UInt16, shnum: UInt16, shstrndx: UInt16

  init(_ b: [UInt8]) throws(ELFError) {
    guard b.count >= 64, b[0..<4].elementsEqual([0x7f, 0x45, 0x4c, 0x46]) else {
      throw .notELF(reason: "no ELF magic")
    }
    guard b[4] == 2, b[5] == 1 else { throw .unsupported("stub is not ELF64 little-endian") }
    let r = ByteReader(b)
    phoff = r.u64(32)
    shoff = r.u64(40)
    phnum = r.u16(56)
    shnum = r.u16(60)
    shstrndx = r.u16(62)
    guard shnum > 0, shstrndx < shnum, r.u16(58) == 64 else {
      throw .unsupported("stub has no plain section header table")
    }
    let (end, o) = shoff.addingReportingOverflow(UInt64(shnum) * 64)
    guard !o, end <= UInt64(b.count) else {
      throw .damaged(reason: "section header table ends past end of file")
    }
  }

  /// Offset and size of section `i`, checked against the file.
  func section(_ i: UInt16, in b: [UInt8]) throws(ELFError) -> (offset: UInt64, size: UInt64) {
    let r = ByteReader(b)
    let base = Int(shoff) + Int(i) * 64
    let (offset, size) = (r.u64(base + 24), r.u64(base + 32))
    let (end, o) = offset.addingReportingOverflow(size)
    guard !o, end <= UInt64(b.count) else {
      throw .damaged(reason: "section \(i) ends past end of file")
    }
    return (offset, size)
  }

  func sectionNames(_ b: [UInt8], strtab: [UInt8]) throws(ELFError) -> [String] {
    let r = ByteReader(b)
    return (0..<Int(shnum)).map { i in
      let n = Int(r.u32(Int(shoff) + i * 64))
      guard n < strtab.count else { return "" }
      let end = strtab[n...].firstIndex(of: 0) ?? strtab.count
      return String(decoding: strtab[n..<end], as: UTF8.self)
    }
  }

  /// End of the last section contents or program header table.
  func contentEnd(_ b: [UInt8]) -> UInt64 {
    let r = ByteReader(b)
    var end = max(64, phoff + UInt64(phnum) * 56)
    for i in 0..<Int(shnum) {
      let base = Int(shoff) + i * 64
      if r.u32(base + 4) != 8 { end = max(end, r.u64(base + 24) + r.u64(base + 32)) }  // not NOBITS
    }
    return end
  }
}
