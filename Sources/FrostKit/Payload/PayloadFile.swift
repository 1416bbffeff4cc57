/// Reading the payload of a Frost binary on disk.
public enum PayloadFile {
  /// The payload of the Frost binary at `path`.
  public static func open(_ path: String) throws -> PayloadReader {
    let file = try ELFFile(path: path)
    guard let section = try file.section(named: PayloadFormat.sectionName) else {
      throw PayloadError.noPayload
    }
    return try PayloadReader(section: try file.bytes(of: section))
  }
}
