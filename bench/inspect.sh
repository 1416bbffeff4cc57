#!/usr/bin/env bash
# bench/inspect.sh - `frost inspect --format json` against `readelf -S -W` on the largest ELF
# file under /opt/swift (or the file given as $1): wall time with hyperfine, peak RSS with
# GNU time (`apt-get install time hyperfine`). Figures go to docs/BENCHMARKS.md, "frost inspect".
#
#   bench/inspect.sh                  build frost (release) and measure
#   FROST=path/to/frost bench/inspect.sh [FILE]
#
# The release build links the Swift runtime statically and, with STATIC_EXECUTABLE=1 (the
# default), the whole program (-static-executable): the run is then bound by process start,
# which this also measures (`frost --version`) so that the inspect work itself can be read off.
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
hyperfine -N --warmup 20 --runs "$RUNS" --export-json "$out/h.json" \
  "readelf -S -W $TARGET" \
  "$FROST inspect --format json $TARGET" \
  "$FROST --version" >&2

python3 - "$out/h.json" <<'EOF'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
readelf, inspect, version = (x for x in r.values())
ms = lambda x: x["mean"] * 1000
print(f"readelf -S -W:              {ms(readelf):.2f} ms (median {readelf['median']*1000:.2f})")
print(f"frost inspect --format json: {ms(inspect):.2f} ms (median {inspect['median']*1000:.2f})")
print(f"frost --version (start-up):  {ms(version):.2f} ms")
print(f"ratio inspect / readelf:     {inspect['mean'] / readelf['mean']:.2f}")
print(f"inspect work past start-up:  {ms(inspect) - ms(version):.2f} ms")
EOF

rss() { /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident/ {print $2}'; }
echo "peak RSS readelf -S -W:       $(rss readelf -S -W "$TARGET") KiB"
echo "peak RSS frost inspect json:  $(rss "$FROST" inspect --format json "$TARGET") KiB"
echo "peak RSS frost --version:     $(rss "$FROST" --version) KiB"
echo "file size:                    $((SIZE / 1024)) KiB"
