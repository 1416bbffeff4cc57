/* stub_crc32.c - CRC-32 (zlib's: reflected, polynomial 0xEDB88320) with carry-less multiplies.
 *
 * zlib's crc32_z takes about three instructions a byte; the stubs check the payload's index
 * at every start (71 kB for a package of 300 modules: 229 K instructions, 1 % of a hello's
 * start) and every stored entry they read. Folding 64 bytes at a time with PCLMULQDQ takes a
 * few instructions per 16 bytes. The method is the one of Intel's white paper "Fast CRC
 * Computation for Generic Polynomials Using PCLMULQDQ Instruction" (2009). Each constant is
 * x^n mod P, bit-reflected and shifted left by one (n in the comments), as
 * scripts/crc32_constants.py derives them. CPUs without PCLMULQDQ, and inputs under 64 bytes,
 * go to zlib. */
#include "stub_crc32.h"

#include <zlib.h>

#if defined(__x86_64__)
#include <immintrin.h>

/* Folds the 128 bits of `x` into the 128 bits `distance` ahead of it: `k` holds
 * x^(distance+32) mod P in its low half, x^(distance-32) mod P in its high half. */
__attribute__((target("pclmul,sse4.1"))) static inline __m128i fold(__m128i x, __m128i k,
                                                                     __m128i next)
{
    __m128i lo = _mm_clmulepi64_si128(x, k, 0x00);
    __m128i hi = _mm_clmulepi64_si128(x, k, 0x11);
    return _mm_xor_si128(_mm_xor_si128(lo, hi), next);
}

/* The CRC register (not inverted) after `len` bytes, len a multiple of 16 and at least 64. */
__attribute__((target("pclmul,sse4.1"))) static uint32_t crc_folded(uint32_t crc,
                                                                    const uint8_t *p, size_t len)
{
    /* Each pair is (high half, low half). */
    const __m128i k512 = _mm_set_epi64x(0x1c6e41596, 0x154442bd4); /* n = 4*128-32, 4*128+32 */
    const __m128i k128 = _mm_set_epi64x(0x0ccaa009e, 0x1751997d0); /* n = 128-32, 128+32 */
    const __m128i k64 = _mm_set_epi64x(0, 0x163cd6124);            /* n = 64 */
    const __m128i barrett = _mm_set_epi64x(0x1f7011641, 0x1db710641); /* x^64 div P, P */
    const __m128i low32 = _mm_set_epi32(0, 0, 0, -1);

    __m128i x0 = _mm_loadu_si128((const __m128i *)p);
    __m128i x1 = _mm_loadu_si128((const __m128i *)(p + 16));
    __m128i x2 = _mm_loadu_si128((const __m128i *)(p + 32));
    __m128i x3 = _mm_loadu_si128((const __m128i *)(p + 48));
    x0 = _mm_xor_si128(x0, _mm_cvtsi32_si128((int)crc));
    for (p += 64, len -= 64; len >= 64; p += 64, len -= 64) {
        x0 = fold(x0, k512, _mm_loadu_si128((const __m128i *)p));
        x1 = fold(x1, k512, _mm_loadu_si128((const __m128i *)(p + 16)));
        x2 = fold(x2, k512, _mm_loadu_si128((const __m128i *)(p + 32)));
        x3 = fold(x3, k512, _mm_loadu_si128((const __m128i *)(p + 48)));
    }
    x0 = fold(fold(fold(x0, k128, x1), k128, x2), k128, x3);
    for (; len >= 16; p += 16, len -= 16)
        x0 = fold(x0, k128, _mm_loadu_si128((const __m128i *)p));

    /* 128 bits to 64 (appending 32 zero bits), then to 32 by Barrett reduction. */
    x0 = _mm_xor_si128(_mm_clmulepi64_si128(x0, k128, 0x10), _mm_srli_si128(x0, 8));
    x0 = _mm_xor_si128(_mm_clmulepi64_si128(_mm_and_si128(x0, low32), k64, 0x00),
                       _mm_srli_si128(x0, 4));
    __m128i t = _mm_clmulepi64_si128(_mm_and_si128(x0, low32), barrett, 0x10);
    t = _mm_clmulepi64_si128(_mm_and_si128(t, low32), barrett, 0x00);
    return (uint32_t)_mm_extract_epi32(_mm_xor_si128(t, x0), 1);
}

/* libgcc reads the CPU's features once, before main; asking is two loads. */
static int have_pclmul(void)
{
    return __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
}
#endif

uint32_t stub_crc32_update(uint32_t crc, const void *buf, size_t len)
{
    const uint8_t *p = buf;
#if defined(__x86_64__)
    if (len >= 64 && have_pclmul()) {
        size_t body = len & ~(size_t)15;
        crc = ~crc_folded(~crc, p, body);
        p += body;
        len -= body;
    }
#endif
    return (uint32_t)crc32_z(crc, p, len);
}
