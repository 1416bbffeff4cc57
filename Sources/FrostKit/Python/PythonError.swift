/// Errors of collecting a self-contained Python program (`frost build app.py`).
public enum PythonError: Error, CustomStringConvertible, Equatable {
  /// The script, package folder or `--path` folder does not exist.
  case notFound(path: String)
  /// A folder given as the program has no `__main__.py`.
  case noMain(path: String)
  /// The collecting interpreter cannot be run.
  case interpreterFailed(python: String, reason: String)
  /// The collecting interpreter is another version than the one embedded in the stub.
  case versionMismatch(python: String, found: String, embedded: String)
  /// `python` cannot be embedded (not CPython 3.8 to 3.13, a debug or free-threaded build, no
  /// static library or headers): `reason` says why and what to install.
  case cannotEmbed(python: String, reason: String)
  /// Linking the interpreter stub for `python` failed (no C compiler, or it failed).
  case stubBuildFailed(python: String, reason: String)
  /// The stub carries no `.frost_python` section (not a Python stub, or an old build).
  case badStub(path: String)
  /// The collector script failed.
  case collectorFailed(python: String, message: String)
  /// A file of the program does not compile.
  case syntaxError(message: String)
  /// `--add-data` is not `SRC:DEST`, or SRC does not exist.
  case badAddData(spec: String)
  /// The entry module was not found by the collector.
  case mainNotFound(module: String)
  /// `[tool.frost]` in pyproject.toml has a value this parser does not accept.
  case badPyproject(path: String, line: Int, reason: String)
  /// A setting in `[tool.frost]` of `source` has a value it does not take (`optimize`: 0, 1
  /// or 2; `pack-interpreter`: auto, always or never).
  case badSetting(key: String, value: String, expected: String, source: String)
  /// The packed interpreter next to the stubs is not the image of the interpreter stub there
  /// (a stub rebuilt without `make`).
  case stalePackedImage(path: String)

  /// `--strict`: an import outside any try block resolves to nothing.
  case unresolvedImports(importer: String, names: [String])

  public var description: String {
    switch self {
    case .notFound(let path): "\(path): no such file or directory"
    case .noMain(let path): "\(path): directory has no __main__.py"
    case .interpreterFailed(let python, let reason): "cannot run \(python): \(reason)"
    case .versionMismatch(let python, let found, let embedded):
      "\(python) is Python \(found), but the embedded interpreter is Python \(embedded): "
        + "bytecode would not load; collect with a Python \(embedded) (--python)"
    case .cannotEmbed(let python, let reason): "cannot embed \(python): \(reason)"
    case .stubBuildFailed(let python, let reason):
      "cannot build the interpreter stub for \(python): \(reason)"
    case .badStub(let path): "\(path): not a Python stub (no .frost_python section)"
    case .collectorFailed(let python, let message): "collecting with \(python) failed: \(message)"
    case .syntaxError(let message): "syntax error: \(message)"
    case .badAddData(let spec): "--add-data '\(spec)': expected SRC:DEST with an existing SRC"
    case .mainNotFound(let module): "module '\(module)' not found"
    case .badPyproject(let path, let line, let reason): "\(path):\(line): [tool.frost]: \(reason)"
    case .badSetting(let key, let value, let expected, let source):
      source.hasPrefix("--")
        ? "\(source) \(value): expected \(expected)"
        : "\(source): [tool.frost]: \(key) = \(value): expected \(expected)"
    case .unresolvedImports(let importer, let names):
      "\(importer) imports \(names.joined(separator: ", ")), which cannot be found (--strict); "
        + "bundle with --include-module or --path, or leave out with --exclude-module"
    case .stalePackedImage(let path):
      "\(path): not the packed image of the interpreter stub next to it (run make)"
    }
  }
}
