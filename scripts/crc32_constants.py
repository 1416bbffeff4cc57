#!/usr/bin/python3
"""scripts/crc32_constants.py - derives the constants of stubs/common/stub_crc32.c.

CRC-32 as zlib computes it: P(x) = 0x104C11DB7, bits reflected. Folding 128 bits over a
distance of D bits multiplies by x^(D+32) mod P and x^(D-32) mod P; the final reduction uses
x^64 mod P, then Barrett's x^64 div P and P itself. Each is printed bit-reflected, as
PCLMULQDQ sees reflected data (the mod P ones shifted left by one, as the white paper does).
"""
P = 0x104C11DB7


def reflect(value, bits):
    return int(format(value, "0%db" % bits)[::-1], 2)


def x_mod_p(n):
    r = 1
    for _ in range(n):
        r <<= 1
        if r & (1 << 32):
            r ^= P
    return reflect(r, 32) << 1


def x_div_p(n):
    num, q = 1 << n, 0
    while num.bit_length() >= 33:
        shift = num.bit_length() - 33
        q |= 1 << shift
        num ^= P << shift
    return reflect(q, 33)


for label, value in [("4*128+32", x_mod_p(4 * 128 + 32)), ("4*128-32", x_mod_p(4 * 128 - 32)),
                     ("128+32", x_mod_p(128 + 32)), ("128-32", x_mod_p(128 - 32)),
                     ("64", x_mod_p(64)), ("x^64 div P", x_div_p(64)), ("P", reflect(P, 33))]:
    print("%-10s %#011x" % (label, value))
