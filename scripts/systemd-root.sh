#!/usr/bin/env bash
# scripts/systemd-root.sh [DIR] - a Debian bookworm root that boots systemd under
# systemd-nspawn, for the live service tests (Tests/FrostCLITests/SystemdLiveTests.swift).
# Made once with debootstrap (--variant=minbase, systemd, dbus, xinetd, and python3 for
# bench/systemd.sh's side-by-side runs; about a minute and 280 MB) from the mirror apt uses, into DIR.tmp, then renamed to DIR (default
# /var/cache/frost-tests/bookworm-systemd), so an interrupted run leaves no half root. Prints DIR.
# The tests boot it with --volatile=overlay: it is never written to after this.
set -euo pipefail
dir=${1:-/var/cache/frost-tests/bookworm-systemd}
if [ -x "$dir/lib/systemd/systemd" ] && [ -x "$dir/usr/bin/python3" ]; then echo "$dir"; exit 0; fi
for tool in debootstrap systemd-nspawn; do
  command -v "$tool" >/dev/null || { echo "systemd-root.sh: $tool is missing (make deps)" >&2; exit 1; }
done
mirror=$(awk '/^URIs:/ {print $2; exit} /^deb / {print $2; exit}' \
  /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null || true)
mirror=${mirror:-http://deb.debian.org/debian}
rm -rf "$dir.tmp"
mkdir -p "$(dirname "$dir")"
echo "systemd-root.sh: debootstrap bookworm into $dir (once; about a minute)" >&2
debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus,xinetd,python3 bookworm "$dir.tmp" \
  "$mirror" >"$dir.log" 2>&1 || { tail -20 "$dir.log" >&2; exit 1; }
# No getty on a console nobody reads; the machine-id is made at each (volatile) boot.
rm -f "$dir.tmp/etc/machine-id"
ln -sf /dev/null "$dir.tmp/etc/systemd/system/getty.target"
# xinetd starts only where a test starts it (the container shares the host's network).
systemctl --root="$dir.tmp" disable xinetd.service >/dev/null 2>&1 || true
rm -rf "$dir"
mv "$dir.tmp" "$dir"
echo "$dir"
