import Foundation

/// What the collector script reads (JSON on its stdin).
struct CollectorInput: Encodable {
  struct Entry: Encodable {
    /// "script", "package", "module" or "console".
    var type: String
    var module: String
    var path: String?
    /// "console": the console script's name, and its "module:attr" when known.
    var console: String? = nil
    var value: String? = nil
  }
  var entry: Entry
  var roots: [String]
  var paths: [String]
  var include_modules: [String]
  var include_packages: [String]
  var exclude_modules: [String]
  var add_data: [[String]]
  var include_source: Bool
  /// `compile(optimize=)`: 0, 1 (-O) or 2 (-OO).
  var optimize: Int
  /// File the collector writes bytecode to.
  var blob: String
  var provided: [String]
  /// Folders of extension modules that come with the stub (built-ins it leaves out).
  var stub_lib: [String]
  /// "all" or "imported" (`PythonFreezer.StdlibProfile`).
  var stdlib: String
  /// Where the collector keeps ldd's answers between builds (in Frost's cache folder, as
  /// CompressionCache); nil: no cache.
  var ldd_cache: String? = CompressionCache.root(
    environment: ProcessInfo.processInfo.environment
  ).map { $0 + "/ldd.json" }
}

/// What the collector script prints (JSON on its stdout).
struct CollectorOutput: Decodable {
  struct Module: Decodable {
    var name: String
    /// "module", "package" or "extension".
    var type: String
    /// "program", "stdlib" or "third-party".
    var kind: String?
    var file: String?
    var path: String?
    /// (offset, size) of the .pyc in the bytecode file.
    var pyc: [Int]?
    var source: String?
    var error: String?
  }
  struct Native: Decodable {
    var soname: String
    var src: String
  }
  struct Need: Decodable {
    var path: String
    var sonames: [String]
  }
  struct File: Decodable {
    var src: String
    var dest: String
  }
  var full_version: String
  var magic: Int
  var modules: [Module]
  var natives: [Native]
  /// Dependency cycles cut (`native_order`): `soname` no longer names `names`.
  var cuts: [Cut]
  struct Cut: Decodable {
    var soname: String
    var names: String
  }
  var needs: [Need]
  var data: [File]
  var metadata: [File]
  /// Imports that could not be resolved, by importing module.
  var missing: [Missing]
  struct Missing: Decodable {
    /// The module that imports them.
    var importer: String
    var names: [String]
    /// True when every one of these imports sits inside a `try:` block (likely optional).
    var optional: Bool
  }
  /// The distributions bundled whole, largest first (`distribution_report`).
  var distributions: [BundledDistribution]?
  /// The module run as `__main__` (a package's `__main__` submodule for `-m PKG`).
  var main_module: String
  /// Payload paths of the modules and extension modules the program loads at start, in load
  /// order.
  var preload: [String]
}

/// Runs the collector (`collector/frost_collect.py`, installed next to the stubs as
/// `frost-collect.py`) with the program's interpreter.
enum PythonCollector {
  /// The collector's file name in the stub folder.
  static let script = "frost-collect.py"

  static func run(
    python: String, input: CollectorInput, stubDirectory: String,
    progress: (@Sendable (String) -> Void)?
  ) throws -> CollectorOutput {
    let path = stubDirectory + "/" + script
    guard FileManager.default.isReadableFile(atPath: path) else {
      throw BuildError.stubMissing(stub: script, directory: stubDirectory)
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = ["-I", path]
    let stdin = Pipe()
    let stdout = Pipe()
    let stderr = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = stderr
    do { try process.run() } catch {
      throw PythonError.interpreterFailed(python: python, reason: "\(error.localizedDescription)")
    }
    let request = try JSONEncoder().encode(input)
    stdin.fileHandleForWriting.write(request)
    try? stdin.fileHandleForWriting.close()
    let errors = ErrorReader(stderr.fileHandleForReading, progress: progress)
    let data = stdout.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let message = errors.finish()
    guard process.terminationStatus == 0 else {
      let last =
        message.split(separator: "\n").last.map(String.init)
        ?? "status \(process.terminationStatus)"
      throw PythonError.collectorFailed(python: python, message: last)
    }
    do { return try JSONDecoder().decode(CollectorOutput.self, from: data) } catch {
      throw PythonError.collectorFailed(python: python, message: "unreadable output")
    }
  }
}

/// Reads the collector's stderr on a thread: "progress N" lines update the number of modules
/// found; everything else is kept for the error message. From one second after it starts, a
/// second thread reports "collecting modules: N found" once a second until `finish`.
final class ErrorReader: @unchecked Sendable {
  private let lock = NSLock()
  private var text = ""
  private var found = 0
  private let done = DispatchSemaphore(value: 0)
  private let stopped = DispatchSemaphore(value: 0)
  private let exited = DispatchSemaphore(value: 0)
  private let reporting: Bool

  init(_ handle: FileHandle, progress: (@Sendable (String) -> Void)?) {
    reporting = progress != nil
    Thread.detachNewThread { [self] in
      var pending = Data()
      while true {
        let chunk = handle.availableData
        if chunk.isEmpty { break }
        pending += chunk
        while let nl = pending.firstIndex(of: 10) {
          let line = String(decoding: pending[pending.startIndex..<nl], as: UTF8.self)
          pending = Data(pending[pending.index(after: nl)...])
          if line.hasPrefix("progress "), let n = Int(line.dropFirst(9)) {
            lock.withLock { found = n }
          } else {
            lock.withLock { text += line + "\n" }
          }
        }
      }
      lock.withLock { text += String(decoding: pending, as: UTF8.self) }
      done.signal()
    }
    guard let progress else { return }
    Thread.detachNewThread { [self] in
      while stopped.wait(timeout: .now() + 1) == .timedOut {
        progress("collecting modules: \(lock.withLock { found }) found")
      }
      exited.signal()
    }
  }

  /// Waits for the end of the stream and stops the progress reports; returns what is not progress.
  func finish() -> String {
    done.wait()
    stopped.signal()
    if reporting { exited.wait() }
    return lock.withLock { text }
  }
}
