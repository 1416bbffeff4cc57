import ArgumentParser
import Foundation
import FrostKit

extension Service {
  /// `frost service audit [PATH...] [--format json]`.
  struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Check service files and their programs for loose permissions.",
      discussion: """
        Flags unit files, xinetd entries, inetd.conf and init scripts (and the programs they \
        start) that someone other than root can change, xinetd entries other users can read, \
        services running as root with every capability, and directories on the way to a service's \
        program that other users can write. Exits 1 when anything is found.

          $ frost service audit
          $ frost service audit /etc/xinetd.d --format json
        """)

    @Argument(help: "Files or directories (default: /etc/systemd/system /etc/xinetd.d /etc/inetd.conf /etc/init.d).")
    var paths: [String] = []

    @OptionGroup var outputOptions: OutputOptions

    func run() throws {
      let report: AuditReport
      do { report = try ServiceAudit.audit(paths.isEmpty ? nil : paths) } catch { fail("audit", error, code: 2) }
      print(ServiceRender.audit(report, format: outputOptions.format), terminator: "")
      if !report.findings.isEmpty { throw ExitCode(1) }
    }
  }
}

/// Text, JSON and CSV forms of the service reports.
enum ServiceRender {
  static func json<T: Encodable>(_ value: T) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    guard let data = try? encoder.encode(value) else { return "{}\n" }
    return String(decoding: data, as: UTF8.self) + "\n"
  }

  static func generate(_ r: GenerateReport, format: OutputFormat) -> String {
    switch format {
    case .json: return json(r)
    case .csv:
      return "file,install_path,mode\n"
        + r.bundle.files.map { "\(InspectRender.csvField($0.path)),\(InspectRender.csvField($0.installPath)),\(String($0.mode, radix: 8))\n" }.joined()
    case .text:
      var out = "wrote \(r.directory)/\n"
      out += "  \(r.bundle.binary)  -> \(r.bundle.execPath)\n"
      for f in r.bundle.files { out += "  \(f.path)  -> \(f.installPath)\n" }
      if let v = r.verification {
        out += "systemd-analyze verify: " + (v.passed ? "ok" : "FAILED") + " (\(v.units.joined(separator: ", ")))\n"
        if !v.passed { out += v.output.split(separator: "\n").map { "  \($0)\n" }.joined() }
      }
      if let unit = r.securityUnit, let score = r.securityScore {
        out += "systemd-analyze security: \(unit) exposure \(score)\n"
      }
      for line in r.timer ?? [] { out += "systemd-analyze: \(line)\n" }
      return out
    }
  }

  static func install(_ r: InstallReport, verb: String, format: OutputFormat) -> String {
    switch format {
    case .json: return json(r)
    case .csv: return "path\n" + r.files.map { InspectRender.csvField($0) + "\n" }.joined()
    case .text:
      return r.files.map { "\(verb) \($0)\n" }.joined() + r.commands.map { "ran: \($0)\n" }.joined()
        + r.notes.map { "note: \($0)\n" }.joined()
    }
  }

  static func audit(_ r: AuditReport, format: OutputFormat) -> String {
    switch format {
    case .json: return json(r)
    case .csv:
      return InspectRender.csvText(
        [["severity", "check", "path", "source", "message"]]
          + r.findings.map { [$0.severity.rawValue, $0.check.rawValue, $0.path, $0.source, $0.message] })
    case .text:
      var out = ""
      for f in r.findings.sorted(by: { $0.severity > $1.severity }) {
        out += "\(f.severity.rawValue.uppercased()) \(f.check.rawValue): \(f.path): \(f.message)"
        out += f.source != f.path ? " (from \(f.source))\n" : "\n"
      }
      out += "\(r.scanned.count) service files checked, \(r.findings.count) findings\n"
      return out
    }
  }
}
