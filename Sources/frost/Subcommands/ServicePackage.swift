import ArgumentParser
import Foundation
import FrostKit

extension Service {
  /// `frost service package BUNDLE --deb -o DIR`.
  struct Package: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Turn a generated service bundle into a Debian package.",
      discussion: """
        Writes DIR/NAME_VERSION_amd64.deb with dpkg-deb: the binary at its exec path, the units \
        in /lib/systemd/system (the xinetd entry and init script as conffiles), and maintainer \
        scripts that enable and start the service on install, stop and disable it on remove, \
        and delete its state, logs and cache directories on purge. The same bundle gives the \
        same bytes (SOURCE_DATE_EPOCH, default 2024-01-01, dates every file).

          $ frost service generate ./echod --exec-path /usr/sbin/echod -o echod.svc
          $ frost service package echod.svc --deb -o dist
          $ sudo dpkg -i dist/echod_1.0.0_amd64.deb
          $ sudo dpkg -P echod
        """)

    @Argument(help: "A directory written by `frost service generate`.")
    var bundle: String

    @Flag(help: "Write a Debian package (the only format).")
    var deb = false

    @Option(name: .shortAndLong, help: "Directory to write the package into.")
    var output: String

    @Option(help: "Package version (default: the bundle's, else 1.0.0).")
    var version: String?

    @Option(help: "Maintainer field, 'Name <address>' (default 'Frost <frost@localhost>').")
    var maintainer: String?

    @Option(help: "One-line description (default: the unit's Description=).")
    var description: String?

    @OptionGroup var outputOptions: OutputOptions

    func validate() throws {
      guard deb else { throw ValidationError("give --deb: Debian packages are the only format") }
    }

    func run() throws {
      var options = DebOptions()
      options.version = version
      options.maintainer = maintainer
      options.description = description
      let report: DebReport
      do {
        if let epoch = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"] {
          guard let seconds = Int(epoch), seconds >= 0 else {
            throw DebPackageError.invalidEpoch(epoch)
          }
          options.epoch = seconds
        }
        report = try ServicePackage.build(bundleDir: bundle, outputDir: output, options: options)
      } catch { fail("", error) }
      print(ServiceRender.package(report, format: outputOptions.format), terminator: "")
      for warning in report.warnings { FileHandleOut.stderr("frost: warning: \(warning)\n") }
    }
  }
}

extension ServiceRender {
  static func package(_ r: DebReport, format: OutputFormat) -> String {
    switch format {
    case .json: return json(r)
    case .csv:
      return "path,mode\n"
        + r.files.map { "\(InspectRender.csvField($0.path)),\(String($0.mode, radix: 8))\n" }
        .joined()
    case .text:
      var out = "wrote \(r.path) (\(r.package) \(r.version), \(Report.bytes(UInt64(r.size))))\n"
      for f in r.files { out += "  \(String(f.mode, radix: 8))  \(f.path)\n" }
      out += "postinst: enable --now \(r.enable.joined(separator: " "))\n"
      if !r.purge.isEmpty { out += "postrm purge: rm -rf \(r.purge.joined(separator: " "))\n" }
      return out
    }
  }
}
