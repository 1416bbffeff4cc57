/// Errors of `frost build` that are not about reading or writing one file.
public enum BuildError: Error, CustomStringConvertible, Equatable {
  /// The script is empty.
  case emptyScript(path: String)
  /// The script has no `#!` line and no `--interpreter` was given.
  case noInterpreter(path: String)
  /// The interpreter named by the shebang or `--interpreter` cannot be found.
  case interpreterNotFound(path: String, interpreter: String)
  /// The stub is not in the stub folder.
  case stubMissing(stub: String, directory: String)
  /// `--compress-level` is outside the codec's range.
  case badLevel(Int, codec: Compression)
  /// A `--host-python` directory has no `__main__.py`.
  case noMain(path: String)

  /// `frost build` with no script, no `--console-script`, and no `[project.scripts]` in
  /// ./pyproject.toml.
  case noScript
  /// `-o` with no script, and ./pyproject.toml declares several scripts.
  case oneOutputForScripts(count: Int)

  public var description: String {
    switch self {
    case .emptyScript(let path): "\(path): script is empty"
    case .noScript: "no script given, and no [project.scripts] here to build"
    case .oneOutputForScripts(let count): "-o names one file, but \(count) scripts are declared"
    case .noInterpreter(let path):
      "\(path): no #! line; name the interpreter with --interpreter"
    case .interpreterNotFound(let path, let interpreter):
      "\(path): interpreter '\(interpreter)' not found"
    case .stubMissing(let stub, let directory):
      "stub '\(stub)' not found in \(directory) (run `make`, or set FROST_STUB_DIR)"
    case .badLevel(let level, let codec):
      "--compress-level \(level) is not in 0-\(codec.maxLevel) (\(codec) payload)"
    case .noMain(let path): "\(path): directory has no __main__.py"
    }
  }
}
