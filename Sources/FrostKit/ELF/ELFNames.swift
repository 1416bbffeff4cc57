import CLibELF

/// Names of ELF constants as `readelf` prints them, for reports.
public enum ELFNames {
  /// `sh_type` as in `readelf -S` (`PROGBITS`, `NOBITS`, ...), else the number in hex.
  public static func sectionType(_ type: UInt32) -> String {
    switch Int32(bitPattern: type) {
    case SHT_NULL: "NULL"
    case SHT_PROGBITS: "PROGBITS"
    case SHT_SYMTAB: "SYMTAB"
    case SHT_STRTAB: "STRTAB"
    case SHT_RELA: "RELA"
    case SHT_HASH: "HASH"
    case SHT_DYNAMIC: "DYNAMIC"
    case SHT_NOTE: "NOTE"
    case SHT_NOBITS: "NOBITS"
    case SHT_REL: "REL"
    case SHT_SHLIB: "SHLIB"
    case SHT_DYNSYM: "DYNSYM"
    case SHT_INIT_ARRAY: "INIT_ARRAY"
    case SHT_FINI_ARRAY: "FINI_ARRAY"
    case SHT_PREINIT_ARRAY: "PREINIT_ARRAY"
    case SHT_GROUP: "GROUP"
    case SHT_SYMTAB_SHNDX: "SYMTAB SECTION INDICES"
    case SHT_RELR: "RELR"
    case SHT_GNU_ATTRIBUTES: "GNU_ATTRIBUTES"
    case SHT_GNU_HASH: "GNU_HASH"
    case SHT_GNU_LIBLIST: "GNU_LIBLIST"
    case SHT_GNU_verdef: "VERDEF"
    case SHT_GNU_verneed: "VERNEED"
    case SHT_GNU_versym: "VERSYM"
    case 0x6fff_4c00...0x6fff_4cff: "LLVM_\(hex(type))"
    case 0x7000_0001: "X86_64_UNWIND"
    default: hex(type)
    }
  }

  /// `p_type` as in `readelf -l` (`LOAD`, `INTERP`, ...), else the number in hex.
  public static func segmentType(_ type: UInt32) -> String {
    switch Int32(bitPattern: type) {
    case PT_NULL: "NULL"
    case PT_LOAD: "LOAD"
    case PT_DYNAMIC: "DYNAMIC"
    case PT_INTERP: "INTERP"
    case PT_NOTE: "NOTE"
    case PT_SHLIB: "SHLIB"
    case PT_PHDR: "PHDR"
    case PT_TLS: "TLS"
    case PT_GNU_EH_FRAME: "GNU_EH_FRAME"
    case PT_GNU_STACK: "GNU_STACK"
    case PT_GNU_RELRO: "GNU_RELRO"
    case PT_GNU_PROPERTY: "GNU_PROPERTY"
    default: hex(type)
    }
  }

  /// `sh_flags` as the letters of `readelf -S` (`W` write, `A` alloc, `X` execute, `M` merge,
  /// `S` strings, `I` info, `L` link order, `O` OS, `G` group, `T` TLS, `C` compressed,
  /// `E` exclude, `R` retain).
  public static func sectionFlags(_ flags: UInt64) -> String {
    // Appends to a small (inline) String: no array per call, for tables of 70,000 sections.
    var out = ""
    func letter(_ bit: UInt64, _ c: String) { if flags & bit != 0 { out += c } }
    letter(UInt64(SHF_WRITE), "W")
    letter(UInt64(SHF_ALLOC), "A")
    letter(UInt64(SHF_EXECINSTR), "X")
    letter(UInt64(SHF_MERGE), "M")
    letter(UInt64(SHF_STRINGS), "S")
    letter(UInt64(SHF_INFO_LINK), "I")
    letter(UInt64(SHF_LINK_ORDER), "L")
    letter(UInt64(SHF_OS_NONCONFORMING), "O")
    letter(UInt64(SHF_GROUP), "G")
    letter(UInt64(SHF_TLS), "T")
    letter(UInt64(SHF_COMPRESSED), "C")
    letter(UInt64(SHF_GNU_RETAIN), "R")
    letter(UInt64(1) << 31, "E")
    return out
  }

  /// `p_flags` as `R`, `W`, `E` letters.
  public static func segmentFlags(_ flags: UInt32) -> String {
    (flags & UInt32(PF_R) != 0 ? "R" : "") + (flags & UInt32(PF_W) != 0 ? "W" : "")
      + (flags & UInt32(PF_X) != 0 ? "E" : "")
  }

  /// `e_type` (`REL`, `EXEC`, `DYN`, `CORE`).
  public static func fileType(_ type: UInt16) -> String {
    switch Int32(type) {
    case ET_NONE: "NONE"
    case ET_REL: "REL"
    case ET_EXEC: "EXEC"
    case ET_DYN: "DYN"
    case ET_CORE: "CORE"
    default: hex(UInt32(type))
    }
  }

  /// A short description of `e_type`.
  public static func fileTypeDescription(_ type: UInt16) -> String {
    switch Int32(type) {
    case ET_REL: "relocatable object"
    case ET_EXEC: "executable"
    case ET_DYN: "shared object or position-independent executable"
    case ET_CORE: "core file"
    default: "unknown file type"
    }
  }

  /// `e_machine` for common machines, else `machine N`.
  public static func machine(_ machine: UInt16) -> String {
    switch Int32(machine) {
    case EM_NONE: "none"
    case EM_386: "i386"
    case EM_X86_64: "x86-64"
    case EM_AARCH64: "AArch64"
    case EM_ARM: "ARM"
    case EM_PPC: "PowerPC"
    case EM_PPC64: "PowerPC64"
    case EM_S390: "IBM S/390"
    case EM_MIPS: "MIPS"
    case EM_SPARC: "SPARC"
    case EM_SPARCV9: "SPARC v9"
    case EM_RISCV: "RISC-V"
    case EM_LOONGARCH: "LoongArch"
    case EM_IAMCU: "Intel MCU"
    case EM_BPF: "BPF"
    default: "machine \(machine)"
    }
  }

  /// `e_ident[EI_OSABI]`.
  public static func osABI(_ abi: UInt8) -> String {
    switch Int32(abi) {
    case ELFOSABI_SYSV: "UNIX - System V"
    case ELFOSABI_HPUX: "HP-UX"
    case ELFOSABI_NETBSD: "NetBSD"
    case ELFOSABI_GNU: "GNU/Linux"
    case ELFOSABI_SOLARIS: "Solaris"
    case ELFOSABI_FREEBSD: "FreeBSD"
    case ELFOSABI_OPENBSD: "OpenBSD"
    case ELFOSABI_ARM: "ARM"
    case ELFOSABI_STANDALONE: "standalone"
    default: "OS/ABI \(abi)"
    }
  }

  /// `GELF_ST_TYPE` (`FUNC`, `OBJECT`, ...).
  public static func symbolType(_ type: UInt8) -> String {
    switch Int32(type) {
    case STT_NOTYPE: "NOTYPE"
    case STT_OBJECT: "OBJECT"
    case STT_FUNC: "FUNC"
    case STT_SECTION: "SECTION"
    case STT_FILE: "FILE"
    case STT_COMMON: "COMMON"
    case STT_TLS: "TLS"
    case STT_GNU_IFUNC: "IFUNC"
    default: "\(type)"
    }
  }

  /// `GELF_ST_BIND` (`LOCAL`, `GLOBAL`, `WEAK`, ...).
  public static func symbolBinding(_ binding: UInt8) -> String {
    switch Int32(binding) {
    case STB_LOCAL: "LOCAL"
    case STB_GLOBAL: "GLOBAL"
    case STB_WEAK: "WEAK"
    case STB_GNU_UNIQUE: "UNIQUE"
    default: "\(binding)"
    }
  }

  private static func hex(_ v: UInt32) -> String { "0x" + String(v, radix: 16) }
}
