#!/usr/bin/env bash
# bench/python-versions.sh - `frost build --python PY` for every CPython 3.8 to 3.13 of the
# machine (pyenv's, as the tests find them) and Debian's python3: for each, in one run, the
# first build of samples/hello.py with an empty cache (the interpreter stub is linked then),
# a later build (median of 3; also with --stdlib imported), the stub's size, and the start-up
# of hello and of the stdlib sample against that interpreter's own `python -I -S -c pass` and
# `python -I app.py` (medians of 31 runs, the two commands of a ratio interleaved). Prints a
# markdown table for docs/PYTHON.md, "Which Python".
# Targets (the issue's, as for 3.11): hello at most 1.05 × `-I -S -c pass`, the stdlib sample
# at most 1.0 × `python -I`, a first build at most 5 s, later builds under 1 s.
#
#   bench/python-versions.sh                  build frost (release) and measure
#   FROST=path/to/frost bench/python-versions.sh   use that frost (its stubs next to it)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/bench/lib.sh"
SCRATCH=${SCRATCH:-.build-bench-python}
if [ -z "${FROST:-}" ]; then
  (cd "$ROOT" && make stubs swift CONFIG=release SCRATCH="$SCRATCH" >&2)
  FROST=$ROOT/$SCRATCH/release/frost
fi
FROST=$(realpath "$FROST")
PYENV=${PYENV_ROOT:-$HOME/.pyenv}

work=$(mktemp -d /tmp/frost-bench-versions.XXXXXX)
trap 'rm -rf "$work"' EXIT
cp "$ROOT/samples/hello.py" "$ROOT/samples/stdlib_app.py" "$work/"

interpreters=(/usr/bin/python3)
for minor in 3.8 3.9 3.10 3.11 3.12 3.13; do
  newest=$(ls -d "$PYENV/versions/$minor".* 2>/dev/null | sort -t. -k3 -n | tail -n 1 || true)
  if [ -n "$newest" ] && [ -x "$newest/bin/python3" ]; then
    interpreters+=("$newest/bin/python3")
  else
    echo "bench/python-versions.sh: no CPython $minor under $PYENV/versions" >&2
  fi
done

echo "| python | first build s | later build s | later, \`--stdlib imported\` s | stub MB | hello ms | × \`-I -S -c pass\` | stdlib ms | × \`python -I\` |"
echo "|---|---|---|---|---|---|---|---|---|"
for py in "${interpreters[@]}"; do
  version=$("$py" -c 'import sys; print(sys.version.split()[0])')
  where=$([ "$py" = /usr/bin/python3 ] && echo "Debian $version" || echo "pyenv $version")
  export FROST_CACHE_DIR=$work/cache-$version
  out=$work/out-$version
  mkdir -p "$out"
  first=$(cd "$work" && seconds "$FROST" build hello.py --python "$py" -o "$out/hello")
  [ -x "$out/hello" ] || { echo "bench/python-versions.sh: build for $py failed" >&2; exit 1; }
  later=$(cd "$work" && median_seconds "$FROST" build hello.py --python "$py" -o "$out/hello")
  (cd "$work" && "$FROST" build hello.py --python "$py" --stdlib imported -o "$out/small" >/dev/null 2>&1)
  small=$(cd "$work" && median_seconds "$FROST" build hello.py --python "$py" --stdlib imported -o "$out/small")
  (cd "$work" && "$FROST" build stdlib_app.py --python "$py" -o "$out/stdlib" >/dev/null 2>&1)
  stub=$(find "$FROST_CACHE_DIR" -name frost-stub-python -type f | head -n 1)
  [ -n "$stub" ] || stub=$(dirname "$FROST")/frost-stub-python
  read -r hello floor <<<"$(medians "$out/hello" "$py -I -S -c pass")"
  read -r stdlib plain <<<"$(medians "$out/stdlib" "$py -I $work/stdlib_app.py")"
  echo "| $where | $first | $later | $small | $(size_mb "$stub") | $hello | $(ratio "$hello" "$floor") | $stdlib | $(ratio "$stdlib" "$plain") |"
done
