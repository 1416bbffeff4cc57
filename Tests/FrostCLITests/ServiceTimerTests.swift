import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `frost service generate --on-calendar / --on-boot-sec / --on-unit-active-sec`: a job and the
/// `NAME.timer` that starts it, checked with the real systemd-analyze (the live suite,
/// `SystemdLiveTests`, shows one fire under a booted systemd).
@Suite("frost service: timers")
struct ServiceTimerTests {
  func program(in dir: String) -> String {
    ServiceSupport.shellProgram(in: dir, name: "job", "echo tick\n")
  }

  func read(_ path: String) -> String { ServiceSupport.read(path) }

  @Test("NAME.timer with every trigger, a oneshot job without [Install], the timer enabled")
  func timerUnits() throws {
    let dir = try CLI.tempDir()
    let out = dir + "/bundle"
    let r = try CLI.frost([
      "service", "generate", program(in: dir), "--name", "job", "--on-calendar", "Mon *-*-* 03:00",
      "--on-calendar", "daily", "--on-boot-sec", "5min", "--on-unit-active-sec", "1h", "-o", out,
    ])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("systemd-analyze verify: ok (job.service, job.timer)"), "\(r.stdout)")
    #expect(r.stdout.contains("on-calendar daily: Normalized form: *-*-* 00:00:00; Next elapse: "))
    #expect(r.stdout.contains("on-boot-sec 5min: Human: 5min"))
    let timer = read(out + "/job.timer")
    for line in [
      "OnCalendar=Mon *-*-* 03:00\n", "OnCalendar=daily\n", "OnBootSec=5min\n",
      "OnUnitActiveSec=1h\n", "Persistent=yes\n", "AccuracySec=1s\n", "Unit=job.service\n",
      "WantedBy=timers.target\n",
    ] {
      #expect(timer.contains(line), "\(line) missing from\n\(timer)")
    }
    let service = read(out + "/job.service")
    #expect(service.contains("Type=oneshot\n"))
    #expect(!service.contains("Restart="))
    #expect(!service.contains("[Install]"))
    #expect(service.contains("DynamicUser=yes\n"), "the job keeps the default hardening")
    #expect(read(out + "/frost-service.json").contains("\"enable\" : [\n    \"job.timer\"\n  ]"))
  }

  @Test("a calendar or time span systemd cannot parse is refused in one line, and nothing is written")
  func badSpecs() throws {
    let dir = try CLI.tempDir()
    for args in [["--on-calendar", "at noonish"], ["--on-boot-sec", "5parsecs"]] {
      let out = dir + "/bundle"
      let r = try CLI.frost(["service", "generate", program(in: dir), "-o", out] + args)
      #expect(r.status == 1)
      let lines = r.stderr.split(separator: "\n")
      #expect(lines.count == 1 && lines[0].contains("invalid \(args[0].dropFirst(2)) '\(args[1])'"), "\(r.stderr)")
      #expect(!FileManager.default.fileExists(atPath: out))
    }
    let both = try CLI.frost([
      "service", "generate", program(in: dir), "-o", dir + "/b2", "--on-calendar", "daily",
      "--listen", "127.0.0.1:7007",
    ])
    #expect(both.status == 1)
    #expect(both.stderr.contains("cannot also --listen"))
    let notify = try CLI.frost([
      "service", "generate", program(in: dir), "-o", dir + "/b3", "--on-boot-sec", "1", "--notify",
    ])
    #expect(notify.status == 1)
    #expect(notify.stderr.contains("no --notify or --watchdog"))
  }

  @Test("on-calendar from [tool.frost.service] in pyproject.toml, as a string or a list")
  func fromPyproject() throws {
    let dir = try CLI.tempDir()
    try """
      [tool.frost.service]
      name = "nightly"
      on-calendar = ["*-*-* 02:30", "Sun *-*-* 04:00"]
      on-unit-active-sec = "6h"

      """.write(toFile: dir + "/pyproject.toml", atomically: true, encoding: .utf8)
    let r = try CLI.frost(
      ["service", "generate", program(in: dir), "-o", dir + "/bundle", "--config", dir + "/pyproject.toml"])
    #expect(r.status == 0, "\(r.stderr)")
    let timer = read(dir + "/bundle/nightly.timer")
    #expect(timer.contains("OnCalendar=*-*-* 02:30\nOnCalendar=Sun *-*-* 04:00\nOnUnitActiveSec=6h\n"), "\(timer)")
  }
}
