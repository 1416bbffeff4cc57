#!/usr/bin/env bash
# scripts/glibc-floor.sh OUT ZIGDIR - the glibc floor that every stub links against
# (docs/GLIBC.md): glibc 2.28's link-time view of x86_64, made once by the `ziglang` wheel from
# PyPI (pinned by version and SHA-256, unpacked into ZIGDIR), whose `zig cc` generates, for a
# chosen glibc version, stub shared libraries carrying that version's symbols and symbol
# versions, and the start files and libc_nonshared.a of that version. The stubs are then
# compiled and linked by the system's cc against these files, so that they need no symbol
# version newer than 2.28 and run on RHEL 8, Debian 10 and every later glibc.
# Writes into OUT: crt1.o, Scrt1.o, libc_nonshared.a, lib{c,m,pthread,dl,rt,util,resolv}.so.N
# and libld.so.2 (ld.so's symbols) from zig; the start and end files that do not depend on
# glibc's version (crti.o, crtn.o: the _init/_fini frame; gcc's crtbegin*.o, crtend*.o and
# libgcc.a) from the system's cc, so that a link needs nothing else (StubLinker.swift links
# from a copy in the stub kit); and symbols.txt (every symbol those libraries define at a default version, one per line:
# `NAME LIBRARY VERSION`, sorted), which `frost build` reads to rebind newer references.
set -euo pipefail
out=$1 zigdir=$2
floor=2.28
wheel_version=0.17.1
wheel_sha256=ea6cc5d87b033cf0aedfbc8f9549a908cae6c50ac31f1698188fa48a74524b54
stamp="glibc $floor zig $wheel_version $(cat "$0" "$(dirname "$0")/glibc-floor-aliases.py" | sha256sum | cut -c1-16)"
if [ -f "$out/floor.stamp" ] && [ "$(cat "$out/floor.stamp")" = "$stamp" ]; then exit 0; fi

if [ ! -x "$zigdir/ziglang/zig" ]; then
  echo "glibc-floor.sh: fetching ziglang $wheel_version from PyPI (once; about 100 MB)" >&2
  rm -rf "$zigdir.tmp" && mkdir -p "$zigdir.tmp"
  echo "ziglang==$wheel_version --hash=sha256:$wheel_sha256" > "$zigdir.tmp/requirements.txt"
  /usr/bin/python3 -m pip download --quiet --no-deps --only-binary=:all: --require-hashes \
    -r "$zigdir.tmp/requirements.txt" -d "$zigdir.tmp/wheel" >&2
  (cd "$zigdir.tmp" && /usr/bin/python3 -m zipfile -e wheel/ziglang-*.whl .)
  chmod +x "$zigdir.tmp/ziglang/zig"
  rm -rf "$zigdir.tmp/wheel" "$zigdir"
  mv "$zigdir.tmp" "$zigdir"
fi

echo "glibc-floor.sh: generating glibc $floor's link files with zig (once; about 30 s)" >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export ZIG_GLOBAL_CACHE_DIR=$zigdir/cache ZIG_LOCAL_CACHE_DIR=$zigdir/cache
printf 'int main(void) { return 0; }\n' > "$work/t.c"
link_files() { # the files zig's linker is given for a program linked with "$@"
  "$zigdir/ziglang/zig" cc -target "x86_64-linux-gnu.$floor" -fno-sanitize=all -O2 "$@" \
    -o "$work/t" "$work/t.c" -lm -lpthread -ldl -lrt -lutil -lresolv -v 2>&1 \
    | grep -E '(^| )ld\.lld ' | tr ' ' '\n' | grep -E '/(S?crt1\.o|libc_nonshared\.a|lib[a-z]+\.so\.[0-9]+)$'
}
mkdir -p "$out.tmp"
for f in $(link_files -no-pie) $(link_files -fPIE -pie); do cp "$f" "$out.tmp/"; done
for f in crt1.o Scrt1.o libc_nonshared.a libc.so.6 libm.so.6 libpthread.so.0 libdl.so.2 \
  librt.so.1 libutil.so.1 libresolv.so.2; do
  [ -f "$out.tmp/$f" ] || { echo "glibc-floor.sh: zig did not produce $f" >&2; exit 1; }
done
for f in crti.o crtn.o crtbegin.o crtend.o crtbeginS.o crtendS.o libgcc.a; do
  path=$(cc -print-file-name="$f")
  [ -f "$path" ] || { echo "glibc-floor.sh: cc has no $f" >&2; exit 1; }
  cp "$path" "$out.tmp/$f"
done
for lib in libc.so.6 libm.so.6 libpthread.so.0; do
  /usr/bin/python3 "$(dirname "$0")/glibc-floor-aliases.py" "$out.tmp/$lib" "/lib/x86_64-linux-gnu/$lib"
done
for lib in "$out.tmp"/lib*.so.*; do
  LC_ALL=C readelf -W --dyn-syms "$lib" | awk -v lib="$(basename "$lib")" \
    '$7 != "UND" && $8 ~ /@@/ { split($8, p, "@@"); print p[1], lib, p[2] }'
done | LC_ALL=C sort -u > "$out.tmp/symbols.txt"
echo "$stamp" > "$out.tmp/floor.stamp"
rm -rf "$out"
mv "$out.tmp" "$out"
