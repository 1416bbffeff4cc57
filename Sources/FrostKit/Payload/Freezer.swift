#if canImport(Glibc)
  import Glibc
#endif

/// What `Freezer.write` produced.
public struct FreezeSummary: Codable, Sendable {
  public var output: String
  public var fileSize: UInt64
  public var stubSize: UInt64
  public var entries: Int
  public var rawBytes: UInt64
  public var storedBytes: UInt64
}

/// Writes Frost binaries: stub + `.frost` section, atomically.
public enum Freezer {
  /// Builds the payload of `plan`, appends it to the stub found in `stubDirectory`, and writes
  /// the result to `output` through a temporary file in the same folder (fsync, rename), so
  /// that a failed build leaves nothing behind. `inputs` are paths that must not be replaced;
  /// `level` overrides the plan's default level for its codec.
  public static func write(
    _ plan: FreezePlan, stubDirectory: String, output: String, level: Int? = nil,
    inputs: [String] = []
  ) throws -> FreezeSummary {
    if let level, !(0...plan.codec.maxLevel).contains(level) {
      throw BuildError.badLevel(level, codec: plan.codec)
    }
    try FileIO.checkOutput(output, inputs: inputs)
    let stubPath = plan.stub.hasPrefix("/") ? plan.stub : stubDirectory + "/" + plan.stub
    let stub: [UInt8]
    do { stub = try FileIO.read(stubPath) } catch {
      throw BuildError.stubMissing(stub: plan.stub, directory: stubDirectory)
    }
    let payload = try PayloadWriter.build(
      plan.entries, manifest: plan.manifest, codec: plan.codec, levels: plan.levels(explicit: level),
      shared: plan.dictionaryEntries)
    let binary = try SectionAppender.append(
      name: PayloadFormat.sectionName, payload: payload, to: stub)
    try FileIO.writeAtomically(binary, to: output, mode: 0o755)
    let reader = try PayloadReader(section: payload)
    return FreezeSummary(
      output: output, fileSize: UInt64(binary.count), stubSize: UInt64(stub.count),
      entries: reader.entries.count, rawBytes: reader.entries.reduce(0) { $0 + $1.rawSize },
      storedBytes: reader.entries.storedBytesCountedOnce)
  }
}

/// Finds the stubs: `FROST_STUB_DIR`, else next to the running `frost`, else `../libexec/frost`.
public enum StubLocator {
  /// The folder holding `stub`.
  public static func directory(for stub: String, environment: [String: String]) throws(BuildError)
    -> String
  {
    if stub.hasPrefix("/") { return FileIO.directoryName(stub) }
    if let dir = environment["FROST_STUB_DIR"], !dir.isEmpty {
      guard access(dir + "/" + stub, R_OK) == 0 else {
        throw .stubMissing(stub: stub, directory: dir)
      }
      return dir
    }
    let exe = FileIO.realPath("/proc/self/exe") ?? ""
    let binDir = String(exe[..<(exe.lastIndex(of: "/") ?? exe.startIndex)])
    for dir in [binDir, binDir + "/../libexec/frost"] where access(dir + "/" + stub, R_OK) == 0 {
      return dir
    }
    throw .stubMissing(stub: stub, directory: binDir)
  }
}
