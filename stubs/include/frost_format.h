/*
 * frost_format.h - the one C definition of Frost's on-disk payload format.
 *
 * Mirrored by the Swift writer and reader in Sources/FrostKit/Payload/PayloadFormat.swift;
 * change both together, and bump FROST_FORMAT_VERSION for a change that an older reader would
 * misread (a new kind or compression value is not one: older readers refuse unknown values).
 * Prose description: docs/FORMAT.md.
 *
 * A Frost binary is an ELF executable (the stub) with one extra non-alloc SHT_PROGBITS
 * section named ".frost". Every integer in the section is little-endian. Offsets are
 * relative to the first byte of the section. The section is laid out as:
 *
 *   struct frost_header                      at offset 0
 *   struct frost_entry[entry_count]          at index_offset, sorted by name (bytewise)
 *   names                                    at names_offset: entry paths, no NUL, no padding
 *   manifest                                 at manifest_offset: "key\0value\0" pairs
 *   entry data                               each at its entry's data_offset, 8-byte aligned
 */
#ifndef FROST_FORMAT_H
#define FROST_FORMAT_H

#include <stdint.h>

#define FROST_SECTION_NAME ".frost"
#define FROST_MAGIC "FROSTPK\0"
#define FROST_MAGIC_SIZE 8
#define FROST_FORMAT_VERSION 1

/* Entry kinds: what an entry is, for the loader and for `frost inspect`. */
enum frost_kind {
    FROST_KIND_PROGRAM = 1,     /* the program's own code: the script, its modules */
    FROST_KIND_STDLIB = 2,      /* a module of the interpreter's standard library */
    FROST_KIND_THIRD_PARTY = 3, /* a module of an installed third-party package */
    FROST_KIND_EXTENSION = 4,   /* a C extension module (.so) */
    FROST_KIND_NATIVE_LIB = 5,  /* a shared library an extension module needs */
    FROST_KIND_DATA = 6,        /* a data file the program reads */
    FROST_KIND_METADATA = 7,    /* package metadata (*.dist-info) */
    FROST_KIND_DICTIONARY = 8,  /* the zstd dictionary of FROST_ZSTD_DICT entries */
};

/* Entry compression methods. */
enum frost_compression {
    FROST_STORED = 0, /* the bytes as they are */
    FROST_ZLIB = 1,   /* one zlib stream (RFC 1950) of the raw bytes */
    FROST_ZSTD = 2,   /* one Zstandard frame (RFC 8878) of the raw bytes, content size set */
    FROST_ZSTD_DICT = 3, /* the same, compressed with the payload's dictionary: the raw bytes
                          * of the entry named by FROST_MF_ZSTD_DICTIONARY (itself FROST_ZSTD) */
    FROST_LZ4 = 4,       /* one LZ4 block (lz4_Block_format.md) of the raw bytes: the packed
                          * loader's interpreter image (stubs/packed/packed.h) */
};

/* The largest raw size an entry may declare for each stored byte: zlib never exceeds 1032:1,
 * and the writer falls back to zlib when zstd would. Readers refuse an entry with
 * raw_size > stored_size * FROST_MAX_RATIO before allocating anything for it. */
#define FROST_MAX_RATIO 4096
#define FROST_KIND_MAX 8       /* the highest enum frost_kind value */
#define FROST_COMPRESSION_MAX 4 /* the highest enum frost_compression value */

/* The section header: 64 bytes at offset 0 of the section. */
struct frost_header {
    char magic[FROST_MAGIC_SIZE]; /* FROST_MAGIC, including its trailing NUL */
    uint16_t version;             /* FROST_FORMAT_VERSION */
    uint16_t header_size;         /* sizeof(struct frost_header) = 64 */
    uint32_t entry_count;         /* number of struct frost_entry in the index */
    uint64_t index_offset;        /* offset of the index */
    uint64_t index_size;          /* entry_count * sizeof(struct frost_entry) */
    uint64_t names_offset;        /* offset of the names blob */
    uint64_t names_size;          /* size of the names blob */
    uint64_t manifest_offset;     /* offset of the manifest */
    uint32_t manifest_size;       /* size of the manifest */
    uint32_t meta_crc32;          /* CRC-32 (zlib) of index, names and manifest, in that order */
};

/* One index record: 80 bytes. */
struct frost_entry {
    uint64_t data_offset;  /* offset of the stored bytes, 8-byte aligned */
    uint64_t stored_size;  /* size of the stored bytes */
    uint64_t raw_size;     /* size after inflating */
    uint32_t name_offset;  /* offset of the path in the names blob */
    uint32_t name_size;    /* length of the path in bytes (relative, '/'-separated, no "..") */
    uint32_t crc32;        /* CRC-32 (zlib) of the raw bytes */
    uint32_t mode;         /* permission bits (e.g. 0644, 0755) */
    uint8_t kind;          /* enum frost_kind */
    uint8_t compression;   /* enum frost_compression */
    uint16_t reserved0;    /* zero */
    uint32_t reserved1;    /* zero */
    uint8_t sha256[32];    /* SHA-256 of the raw bytes (checked by `frost verify`) */
};

/* Manifest keys (values are UTF-8 or raw bytes; "arg" may repeat, in order). */
#define FROST_MF_RUNTIME "runtime"         /* "host" or "python" */
#define FROST_MF_ENTRY "entry"             /* index path of the program to run */
#define FROST_MF_INTERPRETER "interpreter" /* host runtime: absolute interpreter path */
#define FROST_MF_INTERP_NAME "interpreter-name" /* host runtime: name for a PATH lookup */
#define FROST_MF_LAUNCHER "launcher"       /* host runtime: "sh", "python", "perl" or "exec" */
#define FROST_MF_ARG "arg"                 /* a fixed argument placed before the user's */
#define FROST_MF_PYTHON_VERSION "python-version" /* python runtime: MAJOR.MINOR it was built for */
#define FROST_MF_NEEDS "needs"             /* python runtime: "PATH:SONAME,..." (repeats) */
#define FROST_MF_NATIVE_CUT "native-cut"   /* python runtime: "X:Y", library X bundled
                                              * without its DT_NEEDED of Y (a cycle cut):
                                              * X binds lazily, Y goes global (repeats) */
#define FROST_MF_PRELOAD "preload"         /* python runtime: an entry loaded at start (repeats) */
#define FROST_MF_ZSTD_DICTIONARY "zstd-dictionary" /* path of the FROST_ZSTD_DICT dictionary */
#define FROST_MF_PYTHON_UNBUFFERED "python-unbuffered" /* python runtime: "1" = as python3 -u */
#define FROST_MF_PYTHON_OPTIMIZE "python-optimize" /* python runtime: "1" or "2" = as -O, -OO */
#define FROST_MF_PYTHON_HUGE_PAGES "python-huge-pages" /* python runtime: "0" = no huge pages */
#define FROST_MF_NATIVE_CACHE "native-cache" /* python runtime: "1" = shared objects are loaded
                                              * from a cache on disk (stubs/python/stub_cache.h) */
#define FROST_MF_INPUT_SHA256 "input-sha256" /* "DIGEST PATH" of an input: for the build tools
                                              * only; the stubs drop these when they open */

/* Environment variable from the --compact loader to the interpreter stub it execs: the number
 * of an inherited descriptor of the file that holds the payload. */
#define FROST_PAYLOAD_FD "FROST_PAYLOAD_FD"

#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
_Static_assert(sizeof(struct frost_header) == 64, "frost_header is 64 bytes");
_Static_assert(sizeof(struct frost_entry) == 80, "frost_entry is 80 bytes");
#endif

#endif /* FROST_FORMAT_H */
