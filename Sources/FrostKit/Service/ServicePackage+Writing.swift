import Crypto
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Staging the package tree and running dpkg-deb.
extension ServicePackage {
  // MARK: Writing

  /// Creates `dir` (and its parents, 0755) unless it exists; returns the folders made, deepest
  /// first.
  static func makeOutputDirectory(_ dir: String) throws -> [String] {
    var st = stat()
    if stat(dir, &st) == 0 {
      guard (st.st_mode & S_IFMT) == S_IFDIR else {
        throw DebPackageError.output(path: dir, reason: "not a directory")
      }
      guard access(dir, W_OK) == 0 else {
        throw DebPackageError.output(path: dir, reason: "cannot write: \(errnoText())")
      }
      return []
    }
    let parent = FileIO.directoryName(dir)
    var made = parent != dir && !FileIO.isDirectory(parent) ? try makeOutputDirectory(parent) : []
    guard mkdir(dir, 0o755) == 0 else {
      let reason = errnoText()
      for created in made { rmdir(created) }
      throw DebPackageError.output(path: dir, reason: "cannot create directory: \(reason)")
    }
    made.insert(dir, at: 0)
    return made
  }

  /// Writes the data files and DEBIAN/ under `root`, all with mtime `epoch`.
  static func stage(_ plan: Plan, at root: String, epoch: Int) throws {
    var md5sums = ""
    func write(_ path: String, _ bytes: [UInt8], mode: Int) throws {
      try ServiceGenerator.makeDirectory(FileIO.directoryName(path))
      do { try FileIO.writeAtomically(bytes, to: path, mode: mode_t(mode)) } catch {
        throw DebPackageError.io(path: error.path, reason: error.message)
      }
    }
    for entry in plan.entries {
      try write(root + entry.path, entry.bytes, mode: entry.mode)
      if !plan.conffiles.contains(entry.path) {
        let digest = Insecure.MD5.hash(data: entry.bytes).map { String(format: "%02x", $0) }
          .joined()
        md5sums += "\(digest)  \(entry.path.dropFirst())\n"
      }
    }
    let debian = root + "/DEBIAN"
    try write(debian + "/control", Array(plan.control.utf8), mode: 0o644)
    try write(debian + "/md5sums", Array(md5sums.utf8), mode: 0o644)
    if !plan.conffiles.isEmpty {
      try write(
        debian + "/conffiles", Array(plan.conffiles.map { $0 + "\n" }.joined().utf8), mode: 0o644)
    }
    for (name, text) in plan.scripts {
      try write(debian + "/" + name, Array(text.utf8), mode: 0o755)
    }
    // Directories 0755 whatever the umask; then one mtime for everything (deepest first, since
    // touching a file does not change its folder's time but creating one did).
    let all = [root] + (FileManager.default.subpaths(atPath: root) ?? []).map { root + "/" + $0 }
    for path in all where FileIO.isDirectory(path) { chmod(path, 0o755) }
    let times = [timespec(tv_sec: epoch, tv_nsec: 0), timespec(tv_sec: epoch, tv_nsec: 0)]
    for path in all.sorted(by: { $0.count > $1.count })
    where utimensat(AT_FDCWD, path, times, AT_SYMLINK_NOFOLLOW) != 0 {
      throw DebPackageError.io(path: path, reason: "cannot set its time: \(errnoText())")
    }
  }

  /// `dpkg-deb --root-owner-group --build ROOT OUT` with SOURCE_DATE_EPOCH, xz at level 6 and
  /// no TAR_OPTIONS from the caller's environment (each would change the bytes).
  static func runDpkgDeb(root: String, output: String, epoch: Int) throws {
    guard let dpkgDeb = ServiceTools.find("dpkg-deb") else {
      throw DebPackageError.dpkgDeb(
        status: 127, output: "dpkg-deb not found (apt-get install dpkg)")
    }
    let out = try ServiceTools.run(
      "env",
      [
        "-u", "TAR_OPTIONS", "-u", "DPKG_DEB_COMPRESSOR_TYPE", "-u", "DPKG_DEB_COMPRESSOR_LEVEL",
        "SOURCE_DATE_EPOCH=\(epoch)", dpkgDeb, "--root-owner-group", "-Zxz", "-z6", "--build", root,
        output,
      ])
    guard out.status == 0 else {
      let lines = out.text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
      throw DebPackageError.dpkgDeb(
        status: out.status, output: lines.filter { !$0.isEmpty }.joined(separator: "; "))
    }
  }
}
