#!/usr/bin/env bash
# bench/inspect.sh - `frost inspect --format json` against `readelf -S -W` on the largest ELF
# file under /opt/swift (or the file given as $1): wall time with hyperfine, peak RSS with
# GNU time (`apt-get install time hyperfine`). Figures go to docs/BENCHMARKS.md, "frost inspect".
#
#   bench/inspect.sh                  build frost (release) and measure
#   FROST=path/to/frost bench/inspect.sh [FILE]
#   BASELINE=path/to/older/frost ...  also time an older build's `inspect --format json`
#
# The release build links the Swift runtime statically and, with STATIC_EXECUTABLE=1 (the
# default), the whole program (-static-executable). `frost inspect` skips ArgumentParser for
# its documented argument forms (Sources/frost/InspectFastPath.swift); `frost --version` goes
# through ArgumentParser, so it shows process start plus the parser.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SCRATCH=${SCRATCH:-.build-inspect-release}
STATIC_EXECUTABLE=${STATIC_EXECUTABLE:-1}
RUNS=${RUNS:-300}

for tool in hyperfine readelf /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench/inspect.sh: $tool is missing" >&2; exit 1; }
done

if [ -z "${FROST:-}" ]; then
  flags=(-c release --scratch-path "$SCRATCH" --static-swift-stdlib --product frost)
  [ "$STATIC_EXECUTABLE" = 1 ] && flags+=(-Xswiftc -static-executable)
  (cd "$ROOT" && swift build "${flags[@]}" >&2)
  FROST=$ROOT/$SCRATCH/release/frost
fi

largest_elf() {
  find /opt/swift -type f -size +1M -printf '%s %p\n' 2>/dev/null | sort -rn | while read -r _ f; do
    if [ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ]; then echo "$f"; break; fi
  done
}
TARGET=${1:-$(largest_elf)}
SIZE=$(stat -c %s "$TARGET")
echo "file: $TARGET ($SIZE bytes)"
echo "frost: $FROST"

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
commands=("readelf -S -W $TARGET" "$FROST inspect --format json $TARGET" "$FROST inspect $TARGET"
  "$FROST --version")
if [ -n "${BASELINE:-}" ]; then commands+=("$BASELINE inspect --format json $TARGET"); fi
hyperfine -N --warmup 20 --runs "$RUNS" --export-json "$out/h.json" "${commands[@]}" >&2

python3 - "$out/h.json" <<'EOF'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
readelf = results[0]
names = ["readelf -S -W", "frost inspect --format json", "frost inspect (text)",
         "frost --version (start-up)", "baseline inspect --format json"]
for name, x in zip(names, results):
    print(f"{name + ':':32}{x['mean'] * 1000:.2f} ms (median {x['median'] * 1000:.2f}),"
          f" {x['mean'] / readelf['mean']:.2f} x readelf")
EOF

rss() { /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident/ {print $2}'; }
echo "peak RSS readelf -S -W:       $(rss readelf -S -W "$TARGET") KiB"
echo "peak RSS frost inspect json:  $(rss "$FROST" inspect --format json "$TARGET") KiB"
echo "peak RSS frost inspect text:  $(rss "$FROST" inspect "$TARGET") KiB"
echo "peak RSS frost --version:     $(rss "$FROST" --version) KiB"
echo "file size:                    $((SIZE / 1024)) KiB"
