#!/usr/bin/env bash
# scripts/make-dist.sh RELEASE_DIR DEBUG_DIR VERSION OUT.tar.gz - the release tarball of `make dist`
# (README: "Installing from the release tarball"):
#   bin/frost                       the release build, the Swift runtime linked in statically
#                                   (-static-executable: no shared library at all)
#   libexec/frost/                  every stub and helper `frost build` uses, and the kit
#                                   (frost-stub-kit/) that links the stub of another CPython
#   share/man/man1/frost.1          generated from the command's own help
#                                   (swift-argument-parser's generate-manual plugin)
#   share/bash-completion/completions/frost, share/zsh/site-functions/_frost,
#   share/fish/vendor_completions.d/frost.fish   (`frost --generate-completion-script`)
#   share/doc/frost/                README.md and docs/
# Reproducible: sorted names, fixed owner and times (the last commit's, or SOURCE_DATE_EPOCH),
# gzip without a name or time stamp. Written to OUT.tmp, then renamed.
set -euo pipefail
release=$1 debug=$2 version=$3 out=$4
root=$(cd "$(dirname "$0")/.." && pwd)
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || echo 0)}
name=frost-$version-linux-x86_64
work=$(mktemp -d "${TMPDIR:-/tmp}/frost-dist.XXXXXX")
trap 'rm -rf "$work"' EXIT
stage=$work/$name
mkdir -p "$stage/bin" "$stage/libexec/frost" "$stage/share/man/man1" \
  "$stage/share/bash-completion/completions" "$stage/share/zsh/site-functions" \
  "$stage/share/fish/vendor_completions.d" "$stage/share/doc/frost"
install -m 0755 "$release/frost" "$stage/bin/frost"
for f in frost-stub-host frost-stub-python frost-stub-python-compact frost-stub-python-packed; do
  install -m 0755 "$release/$f" "$stage/libexec/frost/$f"
done
for f in frost-stub-python.zst frost-stub-python.img.lz4 frost.py frost-collect.py; do
  install -m 0644 "$release/$f" "$stage/libexec/frost/$f"
done
cp -r "$release/frost-python-lib" "$release/frost-stub-kit" "$stage/libexec/frost/"
# The manual: generated from a build of this package (the debug one is enough: the help is the same).
date=$(date -u -d "@$epoch" +%Y-%m-%d)
(cd "$root" && swift package --scratch-path "$(dirname "$debug")" plugin generate-manual \
  --configuration "$(basename "$debug")" --date "$date" >/dev/null)
install -m 0644 "$(dirname "$debug")/plugins/GenerateManual/outputs/frost/frost.1" "$stage/share/man/man1/frost.1"
"$stage/bin/frost" --generate-completion-script bash >"$stage/share/bash-completion/completions/frost"
"$stage/bin/frost" --generate-completion-script zsh >"$stage/share/zsh/site-functions/_frost"
"$stage/bin/frost" --generate-completion-script fish >"$stage/share/fish/vendor_completions.d/frost.fish"
cp "$root/README.md" "$stage/share/doc/frost/"
cp -r "$root/docs" "$stage/share/doc/frost/docs"
chmod -R u=rwX,go=rX "$stage"
mkdir -p "$(dirname "$out")"
tar -C "$work" --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner -cf - "$name" |
  gzip -n -9 >"$out.tmp"
mv "$out.tmp" "$out"
echo "$out"
