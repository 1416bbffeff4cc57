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
  /// The level for extension modules and native libraries unless `--compress-level` is given:
  /// they are most of a Python payload, and zstd decodes as fast whatever the level.
  public var sharedObjectLevel: Int?
  /// The entries that share a trained dictionary, with zstd (`PayloadDictionary`); nil: none.
  public var dictionaryEntries: (@Sendable (PayloadInput) -> Bool)?

  public init(
    stub: String, entries: [PayloadInput], manifest: Manifest, codec: Compression = .zlib,
    defaultLevel: Int = 9, sharedObjectLevel: Int? = nil,
    dictionaryEntries: (@Sendable (PayloadInput) -> Bool)? = nil
  ) {
    self.stub = stub
    self.entries = entries
    self.manifest = manifest
    self.codec = codec
    self.defaultLevel = defaultLevel
    self.sharedObjectLevel = sharedObjectLevel
    self.dictionaryEntries = dictionaryEntries
  }

  /// The level of each entry kind: `explicit` for all when given.
  public func levels(explicit: Int?) -> @Sendable (EntryKind) -> Int {
    let (base, shared) = (explicit ?? defaultLevel, explicit == nil ? sharedObjectLevel : nil)
    return { kind in
      guard let shared, kind == .extensionModule || kind == .nativeLibrary else { return base }
      return shared
    }
  }
}
