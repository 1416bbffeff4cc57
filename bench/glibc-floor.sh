#!/usr/bin/env bash
# bench/glibc-floor.sh - what linking against glibc 2.28 (docs/GLIBC.md) costs at start: the
# Python stub as `make` links it (glibc's floor: libpthread, libdl, librt and libutil needed,
# the payload's libraries rebound) against the same stub linked the way it was before, against
# the build machine's glibc (-lm -ldl -lpthread -lutil, which glibc 2.36 folds into libc),
# each freezing samples/hello.py (--stdlib imported and the default) and the stdlib sample.
# Medians of 31 runs, the two commands of a ratio interleaved; prints a markdown table.
#
#   bench/glibc-floor.sh                      build frost (release) and measure
#   FROST=path/to/frost bench/glibc-floor.sh  use that frost (its stubs next to it)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/bench/lib.sh"
SCRATCH=${SCRATCH:-.build-bench-floor}
if [ -z "${FROST:-}" ]; then
  (cd "$ROOT" && make stubs swift CONFIG=release SCRATCH="$SCRATCH" >&2)
  FROST=$ROOT/$SCRATCH/release/frost
fi
FROST=$(realpath "$FROST")
BIN=$(dirname "$FROST")
work=$(mktemp -d /tmp/frost-bench-floor.XXXXXX)
trap 'rm -rf "$work"' EXIT

# The "before" stub folder: every file of the build's, the Python stub relinked against the
# build machine's glibc from the same sources (the Makefile's command before the floor).
mkdir "$work/old"
cp -r "$BIN"/frost-stub-* "$BIN"/frost-python-lib "$BIN"/frost.py "$BIN"/frost-collect.py "$work/old/"
rm -f "$work/old/frost-stub-python.img.lz4" "$work/old/frost-stub-python.zst"
py=/usr/bin/python3
inc=$($py -c 'import sysconfig; print(sysconfig.get_paths()["include"])')
ver=$($py -c 'import sysconfig; print(sysconfig.get_config_var("VERSION"))')
cc -std=c11 -D_GNU_SOURCE -O2 -g0 -fno-ident -DFROST_WITH_ZSTD -DFROST_PY_PREFIX='"/usr"' \
  -I"$inc" -I"$BIN/python-gen" -o "$work/old/frost-stub-python" \
  $(ls "$ROOT"/stubs/python/*.c | grep -v stub_glibc.c) "$ROOT"/stubs/common/*.c \
  /usr/lib/x86_64-linux-gnu/libpython$ver.a /usr/lib/x86_64-linux-gnu/libz.a \
  /usr/lib/x86_64-linux-gnu/libzstd.a -lm -ldl -lpthread -lutil -no-pie -s -Wl,-E \
  -Wl,--exclude-libs,libz.a:libzstd.a -Wl,--build-id=none
"$BIN/python-gen/pack" "$work/old/frost-stub-python" "$work/old/img" "$work/old/frost-stub-python.img.lz4"

cp "$ROOT/samples/hello.py" "$ROOT/samples/stdlib_app.py" "$work/"
build() { # NAME STUBDIR ARGS...
  local name=$1 dir=$2
  shift 2
  FROST_STUB_DIR=$dir "$FROST" build "$@" -o "$work/$name" >/dev/null 2>&1
}

echo "| program | before: system glibc (ms) | after: glibc 2.28 floor (ms) | after / before | newest GLIBC before | after |"
echo "|---|---|---|---|---|---|"
for spec in "hello-imported:hello.py --stdlib imported" "hello:hello.py" "stdlib_app:stdlib_app.py"; do
  name=${spec%%:*}
  args=${spec#*:}
  # Before: nothing rebound (a floor above every version, as no floor at all).
  (cd "$work" && build "$name-old" "$work/old" $args --glibc 2.99 && build "$name-new" "$BIN" $args)
  read -r before after < <(medians "$work/$name-old" "$work/$name-new" 2)
  glibc() { "$FROST" inspect "$1" | sed -n 's/^  glibc *\(GLIBC_[0-9.]*\).*/\1/p'; }
  echo "| $name | $before | $after | $(ratio "$after" "$before") | $(glibc "$work/old/frost-stub-python") | $(glibc "$BIN/frost-stub-python") |"
done
