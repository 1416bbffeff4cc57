/* stub_prefetch.h - shared objects decoded ahead of time on a background thread.
 *
 * The manifest key "preload" lists, in the order the program will load them, the modules,
 * extension modules and native libraries that the program loads at start (the build follows
 * module-level imports from the main module). A thread decodes each (shared objects into a
 * memfd, bytecode into memory) while the interpreter starts and runs on the main thread, so
 * that on two cores the decoding costs the program little time. No Python here. */
#ifndef STUB_PREFETCH_H
#define STUB_PREFETCH_H

#include "../common/stub_payload.h"

/* Starts the thread when the manifest lists at least 256 KB (raw) to decode; `p` must stay
 * open for the life of the process. Without a thread (less listed, or it cannot start) every
 * entry is decoded on demand. Call after any fork of the daemon set-up. */
void stub_prefetch_start(struct stub_payload *p);

/* Makes sure the payload's bytecode dictionary is loaded before `e` is decoded on the main
 * thread, when `e` is compressed with it (FROST_ZSTD_DICT; any other entry returns at once):
 * the thread loads it first thing, and this waits for it; without a thread (or after a fork,
 * or when the thread failed) it loads it here. Returns 0, or -1 with the reason in `err`. */
int stub_prefetch_dictionary(const struct frost_entry *e, char *err, size_t errlen);

/* The memfd holding `e` when the thread has decoded it (waiting while it is decoding it), else
 * -1: the caller decodes the entry itself, and the thread skips it from then on. Each entry is
 * handed out once. After fork() the child decodes what the thread had not finished. */
int stub_prefetch_take(const struct frost_entry *e);

/* The same for an entry that is not a shared object: its bytes as stub_payload_read gives
 * them (malloc'ed, NUL-terminated; the caller frees them), or NULL. */
uint8_t *stub_prefetch_take_bytes(const struct frost_entry *e);

#endif /* STUB_PREFETCH_H */
