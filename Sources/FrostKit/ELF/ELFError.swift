/// Errors of reading or changing an ELF file.
public enum ELFError: Error, CustomStringConvertible, Equatable {
  /// The file is not an ELF file at all (text, empty, a directory, ...).
  case notELF(reason: String)
  /// The file is an ELF file, but a structure in it is damaged or out of bounds.
  case damaged(reason: String)
  /// A well-formed ELF file of a kind this operation does not handle.
  case unsupported(String)
  /// The file already has a section of that name.
  case alreadyHasSection(String)
  /// The file cannot be opened or read.
  case unreadable(reason: String)
  /// The file is an `ar` archive, but its global header or a member header is unreadable or
  /// out of bounds (the archive's own structure, not a member's contents).
  case damagedArchive(reason: String)

  public var description: String {
    switch self {
    case .notELF(let reason): "not an ELF file (\(reason))"
    case .damaged(let reason): "damaged ELF file: \(reason)"
    case .unsupported(let what): "unsupported ELF file: \(what)"
    case .alreadyHasSection(let name): "already has a \(name) section"
    case .unreadable(let reason): reason
    case .damagedArchive(let reason): "damaged ar archive: \(reason)"
    }
  }
}
