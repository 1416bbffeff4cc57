import ArgumentParser
import FrostKit

/// `frost service`: generate, install, uninstall, package and audit services.
struct Service: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Ship a frozen program as a service.",
    discussion: """
      Writes systemd units (with socket activation), an xinetd entry or an LSB init script for a \
      binary, checks them with systemd-analyze, installs them or packages them as a .deb, and \
      audits installed services.

        $ frost service generate ./echo --listen 127.0.0.1:7000 --accept -o echo.svc
        $ frost service install echo.svc --root /srv/image
        $ frost service package echo.svc --deb -o dist
        $ frost service audit /etc/xinetd.d
      """,
    subcommands: [Generate.self, Install.self, Uninstall.self, Package.self, Audit.self])
}
