/* stub_crc32.h - the CRC-32 of the payload format (zlib's crc32), faster on x86-64. */
#ifndef STUB_CRC32_H
#define STUB_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* What zlib's crc32_z(crc, buf, len) returns: the CRC-32 of `len` more bytes after `crc`
 * (0 to start). */
uint32_t stub_crc32_update(uint32_t crc, const void *buf, size_t len);

#endif
