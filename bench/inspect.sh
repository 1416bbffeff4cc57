#!/usr/bin/env bash
# bench/inspect.sh - `frost inspect` against `readelf -S -W`, side by side in one run: on the
# largest ELF file under /opt/swift (or the file given as $1), then on generated inputs: a
# small binary (gcc hello), an object of 70,000 sections (`as` from `.section` directives) and
# an `ar` archive of 500 small objects (about 4 MB). Wall time with hyperfine, peak RSS with
# GNU time (`apt-get install time hyperfine`). Figures go to docs/BENCHMARKS.md, "frost inspect".
#
#   bench/inspect.sh                  build frost (release) and measure
#   FROST=path/to/frost bench/inspect.sh [FILE]
#   BASELINE=path/to/older/frost ...  also time an older build's `inspect --format json`
#   RUNS=300 BIG_RUNS=20              hyperfine runs for the small and the large inputs
#   ONLY_GENERATED=1                  skip the /opt/swift file
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
BIG_RUNS=${BIG_RUNS:-20}

for tool in hyperfine readelf /usr/bin/time gcc as ar; do
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
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

rss() { /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident/ {print $2}'; }

# compare NAME RUNS FILE COMMAND... : one hyperfine run of readelf -S -W FILE and the frost
# commands, ratios to readelf, then peak RSS and output size of each frost command.
compare() {
  local name=$1 runs=$2 file=$3
  shift 3
  local size
  size=$(stat -c %s "$file")
  echo
  echo "== $name: $file ($size bytes)"
  local commands=("readelf -S -W $file")
  for args in "$@"; do commands+=("$FROST inspect $args $file"); done
  hyperfine -N --warmup 3 --runs "$runs" --export-json "$out/h.json" "${commands[@]}" >/dev/null 2>&1
  python3 - "$out/h.json" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
base = results[0]
for x in results:
    name = ("frost inspect " + x["command"].split(" inspect ", 1)[1].rsplit(" ", 1)[0]
            if x is not base else "readelf -S -W")
    print(f"  {name[:60]:60} {x['mean'] * 1000:9.2f} ms (median {x['median'] * 1000:.2f}) "
          f"{x['mean'] / base['mean']:6.2f} x readelf")
PY
  echo "  peak RSS readelf -S -W: $(rss readelf -S -W "$file") KiB"
  for args in "$@"; do
    # shellcheck disable=SC2086
    local bytes
    bytes=$("$FROST" inspect $args "$file" | wc -c)
    # shellcheck disable=SC2086
    echo "  peak RSS frost inspect $args: $(rss "$FROST" inspect $args "$file") KiB (output $((bytes / 1024)) KiB, file $((size / 1024)) KiB)"
  done
}

# Generated inputs.
printf '#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n' > "$out/hello.c"
gcc -O1 -o "$out/hello" "$out/hello.c"
python3 - "$out/many.s" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(70000):
        f.write(f'.section .s{i},"a"\n.byte {i % 256}\n')
PY
as -o "$out/many.o" "$out/many.s"
mkdir "$out/ar"
python3 - "$out/ar" <<'PY'
import sys
for i in range(500):
    with open(f"{sys.argv[1]}/m{i}.s", "w") as f:
        f.write(f".text\n.globl f{i}\n.type f{i}, @function\nf{i}: ret\n.size f{i}, 1\n"
                f".section .rodata\n.globl t{i}\nt{i}: .fill 6800, 1, {i % 256}\n")
PY
for f in "$out"/ar/*.s; do as -o "${f%.s}.o" "$f"; done
ar rcs "$out/lib500.a" "$out"/ar/*.o

if [ "${ONLY_GENERATED:-0}" != 1 ]; then
  TARGET=${1:-$(largest_elf)}
  compare "largest ELF file" "$RUNS" "$TARGET" "--format json" ""
  echo "  start-up: frost --version"
  hyperfine -N --warmup 20 --runs "$RUNS" "$FROST --version" 2>/dev/null | grep -E "Time"
  if [ -n "${BASELINE:-}" ]; then
    hyperfine -N --warmup 20 --runs "$RUNS" "$BASELINE inspect --format json $TARGET" 2>/dev/null | grep -E "Time"
  fi
fi
compare "small binary, section table" "$RUNS" "$out/hello" "--sections" "--format csv --sections" "--format json"
compare "70,000 sections, section table" "$BIG_RUNS" "$out/many.o" "--sections" "--format csv --sections" "--format json"
compare "ar archive of 500 objects" "$BIG_RUNS" "$out/lib500.a" "" "--format csv" "--format json"
