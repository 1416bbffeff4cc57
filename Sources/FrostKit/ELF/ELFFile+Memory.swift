import CLibELF

/// A copy of an ELF file's bytes that libelf reads in place (`elf_memory`), freed with the
/// `ELFFile` that owns it.
final class ELFMemory {
  let base: UnsafeMutableRawPointer
  let count: Int

  init(_ bytes: [UInt8]) {
    count = bytes.count
    base = .allocate(byteCount: max(count, 1), alignment: 16)
    bytes.withUnsafeBytes { base.copyMemory(from: $0.baseAddress!, byteCount: count) }
  }

  deinit { base.deallocate() }
}

extension ELFFile {
  /// An ELF file held in memory (a payload entry, say), checked as `init(path:)` checks a file.
  public convenience init(memory bytes: [UInt8]) throws(ELFError) {
    let memory = ELFMemory(bytes)
    elf_version(UInt32(EV_CURRENT))
    guard !bytes.isEmpty,
      let elf = elf_memory(memory.base.assumingMemoryBound(to: CChar.self), memory.count)
    else { throw .damaged(reason: "libelf: \(Self.lastError())") }
    try self.init(handle: elf, size: UInt64(bytes.count), ident: Array(bytes.prefix(Int(EI_NIDENT))), owner: memory)
  }
}
