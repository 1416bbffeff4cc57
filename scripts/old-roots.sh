#!/usr/bin/env bash
# scripts/old-roots.sh [SUITE...] - minimal Debian roots with no Python, in which the glibc
# floor tests run frozen binaries (Tests/FrostCLITests/GlibcFloorTests.swift): bullseye
# (glibc 2.31), bookworm (2.36) and trixie (2.41) by default. Each is made once with
# `debootstrap --variant=minbase` from the mirror apt uses (about a minute and 200 MB each)
# into DIR.tmp and renamed to /var/cache/frost-tests/SUITE-min, so an interrupted run leaves
# no half root. Prints one DIR per line. Needs root.
set -euo pipefail
suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(bullseye bookworm trixie)
command -v debootstrap >/dev/null || { echo "old-roots.sh: debootstrap is missing (make deps)" >&2; exit 1; }
mirror=$(awk '/^URIs:/ {print $2; exit} /^deb / {print $2; exit}' \
  /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null || true)
mirror=${mirror:-http://deb.debian.org/debian}
for suite in "${suites[@]}"; do
  dir=/var/cache/frost-tests/$suite-min
  if [ ! -x "$dir/bin/sh" ]; then
    rm -rf "$dir.tmp"
    mkdir -p "$(dirname "$dir")"
    echo "old-roots.sh: debootstrap $suite into $dir (once; about a minute)" >&2
    debootstrap --variant=minbase "$suite" "$dir.tmp" "$mirror" >"$dir.log" 2>&1 \
      || { tail -20 "$dir.log" >&2; exit 1; }
    rm -rf "$dir"
    mv "$dir.tmp" "$dir"
  fi
  echo "$dir"
done
