/* fuzz_lz4.c - libFuzzer harness of the packed loader's LZ4 block decoder
 * (stubs/packed/lz4_block.c), checked against liblz4.
 *
 * Input: 4 bytes of control (little-endian u32: bit 31 "prefix", the low 20 bits the output
 * capacity), then the block. The source and the destination are buffers of exactly their
 * size, so that AddressSanitizer sees any access past either. When both decoders succeed,
 * their output must be the same bytes (liblz4 refuses some blocks this decoder takes, such as
 * a last match closer than 12 bytes to the end, so only agreement is required).
 *
 * The custom mutator walks the block's sequences and rewrites a token, a length or a match
 * offset with a boundary value (lz4_Block_format.md). */
#include <lz4.h>
#include <stdlib.h>
#include <string.h>

#include "../stubs/packed/lz4_block.h"
#include "fuzz_mutator.h"

#define CTL_SIZE 4
#define PREFIX_BIT 0x80000000u
#define CAP_MASK 0xFFFFFu /* up to 1 MiB of output */

static uint32_t control(const uint8_t *d)
{
    return (uint32_t)d[0] | (uint32_t)d[1] << 8 | (uint32_t)d[2] << 16 | (uint32_t)d[3] << 24;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < CTL_SIZE)
        return 0;
    uint32_t ctl = control(data);
    size_t cap = ctl & CAP_MASK, n = size - CTL_SIZE;
    int prefix = (ctl & PREFIX_BIT) != 0;
    uint8_t *src = malloc(n ? n : 1), *dst = malloc(cap ? cap : 1), *ref = malloc(cap ? cap : 1);
    if (!src || !dst || !ref)
        abort();
    memcpy(src, data + CTL_SIZE, n);
    long got = lz4_block_decode(src, n, dst, cap, prefix);
    if (got > (long)cap || got < -1)
        abort();
    if (n <= (size_t)LZ4_MAX_INPUT_SIZE) {
        int want = prefix ? LZ4_decompress_safe_partial((const char *)src, (char *)ref, (int)n,
                                                        (int)cap, (int)cap)
                          : LZ4_decompress_safe((const char *)src, (char *)ref, (int)n, (int)cap);
        if (got >= 0 && want >= 0) {
            size_t same = (size_t)(got < want ? got : want);
            if ((!prefix && got != want) || memcmp(dst, ref, same) != 0)
                abort(); /* the two decoders disagree on a block both accept */
        }
    }
    free(src);
    free(dst);
    free(ref);
    return 0;
}

/* Starts of the sequences of the block `b` (`n` bytes), as far as they parse: where each
 * token is. Returns how many were found (at most `max`). */
static size_t sequences(const uint8_t *b, size_t n, size_t *at, size_t max)
{
    size_t i = 0, k = 0;
    while (i < n && k < max) {
        at[k++] = i;
        size_t lit = b[i] >> 4, len = b[i] & 15;
        i++;
        if (lit == 15)
            while (i < n && b[i++] == 255)
                lit += 255;
        i += lit;
        if (i + 2 > n)
            break;
        i += 2;
        if (len == 15)
            while (i < n && b[i++] == 255)
                ;
    }
    return k;
}

/* A boundary value for a match offset at block position `pos` (bytes decoded unknown, so
 * around small values, the block position and the 16-bit maximum). */
static uint16_t offset_value(struct fuzz_rng *r, size_t pos)
{
    static const uint16_t v[] = {0, 1, 2, 3, 4, 7, 8, 9, 15, 16, 17, 31, 32, 0xFFFF, 0x8000};
    switch (fuzz_rng_below(r, 3)) {
    case 0: return (uint16_t)(pos + fuzz_rng_below(r, 3) - 1);
    case 1: return (uint16_t)(pos * 2);
    default: return v[fuzz_rng_below(r, sizeof v / sizeof *v)];
    }
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned seed)
{
    struct fuzz_rng r = {((uint64_t)seed << 32) ^ 0xD1B54A32D192ED03ULL ^ seed};
    fuzz_rng_next(&r);
    if (size < CTL_SIZE || fuzz_rng_below(&r, 8) == 0)
        return LLVMFuzzerMutate(data, size, max_size);
    uint8_t *b = data + CTL_SIZE;
    size_t n = size - CTL_SIZE, at[512];
    size_t k = sequences(b, n, at, sizeof at / sizeof *at);
    size_t s = k ? at[fuzz_rng_below(&r, k)] : 0;
    switch (fuzz_rng_below(&r, 8)) {
    case 0: { /* the capacity: 0, 1, a page, around the current one, or the prefix bit */
        uint32_t ctl = control(data), cap = ctl & CAP_MASK;
        if (fuzz_rng_below(&r, 4) == 0)
            ctl ^= PREFIX_BIT;
        else
            ctl = (ctl & PREFIX_BIT) |
                  ((uint32_t)fuzz_mutator_interesting(&r, cap, 4096) & CAP_MASK);
        for (int i = 0; i < 4; i++)
            data[i] = (uint8_t)(ctl >> (8 * i));
        return size;
    }
    case 1: /* a token's literal length: none, short, or extended */
    case 2: /* a token's match length */
        if (s < n) {
            static const uint8_t nib[] = {0, 1, 4, 14, 15};
            uint8_t v = nib[fuzz_rng_below(&r, sizeof nib)];
            b[s] = (fuzz_rng_below(&r, 2) ? (uint8_t)(b[s] & 0x0F) | (uint8_t)(v << 4)
                                          : (uint8_t)(b[s] & 0xF0) | v);
        }
        return size;
    case 3: /* an extension byte after a token: 255 continues, 254 and 0 end */
        if (s + 1 < n) {
            static const uint8_t ext[] = {0, 1, 254, 255};
            b[s + 1] = ext[fuzz_rng_below(&r, sizeof ext)];
        }
        return size;
    case 4: { /* a match offset: the two bytes after the sequence's literals */
        size_t lit = s < n ? b[s] >> 4 : 0, i = s + 1;
        if (lit == 15)
            while (i < n && b[i++] == 255)
                lit += 255;
        i += lit;
        if (i + 2 <= n) {
            uint16_t off = offset_value(&r, i);
            b[i] = (uint8_t)off;
            b[i + 1] = (uint8_t)(off >> 8);
        }
        return size;
    }
    case 5: /* cut the block at a sequence boundary, or just inside one */
        s += (size_t)fuzz_rng_below(&r, 3);
        return s < n ? CTL_SIZE + s : size;
    default:
        return LLVMFuzzerMutate(data, size, max_size);
    }
}
