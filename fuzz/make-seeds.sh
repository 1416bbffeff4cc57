#!/bin/bash
# make-seeds.sh BIN OUT - the seed corpora of the fuzz harnesses, from real frozen binaries.
#
# BIN is the build folder holding `frost` and its stubs (make's $(BIN)); OUT gets three
# folders, one per harness (nothing here is committed: `make fuzz-check` and `make fuzz` call
# this script):
#   payload/   whole ELF files: `frost build` of samples/hello.sh as it is; of samples/hello.py
#              with --stdlib imported and with --compact, their .frost section re-wrapped in a
#              small ELF file and cut to their small entries (a seed of megabytes would make
#              every run slow), the manifest pairs that name a dropped entry dropped with it
#   manifest/  the manifest bytes of each of those binaries, and a few hand-written ones
#   lz4/       4 bytes of control (bit 31 prefix, low 20 bits the capacity) + an LZ4 block:
#              the first 64 KiB of the packed interpreter image (frost-stub-python.img.lz4)
#              decoded as a prefix, as the packed loader decodes its first page, and whole
#              blocks made by the lz4 tool from small files
set -euo pipefail
BIN=$1
OUT=$2
ROOT=$(cd "$(dirname "$0")/.." && pwd)
rm -rf "$OUT"
mkdir -p "$OUT/payload" "$OUT/manifest" "$OUT/lz4" "$OUT/build"
B=$OUT/build
"$BIN/frost" build "$ROOT/samples/hello.sh" -o "$B/hello-sh" >/dev/null
"$BIN/frost" build "$ROOT/samples/hello.py" --stdlib imported -o "$B/hello-py" >/dev/null
"$BIN/frost" build "$ROOT/samples/hello.py" --compact -o "$B/hello-compact" >/dev/null
cp "$B/hello-sh" "$OUT/payload/hello-sh"

# Whole LZ4 blocks of small files (the lz4 tool writes a frame: its single block is taken).
cp "$ROOT/samples/hello.py" "$ROOT/stubs/packed/lz4_block.c" "$B/"
head -c 60000 "$BIN/frost-stub-host" >"$B/stub-head"
head -c 5000 /dev/zero | tr '\0' a >"$B/run-of-a"
for i in $(seq 400); do printf 'abc'; done >"$B/period-3"
for f in hello.py lz4_block.c stub-head run-of-a period-3; do
    lz4 -q -12 -B4 --no-frame-crc -c "$B/$f" >"$B/$f.lz4"
done

python3 - "$B" "$OUT" "$BIN/frost-stub-python.img.lz4" <<'EOF'
import os, struct, sys, zlib

build, out, image = sys.argv[1:4]
SMALL = 16 * 1024      # entries kept in the re-wrapped seeds: at most this many stored bytes
KEEP = 12              # and this many of them (plus the dictionary): a run decodes them all


def frost_section(path):
    b = open(path, 'rb').read()
    shoff, = struct.unpack_from('<Q', b, 40)
    shnum, shstrndx = struct.unpack_from('<HH', b, 60)
    sh = [struct.unpack_from('<IIQQQQIIQQ', b, shoff + 64 * i) for i in range(shnum)]
    strtab = b[sh[shstrndx][4]:sh[shstrndx][4] + sh[shstrndx][5]]
    for s in sh:
        if strtab[s[0]:strtab.index(b'\0', s[0])] == b'.frost':
            return b[s[4]:s[4] + s[5]]
    raise SystemExit(f'{path}: no .frost section')


def parse(sec):
    count, = struct.unpack_from('<I', sec, 12)
    io, _, no, _, mo, ms = struct.unpack_from('<QQQQQI', sec, 16)
    entries = []
    for i in range(count):
        rec = sec[io + 80 * i:io + 80 * (i + 1)]
        off, stored, _, noff, nsize = struct.unpack_from('<QQQII', rec)
        name = sec[no + noff:no + noff + nsize]
        entries.append((name, rec, sec[off:off + stored]))
    return entries, sec[mo:mo + ms]


def pairs(manifest):
    f = manifest.split(b'\0')[:-1]
    return list(zip(f[0::2], f[1::2]))


def names_ok(key, value, have):
    if key in (b'entry', b'preload', b'zstd-dictionary'):
        return value in have
    if key == b'needs':
        ext, _, libs = value.partition(b':')
        return ext in have and all(b'native/' + l in have for l in libs.split(b',') if l)
    if key == b'native-cut':
        a, _, b = value.partition(b':')
        return b'native/' + a in have and b'native/' + b in have
    return True


def payload(entries, manifest):
    """The section bytes: header, index, names, manifest, data (8-byte aligned)."""
    names = b''.join(n for n, _, _ in entries)
    io = 64
    no = io + 80 * len(entries)
    mo = no + len(names)
    at = (mo + len(manifest) + 7) & ~7
    index, data, noff = b'', b'', 0
    for name, rec, stored in entries:
        index += struct.pack('<QQ', at + len(data), len(stored)) + rec[16:24] + \
            struct.pack('<II', noff, len(name)) + rec[32:]
        noff += len(name)
        data += stored + b'\0' * (-len(stored) % 8)
    crc = zlib.crc32(index + names + manifest)
    head = b'FROSTPK\0' + struct.pack('<HHIQQQQQII', 1, 64, len(entries), io, len(index), no,
                                      len(names), mo, len(manifest), crc)
    body = head + index + names + manifest
    return body + b'\0' * (at - len(body)) + data


def elf(section):
    """A minimal ELF64 file: header, section name table, .frost, section headers."""
    shstrtab = b'\0.shstrtab\0.frost\0'
    sec_at = (64 + len(shstrtab) + 7) & ~7
    shoff = (sec_at + len(section) + 7) & ~7
    ident = b'\x7fELF\x02\x01\x01' + b'\0' * 9
    eh = ident + struct.pack('<HHIQQQIHHHHHH', 2, 62, 1, 0, 0, shoff, 0, 64, 0, 0, 64, 3, 1)
    sh = b'\0' * 64
    sh += struct.pack('<IIQQQQIIQQ', 1, 3, 0, 0, 64, len(shstrtab), 0, 0, 1, 0)
    sh += struct.pack('<IIQQQQIIQQ', 11, 1, 0, 0, sec_at, len(section), 0, 0, 8, 0)
    out = eh + shstrtab
    out += b'\0' * (sec_at - len(out)) + section
    return out + b'\0' * (shoff - len(out)) + sh


for name in ('hello-sh', 'hello-py', 'hello-compact'):
    sec = frost_section(os.path.join(build, name))
    entries, manifest = parse(sec)
    open(os.path.join(out, 'manifest', name), 'wb').write(manifest)
    if name == 'hello-sh':
        continue
    mf = pairs(manifest)
    dict_path = dict(mf).get(b'zstd-dictionary')
    small = [e for e in entries if len(e[2]) <= SMALL and e[0] != dict_path]
    # The program, what the manifest names first, then the rest in order; compression 3 ones
    # only with the dictionary.
    wanted = [e for e in small if e[1][41] != 3 or dict_path][:KEEP]
    kept = sorted(wanted + [e for e in entries if e[0] == dict_path], key=lambda e: e[0])
    have = {e[0] for e in kept}
    mf = [(k, v) for k, v in mf if names_ok(k, v, have)]
    m = b''.join(k + b'\0' + v + b'\0' for k, v in mf)
    open(os.path.join(out, 'payload', name), 'wb').write(elf(payload(kept, m)))

hand = {
    'needs-and-cut': b'runtime\0python\0entry\0main.sh\0needs\0lib/a.so:liba.so,libb.so\0'
                     b'native-cut\0liba.so:libb.so\0preload\0lib/a.so\0arg\0-x\0',
    'dictionary': b'zstd-dictionary\0frost/zstd.dict\0input-sha256\0' + b'0' * 64 +
                  b' main.sh\0entry\0main.sh\0',
    'empty': b'',
}
for k, v in hand.items():
    open(os.path.join(out, 'manifest', k), 'wb').write(v)

PREFIX = 0x80000000
block = open(image, 'rb').read()[:64 * 1024]
for cap in (4096, 65536):
    open(os.path.join(out, 'lz4', f'image-prefix-{cap}'), 'wb').write(
        struct.pack('<I', PREFIX | cap) + block)
for f in sorted(os.listdir(build)):
    if not f.endswith('.lz4'):
        continue
    b = open(os.path.join(build, f), 'rb').read()
    flg = b[4]
    at = 7 + (8 if flg & 0x08 else 0) + (4 if flg & 0x01 else 0)
    size, = struct.unpack_from('<I', b, at)
    if size & 0x80000000:
        continue  # stored uncompressed: not a block
    raw = os.path.getsize(os.path.join(build, f[:-4]))
    open(os.path.join(out, 'lz4', f[:-4]), 'wb').write(
        struct.pack('<I', raw) + b[at + 4:at + 4 + size])
EOF
rm -rf "$B"
