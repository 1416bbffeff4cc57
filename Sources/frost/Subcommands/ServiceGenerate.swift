import ArgumentParser
import Foundation
import FrostKit

extension Service {
  /// `frost service generate BIN --name NAME ... -o DIR`.
  struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write systemd units (and optionally xinetd and init.d files) for a binary.",
      discussion: """
        Settings may also come from [tool.frost.service] in pyproject.toml (--config, or \
        ./pyproject.toml when present); options given here win. The units are checked with \
        `systemd-analyze verify` and the service is scored by `systemd-analyze security`.

          $ frost service generate ./echo --name echo -o out
          $ frost service generate ./echo --listen 127.0.0.1:7000 --accept --xinetd -o out
          $ frost service generate ./echo --notify --watchdog 30 --user echo -o out
        """)

    @Argument(help: "The binary to run as a service.")
    var binary: String

    @Option(name: .shortAndLong, help: "Directory to write the bundle into.")
    var output: String

    @Option(help: "Service name (default: the binary's file name).")
    var name: String?

    @Option(help: "Where the binary will live on the target (default /usr/local/bin/NAME).")
    var execPath: String?

    @Option(
      name: .customLong("arg"), parsing: .unconditionalSingleValue,
      help: "An argument for the program (repeatable; may start with '-').")
    var arguments: [String] = []

    @Option(help: "Description= line.")
    var description: String?

    @Option(help: "Run as this user (default: DynamicUser=yes; root only when named).")
    var user: String?

    @Flag(help: "Type=notify: the program sends READY=1 (frost.notify).")
    var notify = false

    @Option(help: "WatchdogSec=: the program pings the watchdog within SEC seconds.")
    var watchdog: Int?

    @Option(help: "Restart= policy (default on-failure).")
    var restart: String?

    @Option(help: "WorkingDirectory=.")
    var workingDirectory: String?

    @Option(name: .customLong("env"), help: "Environment= KEY=VALUE (repeatable).")
    var environment: [String] = []

    @Option(name: .customLong("env-file"), help: "EnvironmentFile=.")
    var environmentFile: String?

    @Flag(help: "StateDirectory=NAME (/var/lib/NAME).")
    var stateDirectory = false

    @Flag(help: "RuntimeDirectory=NAME (/run/NAME).")
    var runtimeDirectory = false

    @Flag(help: "LogsDirectory=NAME (/var/log/NAME).")
    var logsDirectory = false

    @Flag(
      help: "CacheDirectory=NAME (/var/cache/NAME); added on its own for a binary built with --native-cache."
    )
    var cacheDirectory = false

    @Option(help: "A capability to keep, e.g. CAP_NET_BIND_SERVICE (repeatable).")
    var capability: [String] = []

    @Flag(help: "Leave out the hardening settings.")
    var noHardening = false

    @Option(help: "ADDR:PORT to listen on: adds NAME.socket (socket activation).")
    var listen: String?

    @Flag(help: "inetd style: NAME.socket with Accept=yes + NAME@.service per connection.")
    var accept = false

    @Flag(help: "Also write an xinetd entry (xinetd.d/NAME).")
    var xinetd = false

    @Flag(help: "Also write an LSB init script (init.d/NAME).")
    var initd = false

    @Option(help: "xinetd only_from (default 127.0.0.1).")
    var onlyFrom: String?

    @Option(help: "Most connections at a time (xinetd instances, MaxConnections=).")
    var instances: Int?

    @Option(help: "Most connections per source address.")
    var perSource: Int?

    @Option(help: "The init script's pidfile (default /run/NAME/NAME.pid).")
    var pidfile: String?

    @Option(help: "The init script's log file for the daemon's output.")
    var logFile: String?

    @Option(help: "OnCalendar= of NAME.timer, e.g. 'daily' or '*-*-* 03:00' (repeatable): a job the timer starts.")
    var onCalendar: [String] = []

    @Option(help: "OnBootSec= of NAME.timer: run SPAN after boot, e.g. 5min.")
    var onBootSec: String?

    @Option(help: "OnUnitActiveSec= of NAME.timer: run again SPAN after the last start, e.g. 1h.")
    var onUnitActiveSec: String?

    @Option(help: "pyproject.toml to read [tool.frost.service] from.")
    var config: String?

    @Flag(help: "Skip systemd-analyze verify and security.")
    var noCheck = false

    @OptionGroup var outputOptions: OutputOptions

    func run() throws {
      let spec: ServiceSpec
      do { spec = try makeSpec() } catch { fail("", error) }
      let report: GenerateReport
      do {
        report = try ServiceGenerator.generate(spec, binary: binary, into: output, check: !noCheck)
      } catch { fail(binary, error) }
      print(ServiceRender.generate(report, format: outputOptions.format), terminator: "")
      for warning in report.warnings { FileHandleOut.stderr("frost: warning: \(warning)\n") }
      if let v = report.verification, !v.passed {
        fail("", ServiceError.verifyFailed(unit: v.units.joined(separator: " "), output: v.output))
      }
    }

    /// Config file first, then the options given here.
    func makeSpec() throws -> ServiceSpec {
      var spec = ServiceSpec(name: "")
      let configPath = config ?? (FileManager.default.fileExists(atPath: "pyproject.toml") ? "pyproject.toml" : nil)
      if let configPath { try ServiceConfig.apply(file: configPath, to: &spec) }
      if let name { spec.name = name }
      if spec.name.isEmpty { spec.name = (binary as NSString).lastPathComponent }
      if let execPath { spec.execPath = execPath }
      if !arguments.isEmpty { spec.arguments = arguments }
      if let description { spec.summary = description }
      if let user { spec.user = user }
      if notify { spec.notify = true }
      if let watchdog { spec.watchdogSeconds = watchdog }
      if let restart { spec.restart = restart }
      if let workingDirectory { spec.workingDirectory = workingDirectory }
      if !environment.isEmpty { spec.environment = environment }
      if let environmentFile { spec.environmentFile = environmentFile }
      if stateDirectory { spec.stateDirectory = true }
      if runtimeDirectory { spec.runtimeDirectory = true }
      if logsDirectory { spec.logsDirectory = true }
      if cacheDirectory { spec.cacheDirectory = true }
      if !capability.isEmpty { spec.capabilities = capability }
      if noHardening { spec.hardening = false }
      if let listen { spec.listen = try ListenAddress(parsing: listen) }
      if accept { spec.accept = true }
      if xinetd { spec.xinetd = true }
      if initd { spec.initd = true }
      if let onlyFrom { spec.onlyFrom = onlyFrom }
      if let instances { spec.instances = instances }
      if let perSource { spec.perSource = perSource }
      if let pidfile { spec.pidfile = pidfile }
      if let logFile { spec.logFile = logFile }
      if !onCalendar.isEmpty { spec.onCalendar = onCalendar }
      if let onBootSec { spec.onBootSec = onBootSec }
      if let onUnitActiveSec { spec.onUnitActiveSec = onUnitActiveSec }
      return spec
    }
  }
}
