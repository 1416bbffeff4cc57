import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The checks of `frost service package`, and what it reads from the units and writes as docs.
extension ServicePackage {
  // MARK: Checks

  /// The service name lower-cased, checked against Policy 5.6.1: `[a-z0-9][a-z0-9+.-]+`.
  public static func packageName(_ service: String) throws -> String {
    let name = service.lowercased()
    let ok =
      name.count >= 2
      && name.unicodeScalars.allSatisfy {
        "abcdefghijklmnopqrstuvwxyz0123456789+-.".unicodeScalars.contains($0)
      }
      && name.first.map { $0.isLetter || $0.isNumber } == true
    guard ok else { throw DebPackageError.invalidPackageName(name, service: service) }
    return name
  }

  /// Policy 5.6.12: `[epoch:]upstream[-revision]`, the upstream part starting with a digit.
  public static func checkVersion(_ version: String) throws {
    func fail(_ why: String) -> DebPackageError { .invalidVersion(version, reason: why) }
    let alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    var rest = Substring(version)
    var hasEpoch = false
    if let colon = rest.firstIndex(of: ":") {
      guard !rest[..<colon].isEmpty, rest[..<colon].allSatisfy({ $0.isASCII && $0.isNumber }) else {
        throw fail("the epoch before ':' must be a number")
      }
      rest = rest[rest.index(after: colon)...]
      hasEpoch = true
    }
    var upstream = rest
    if let dash = rest.lastIndex(of: "-") {
      let revision = rest[rest.index(after: dash)...]
      guard !revision.isEmpty, revision.allSatisfy({ (alnum + "+.~").contains($0) }) else {
        throw fail("the revision after the last '-' may hold only letters, digits and '+.~'")
      }
      upstream = rest[..<dash]
    }
    guard let first = upstream.first, first.isASCII, first.isNumber else {
      throw fail("must start with a digit")
    }
    let allowed =
      alnum + ".+~" + (upstream.endIndex != rest.endIndex ? "-" : "") + (hasEpoch ? ":" : "")
    guard upstream.allSatisfy({ allowed.contains($0) }) else {
      throw fail("may hold only letters, digits and '.+~' (and '-' before a revision)")
    }
  }

  /// `Name <user@host>` on one line.
  static func checkMaintainer(_ value: String) throws {
    let parts = value.split(separator: "<", omittingEmptySubsequences: false)
    let ok =
      parts.count == 2 && value.hasSuffix(">") && !value.contains("\n")
      && !parts[0].trimmingCharacters(in: .whitespaces).isEmpty && parts[0].hasSuffix(" ")
      && {
        let address = parts[1].dropLast()
        let at = address.split(separator: "@", omittingEmptySubsequences: false)
        return at.count == 2 && !at[0].isEmpty && !at[1].isEmpty
          && !address.contains(where: { $0.isWhitespace || $0 == ">" })
      }()
    if !ok { throw DebPackageError.invalidMaintainer(value) }
  }

  /// An absolute path without blanks, `..` or characters a conffiles line cannot hold.
  static func checkTargetPath(_ bundle: String, _ path: String) throws {
    let parts = path.split(separator: "/")
    guard path.hasPrefix("/"), !parts.isEmpty, !parts.contains(where: { $0 == ".." || $0 == "." }),
      !path.contains(where: {
        $0.isWhitespace || $0.asciiValue.map { $0 < 0x20 || $0 == 0x7f } == true
      })
    else {
      throw DebPackageError.badPath(
        bundle: bundle, path: path, reason: "not an absolute path without blanks or '..'")
    }
  }

  /// Unit and script names go into the maintainer scripts (single-quoted): only the characters
  /// systemd allows in a unit name (`\` for its escapes).
  static func checkUnitName(_ bundle: String, _ name: String) throws {
    let allowed = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789:-_.@\\"
    guard !name.isEmpty, name.first != "-", name.allSatisfy({ allowed.contains($0) }) else {
      throw DebPackageError.badPath(bundle: bundle, path: name, reason: "not a unit name")
    }
  }

  /// The bytes of `path` inside the bundle, refusing paths that leave it.
  static func readBundleFile(_ bundle: String, _ path: String) throws -> [UInt8] {
    if path.hasPrefix("/") || path.split(separator: "/").contains("..") || path.isEmpty {
      throw DebPackageError.badPath(
        bundle: bundle, path: path, reason: "must stay inside the bundle")
    }
    do { return try FileIO.read(bundle + "/" + path) } catch {
      throw DebPackageError.io(path: error.path, reason: error.message)
    }
  }

  /// `ServiceBundle.load`, with a JSON problem said in a few words.
  static func loadBundle(_ dir: String) throws -> ServiceBundle {
    let path = dir + "/" + ServiceBundle.fileName
    guard let bytes = try? FileIO.read(path) else { throw ServiceError.notABundle(path: dir) }
    do { return try JSONDecoder().decode(ServiceBundle.self, from: Data(bytes)) } catch {
      let why: String
      switch error as? DecodingError {
      case .keyNotFound(let key, _): why = "no '\(key.stringValue)'"
      case .typeMismatch(_, let context), .valueNotFound(_, let context):
        why = "'\(context.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type"
      default: why = "not JSON"
      }
      throw DebPackageError.io(path: path, reason: "not a Frost service bundle: \(why)")
    }
  }

  /// `version` from frost-service.json, when the bundle records one.
  static func recordedVersion(_ bundle: String) -> String? {
    struct Recorded: Decodable { var version: String? }
    guard let bytes = try? FileIO.read(bundle + "/" + ServiceBundle.fileName) else { return nil }
    return (try? JSONDecoder().decode(Recorded.self, from: Data(bytes)))?.version
  }

  /// The socket and timer units, or else the services that are not templates.
  static func defaultEnable(_ units: [String]) -> [String] {
    let triggers = units.filter { $0.hasSuffix(".socket") || $0.hasSuffix(".timer") }
    return triggers.isEmpty
      ? units.filter { $0.hasSuffix(".service") && !$0.contains("@.") } : triggers
  }

  // MARK: Unit files

  /// The values of `key=` in `section` of a unit, in order (an empty value resets the list).
  static func settings(_ text: String, section: String, key: String) -> [String] {
    var current = ""
    var values: [String] = []
    for raw in text.split(separator: "\n") {
      let line = raw.trimmingCharacters(in: .whitespaces)
      if line.hasPrefix("#") || line.hasPrefix(";") { continue }
      if line.hasPrefix("[") {
        current = line
        continue
      }
      guard current == "[\(section)]", let eq = line.firstIndex(of: "="),
        line[..<eq].trimmingCharacters(in: .whitespaces) == key
      else { continue }
      let value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
      if value.isEmpty { values.removeAll() } else { values.append(value) }
    }
    return values
  }

  /// /var/lib/D, /var/log/D and /var/cache/D for each `StateDirectory=`, `LogsDirectory=` and
  /// `CacheDirectory=` D (and the `:` link names), with `/private/` twins under `DynamicUser=`.
  static func purgeDirectories(_ units: [(name: String, text: String)]) throws -> [String] {
    var out: Set<String> = []
    let safe = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-+@/"
    for unit in units {
      let dynamic = ["yes", "true", "on", "1"].contains(
        settings(unit.text, section: "Service", key: "DynamicUser").last ?? "no")
      for (key, base) in [
        ("StateDirectory", "/var/lib/"), ("LogsDirectory", "/var/log/"),
        ("CacheDirectory", "/var/cache/"),
      ] {
        for value in settings(unit.text, section: "Service", key: key) {
          for word in value.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
            for dir in word.split(separator: ":") {
              let parts = dir.split(separator: "/")
              guard !dir.hasPrefix("/"), !parts.isEmpty,
                !parts.contains(where: { $0 == ".." || $0 == "." }),
                dir.allSatisfy({ safe.contains($0) })
              else {
                throw DebPackageError.unsafeDirectory(unit: unit.name, setting: key, value: value)
              }
              let clean = parts.joined(separator: "/")
              out.insert(base + clean)
              if dynamic { out.insert(base + "private/" + clean) }
            }
          }
        }
      }
    }
    return out.sorted()
  }

  /// `--description`, else the service's `Description=` (the template's without ", connection
  /// %i"), prefixed with "service" when it would start with the package name (lintian).
  static func synopsis(_ given: String?, package: String, units: [(name: String, text: String)])
    throws
    -> String
  {
    if let given {
      let line = given.trimmingCharacters(in: .whitespaces)
      guard !line.isEmpty, !line.contains(where: \.isNewline) else {
        throw DebPackageError.invalidDescription(given)
      }
      return line
    }
    let ordered =
      units.filter { $0.name.hasSuffix(".service") && !$0.name.contains("@.") }
      + units.filter { $0.name.hasSuffix("@.service") }
    var line =
      ordered.lazy.compactMap { settings($0.text, section: "Unit", key: "Description").last }.first
      ?? "\(package), frozen by Frost"
    if line.hasSuffix(", connection %i") { line.removeLast(", connection %i".count) }
    let lower = line.lowercased()
    if lower.hasPrefix(package),
      lower.dropFirst(package.count).first.map({ !$0.isLetter && !$0.isNumber }) ?? true
    {
      line = "service " + line
    }
    return line
  }

  // MARK: Documentation files

  static func copyright(_ package: String) -> String {
    """
    This package was made by Frost \(Frost.version) (`frost service package`) from a service
    bundle of \(package) written by `frost service generate`.

    The program's copyright and license were not recorded in the bundle: they are
    those its authors gave it.

    """
  }

  /// One entry dated `epoch`, as dpkg-parsechangelog reads it.
  static func changelog(_ package: String, version: String, maintainer: String, epoch: Int)
    -> String
  {
    var time = time_t(epoch)
    var tm = Glibc.tm()
    gmtime_r(&time, &tm)
    let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    let months = [
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
    let date =
      "\(days[Int(tm.tm_wday)]), \(two(tm.tm_mday)) \(months[Int(tm.tm_mon)]) \(tm.tm_year + 1900) "
      + "\(two(tm.tm_hour)):\(two(tm.tm_min)):\(two(tm.tm_sec)) +0000"
    return """
      \(package) (\(version)) unstable; urgency=medium

        * Packaged by Frost \(Frost.version) from a service bundle (frost service package).

       -- \(maintainer)  \(date)

      """
  }

  /// Overrides for what lintian cannot know: a Frost binary links zlib into its stub by design
  /// (one file, nothing to install beside it), and a package made for local use may have a
  /// maintainer address that is not a public domain (the default, frost@localhost).
  static func lintianOverrides(
    _ package: String, binary: [UInt8], execPath: String, maintainer: String
  )
    -> String
  {
    var out = ""
    if embedsZlib(binary) {
      out += "# The program is one file: its stub carries zlib, by design (Frost).\n"
      out += "\(package): embedded-library zlib [\(execPath.dropFirst())]\n"
    }
    let host = maintainer.split(separator: "@").last?.dropLast() ?? ""
    if !host.contains(".") {
      out += "# Built for local installation: the maintainer address is not a public one.\n"
      out += "\(package): bogus-mail-host\n\(package): bogus-mail-host-in-debian-changelog\n"
    }
    return out
  }

  /// lintian's zlib test: "deflate 1.x" or "inflate 1.x" (a version after the name) in the file.
  static func embedsZlib(_ bytes: [UInt8]) -> Bool {
    let data = Data(bytes)
    for needle in ["deflate ", "inflate "].map({ Data($0.utf8) }) {
      var from = data.startIndex
      while let found = data.range(of: needle, in: from..<data.endIndex) {
        let at = found.lowerBound
        let fourBefore =
          at >= 2 && data[at - 2] == UInt8(ascii: "4") && data[at - 1] == UInt8(ascii: " ")
        if found.upperBound < data.endIndex, (0x30...0x39).contains(data[found.upperBound]),
          !fourBefore
        {
          return true
        }
        from = at + 1
      }
    }
    return false
  }

  /// `gzip -9n`: a gzip member with no name and no time (zlib's raw deflate at level 9).
  static func gzip(_ bytes: [UInt8]) -> [UInt8] {
    let zlib = Zlib.compress(bytes, level: 9)
    var out: [UInt8] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 3]
    out += zlib[2..<(zlib.count - 4)]
    for value in [Zlib.crc32(bytes), UInt32(truncatingIfNeeded: bytes.count)] {
      out += (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }
    return out
  }

  /// KiB as dpkg-gencontrol counts them: each file rounded up, each directory 1.
  static func installedSize(_ entries: [Entry]) -> Int {
    var dirs: Set<String> = []
    for entry in entries {
      var dir = FileIO.directoryName(entry.path)
      while dir != "/" && dirs.insert(dir).inserted { dir = FileIO.directoryName(dir) }
    }
    return entries.reduce(dirs.count) { $0 + ($1.bytes.count + 1023) / 1024 }
  }

  /// Words of `text` on lines of at most `width` characters.
  static func wrap(_ text: String, width: Int) -> [String] {
    var lines: [String] = []
    var line = ""
    for word in text.split(separator: " ") {
      if !line.isEmpty && line.count + 1 + word.count > width {
        lines.append(line)
        line = ""
      }
      line += (line.isEmpty ? "" : " ") + word
    }
    if !line.isEmpty { lines.append(line) }
    return lines
  }
}
