/* lz4_block.c - an LZ4 block decoder (lz4_Block_format.md) for the packed loader: no C library,
 * bounds checked against both buffers, copying 16 bytes at a time where both have room. */
#include "lz4_block.h"

#define COPY8(d, s) __builtin_memcpy((d), (s), 8)
#define COPY16(d, s) __builtin_memcpy((d), (s), 16)

/* Adds the 255-continued bytes of an extended length to *n; -1 when the input ends first. */
static int extend(const uint8_t **ip, const uint8_t *end, size_t *n)
{
    unsigned b;
    do {
        if (*ip >= end)
            return -1;
        b = *(*ip)++;
        *n += b;
    } while (b == 255);
    return 0;
}

/* Copies a match of `n` bytes from `off` bytes back, which may overlap what it writes; the
 * caller has checked that `op + n` is within `oend`. */
static void copy_match(uint8_t *op, size_t off, size_t n, uint8_t *oend)
{
    const uint8_t *m = op - off;
    uint8_t *end = op + n;
    if (off < 8) {
        /* A pattern of period `off` also has period `p`, the first multiple of off >= 8. */
        size_t p = off * ((8 + off - 1) / off);
        uint8_t *start = op;
        while (op < end && op < start + p)
            *op++ = *m++;
        m = op - p;
        while (op < end && (size_t)(oend - op) >= 8 && end - op >= 8) {
            COPY8(op, m);
            op += 8;
            m += 8;
        }
    } else if ((size_t)(oend - end) >= 16) {
        if (off >= 16) {
            for (; op < end; op += 16, m += 16)
                COPY16(op, m);
            return;
        }
        for (; op < end; op += 8, m += 8)
            COPY8(op, m);
        return;
    }
    while (op < end)
        *op++ = *m++;
}

long lz4_block_decode(const uint8_t *src, size_t n, uint8_t *dst, size_t cap, int prefix)
{
    const uint8_t *ip = src, *iend = src + n;
    uint8_t *op = dst, *oend = dst + cap;
    /* Before these, 32 bytes of input and 64 of output are left: room for the fast path. */
    const uint8_t *ifast = n >= 32 ? iend - 32 : src;
    uint8_t *ofast = cap >= 64 ? oend - 64 : dst;
    for (;;) {
        if (ip >= iend)
            return -1;
        unsigned token = *ip++;
        size_t lit = token >> 4;
        /* The common case, far from both ends: short literals, then a short match at least 8
         * bytes back, copied with whole 16- and 8-byte moves. */
        if (lit < 15 && ip < ifast && op < ofast) {
            COPY16(op, ip);
            op += lit;
            ip += lit;
            size_t off = (size_t)ip[0] | (size_t)ip[1] << 8, len = token & 15;
            if (len < 15 && off >= 8 && off <= (size_t)(op - dst)) {
                /* At most 18 bytes, in the sizes of liblz4's fast loop. */
                const uint8_t *m = op - off;
                ip += 2;
                COPY8(op, m);
                COPY8(op + 8, m + 8);
                __builtin_memcpy(op + 16, m + 16, 2);
                op += len + 4;
                continue;
            }
            lit = 0; /* copied; the match takes the general path */
        }
        if (lit == 15 && extend(&ip, iend, &lit) != 0)
            return -1;
        if (lit > (size_t)(iend - ip))
            return -1;
        if (lit > (size_t)(oend - op)) {
            if (!prefix)
                return -1;
            __builtin_memmove(op, ip, (size_t)(oend - op));
            return (long)cap;
        }
        if (lit <= 16 && iend - ip >= 16 && oend - op >= 16)
            COPY16(op, ip);
        else
            __builtin_memmove(op, ip, lit);
        op += lit;
        ip += lit;
        if (ip == iend)
            return (long)(op - dst); /* the last sequence has no match */
        if (iend - ip < 2)
            return -1;
        size_t off = (size_t)ip[0] | (size_t)ip[1] << 8;
        ip += 2;
        size_t len = token & 15;
        if (len == 15 && extend(&ip, iend, &len) != 0)
            return -1;
        len += 4;
        if (off == 0 || off > (size_t)(op - dst))
            return -1;
        if (len > (size_t)(oend - op)) {
            if (!prefix)
                return -1;
            copy_match(op, off, (size_t)(oend - op), oend);
            return (long)cap;
        }
        copy_match(op, off, len, oend);
        op += len;
    }
}
