#!/bin/bash
# scripts/compat-venv.sh VENV: makes the PyPI compatibility suite's venv at VENV
# (`/usr/bin/python3 -m venv`, then tests/compat/requirements.txt with wheels only) and prints
# its python's path. A VENV whose stamp file holds the requirements' SHA-256 is reused as it
# is; any other VENV is made anew. pip's own cache (~/.cache/pip) is used, so a second
# venv downloads nothing. On failure: one line on stderr, a non-zero status, no stamp.
set -u
die() { echo "compat-venv.sh: $*" >&2; exit 1; }

[ $# -eq 1 ] && [ -n "$1" ] || die "usage: scripts/compat-venv.sh VENV"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd) || die "no repository folder"
requirements=$here/tests/compat/requirements.txt
python=/usr/bin/python3
venv=$1
case $venv in /*) ;; *) venv=$PWD/$venv ;; esac
stamp=$venv/.frost-compat-stamp
log=$venv/.frost-compat.log

[ -f "$requirements" ] || die "$requirements: not found"
[ -x "$python" ] || die "$python: not found (apt-get install python3-venv)"
want=$(sha256sum "$requirements" | cut -d' ' -f1) || die "cannot hash $requirements"

# One maker at a time for a given VENV (two test runs at once wait for each other).
mkdir -p "$(dirname "$venv")" 2>/dev/null || die "cannot make $(dirname "$venv")"
if command -v flock >/dev/null; then
  { exec 9>"$venv.lock"; } 2>/dev/null || die "cannot open $venv.lock"
  flock 9 || die "cannot lock $venv.lock"
fi

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$venv/bin/python" ] &&
  "$venv/bin/python" -c "" 2>/dev/null; then
  echo "$venv/bin/python"
  exit 0
fi

rm -rf "$venv" 2>/dev/null || die "cannot remove the old $venv"
"$python" -m venv "$venv" >/dev/null 2>&1 ||
  die "$python -m venv $venv failed (apt-get install python3-venv)"
# Every distribution is pinned, dependencies included (--no-deps): what pip installs is
# exactly the list, and `pip check` proves that the list is complete and consistent.
if ! "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
  --only-binary=:all: --no-deps --requirement "$requirements" >"$log" 2>&1; then
  line=$(grep -E '^ERROR' "$log" | head -n 1)
  die "pip install failed: ${line:-$(tail -n 1 "$log")} (log: $log)"
fi
if ! "$venv/bin/python" -m pip check --disable-pip-version-check >>"$log" 2>&1; then
  die "pip check failed: $(tail -n 1 "$log") (log: $log)"
fi
echo "$want" >"$stamp" || die "cannot write $stamp"
echo "$venv/bin/python"
