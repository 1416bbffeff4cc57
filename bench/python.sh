#!/usr/bin/env bash
# bench/python.sh - self-contained Python binaries (`frost build app.py`) against python3 and
# the peers (PyInstaller onefile and onedir, Nuitka onefile; built by bench/peers.sh), for
# samples/hello.py, samples/stdlib_app.py and a generated package of 300 modules of which the
# program imports 3 (frost bundles all 300 with --include-package, so that its payload index
# holds them; the peers bundle what their analysis finds). Prints markdown tables and the
# issue's targets; figures go to docs/BENCHMARKS.md, "Python". Needs hyperfine, strace, GNU
# time, patchelf (Nuitka) and, for the peers, a venv with pyinstaller, nuitka and zstandard.
#
#   bench/python.sh                            build frost (release) and measure
#   PEERS_VENV=/tmp/peers-warm bench/python.sh reuse a venv with the peers installed
#   FROST=path/to/frost bench/python.sh        use that frost (its stubs next to it)
#   NO_PEERS=1 bench/python.sh                 frost and python3 only
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/bench/lib.sh"
SCRATCH=${SCRATCH:-.build-bench-python}
PY=/usr/bin/python3

for tool in hyperfine strace /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench/python.sh: $tool is missing" >&2; exit 1; }
done
if [ -z "${FROST:-}" ]; then
  (cd "$ROOT" && make CONFIG=release SCRATCH="$SCRATCH" >&2)
  FROST=$ROOT/$SCRATCH/release/frost
fi
FROST=$(realpath "$FROST") # the builds run in the work folder

work=$(mktemp -d /tmp/frost-bench-python.XXXXXX)
trap 'rm -rf "$work"' EXIT

# The 300-module package: bigpkg/m000.py .. m299.py, each a few functions and a class;
# pkg300.py imports three of them.
mkdir -p "$work/src/bigpkg"
: > "$work/src/bigpkg/__init__.py"
for i in $(seq -w 0 299); do
  cat > "$work/src/bigpkg/m$i.py" <<EOF
"""Generated module $i."""
VALUE = $((10#$i))


def double(x):
    return 2 * x + VALUE


class Thing$i:
    def __init__(self, n):
        self.n = n

    def total(self):
        return sum(range(self.n)) + VALUE
EOF
done
cat > "$work/src/pkg300.py" <<'EOF'
from bigpkg import m000, m150, m299
print(m000.double(1), m150.Thing150(3).total(), m299.VALUE)
EOF
cp "$ROOT/samples/hello.py" "$ROOT/samples/stdlib_app.py" "$work/src/"

declare -A script=([hello]=hello.py [stdlib]=stdlib_app.py [pkg300]=pkg300.py)
declare -A extra=([hello]="" [stdlib]="" [pkg300]="--include-package bigpkg")
programs=(hello stdlib pkg300)

# Columns of one row: build s, size MB, start-up ms, peak RSS MB, files written, processes.
declare -A build size start rss files procs cmd

measure_run() {  # KEY COMMAND...: peak RSS (median of 7 runs), files and processes of one run
  local key=$1; shift
  rss[$key]=$(awk '{printf "%.1f", $1/1000}' <<<"$(peak_rss_kb "$@")")
  read -r files[$key] procs[$key] <<<"$(files_and_procs "$@")"
}

for p in "${programs[@]}"; do
  src=$work/src/${script[$p]}
  out=$work/out/$p
  mkdir -p "$out"
  # shellcheck disable=SC2086
  build[$p/frost]=$(cd "$work/src" && median_seconds "$FROST" build "$src" ${extra[$p]} -o "$out/frost")
  [ -x "$out/frost" ] || { echo "bench/python.sh: frost build of $p failed" >&2; exit 1; }
  size[$p/frost]=$(size_mb "$out/frost")
  cmd[$p/frost]="$out/frost"
  # -I implies -P (no script folder on sys.path): pkg300 needs its folder, so -E -s there.
  if [ "$p" = pkg300 ]; then cmd[$p/python3]="$PY -E -s $src"; else cmd[$p/python3]="$PY -I $src"; fi
  size[$p/python3]=-; build[$p/python3]=-
  # shellcheck disable=SC2086
  if (cd "$work/src" && "$FROST" build "$src" ${extra[$p]} --compact -o "$out/frost-compact" >/dev/null 2>&1); then
    # shellcheck disable=SC2086
    build[$p/frost-compact]=$(cd "$work/src" && median_seconds "$FROST" build "$src" ${extra[$p]} --compact -o "$out/frost-compact")
    size[$p/frost-compact]=$(size_mb "$out/frost-compact")
    cmd[$p/frost-compact]="$out/frost-compact"
  fi
  # The default packs the interpreter by payload size (docs/PYTHON.md); both ways, for the
  # trade-off: frost-packed (--pack-interpreter always), frost-stored (never).
  for mode in packed stored; do
    if [ "$mode" = packed ]; then when=always; else when=never; fi
    # shellcheck disable=SC2086
    build[$p/frost-$mode]=$(cd "$work/src" && median_seconds "$FROST" build "$src" ${extra[$p]} --pack-interpreter $when -o "$out/frost-$mode")
    size[$p/frost-$mode]=$(size_mb "$out/frost-$mode")
    cmd[$p/frost-$mode]="$out/frost-$mode"
  done
  if [ -z "${NO_PEERS:-}" ]; then
    while read -r peer mb secs bin; do
      build[$p/$peer]=$secs; size[$p/$peer]=$mb; cmd[$p/$peer]=$bin
    done < <(cd "$work/src" && bash "$ROOT/bench/peers.sh" "$src" "$p" "$out/peers" 2>/dev/null)
  fi
done

rows=(python3 frost frost-packed frost-stored frost-compact pyinstaller-onefile pyinstaller-onedir nuitka-onefile)
floor="$PY -I -S -c pass"
# Before each set of runs (hyperfine --setup) the page cache drops the binaries built here (the
# peers' too) and python3's own files, so that all start from pages read back from disk: a
# freshly written binary starts a few percent faster on this host (bench/uncache.py).
pyfiles="$(realpath "$PY") /usr/lib/python3*/lib-dynload/*.so /usr/lib/x86_64-linux-gnu/libcrypto.so*
  /usr/lib/x86_64-linux-gnu/libssl.so* /usr/lib/x86_64-linux-gnu/libsqlite3.so*
  /usr/lib/x86_64-linux-gnu/liblzma.so* /usr/lib/x86_64-linux-gnu/libbz2.so*
  /usr/lib/x86_64-linux-gnu/libffi.so* /usr/lib/x86_64-linux-gnu/libmpdec.so*"
uncache() {  # the --setup command that drops FILE... and python3's files
  echo "$PY $ROOT/bench/uncache.py $* $(tr '\n' ' ' <<<"$pyfiles")"
}
for p in "${programs[@]}"; do
  # One hyperfine run with every command of this program (and the floor). Start-up is the
  # median of the run's times: on a shared machine a few runs stall for tens of ms (another
  # tenant, a compaction) and would move a mean by more than the differences measured here.
  args=("$floor")
  for r in "${rows[@]}"; do
    [ -n "${cmd[$p/$r]:-}" ] && args+=("${cmd[$p/$r]}")
  done
  json=$work/hf-$p.json
  # shellcheck disable=SC2086
  hyperfine -N --warmup 5 --min-runs 40 --setup "$(uncache "$work/out/$p")" \
    --export-json "$json" "${args[@]}" >/dev/null 2>&1
  while IFS=$'\t' read -r command ms; do
    for r in "${rows[@]}"; do [ "${cmd[$p/$r]:-}" = "$command" ] && start[$p/$r]=$ms; done
    [ "$command" = "$floor" ] && start[$p/floor]=$ms
  done < <($PY -c 'import json,sys
for r in json.load(open(sys.argv[1]))["results"]:
    print("%s\t%.1f" % (r["command"], r["median"] * 1000))' "$json")
  for r in "${rows[@]}"; do
    # shellcheck disable=SC2086
    [ -n "${cmd[$p/$r]:-}" ] && measure_run "$p/$r" ${cmd[$p/$r]}
  done
done

# A / B with DIGITS decimals (2), or "-" when either is missing.
ratio() { $PY -c "import sys; a, b, d = sys.argv[1:]; print('%.*f' % (int(d), float(a) / float(b)) if a not in ('', '-') and b not in ('', '-') else '-')" "$1" "$2" "${3:-2}"; }

echo "floor: \`$floor\` ${start[hello/floor]} ms (hello run), ${start[stdlib/floor]} ms (stdlib run), ${start[pkg300/floor]} ms (pkg300 run)"
echo
for p in "${programs[@]}"; do
  echo "### $p (${script[$p]})"
  echo
  echo "| | build s | size MB | start-up ms (median) | × python3 -I | peak RSS MB | × python3 | files written | processes |"
  echo "|---|---|---|---|---|---|---|---|---|"
  for r in "${rows[@]}"; do
    [ -n "${cmd[$p/$r]:-}" ] || continue
    echo "| $r | ${build[$p/$r]} | ${size[$p/$r]} | ${start[$p/$r]} | $(ratio "${start[$p/$r]}" "${start[$p/python3]}") | ${rss[$p/$r]} | $(ratio "${rss[$p/$r]}" "${rss[$p/python3]}") | ${files[$p/$r]} | ${procs[$p/$r]} |"
  done
  echo
done

# The start-up targets compare two commands each. Rows of the run above are minutes apart;
# these pairs each get their own hyperfine run, whose two commands alternate in blocks
# (see paired: a slow second of the shared host hits both alike). Each block starts with
# the binaries' pages dropped, and a frost binary runs as eight copies of its file: on this
# host the same bytes start up to ~7 % apart by how the page cache took them in
# (docs/BENCHMARKS.md, "Measuring start-up"). Ratio of the medians of all the runs of each
# command.
mkdir -p "$work/copies"
variant() {  # CMD I: CMD, its program replaced by copy I when it is a binary built here
  local prog=${1%% *} rest=""
  [[ "$1" == *" "* ]] && rest=" ${1#* }"
  case $prog in
    "$work"/out/*)
      local copy=$work/copies/$(tr / _ <<<"${prog#"$work"/out/}").$2
      [ -e "$copy" ] || cp "$prog" "$copy"
      echo "$copy$rest" ;;
    *) echo "$1" ;;
  esac
}
paired() {  # RUNS A B: "MEDIAN_A MEDIAN_B" in ms
  local json=$work/pair.json i b ones
  local -a args=() a_at=() b_at=()
  # The blocks alternate as the Thue-Morse sequence, A B B A B A A B B A A B A B B A: block i
  # is B when i has an odd number of 1 bits. Each command's blocks are its 8 copies.
  for i in $(seq 0 15); do
    ones=0
    for ((b = i; b > 0; b >>= 1)); do ((ones += b & 1)); done
    if ((ones % 2 == 0)); then
      a_at+=("${#args[@]}"); args+=("$(variant "$2" "${#a_at[@]}")")
    else
      b_at+=("${#args[@]}"); args+=("$(variant "$3" "${#b_at[@]}")")
    fi
  done
  hyperfine -N --warmup 10 --runs "$1" --setup "$(uncache "$work/copies/*")" \
    --export-json "$json" "${args[@]}" >/dev/null 2>&1
  $PY -c 'import json, statistics, sys
r = json.load(open(sys.argv[1]))["results"]
ms = lambda runs: statistics.median(t for i in runs for t in r[int(i)]["times"]) * 1000
print("%.2f %.2f" % (ms(sys.argv[2].split()), ms(sys.argv[3].split())))' "$json" "${a_at[*]}" "${b_at[*]}"
}
read -r pair_floor pair_hello <<<"$(paired 60 "$floor" "${cmd[hello/frost]}")"
read -r pair_python pair_stdlib <<<"$(paired 20 "${cmd[stdlib/python3]}" "${cmd[stdlib/frost]}")"
read -r pair_hello2 pair_pkg300 <<<"$(paired 60 "${cmd[hello/frost]}" "${cmd[pkg300/frost]}")"
# For reference, not a target: pkg300 against the same program whose package holds only the
# three modules it imports (pkg3), which is what the 297 modules it does not import cost.
mkdir -p "$work/src3/bigpkg" "$work/out/pkg3"
cp "$work/src/bigpkg/"{__init__,m000,m150,m299}.py "$work/src3/bigpkg/"
cp "$work/src/pkg300.py" "$work/src3/"
(cd "$work/src3" && "$FROST" build pkg300.py --include-package bigpkg -o "$work/out/pkg3/frost" >/dev/null)
read -r pair_pkg3 pair_pkg300b <<<"$(paired 60 "$work/out/pkg3/frost" "${cmd[pkg300/frost]}")"
echo "Paired runs (start-up ms, medians): floor $pair_floor, hello $pair_hello;" \
  "python3 -I stdlib_app.py $pair_python, stdlib $pair_stdlib; hello $pair_hello2, pkg300 $pair_pkg300;" \
  "pkg3 $pair_pkg3, pkg300 $pair_pkg300b"
echo

check() {  # LABEL VALUE LIMIT: "LABEL: VALUE (target <= LIMIT): met|missed"
  local verdict
  verdict=$($PY -c "import sys; print('met' if float(sys.argv[1]) <= float(sys.argv[2]) else 'missed')" "$2" "$3")
  echo "- $1: $2 (target ≤ $3): $verdict"
}
echo "Targets:"
# Three decimals, so that a ratio is not rounded into its target.
check "hello start-up ÷ python3 -I -S -c pass (paired)" "$(ratio "$pair_hello" "$pair_floor" 3)" 1.05
check "stdlib start-up ÷ python3 -I stdlib_app.py (paired)" "$(ratio "$pair_stdlib" "$pair_python" 3)" 1.0
check "pkg300 start-up ÷ hello start-up (paired)" "$(ratio "$pair_pkg300" "$pair_hello2" 3)" 1.05
echo "- (reference) pkg300 start-up ÷ pkg3 start-up (paired): $(ratio "$pair_pkg300b" "$pair_pkg3" 3)"
check "build hello, s" "${build[hello/frost]}" 1.0
check "build stdlib, s" "${build[stdlib/frost]}" 2.0
for p in "${programs[@]}"; do
  check "peak RSS $p ÷ python3's" "$(ratio "${rss[$p/frost]}" "${rss[$p/python3]}")" 1.1
done
for p in "${programs[@]}"; do
  [ -n "${size[$p/pyinstaller-onefile]:-}" ] && check "size $p, MB (PyInstaller onefile)" "${size[$p/frost]}" "${size[$p/pyinstaller-onefile]}"
done
if [ -n "${size[hello/frost-compact]:-}" ]; then
  check "size hello --compact, MB" "${size[hello/frost-compact]}" 4.0
  for p in "${programs[@]}"; do
    [ -n "${size[$p/nuitka-onefile]:-}" ] && check "size $p --compact, MB (Nuitka onefile)" "${size[$p/frost-compact]}" "${size[$p/nuitka-onefile]}"
    for peer in pyinstaller-onefile nuitka-onefile; do
      [ -n "${start[$p/$peer]:-}" ] && check "start-up $p --compact, ms ($peer)" "${start[$p/frost-compact]}" "${start[$p/$peer]}"
    done
  done
else
  echo "- size hello --compact: no compact stub built (frost-stub-python-compact)"
fi
