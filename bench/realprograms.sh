#!/usr/bin/env bash
# bench/realprograms.sh - real programs (tests/compat/programs/, the PyPI compatibility suite's
# venv) frozen by frost, run by the venv's python, and frozen by PyInstaller onefile: build
# time, size, run time and peak RSS, side by side in one run. Prints a
# markdown table and the ratios of the issue's targets; figures go to docs/BENCHMARKS.md,
# "Real programs". Needs hyperfine and GNU time; PyInstaller is installed into a venv of its own
# made from the same requirements (PYI_VENV).
#
#   bench/realprograms.sh                      build frost (release) and measure
#   FROST=path/to/frost bench/realprograms.sh  use that frost (its stubs next to it)
#   PROGRAMS="requests_http numpy_linalg" bench/realprograms.sh
#
# frost's build time is given twice: with an empty compression cache (the first build with a
# new interpreter: FROST_CACHE_DIR set to a new folder) and warm (the median of 3 builds after).
# The program is also built with --native-cache and run with its cache folder filled (by the
# warm-up runs): "cache run" (through env(1), which sets XDG_CACHE_HOME: about 0.5 ms more).
# Run times of frost, the venv's python and the cache run are medians of 31 runs of each, the
# three interleaved (bench/lib.sh, interleaved), so that the shared host's load weighs on all
# alike; PyInstaller's is hyperfine's mean of 20 or more runs after 3 warm-ups.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/bench/lib.sh"
SCRATCH=${SCRATCH:-.build-bench-python}
PROGRAMS=${PROGRAMS:-requests_http numpy_linalg rich_table pygments_highlight flask_app pydantic_models cryptography_ops click_cli}

for tool in hyperfine /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench/realprograms.sh: $tool is missing" >&2; exit 1; }
done
if [ -z "${FROST:-}" ]; then
  (cd "$ROOT" && make CONFIG=release SCRATCH="$SCRATCH" >&2)
  FROST=$ROOT/$SCRATCH/release/frost
fi
FROST=$(realpath "$FROST")
VENV=${VENV:-$ROOT/.build/x86_64-unknown-linux-gnu/compat-venv}
PYI_VENV=${PYI_VENV:-$HOME/.cache/frost-bench/compat-pyi-venv}
PY=$(bash "$ROOT/scripts/compat-venv.sh" "$VENV")
if ! "$PYI_VENV/bin/python" -c "import PyInstaller" 2>/dev/null; then
  PYI_PY=$(bash "$ROOT/scripts/compat-venv.sh" "$PYI_VENV")
  "$PYI_VENV/bin/pip" install -q pyinstaller >&2
fi

work=$(mktemp -d /tmp/frost-bench-real.XXXXXX)
trap 'rm -rf "$work"' EXIT
echo "| program | frost build cold / warm (s) | PyInstaller build (s) | build ratio (warm) | frost size (MB) | PyInstaller size (MB) | run: frost / venv python / PyInstaller (ms) | run ratio frost/python | --native-cache run (ms), ratio | peak RSS frost / python / PyInstaller (MB) |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for name in $PROGRAMS; do
  dir=$work/$name
  mkdir -p "$dir/run"
  cp "$ROOT/tests/compat/programs/$name.py" "$dir/"
  cd "$dir"
  cold=$(FROST_CACHE_DIR=$dir/cache seconds "$FROST" build --python "$PY" "$name.py" -o frost-bin)
  warm=$(FROST_CACHE_DIR=$dir/cache median_seconds "$FROST" build --python "$PY" "$name.py" -o frost-bin)
  "$FROST" build --native-cache --python "$PY" "$name.py" -o frost-cache >/dev/null 2>&1
  pyi=$(seconds "$PYI_VENV/bin/pyinstaller" --onefile --noconfirm --log-level ERROR \
    --distpath pyi --workpath pyi-work --specpath pyi-work -n "$name" "$name.py")
  cd "$dir/run"
  read -r f p c <<<"$(interleaved 1 "$dir/frost-bin" "$PY $dir/$name.py" \
    "env XDG_CACHE_HOME=$dir/xdg $dir/frost-cache")"
  i=$(mean_ms "$dir/pyi/$name")
  rf=$(peak_rss_kb "$dir/frost-bin"); rp=$(peak_rss_kb "$PY" "$dir/$name.py"); ri=$(peak_rss_kb "$dir/pyi/$name")
  /usr/bin/python3 - "$name" "$cold" "$warm" "$pyi" "$(stat -c %s "$dir/frost-bin")" \
    "$(stat -c %s "$dir/pyi/$name")" "$f" "$p" "$i" "$rf" "$rp" "$ri" "$c" <<'EOF'
import sys
n, cold, warm, pyi, fs, ps, f, p, i, rf, rp, ri, c = sys.argv[1:]
mb = lambda b: "%.1f" % (int(b) / 1e6)
print("| %s | %s / %s | %s | %.2f | %s | %s | %s / %s / %s | %.2f | %s, %.2f | %.1f / %.1f / %.1f |" % (
    n, cold, warm, pyi, float(warm) / float(pyi), mb(fs), mb(ps), f, p, i, float(f) / float(p),
    c, float(c) / float(p), int(rf) / 1000, int(rp) / 1000, int(ri) / 1000))
EOF
  cd "$ROOT"
  rm -rf "$dir"
done
