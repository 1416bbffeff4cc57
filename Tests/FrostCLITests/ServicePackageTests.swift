import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `frost service package BUNDLE --deb -o DIR`, read back with the real dpkg-deb and checked
/// with the real lintian.
@Suite("frost service package --deb", .serialized)
struct ServicePackageTests {
  /// The echo service's name, and its exec path (Debian packages leave /usr/local alone).
  static let name = "frost-deb-echo"
  static let execPath = "/usr/sbin/frost-deb-echo"

  /// `frost service generate BINARY ARGS -o DIR/bundle`; returns the bundle.
  static func generate(_ binary: String, _ args: [String], in dir: String) throws -> String {
    let bundle = dir + "/bundle"
    let r = try CLI.frost(["service", "generate", binary] + args + ["-o", bundle])
    guard r.status == 0 else {
      throw ServiceSupport.Failure(description: "generate: \(r.stdout)\(r.stderr)")
    }
    return bundle
  }

  /// `frost service package BUNDLE --deb -o OUT ARGS`; returns the one .deb in OUT.
  static func package(_ bundle: String, into out: String, _ args: [String] = []) throws -> String {
    let r = try CLI.frost(["service", "package", bundle, "--deb", "-o", out] + args)
    guard r.status == 0 else {
      throw ServiceSupport.Failure(description: "package: \(r.stdout)\(r.stderr)")
    }
    let debs = try FileManager.default.contentsOfDirectory(atPath: out)
    guard debs.count == 1, let deb = debs.first, deb.hasSuffix(".deb") else {
      throw ServiceSupport.Failure(description: "package wrote \(debs) into \(out)")
    }
    return out + "/" + deb
  }

  /// The frozen echo service with a state directory as a bundle and its .deb, made once.
  static let echo: Result<(bundle: String, deb: String), ServiceSupport.Failure> = {
    do {
      let dir = try CLI.tempDir("frost-deb")
      let bundle = try generate(
        try ServiceSupport.frozenEcho(),
        ["--name", name, "--exec-path", execPath, "--state-directory"], in: dir)
      return .success((bundle, try package(bundle, into: dir + "/dist")))
    } catch {
      return .failure(ServiceSupport.Failure(description: "\(error)"))
    }
  }()

  static func dpkgDeb(_ args: [String]) throws -> String {
    let r = try CLI.run("/usr/bin/dpkg-deb", args)
    guard r.status == 0 else {
      throw ServiceSupport.Failure(description: "dpkg-deb \(args): \(r.stderr)")
    }
    return r.stdout
  }

  @Test("the .deb holds the binary 0755 root:root, the unit, the docs and three maintainer scripts")
  func contents() throws {
    let (_, deb) = try Self.echo.get()
    #expect((deb as NSString).lastPathComponent == "\(Self.name)_1.0.0_amd64.deb")
    let info = try Self.dpkgDeb(["--info", deb])
    for line in [
      " Package: \(Self.name)\n", " Version: 1.0.0\n", " Architecture: amd64\n",
      " Maintainer: Frost <frost@localhost>\n", " Section: misc\n", " Priority: optional\n",
      " Description: service \(Self.name) (frozen by Frost)\n",
    ] {
      #expect(info.contains(line), "\(line) in \(info)")
    }
    #expect(!info.contains("Depends:"), "\(info)")
    for script in ["postinst", "prerm", "postrm", "md5sums"] {
      #expect(info.contains(" \(script) "), "\(script) in \(info)")
    }
    let size = try #require(info.split(separator: "\n").first { $0.contains("Installed-Size:") })
    let kib = try #require(Int(size.split(separator: " ").last ?? ""))
    let binarySize =
      try FileManager.default.attributesOfItem(atPath: try ServiceSupport.frozenEcho())[.size]
      as? Int ?? 0
    #expect(
      kib > binarySize / 1024 && kib < binarySize / 1024 + 20,
      "\(kib) KiB for a \(binarySize)-byte binary")

    let files = try Self.dpkgDeb(["--contents", deb]).split(separator: "\n").map {
      let f = $0.split(separator: " ", omittingEmptySubsequences: true)
      return (mode: String(f[0]), owner: String(f[1]), path: String(f.last ?? ""))
    }
    func entry(_ path: String) -> (mode: String, owner: String, path: String)? {
      files.first { $0.path == "." + path }
    }
    #expect(entry(Self.execPath)?.mode == "-rwxr-xr-x")
    #expect(entry("/lib/systemd/system/\(Self.name).service")?.mode == "-rw-r--r--")
    #expect(entry("/usr/share/doc/\(Self.name)/copyright")?.mode == "-rw-r--r--")
    #expect(entry("/usr/share/doc/\(Self.name)/changelog.gz")?.mode == "-rw-r--r--")
    #expect(files.allSatisfy { $0.owner == "root/root" }, "\(files)")
    #expect(files.filter { $0.mode.hasPrefix("-") }.count == 5, "\(files.map(\.path))")

    let scratch = try CLI.tempDir("frost-deb-control")
    defer { CLI.cleanup(scratch) }
    _ = try Self.dpkgDeb(["--control", deb, scratch])
    func script(_ name: String) throws -> String {
      try String(contentsOfFile: scratch + "/" + name, encoding: .utf8)
    }
    let unit = "'\(Self.name).service'"
    #expect(try script("postinst").contains("systemctl enable --now \(unit)"))
    #expect(try script("postinst").contains("[ -d /run/systemd/system ]"))
    #expect(try script("prerm").contains("systemctl stop \(unit)"))
    #expect(try script("postrm").contains("disable \(unit)"))
    #expect(
      try script("postrm").contains(
        "rm -rf \"${DPKG_ROOT:-}/var/lib/\(Self.name)\" \"${DPKG_ROOT:-}/var/lib/private/\(Self.name)\""
      ))
    for name in ["postinst", "prerm", "postrm"] {
      let sh = try CLI.run("/bin/sh", ["-n", scratch + "/" + name])
      #expect(sh.status == 0, "\(name): \(sh.stderr)")
    }
  }

  @Test("the same bundle, even copied with new mtimes, gives a byte-identical .deb")
  func reproducible() throws {
    let (bundle, deb) = try Self.echo.get()
    let dir = try CLI.tempDir("frost-deb-again")
    defer { CLI.cleanup(dir) }
    let copy = try CLI.run("/bin/cp", ["-r", bundle, dir + "/copy"])
    try #require(copy.status == 0, "\(copy.stderr)")
    let again = try Self.package(dir + "/copy", into: dir + "/dist")
    let first = try #require(FileManager.default.contents(atPath: deb))
    #expect(FileManager.default.contents(atPath: again) == first, "\(deb) and \(again) differ")
  }

  @Test("lintian reports no error")
  func lintian() throws {
    let (_, deb) = try Self.echo.get()
    try #require(
      FileManager.default.isExecutableFile(atPath: "/usr/bin/lintian"),
      "lintian is missing (make deps)")
    let r = try CLI.run("/usr/bin/lintian", ["--no-tag-display-limit", deb])
    let errors = r.stdout.split(separator: "\n").filter { $0.hasPrefix("E:") }
    #expect(errors.isEmpty, "\(r.stdout)")
    #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
  }

  /// A bad input and what the one line says about it; `$B` is a good bundle, `$D` the test's
  /// folder.
  @Test(
    "bad input gives one line, status 1 and no output",
    arguments: [
      (["$D/nope", "-o", "$D/out"], "$D/nope: no such bundle directory"),
      (["$D/units-less", "-o", "$D/out"], "$D/units-less: the bundle has no systemd units"),
      (
        ["$D/broken", "-o", "$D/out"],
        "$D/broken/frost-service.json: not a Frost service bundle: not JSON"
      ),
      (["$D/file", "-o", "$D/out"], "$D/file: not a directory"),
      (
        ["$D/binary-less", "-o", "$D/out"],
        "$D/binary-less/bin/svc: cannot read: No such file or directory"
      ),
      (
        ["$D/Bad_Name", "-o", "$D/out"], "invalid package name 'bad_name' (from service 'Bad_Name')"
      ),
      (["$B", "-o", "$D/file"], "$D/file: not a directory"),
      (["$B", "-o", "$D/file/out"], "$D/file: not a directory"),
      (["$B", "-o", "/proc/frost-deb/out"], "/proc/frost-deb: cannot create directory"),
      (["$B", "-o", "$D/blocked"], "$D/blocked/svc_1.0.0_amd64.deb: cannot write: Is a directory"),
      (["$B", "-o", "$D/out", "--version", "1.0_beta"], "invalid version '1.0_beta'"),
      (["$B", "-o", "$D/out", "--maintainer", "nobody"], "invalid maintainer 'nobody'"),
    ])
  func badInput(args: [String], message: String) throws {
    let dir = try CLI.tempDir("frost-deb-bad")
    defer { CLI.cleanup(dir) }
    let program = dir + "/prog"
    _ = FileManager.default.createFile(atPath: program, contents: Data("#!/bin/sh\ncat\n".utf8))
    chmod(program, 0o755)
    func bundle(_ name: String, _ folder: String) throws -> String {
      let out = dir + "/" + folder
      let r = try CLI.frost(
        [
          "service", "generate", program, "--name", name, "--exec-path", "/usr/sbin/svc",
          "--no-check", "-o", out,
        ])
      try #require(r.status == 0, "\(r.stderr)")
      return out
    }
    let good = try bundle("svc", "bundle")
    try FileManager.default.removeItem(atPath: try bundle("svc", "binary-less") + "/bin/svc")
    _ = try bundle("Bad_Name", "Bad_Name")
    let unitsLess = dir + "/units-less"
    try FileManager.default.createDirectory(
      atPath: unitsLess + "/bin", withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: program, toPath: unitsLess + "/bin/svc")
    try
      #"{"binary":"bin/svc","enable":[],"execPath":"/usr/sbin/svc","files":[],"frostVersion":"0.1.0","name":"svc"}"#
      .write(toFile: unitsLess + "/frost-service.json", atomically: true, encoding: .utf8)
    _ = FileManager.default.createFile(atPath: dir + "/file", contents: Data())
    try FileManager.default.createDirectory(
      atPath: dir + "/broken", withIntermediateDirectories: true)
    _ = FileManager.default.createFile(
      atPath: dir + "/broken/frost-service.json", contents: Data("{".utf8))
    try FileManager.default.createDirectory(
      atPath: dir + "/blocked/svc_1.0.0_amd64.deb", withIntermediateDirectories: true)
    let before = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()

    func fill(_ s: String) -> String {
      s.replacingOccurrences(of: "$B", with: good).replacingOccurrences(of: "$D", with: dir)
    }
    let r = try CLI.frost(["service", "package"] + args.map(fill) + ["--deb"])
    #expect(r.status == 1)
    #expect(r.stderr.hasPrefix("frost: " + fill(message)), "\(r.stderr)")
    #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
    #expect(r.stdout.isEmpty, "\(r.stdout)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == before)
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: dir + "/blocked") == [
        "svc_1.0.0_amd64.deb"
      ])
  }

  @Test("a timer bundle: the timer is enabled and stopped; an upgrade does not run the job again")
  func timer() throws {
    let dir = try CLI.tempDir("frost-deb-timer")
    defer { CLI.cleanup(dir) }
    let program = dir + "/prog"
    _ = FileManager.default.createFile(atPath: program, contents: Data("#!/bin/sh\ntrue\n".utf8))
    chmod(program, 0o755)
    let bundle = try Self.generate(
      program,
      [
        "--name", "job-svc", "--exec-path", "/usr/sbin/job-svc", "--on-calendar", "daily",
        "--no-check",
      ],
      in: dir)
    let deb = try Self.package(bundle, into: dir + "/dist")
    _ = try Self.dpkgDeb(["--control", deb, dir + "/control"])
    let postinst = try String(contentsOfFile: dir + "/control/postinst", encoding: .utf8)
    let prerm = try String(contentsOfFile: dir + "/control/prerm", encoding: .utf8)
    #expect(postinst.contains("systemctl enable --now 'job-svc.timer'"), "\(postinst)")
    #expect(!postinst.contains("try-restart"), "\(postinst)")
    #expect(prerm.contains("systemctl stop 'job-svc.timer' 'job-svc.service'"), "\(prerm)")
    #expect(try Self.dpkgDeb(["--contents", deb]).contains("./lib/systemd/system/job-svc.timer"))
  }

  @Test(
    "a socket-activated bundle with xinetd and init.d: the socket is enabled, /etc files are conffiles"
  )
  func socketAndLegacy() throws {
    let dir = try CLI.tempDir("frost-deb-sock")
    defer { CLI.cleanup(dir) }
    let program = dir + "/prog"
    _ = FileManager.default.createFile(atPath: program, contents: Data("#!/bin/sh\ncat\n".utf8))
    chmod(program, 0o755)
    let bundle = try Self.generate(
      program,
      [
        "--name", "sock-svc", "--exec-path", "/usr/sbin/sock-svc", "--listen", "127.0.0.1:7123",
        "--accept", "--xinetd", "--initd", "--logs-directory", "--no-check",
      ], in: dir)
    let deb = try Self.package(
      bundle, into: dir + "/dist",
      ["--version", "1:2.0-3", "--maintainer", "Jane Doe <jane@example.org>"])
    #expect((deb as NSString).lastPathComponent == "sock-svc_2.0-3_amd64.deb")
    let info = try Self.dpkgDeb(["--info", deb])
    #expect(
      info.contains(" Version: 1:2.0-3\n")
        && info.contains(" Maintainer: Jane Doe <jane@example.org>\n"))
    let scratch = dir + "/control"
    _ = try Self.dpkgDeb(["--control", deb, scratch])
    let read = { (name: String) in
      (try? String(contentsOfFile: scratch + "/" + name, encoding: .utf8)) ?? ""
    }
    #expect(read("conffiles") == "/etc/init.d/sock-svc\n/etc/xinetd.d/sock-svc\n")
    #expect(read("postinst").contains("systemctl enable --now 'sock-svc.socket'"))
    #expect(read("postinst").contains("update-rc.d sock-svc defaults"))
    #expect(read("prerm").contains("systemctl stop 'sock-svc.socket' 'sock-svc@*.service'"))
    #expect(read("postrm").contains("\"${DPKG_ROOT:-}/var/log/private/sock-svc\""))
    #expect(read("postrm").contains("update-rc.d sock-svc remove"))
    let contents = try Self.dpkgDeb(["--contents", deb])
    #expect(contents.contains("-rw------- root/root"), "\(contents)")
    #expect(contents.contains("./usr/share/doc/sock-svc/changelog.Debian.gz"), "\(contents)")
    #expect(contents.contains("./lib/systemd/system/sock-svc@.service"), "\(contents)")
  }
}
