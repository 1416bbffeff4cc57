import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `frost service generate | install | uninstall | audit`, checked with the real
/// systemd-analyze and systemctl.
@Suite("frost service: generate, verify, install, audit")
struct ServiceCLITests {
  /// A shell program standing in for a frozen binary (generation does not run it).
  func program(in dir: String) -> String { ServiceSupport.shellProgram(in: dir, name: "prog", "cat\n") }

  func read(_ path: String) -> String { ServiceSupport.read(path) }

  func systemd(_ args: [String]) throws -> CLI.Result {
    try CLI.run("/usr/bin/systemd-analyze", args, env: ["SYSTEMD_COLORS": "0", "PATH": "/usr/bin:/bin"])
  }

  @Test(
    "every generated unit passes systemd-analyze verify with no output",
    arguments: [
      [],
      ["--notify", "--watchdog", "10"],
      ["--listen", "127.0.0.1:7007"],
      ["--listen", "[::1]:7007", "--accept"],
      [
        "--user", "svc", "--capability", "CAP_NET_BIND_SERVICE", "--env", "A=1 2", "--env",
        "B=$x%y", "--env-file", "/etc/default/svc", "--working-directory", "/srv",
        "--state-directory", "--runtime-directory", "--logs-directory", "--cache-directory",
        "--arg", "two words", "--arg", "50%", "--arg", "$HOME", "--arg", "q\"\\",
      ],
      ["--listen", "127.0.0.1:7007", "--xinetd", "--initd", "--notify", "--arg", "-v"],
      ["--no-hardening", "--restart", "always"],
    ])
  func verify(options: [String]) throws {
    let dir = try CLI.tempDir("frost-svc")
    defer { CLI.cleanup(dir) }
    let prog = program(in: dir)
    let out = dir + "/out"
    // The exec path is the bundle's own copy, so that verify can check the program as is.
    let r = try CLI.frost(
      ["service", "generate", prog, "--name", "svc", "--exec-path", out + "/bin/svc", "-o", out]
        + options)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("systemd-analyze verify: ok"), "\(r.stdout)")
    let units = try FileManager.default.contentsOfDirectory(atPath: out)
      .filter { $0.hasSuffix(".service") || $0.hasSuffix(".socket") }.sorted()
    #expect(!units.isEmpty)
    let v = try systemd(["verify", "--man=no"] + units.map { out + "/" + $0 })
    #expect(v.status == 0)
    #expect(v.stdout.isEmpty && v.stderr.isEmpty, "\(v.stdout)\(v.stderr)")
  }

  @Test("the default service scores at most 2.0 in systemd-analyze security, as printed")
  func security() throws {
    let dir = try CLI.tempDir("frost-svc")
    defer { CLI.cleanup(dir) }
    for extra in [[], ["--listen", "127.0.0.1:7007", "--accept"], ["--notify"]] {
      let r = try CLI.frost(
        ["service", "generate", program(in: dir), "--name", "echo", "-o", dir + "/out"] + extra)
      #expect(r.status == 0, "\(r.stderr)")
      #expect(r.stderr.isEmpty, "\(r.stderr)")
      let unit = extra.contains("--accept") ? "echo@.service" : "echo.service"
      let s = try systemd(["security", "--offline=yes", "--no-pager", dir + "/out/" + unit])
      let last = s.stdout.split(separator: "\n").last { $0.contains("Overall exposure level") }
      let score = try #require(last.flatMap { Double($0.split(separator: ": ").last?.split(separator: " ").first ?? "") })
      #expect(score <= 2.0, "\(s.stdout)")
      #expect(r.stdout.contains("systemd-analyze security: \(unit) exposure \(score)"), "\(r.stdout)")
    }
  }

  @Test("the staged check stands in for an exec path that does not exist here")
  func stagedVerify() throws {
    let dir = try CLI.tempDir("frost-svc")
    defer { CLI.cleanup(dir) }
    let r = try CLI.frost(
      ["service", "generate", program(in: dir), "--name", "echo", "--format", "json", "-o", dir + "/o"])
    #expect(r.status == 0, "\(r.stderr)")
    let json = try #require(try JSONSerialization.jsonObject(with: r.stdoutBytes) as? [String: Any])
    let v = try #require(json["verification"] as? [String: Any])
    #expect(v["stagedBinary"] as? Bool == true)
    #expect(v["output"] as? String == "")
    #expect(read(dir + "/o/echo.service").contains("ExecStart=/usr/local/bin/echo\n"))
    let bundle = read(dir + "/o/frost-service.json")
    #expect(bundle.contains("\"execPath\" : \"\\/usr\\/local\\/bin\\/echo\"") || bundle.contains("\"execPath\" : \"/usr/local/bin/echo\""))
  }

  @Test(
    "bad options give one line and status 1",
    arguments: [
      (["--accept"], "--accept needs --listen"),
      (["--xinetd"], "--xinetd needs --listen"),
      (["--name", "a@b"], "invalid service name 'a@b'"),
      (["--listen", "localhost:80"], "invalid listen address 'localhost:80'"),
      (["--exec-path", "bin/x"], "invalid exec-path 'bin/x': must be an absolute path"),
      (["--capability", "NET_ADMIN"], "invalid capability 'NET_ADMIN'"),
    ])
  func badOptions(options: [String], message: String) throws {
    let dir = try CLI.tempDir("frost-svc")
    defer { CLI.cleanup(dir) }
    let r = try CLI.frost(["service", "generate", program(in: dir), "-o", dir + "/o"] + options)
    #expect(r.status == 1)
    #expect(r.stderr.hasPrefix("frost: ") && r.stderr.contains(message), "\(r.stderr)")
    #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
    #expect(!FileManager.default.fileExists(atPath: dir + "/o"))
  }

  @Test("a missing binary is refused")
  func missingBinary() throws {
    let r = try CLI.frost(["service", "generate", "/nonexistent/prog", "-o", "/tmp/never"])
    #expect(r.status == 1)
    #expect(r.stderr == "frost: /nonexistent/prog: '/nonexistent/prog' is not an executable file\n")
  }

  @Test("settings come from pyproject.toml; options given on the command line win")
  func pyproject() throws {
    let dir = try CLI.tempDir("frost-svc")
    defer { CLI.cleanup(dir) }
    let toml = """
      [project]
      name = "echo"

      [tool.frost.service]
      name = "from-toml"
      user = "echo"
      listen = "127.0.0.1:7100"
      accept = true
      args = ["--verbose"]
      environment = ["MODE=toml"]
      """
    _ = FileManager.default.createFile(atPath: dir + "/pyproject.toml", contents: Data(toml.utf8))
    let r = try CLI.frost(
      ["service", "generate", program(in: dir), "--env", "MODE=cli", "-o", "out"], cwd: dir)
    #expect(r.status == 0, "\(r.stderr)")
    let template = read(dir + "/out/from-toml@.service")
    #expect(template.contains("ExecStart=/usr/local/bin/from-toml --verbose\n"))
    #expect(template.contains("User=echo\n"))
    #expect(template.contains("Environment=\"MODE=cli\"\n"))
    #expect(read(dir + "/out/from-toml.socket").contains("ListenStream=127.0.0.1:7100\n"))

    _ = FileManager.default.createFile(
      atPath: dir + "/bad.toml", contents: Data("[tool.frost.service]\ncolour = \"blue\"\n".utf8))
    let bad = try CLI.frost(
      ["service", "generate", program(in: dir), "--config", "bad.toml", "-o", "o2"], cwd: dir)
    #expect(bad.status == 1)
    #expect(bad.stderr == "frost: bad.toml: [tool.frost.service] colour: unknown setting\n")
  }

  @Test("install --root puts files in place, enables offline; uninstall reverses it")
  func installRoot() throws {
    let dir = try CLI.tempDir("frost-svc")
    defer { CLI.cleanup(dir) }
    let root = dir + "/image"
    let gen = try CLI.frost(
      ["service", "generate", program(in: dir), "--name", "echo", "--listen", "127.0.0.1:7007",
       "--xinetd", "--initd", "-o", dir + "/b"])
    #expect(gen.status == 0, "\(gen.stderr)")
    let r = try CLI.frost(["service", "install", dir + "/b", "--root", root])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("ran: systemctl --root=\(root) enable echo.socket\n"), "\(r.stdout)")
    let modes: [(String, mode_t)] = [
      ("/usr/local/bin/echo", 0o755), ("/etc/systemd/system/echo.service", 0o644),
      ("/etc/systemd/system/echo.socket", 0o644), ("/etc/xinetd.d/echo", 0o600),
      ("/etc/init.d/echo", 0o755),
    ]
    for (path, mode) in modes {
      var st = stat()
      #expect(stat(root + path, &st) == 0, "\(path) missing")
      #expect(st.st_mode & 0o7777 == mode, "\(path) mode \(String(st.st_mode & 0o7777, radix: 8))")
    }
    let link = root + "/etc/systemd/system/sockets.target.wants/echo.socket"
    #expect(
      (try? FileManager.default.destinationOfSymbolicLink(atPath: link))
        == "/etc/systemd/system/echo.socket")
    // What was installed audits clean (the image is root's).
    let audit = try CLI.frost(
      ["service", "audit", root + "/etc/systemd/system/echo.socket", root + "/etc/xinetd.d"])
    #expect(audit.status == 0, "\(audit.stdout)")

    let u = try CLI.frost(["service", "uninstall", dir + "/b", "--root", root])
    #expect(u.status == 0, "\(u.stderr)")
    for (path, _) in modes { #expect(!FileManager.default.fileExists(atPath: root + path), "\(path)") }
    #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: link)) == nil)
  }

  @Test("a plain service is enabled for multi-user.target")
  func installPlain() throws {
    let dir = try CLI.tempDir("frost-svc")
    defer { CLI.cleanup(dir) }
    #expect(
      try CLI.frost(["service", "generate", program(in: dir), "--name", "plain", "-o", dir + "/b"])
        .status == 0)
    let r = try CLI.frost(["service", "install", dir + "/b", "--root", dir + "/img", "--format", "json"])
    #expect(r.status == 0, "\(r.stderr)")
    let link = dir + "/img/etc/systemd/system/multi-user.target.wants/plain.service"
    // The link is absolute inside the image, so it dangles from here.
    #expect(
      (try? FileManager.default.destinationOfSymbolicLink(atPath: link))
        == "/etc/systemd/system/plain.service")
    let json = try #require(try JSONSerialization.jsonObject(with: r.stdoutBytes) as? [String: Any])
    #expect((json["files"] as? [String])?.contains("/etc/systemd/system/plain.service") == true)
    let notBundle = try CLI.frost(["service", "install", dir, "--root", dir + "/img"])
    #expect(notBundle.status == 1)
    #expect(notBundle.stderr.contains("has no frost-service.json"))
  }

  @Test("audit: exit 1 and JSON findings for loose files, exit 0 for tight ones")
  func audit() throws {
    let dir = try CLI.tempDir("frost-svc")
    defer { CLI.cleanup(dir) }
    let prog = program(in: dir)
    try FileManager.default.createDirectory(atPath: dir + "/xinetd.d", withIntermediateDirectories: true)
    let entry = dir + "/xinetd.d/echo"
    _ = FileManager.default.createFile(
      atPath: entry, contents: Data("service echo\n{\n\tuser = nobody\n\tserver = \(prog)\n}\n".utf8))
    chmod(entry, 0o600)
    let tight = try CLI.frost(["service", "audit", dir + "/xinetd.d"])
    #expect(tight.status == 0, "\(tight.stdout)")
    #expect(tight.stdout == "1 service files checked, 0 findings\n")

    chmod(entry, 0o646)
    chmod(prog, 0o777)
    let loose = try CLI.frost(["service", "audit", dir + "/xinetd.d", "--format", "json"])
    #expect(loose.status == 1)
    let json = try #require(try JSONSerialization.jsonObject(with: loose.stdoutBytes) as? [String: Any])
    let findings = try #require(json["findings"] as? [[String: Any]])
    let checks = Set(findings.map { "\($0["check"] ?? "") \($0["path"] ?? "")" })
    #expect(
      checks == ["writable-config \(entry)", "readable-config \(entry)", "writable-program \(prog)"])

    let text = try CLI.frost(["service", "audit", dir + "/xinetd.d"])
    #expect(text.stdout.hasPrefix("HIGH writable-config: \(entry): service file is writable by every user (mode 0646)\n"), "\(text.stdout)")
    let missing = try CLI.frost(["service", "audit", dir + "/nope"])
    #expect(missing.status == 2)
    #expect(missing.stderr == "frost: audit: '\(dir)/nope' does not exist\n")
  }
}
