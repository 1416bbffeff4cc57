/* stub_unpack.h - decoding the interpreter stub on every core. Frost stores it as a few
 * independent zstd frames back to back (Makefile: frost-stub-python.zst; Zstd.compress(_:
 * level:frames:) when the build compresses it itself), so that each frame can be decoded by
 * its own thread and written at its own offset. */
#ifndef STUB_UNPACK_H
#define STUB_UNPACK_H

#include "../common/stub_payload.h"

/* Writes the raw bytes of `e` to `fd` (a fresh memfd) at offset 0. A zstd entry of several
 * frames is decoded by up to STUB_UNPACK_THREADS threads, at most one per CPU this process may
 * run on; any other entry goes through stub_payload_write_to_fd. Every frame must carry a
 * content checksum, which is checked, and the frames must add up to e->raw_size. Returns 0,
 * or -1 when the entry is damaged or cannot be written. */
int stub_unpack_to_fd(const struct stub_payload *p, const struct frost_entry *e, int fd);

#define STUB_UNPACK_THREADS 4

#endif /* STUB_UNPACK_H */
