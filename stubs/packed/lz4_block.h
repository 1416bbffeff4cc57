/* lz4_block.h - decoding one LZ4 block without a C library (lz4_block.c). */
#ifndef LZ4_BLOCK_H
#define LZ4_BLOCK_H

#include <stddef.h>
#include <stdint.h>

/* Decodes the block `src` (`n` bytes) into `dst` (room for `cap` bytes). Returns the number of
 * bytes written, or -1 when the block is malformed, refers back before `dst` or would write
 * past `cap`: it never reads or writes outside the two buffers. With `prefix` set it decodes
 * only the first `cap` bytes and returns cap when the block holds more. */
long lz4_block_decode(const uint8_t *src, size_t n, uint8_t *dst, size_t cap, int prefix);

#endif /* LZ4_BLOCK_H */
