/* fuzz_mutator.h - format-aware mutations for the libFuzzer harnesses of fuzz/.
 *
 * libFuzzer's own byte flips almost never get past the payload's index CRC-32, so the
 * harnesses' LLVMFuzzerCustomMutator calls these instead: they find the .frost section through
 * the ELF section headers (as the stub does), rewrite one field of the payload with a value
 * chosen to sit on a boundary (0, 1, the maximum, neighbours of the real value, 2^31, 2^32,
 * 2^63, the section size, ...), then recompute the index CRC-32 (zlib's crc32 of index, names
 * and manifest, stored at header offset 60), so that the input reaches the checks behind it.
 * Now and then they fall back to LLVMFuzzerMutate. Format: stubs/include/frost_format.h. */
#ifndef FUZZ_MUTATOR_H
#define FUZZ_MUTATOR_H

#include <stddef.h>
#include <stdint.h>

/* libFuzzer's own mutator (defined by -fsanitize=fuzzer). */
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

/* A small deterministic PRNG, seeded by libFuzzer's `seed` argument. */
struct fuzz_rng {
    uint64_t s;
};

/* The next pseudo-random number (xorshift64*). */
uint64_t fuzz_rng_next(struct fuzz_rng *r);

/* A number below `n` (0 when n is 0). */
uint64_t fuzz_rng_below(struct fuzz_rng *r, uint64_t n);

/* A boundary value for a field whose real value is `orig`, in a file section of `limit`
 * bytes: 0, 1, powers of two and their neighbours, orig +- 1, orig * FROST_MAX_RATIO, ... */
uint64_t fuzz_mutator_interesting(struct fuzz_rng *r, uint64_t orig, uint64_t limit);

/* Where the .frost section of the ELF file in `data` lies: 0 and its offset and size, or -1
 * when the file has none that lies inside it. */
int fuzz_mutator_find_frost(const uint8_t *data, size_t size, uint64_t *off, uint64_t *len);

/* Recomputes the index CRC-32 of the payload at `sec` (`len` bytes) when its header's index,
 * names and manifest lie inside it. */
void fuzz_mutator_fix_crc(uint8_t *sec, uint64_t len);

/* One format-aware mutation of the ELF file `data` (`size` bytes, room for `max`): of the ELF
 * headers, the payload header, an index record, the names, the manifest or an entry's bytes,
 * then the CRC recomputed (most of the time). Returns the new size. */
size_t fuzz_mutator_frost(uint8_t *data, size_t size, size_t max, unsigned seed);

/* One mutation of a manifest ("key\0value\0" pairs): a key or value replaced by a known key,
 * an existing entry path or an awkward value, a pair duplicated or dropped, the final NUL
 * dropped. Returns the new size. */
size_t fuzz_mutator_manifest(uint8_t *data, size_t size, size_t max, unsigned seed);

#endif /* FUZZ_MUTATOR_H */
