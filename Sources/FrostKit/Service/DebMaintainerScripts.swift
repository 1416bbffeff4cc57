import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The postinst, prerm and postrm: what dh_installsystemd (and dh_installinit) would write,
/// with `systemctl` in place of deb-systemd-helper. Live actions only where systemd runs
/// (`/run/systemd/system`) and not for a chrootless `dpkg --root` (`DPKG_ROOT`); enabling and
/// disabling work offline through `systemctl --root`.
struct MaintainerScripts {
  /// Units enabled and started (the service, or its socket or timer).
  var enable: [String]
  /// Units stopped on remove (with `NAME@*.service` for a template's instances).
  var stop: [String]
  /// Long-running services restarted on upgrade when they run.
  var services: [String]
  /// Directories removed on purge.
  var purge: [String]
  var xinetd: Bool
  /// The init script's name in /etc/init.d, if any.
  var initScript: String?

  static let live = #"[ -z "${DPKG_ROOT:-}" ] && [ -d /run/systemd/system ]"#
  static let offline = #"command -v systemctl >/dev/null 2>&1"#

  func quoted(_ units: [String]) -> String { units.map { "'\($0)'" }.joined(separator: " ") }

  func script(_ name: String, _ body: String) -> String {
    "#!/bin/sh\n# \(name), written by Frost \(Frost.version) (`frost service package`).\nset -e\n\n"
      + body + "\nexit 0\n"
  }

  /// xinetd reads /etc/xinetd.d when it starts or on SIGHUP (reload).
  var reloadXinetd: String {
    guard xinetd else { return "" }
    return """
      \tif \(Self.live); then
      \t\tsystemctl try-reload-or-restart xinetd.service >/dev/null 2>&1 || true
      \telif [ -z "${DPKG_ROOT:-}" ] && [ -x /etc/init.d/xinetd ]; then
      \t\tinvoke-rc.d xinetd reload >/dev/null 2>&1 || true
      \tfi

      """
  }

  var postinst: String {
    var body = """
      if [ "$1" = configure ] || [ "$1" = abort-upgrade ] || [ "$1" = abort-deconfigure ] || [ "$1" = abort-remove ]; then
      \tif \(Self.live); then
      \t\tsystemctl --system daemon-reload >/dev/null || true
      \t\tsystemctl enable --now \(quoted(enable)) >/dev/null || true

      """
    if !services.isEmpty {
      body += """
        \t\t# An upgrade: the running service gets the new program.
        \t\tif [ -n "$2" ]; then
        \t\t\tsystemctl try-restart \(quoted(services)) >/dev/null || true
        \t\tfi

        """
    }
    body += """
      \telif \(Self.offline); then
      \t\tsystemctl --root="${DPKG_ROOT:-/}" enable \(quoted(enable)) >/dev/null 2>&1 || true
      \tfi

      """
    if let initScript {
      body += """
        \tif [ -z "${DPKG_ROOT:-}" ] && [ -x /etc/init.d/\(initScript) ] && [ ! -d /run/systemd/system ]; then
        \t\tupdate-rc.d \(initScript) defaults >/dev/null
        \t\tinvoke-rc.d \(initScript) start || exit 1
        \tfi

        """
    }
    return script("postinst", body + reloadXinetd + "fi\n")
  }

  var prerm: String {
    var body = """
      if [ "$1" = remove ]; then
      \tif \(Self.live); then
      \t\tsystemctl stop \(quoted(stop)) >/dev/null || true
      \tfi

      """
    if let initScript {
      body += """
        \tif [ -z "${DPKG_ROOT:-}" ] && [ -x /etc/init.d/\(initScript) ] && [ ! -d /run/systemd/system ]; then
        \t\tinvoke-rc.d \(initScript) stop || true
        \tfi

        """
    }
    return script("prerm", body + "fi\n")
  }

  var postrm: String {
    var body = """
      if [ "$1" = remove ] || [ "$1" = purge ]; then
      \tif \(Self.offline); then
      \t\tsystemctl --root="${DPKG_ROOT:-/}" disable \(quoted(enable)) >/dev/null 2>&1 || true
      \tfi
      \tif \(Self.live); then
      \t\tsystemctl --system daemon-reload >/dev/null || true
      \tfi

      """
    body += reloadXinetd + "fi\n"
    var purgeBody = ""
    if !purge.isEmpty {
      purgeBody +=
        "\t# The service's state, logs and cache (DynamicUser= keeps them under private/).\n"
      purgeBody += "\trm -rf" + purge.map { " \"${DPKG_ROOT:-}\($0)\"" }.joined() + "\n"
    }
    if let initScript {
      purgeBody += """
        \tif [ -z "${DPKG_ROOT:-}" ] && command -v update-rc.d >/dev/null 2>&1; then
        \t\tupdate-rc.d \(initScript) remove >/dev/null || true
        \tfi

        """
    }
    if !purgeBody.isEmpty { body += "\nif [ \"$1\" = purge ]; then\n" + purgeBody + "fi\n" }
    return script("postrm", body)
  }
}
