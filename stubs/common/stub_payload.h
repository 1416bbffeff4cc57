/* stub_payload.h - finding and reading the .frost payload of the running executable.
 * Format: ../include/frost_format.h. */
#ifndef STUB_PAYLOAD_H
#define STUB_PAYLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "../include/frost_format.h"

/* An opened payload. The file is read with pread, never mapped: only the index, names and
 * manifest are held in memory, so resident memory does not grow with the payload. */
struct stub_payload {
    int fd;                            /* the executable, open close-on-exec */
    uint64_t section_offset;           /* file offset of the .frost section */
    uint64_t size;                     /* size of the section */
    const uint8_t *meta;               /* header, index, names and manifest: read, or mapped */
    void *map;                         /* the mapping holding meta (page-aligned), or NULL */
    size_t map_len;                    /* its length */
    char *manifest_kept;               /* the manifest pairs kept (malloc'ed) */
    uint32_t count;                    /* number of entries */
    const struct frost_entry *entries; /* the sorted index */
    const char *names;                 /* the names blob */
    uint64_t names_size;
    const char *manifest;              /* "key\0value\0" pairs, input-sha256 ones left out */
    uint32_t manifest_size;
    void *ddict;                       /* ZSTD_DDict of FROST_ZSTD_DICT entries, once loaded */
    uint8_t *dict;                     /* its bytes, which it refers to */
};

/* Opens `path`, checks the section header table, the payload header, the index checksum and
 * every record's bounds, and reads the index. Returns 0, or -1 with a reason in `err`
 * ("payload damaged: ..."). */
int stub_payload_open(struct stub_payload *p, const char *path, char *err, size_t errlen);

/* The same for the file open at `fd`, which `p` takes over (made close-on-exec; closed by
 * stub_payload_close, or here on failure). */
int stub_payload_open_fd(struct stub_payload *p, int fd, char *err, size_t errlen);

/* Loads the dictionary named by the manifest key FROST_MF_ZSTD_DICTIONARY, if any, so that
 * FROST_ZSTD_DICT entries decode; until then they fail as damaged. One thread at a time: the
 * Python stub's prefetch thread, or its main thread once that thread is done with it
 * (stub_prefetch_dictionary). Returns 0 (also when there is none or it is already loaded), or
 * -1 with a reason in `err` ("payload damaged: entry frost/zstd.dict ..."). */
int stub_payload_load_dictionary(struct stub_payload *p, char *err, size_t errlen);
/* Closes the file and frees the index and the dictionary. */
void stub_payload_close(struct stub_payload *p);

/* The entry named exactly `name` (`len` bytes), or NULL. Binary search. */
const struct frost_entry *stub_payload_find(const struct stub_payload *p, const char *name,
                                            size_t len);

/* The path of `e` (not NUL-terminated) and its length. */
const char *stub_payload_name(const struct stub_payload *p, const struct frost_entry *e,
                              size_t *len);

/* The last part of the path of `e` (after its last '/'; not NUL-terminated) and its length:
 * the name of its memfd, and of its file in the native cache. */
const char *stub_payload_base_name(const struct stub_payload *p, const struct frost_entry *e,
                                   size_t *len);

/* Decompresses `e` into a malloc'ed buffer of e->raw_size bytes (+1 NUL byte, not counted),
 * checked by the codec's checksum (or the CRC-32 of a stored entry). Returns 0, or -1 with a
 * reason in `err`. */
int stub_payload_read(const struct stub_payload *p, const struct frost_entry *e, uint8_t **out,
                      char *err, size_t errlen);

/* Writes the raw bytes of `e` to `fd`, reading and decoding in 256 KB chunks, so that neither
 * the compressed nor the raw bytes are ever held whole in memory. Compressed entries are
 * checked by their codec (zlib's Adler-32, zstd's content checksum), stored ones by their
 * CRC-32. Returns 0, or -1 when the entry is damaged or cannot be written. */
int stub_payload_write_to_fd(const struct stub_payload *p, const struct frost_entry *e, int fd);

/* An empty close-on-exec memfd named `name` (what /proc shows), to hold `e`. Returns the fd,
 * or -1 with errno set and a reason in `err` ("memfd_create for PATH: ..."). */
int stub_payload_memfd_create(const struct stub_payload *p, const struct frost_entry *e,
                              const char *name, char *err, size_t errlen);

/* A close-on-exec memfd named `name` holding the raw bytes of `e`: stub_payload_memfd_create,
 * then stub_payload_write_to_fd. Returns the fd, or -1 with a reason in `err`; errno is then
 * that of memfd_create, or 0 when `e` does not decode or cannot be written ("payload damaged:
 * entry PATH does not decompress or check out"). */
int stub_payload_memfd(const struct stub_payload *p, const struct frost_entry *e,
                       const char *name, char *err, size_t errlen);

/* Frees what this thread keeps for decoding (its zstd context). A thread that read entries
 * calls it before it ends; reading again afterwards is allowed and starts afresh. */
void stub_payload_thread_done(void);

/* Writes all `len` bytes of `buf` to `fd`, retrying on EINTR and short writes. Returns 0 or -1. */
int stub_write_all(int fd, const void *buf, size_t len);

/* Iterates manifest values of `key`: pass NULL first, then the previous result. */
const char *stub_payload_manifest_next(const struct stub_payload *p, const char *key,
                                       const char *prev);

#endif /* STUB_PAYLOAD_H */
