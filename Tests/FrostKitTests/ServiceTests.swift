import Foundation
import Testing

@testable import FrostKit

@Suite("Service specs: listen addresses and validation")
struct ServiceSpecTests {
  @Test(
    "listen addresses parse into host and port",
    arguments: [
      ("127.0.0.1:8080", "127.0.0.1", 8080, "127.0.0.1:8080"),
      ("[::1]:7000", "::1", 7000, "[::1]:7000"),
      ("0.0.0.0:80", "0.0.0.0", 80, "0.0.0.0:80"),
      ("9000", "", 9000, "9000"),
    ])
  func listen(text: String, host: String, port: Int, rendered: String) throws {
    let a = try ListenAddress(parsing: text)
    #expect(a.host == host && a.port == port)
    #expect(a.description == rendered)
  }

  @Test(
    "bad listen addresses are refused",
    arguments: ["", "host:80", "127.0.0.1:0", "127.0.0.1:65536", "::1:80", "[::1]80", "[]:80", "1.2.3.4:x"])
  func badListen(text: String) {
    #expect(throws: ServiceError.badListenAddress(text)) { try ListenAddress(parsing: text) }
  }

  static func spec(_ change: (inout ServiceSpec) -> Void) -> ServiceSpec {
    var s = ServiceSpec(name: "echo")
    change(&s)
    return s
  }

  @Test(
    "specs that cannot be written are refused",
    arguments: [
      spec { $0.name = "bad@name" }, spec { $0.name = "" }, spec { $0.name = "a b" },
      spec { $0.execPath = "relative/bin" }, spec { $0.execPath = "/usr/bin/a b" },
      spec { $0.arguments = ["two\nlines"] }, spec { $0.user = "-x" },
      spec { $0.watchdogSeconds = 0 }, spec { $0.restart = "sometimes" },
      spec { $0.environment = ["NOEQUALS"] }, spec { $0.environment = ["1X=2"] },
      spec { $0.capabilities = ["NET_ADMIN"] }, spec { $0.accept = true },
      spec { $0.xinetd = true },
      spec {
        $0.xinetd = true
        $0.listen = ListenAddress(host: "127.0.0.1", port: 7)
        $0.arguments = ["a b"]
      },
      spec {
        $0.accept = true
        $0.notify = true
        $0.listen = ListenAddress(host: "127.0.0.1", port: 7)
      },
      spec { $0.pidfile = "run/x.pid" },
    ])
  func invalid(spec: ServiceSpec) {
    #expect(throws: ServiceError.self) { try spec.validate() }
  }

  @Test("a default spec is valid and lives in /usr/local/bin")
  func defaults() throws {
    let s = ServiceSpec(name: "echo")
    try s.validate()
    #expect(s.resolvedExecPath == "/usr/local/bin/echo")
    #expect(s.resolvedPidfile == "/run/echo/echo.pid")
    #expect(!s.runsAsRoot)
  }
}

@Suite("systemd quoting")
struct SystemdQuotingTests {
  @Test(
    "ExecStart words follow systemd's rules",
    arguments: [
      ("plain", "plain"), ("a b", "\"a b\""), ("", "\"\""), ("50%", "50%%"), ("$HOME", "$$HOME"),
      (";", "\\;"), ("it's", "\"it's\""), ("q\"\\", "\"q\\\"\\\\\""), ("tab\there", "\"tab\\there\""),
      ("x\u{1}", "\"x\\x01\""), ("é", "é"),
    ])
  func words(word: String, quoted: String) {
    #expect(SystemdQuoting.execWord(word) == quoted)
  }

  @Test("Environment= is always quoted and keeps $")
  func environment() {
    #expect(SystemdQuoting.environment("A=1 $x 5%") == "\"A=1 $x 5%%\"")
  }

  @Test("shell quoting for the init script")
  func shell() {
    #expect(ShellQuoting.quote("simple-1.0") == "simple-1.0")
    #expect(ShellQuoting.quote("a b") == "'a b'")
    #expect(ShellQuoting.quote("it's") == "'it'\\''s'")
    #expect(ShellQuoting.quote("") == "''")
  }
}

@Suite("Rendering units, xinetd entries and init scripts")
struct ServiceRenderTests {
  func lines(_ text: String) -> [String] { text.split(separator: "\n").map(String.init) }

  @Test("the default service: Type=exec, DynamicUser, hardening, WantedBy")
  func defaultService() {
    let unit = lines(SystemdUnits.service(ServiceSpec(name: "echo")))
    for line in [
      "Type=exec", "ExecStart=/usr/local/bin/echo", "Restart=on-failure", "DynamicUser=yes",
      "NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes",
      "PrivateDevices=yes", "ProtectKernelTunables=yes", "ProtectKernelModules=yes",
      "ProtectKernelLogs=yes", "ProtectControlGroups=yes", "RestrictNamespaces=yes",
      "RestrictSUIDSGID=yes", "LockPersonality=yes", "SystemCallFilter=@system-service",
      "CapabilityBoundingSet=", "WantedBy=multi-user.target",
    ] {
      #expect(unit.contains(line), "missing \(line)")
    }
    #expect(!unit.contains { $0.hasPrefix("User=") || $0.hasPrefix("AmbientCapabilities=") })
  }

  @Test("notify, watchdog, user, capabilities, environment and directories")
  func options() {
    var s = ServiceSpec(name: "svc")
    s.notify = true
    s.watchdogSeconds = 30
    s.user = "svc"
    s.capabilities = ["CAP_NET_BIND_SERVICE"]
    s.environment = ["MODE=fast lane"]
    s.environmentFile = "/etc/default/svc"
    s.workingDirectory = "/srv/svc"
    s.stateDirectory = true
    s.runtimeDirectory = true
    s.logsDirectory = true
    s.arguments = ["--port", "80"]
    let unit = lines(SystemdUnits.service(s))
    for line in [
      "Type=notify", "NotifyAccess=main", "WatchdogSec=30", "User=svc",
      "CapabilityBoundingSet=CAP_NET_BIND_SERVICE", "AmbientCapabilities=CAP_NET_BIND_SERVICE",
      "Environment=\"MODE=fast lane\"", "EnvironmentFile=/etc/default/svc",
      "WorkingDirectory=/srv/svc", "StateDirectory=svc", "RuntimeDirectory=svc",
      "LogsDirectory=svc", "ExecStart=/usr/local/bin/svc --port 80",
    ] {
      #expect(unit.contains(line), "missing \(line)")
    }
    #expect(!unit.contains("DynamicUser=yes"))
    // A user namespace would make the kept capability useless on the host.
    #expect(!unit.contains("PrivateUsers=yes"))
  }

  @Test("root only when asked, with a warning")
  func root() {
    var s = ServiceSpec(name: "svc")
    s.user = "root"
    #expect(lines(SystemdUnits.service(s)).contains("User=root"))
    #expect(ServiceGenerator.warnings(s).contains { $0.contains("runs as root") })
    #expect(ServiceGenerator.warnings(ServiceSpec(name: "svc")).isEmpty)
  }

  @Test("--listen: Accept=no socket and a service started on demand")
  func socketActivated() throws {
    var s = ServiceSpec(name: "echo")
    s.listen = try ListenAddress(parsing: "127.0.0.1:7007")
    let socket = lines(SystemdUnits.socket(s) ?? "")
    #expect(socket.contains("ListenStream=127.0.0.1:7007"))
    #expect(socket.contains("Accept=no"))
    #expect(socket.contains("WantedBy=sockets.target"))
    let service = lines(SystemdUnits.service(s))
    #expect(service.contains("Requires=echo.socket"))
    #expect(service.contains("Also=echo.socket"))
    let files = ServiceGenerator.render(s).map(\.0.path)
    #expect(files == ["echo.service", "echo.socket"])
  }

  @Test("--listen --accept: Accept=yes socket and a per-connection template")
  func inetdStyle() throws {
    var s = ServiceSpec(name: "echo")
    s.listen = try ListenAddress(parsing: "[::1]:7007")
    s.accept = true
    let socket = lines(SystemdUnits.socket(s) ?? "")
    #expect(socket.contains("ListenStream=[::1]:7007"))
    #expect(socket.contains("Accept=yes"))
    #expect(socket.contains("MaxConnections=30"))
    let template = lines(SystemdUnits.perConnectionTemplate(s))
    #expect(template.contains("StandardInput=socket"))
    #expect(template.contains("StandardOutput=socket"))
    #expect(!template.contains { $0.hasPrefix("Restart=") || $0 == "[Install]" })
    #expect(ServiceGenerator.render(s).map(\.0.path) == ["echo@.service", "echo.socket"])
  }

  @Test("the xinetd entry has every field and mode 0600")
  func xinetd() throws {
    var s = ServiceSpec(name: "echo")
    s.listen = try ListenAddress(parsing: "127.0.0.1:7007")
    s.xinetd = true
    s.arguments = ["-v"]
    let text = try #require(LegacyServices.xinetd(s))
    for field in [
      "socket_type", "wait", "user", "server", "server_args", "only_from", "instances",
      "per_source", "disable", "port", "bind",
    ] {
      #expect(text.range(of: "\\n\\t\(field) +=", options: .regularExpression) != nil, "\(field)")
    }
    #expect(text.contains("user            = nobody"))
    #expect(text.contains("server_args     = -v"))
    let file = try #require(ServiceGenerator.render(s).first { $0.0.kind == .xinetd })
    #expect(file.0.mode == 0o600 && file.0.installPath == "/etc/xinetd.d/echo")
  }

  @Test("the init script has LSB headers and every action")
  func initScript() {
    var s = ServiceSpec(name: "echo")
    s.arguments = ["a b"]
    let text = LegacyServices.initScript(s)
    #expect(text.hasPrefix("#!/bin/sh\n### BEGIN INIT INFO\n# Provides:          echo\n"))
    for action in ["start)", "stop)", "restart|force-reload)", "status)"] {
      #expect(text.contains(action))
    }
    #expect(text.contains("FROST_DAEMON=1 FROST_PIDFILE=\"$PIDFILE\""))
    #expect(text.contains("\"$DAEMON\" 'a b'"))
    #expect(text.contains("exit 3"))
  }
}

@Suite("[tool.frost.service] in pyproject.toml")
struct ServiceConfigTests {
  static let pyproject = """
    [project]
    name = "echo"   # not ours
    dependencies = ["a", "b"]

    [tool.frost.service]
    name = "echo-svc"
    exec_path = "/opt/echo/bin/echo"
    args = [
      "--port", "7007",  # trailing comment
      'lit\\eral',
    ]
    notify = true
    watchdog = 30
    listen = "127.0.0.1:7007"
    accept = false
    environment = { MODE = "fast", "B" = "x # y" }
    capabilities = ["CAP_NET_BIND_SERVICE"]
    description = "Echo \\"quoted\\" \\u00e9"

    [tool.other]
    name = "ignored"
    """

  @Test("the table is read and other tables are skipped")
  func reads() throws {
    var s = ServiceSpec(name: "")
    for (key, value, _) in try ServiceConfig.entries(Self.pyproject, path: "pyproject.toml") {
      try ServiceConfig.apply(key: key, value: value, to: &s, path: "pyproject.toml")
    }
    #expect(s.name == "echo-svc")
    #expect(s.execPath == "/opt/echo/bin/echo")
    #expect(s.arguments == ["--port", "7007", "lit\\eral"])
    #expect(s.notify && s.watchdogSeconds == 30)
    #expect(s.listen == ListenAddress(host: "127.0.0.1", port: 7007))
    #expect(s.environment == ["B=x # y", "MODE=fast"])
    #expect(s.capabilities == ["CAP_NET_BIND_SERVICE"])
    #expect(s.summary == "Echo \"quoted\" é")
    try s.validate()
  }

  @Test(
    "bad lines name the line",
    arguments: [
      ("[tool.frost.service]\nname = \"x\nuser = 1", 2),
      ("[tool.frost.service]\n\nargs = [\"a\" \"b\"]", 3),
      ("[tool.frost.service]\nnotify = yes", 2),
      ("[tool.frost.service]\nname", 2),
      ("[tool.frost.service]\nargs = [\"a\",", 2),
    ])
  func badLines(text: String, line: Int) {
    do {
      _ = try ServiceConfig.entries(text, path: "p.toml")
      Issue.record("no error for \(text)")
    } catch let ServiceError.badConfig(path, errorLine, _) {
      #expect(path == "p.toml" && errorLine == line)
    } catch {
      Issue.record("unexpected \(error)")
    }
  }

  @Test("unknown keys and wrong types are refused")
  func badKeys() {
    var s = ServiceSpec(name: "x")
    #expect(throws: ServiceError.self) {
      try ServiceConfig.apply(key: "colour", value: .string("blue"), to: &s, path: "p")
    }
    #expect(throws: ServiceError.self) {
      try ServiceConfig.apply(key: "notify", value: .string("yes"), to: &s, path: "p")
    }
    #expect(throws: ServiceError.self) {
      try ServiceConfig.apply(key: "args", value: .array([.integer(1)]), to: &s, path: "p")
    }
  }
}

@Suite("Reading systemd-analyze")
struct ServiceToolsTests {
  @Test("the overall exposure is read from the last lines")
  func exposure() {
    let text = "  NAME  DESCRIPTION  EXPOSURE\n✗ PrivateNetwork= ...  0.5\n\n→ Overall exposure level for echo.service: 1.3 OK 🙂\n"
    #expect(ServiceTools.parseExposure(text) == 1.3)
    #expect(ServiceTools.parseExposure("nothing") == nil)
  }

  @Test("Exec lines: prefixes and quotes are dropped")
  func execProgram() {
    #expect(ServiceAudit.execProgram("-/usr/bin/x --a") == "/usr/bin/x")
    #expect(ServiceAudit.execProgram("!!@\"/opt/my prog\" a") == "/opt/my prog")
    #expect(ServiceAudit.execProgram("") == nil)
  }
}
