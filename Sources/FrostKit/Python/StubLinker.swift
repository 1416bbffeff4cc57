import Foundation

/// Links `frost-stub-python` for one CPython from the stub kit, as the Makefile links it for
/// /usr/bin/python3 (same flags), except that the interpreter's static library keeps its own
/// table of built-in modules (Makefile's stub_inittab.c is Debian's table). Everything goes to
/// a folder beside the destination, renamed into place once complete: two builds at once each
/// link, and the first rename wins.
///
/// The link (about 2 s) runs while the program is collected: `start` returns at once with
/// what the collector needs (the names the stub provides, from the frozen-module header), and
/// `PendingLink.folder()` waits for the stub.
struct StubLinker {
  let python: String
  let probe: PythonProbe
  let kit: String
  let files: [String]

  /// The Makefile's CFLAGS of frost-stub-python, with file names mapped to fixed ones, so that
  /// the stub is the same wherever the kit and the cache are.
  func cflags(work: String) -> [String] {
    [
      "-std=c11", "-D_GNU_SOURCE", "-O2", "-Wall", "-Wextra", "-g0", "-fno-ident",
      "-ffile-prefix-map=\(kit)=stubs", "-ffile-prefix-map=\(work)=gen", "-DFROST_WITH_ZSTD",
      "-DFROST_PY_PREFIX=\(cString(probe.prefix))", "-I" + probe.include, "-I" + work + "/gen",
    ]
  }

  /// The Makefile's link flags: glibc's floor (the kit's `glibc-floor/`, as FLOOR_PY_LIBS:
  /// docs/GLIBC.md) instead of cc's start files and libraries, the interpreter's symbols
  /// exported to extension modules, zlib and zstd kept private, no PIE (Debian's and pyenv's
  /// archives up to 3.11 are not position-independent).
  var linkStart: [String] {
    let floor = kit + "/glibc-floor/"
    return ["-no-pie", "-nostartfiles", "-nodefaultlibs"]
      + ["crt1.o", "crti.o", "crtbegin.o"].map { floor + $0 }
  }

  var linkFlags: [String] {
    let floor = kit + "/glibc-floor/"
    return [kit + "/libz.a", kit + "/libzstd.a", "-Wl,--as-needed"] + probe.moduleLibraries
      + ["-Wl,--no-as-needed"]
      + ["libm.so.6", "libpthread.so.0", "libdl.so.2", "librt.so.1", "libutil.so.1"].map { floor + $0 }
      + ["-Wl,--as-needed"]
      + ["libc.so.6", "libld.so.2", "libc_nonshared.a", "libgcc.a", "crtend.o", "crtn.o"].map {
        floor + $0
      } + [
        "-s", "-Wl,-E", "-Wl,--exclude-libs,libz.a:libzstd.a", "-Wl,--build-id=none",
        "-Wl,-z,noexecstack",
      ]
  }

  /// Freezes the stub's modules with the interpreter (at once: the names it provides are then
  /// known), and compiles, links and packs the stub on a thread of its own while the caller
  /// collects the program; `PendingLink.folder()` waits for it.
  func start(into final: String) throws -> PendingLink {
    guard let cc = ServiceTools.find("cc") ?? ServiceTools.find("gcc") else {
      throw PythonError.stubBuildFailed(
        python: python, reason: "no C compiler (cc); install gcc (apt-get install gcc)")
    }
    let parent = FileIO.directoryName(final)
    let work = parent + "/.link-" + UUID().uuidString
    do {
      try FileManager.default.createDirectory(
        atPath: work + "/gen", withIntermediateDirectories: true)
      try FileManager.default.createDirectory(
        atPath: work + "/out/" + PythonFreezer.stubLibrary, withIntermediateDirectories: true)
      try freeze(work: work)
    } catch {
      try? FileManager.default.removeItem(atPath: work)
      throw error as? PythonError
        ?? PythonError.stubBuildFailed(python: python, reason: "\(parent): \(error)")
    }
    let header = (try? FileIO.read(work + "/gen/frost_frozen.h")) ?? []
    let pending = PendingLink(final: final, header: String(decoding: header, as: UTF8.self))
    let linker = self
    let thread = Thread {
      defer { try? FileManager.default.removeItem(atPath: work) }
      pending.finish(Result { try linker.finish(cc: cc, work: work, final: final) })
    }
    thread.start()
    return pending
  }

  /// Compiles the kit's C files, links them with the interpreter's static library, packs the
  /// image, and renames the folder into place.
  func finish(cc: String, work: String, final: String) throws {
    // make compiled the sources that do not include Python.h (objects/NAME.o).
    let made = files.filter { $0.hasPrefix("objects/") && $0.hasSuffix(".o") }
    let madeNames = Set(made.map { ($0 as NSString).lastPathComponent.dropLast(2) })
    let sources = files.filter {
      $0.hasSuffix(".c")
        && !madeNames.contains(($0 as NSString).lastPathComponent.dropLast(2))
    }
    let flags = cflags(work: work)
    let results = Parallel.map(sources.count) { i in
      Self.run(cc, flags + ["-c", kit + "/" + sources[i], "-o", work + "/gen/\(i).o"])
    }
    if let failed = results.first(where: { $0.status != 0 }) {
      throw PythonError.stubBuildFailed(python: python, reason: "cc: " + failed.lastLine)
    }
    let stub = work + "/out/" + PythonFreezer.stub
    let objects = sources.indices.map { work + "/gen/\($0).o" } + made.map { kit + "/" + $0 }
    try check(cc, Self.run(cc, ["-o", stub] + linkStart + objects + [probe.archive] + linkFlags))
    let image = work + "/out/" + PackedInterpreter.block
    try check("pack", Self.run(kit + "/pack", [stub, work + "/gen/image", image]))
    if rename(work + "/out", final) != 0, !FileManager.default.fileExists(atPath: final) {
      throw PythonError.stubBuildFailed(python: python, reason: "\(final): \(errnoText())")
    }
  }

  /// Freezes the stub's own Python modules with the interpreter, so that their bytecode is its.
  func freeze(work: String) throws {
    let py = kit + "/python/"
    let specs = [
      "_frost_bootstrap=bootstrap.py", "_frost_support=support.py", "_frost_vfs=vfs.py",
      "frost=frost.py",
    ].map { spec -> String in
      let eq = spec.firstIndex(of: "=")!
      return spec[...eq] + py + spec[spec.index(after: eq)...]
    }
    try check(
      python,
      Self.run(python, ["-I", py + "freeze_modules.py", work + "/gen/frost_frozen.h"] + specs))
  }

  func check(_ tool: String, _ result: (status: Int32, lastLine: String)) throws {
    guard result.status == 0 else {
      throw PythonError.stubBuildFailed(
        python: python, reason: (tool as NSString).lastPathComponent + ": " + result.lastLine)
    }
  }

  /// A C string literal of `text`.
  func cString(_ text: String) -> String {
    "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(
      of: "\"", with: "\\\"") + "\""
  }

  /// Runs `tool` with `args` (ServiceTools.run); its status and the line that says why it
  /// failed: the first naming an error (the linker's "undefined reference to ..." comes
  /// before collect2's summary), else the last it printed.
  static func run(_ tool: String, _ args: [String]) -> (status: Int32, lastLine: String) {
    guard let out = try? ServiceTools.run(tool, args) else { return (127, "cannot run \(tool)") }
    let lines = out.text.split(separator: "\n")
    let reason = lines.first { $0.contains("error:") || $0.contains("undefined reference") } ?? lines.last
    return (out.status, reason.map(String.init) ?? "status \(out.status)")
  }

}

/// A stub being linked: the frozen-module header's facts at once, the folder once linked.
final class PendingLink: @unchecked Sendable {
  let final: String
  let header: String
  private let done = DispatchSemaphore(value: 0)
  private let lock = NSLock()
  private var result: Result<Void, Error>?

  init(final: String, header: String) {
    self.final = final
    self.header = header
  }

  func finish(_ result: Result<Void, Error>) {
    lock.withLock { self.result = result }
    done.signal()
  }

  /// Waits for the link; the folder, or its error.
  func folder() throws -> String {
    let result: Result<Void, Error>? = lock.withLock { self.result }
    if let result {
      try result.get()
      return final
    }
    done.wait()
    done.signal()  // later callers return at once
    try lock.withLock { self.result }?.get()
    return final
  }

  /// A `#define NAME "value"` of the header.
  func define(_ name: String) -> String? {
    let prefix = "#define \(name) \""
    guard let line = header.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }),
      line.hasSuffix("\"")
    else { return nil }
    return String(line.dropFirst(prefix.count).dropLast())
  }
}
