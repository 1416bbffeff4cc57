#!/usr/bin/env bash
# bench/peers.sh PROGRAM.py NAME OUTDIR - builds PROGRAM with the peers Frost means to beat
# (PyInstaller onefile and onedir, Nuitka onefile) in a venv made from /usr/bin/python3, and
# prints one line per peer: "peer size_MB build_s". Sourced or run by bench/python.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
prog=$(realpath "$1"); name=$2; out=$(realpath -m "$3")
venv=${PEERS_VENV:-$HOME/.cache/frost-bench/peers-venv}
if ! "$venv/bin/python" -c "import PyInstaller, nuitka, zstandard" 2>/dev/null; then
  /usr/bin/python3 -m venv "$venv"
  "$venv/bin/pip" install -q pyinstaller nuitka zstandard >&2
fi
command -v patchelf >/dev/null || { echo "bench/peers.sh: Nuitka needs patchelf (apt-get install patchelf)" >&2; exit 1; }
mkdir -p "$out"
cd "$out"
t=$(seconds "$venv/bin/pyinstaller" --onefile --noconfirm --log-level ERROR --distpath pyi-onefile \
  --workpath pyi-work --specpath pyi-work -n "$name" "$prog")
echo "pyinstaller-onefile $(size_mb "pyi-onefile/$name") $t $out/pyi-onefile/$name"
t=$(seconds "$venv/bin/pyinstaller" --onedir --noconfirm --log-level ERROR --distpath pyi-onedir \
  --workpath pyi-work2 --specpath pyi-work2 -n "$name" "$prog")
echo "pyinstaller-onedir $(size_mb "pyi-onedir/$name") $t $out/pyi-onedir/$name/$name"
t=$(seconds "$venv/bin/python" -m nuitka --onefile --assume-yes-for-downloads --quiet \
  --output-dir=nuitka --output-filename="$name" "$prog")
echo "nuitka-onefile $(size_mb "nuitka/$name") $t $out/nuitka/$name"
