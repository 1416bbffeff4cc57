import ArgumentParser
import FrostKit

extension Service {
  /// `frost service install DIR [--root ROOT] [--now]`.
  struct Install: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Install a generated service bundle and enable it.",
      discussion: """
        Copies the binary to its exec path and the units to /etc/systemd/system (the xinetd entry \
        to /etc/xinetd.d, mode 0600; the init script to /etc/init.d), under --root for an image, \
        then enables them: `systemctl --root=ROOT enable` offline, or daemon-reload and `enable \
        [--now]` where systemd runs.

          $ frost service install out --root /srv/image
          $ sudo frost service install out --now
        """)

    @Argument(help: "A directory written by `frost service generate`.")
    var bundle: String

    @Option(help: "Install under this directory (an image) instead of /.")
    var root = "/"

    @Flag(help: "Also start the service (where systemd runs).")
    var now = false

    @OptionGroup var outputOptions: OutputOptions

    func run() throws {
      do {
        let report = try ServiceInstaller.install(bundleDir: bundle, root: root, start: now)
        print(ServiceRender.install(report, verb: "installed", format: outputOptions.format), terminator: "")
      } catch { fail(bundle, error) }
    }
  }

  /// `frost service uninstall DIR [--root ROOT]`.
  struct Uninstall: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Disable and remove a service installed from a bundle.",
      discussion: """
          $ frost service uninstall out --root /srv/image
        """)

    @Argument(help: "The directory the service was installed from.")
    var bundle: String

    @Option(help: "The root it was installed under.")
    var root = "/"

    @OptionGroup var outputOptions: OutputOptions

    func run() throws {
      do {
        let report = try ServiceInstaller.uninstall(bundleDir: bundle, root: root)
        print(ServiceRender.install(report, verb: "removed", format: outputOptions.format), terminator: "")
      } catch { fail(bundle, error) }
    }
  }
}
