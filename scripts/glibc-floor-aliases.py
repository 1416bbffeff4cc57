"""glibc-floor-aliases.py STUB REAL - gives aliased data symbols one address in a stub library.

zig's stub libraries (scripts/glibc-floor.sh) place every symbol at an address of its own. In
the real glibc some data objects have several names at one address (`environ`, `__environ`
and `_environ`; `timezone` and `__timezone`; ...): when an executable takes a copy of one of
them (a copy relocation), the linker must know the other names, so that the C library's own
accesses, bound to another name, reach the same copy. Otherwise `environ` stays NULL. For
each group of OBJECT symbols that share an address in REAL (the build machine's library of
the same name), this rewrites STUB's .dynsym so that the group's names there share the address
and size of the first of them (by name), each with its binding (weak or global) in REAL:
the linker takes weak and global names at one address for aliases. ELF64 little-endian only; STUB is rewritten in place.
"""
import struct
import sys


def dynamic_symbols(data):
    """(offset of each .dynsym entry, name, value, size, info) of an ELF64 LE file."""
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    for s in sections:
        if s[1] != 11:  # SHT_DYNSYM
            continue
        strtab = sections[s[6]]
        for off in range(s[4] + s[9], s[4] + s[5], s[9]):  # skip the null symbol
            name_off, info, _, shndx, value, size = struct.unpack_from("<IBBHQQ", data, off)
            end = data.index(b"\0", strtab[4] + name_off)
            name = data[strtab[4] + name_off:end].decode()
            if shndx != 0:
                yield off, name, value, size, info
    return


def main(stub_path, real_path):
    real = open(real_path, "rb").read()
    by_address = {}
    info_of = {}
    for _, name, value, _, info in dynamic_symbols(real):
        if info & 0xF == 1:  # STT_OBJECT
            by_address.setdefault(value, set()).add(name)
            info_of[name] = info
    groups = [sorted(names) for names in by_address.values() if len(names) > 1]
    stub = bytearray(open(stub_path, "rb").read())
    entries = {}
    for off, name, value, size, _ in dynamic_symbols(stub):
        entries.setdefault(name, []).append((off, value, size))
    for group in groups:
        present = [n for n in group if n in entries]
        if len(present) < 2:
            continue
        _, value, size = entries[present[0]][0]
        for name in present:
            for off, _, _ in entries[name]:
                struct.pack_into("<B", stub, off + 4, info_of[name])  # weak or global, as REAL
                struct.pack_into("<QQ", stub, off + 8, value, size)
    open(stub_path, "wb").write(stub)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
