/// Everything needed to write one Frost binary: which stub heads it, what the payload holds.
/// Made by a collector (`HostFreezer` for scripts run by a host interpreter, `PythonFreezer`
/// for self-contained Python) and written by `Freezer.write`.
public struct FreezePlan: Sendable {
  /// File name of the stub, looked up in the stub folder (e.g. `frost-stub-host`).
  public var stub: String
  public var entries: [PayloadInput]
  public var manifest: Manifest
  /// How entries are compressed: zlib for host-interpreter scripts (the small stub has no
  /// zstd), zstd for self-contained Python.
  public var codec: Compression
  /// The level used unless `frost build --compress-level` says otherwise.
  public var defaultLevel: Int

  public init(
    stub: String, entries: [PayloadInput], manifest: Manifest, codec: Compression = .zlib,
    defaultLevel: Int = 9
  ) {
    self.stub = stub
    self.entries = entries
    self.manifest = manifest
    self.codec = codec
    self.defaultLevel = defaultLevel
  }
}
