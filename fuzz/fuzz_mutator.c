/* fuzz_mutator.c - format-aware mutations of Frost binaries and manifests (fuzz_mutator.h). */
#include "fuzz_mutator.h"

#include <elf.h>
#include <string.h>
#include <zlib.h>

#include "../stubs/include/frost_format.h"

uint64_t fuzz_rng_next(struct fuzz_rng *r)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 0x2545F4914F6CDD1DULL;
}

uint64_t fuzz_rng_below(struct fuzz_rng *r, uint64_t n)
{
    return n ? fuzz_rng_next(r) % n : 0;
}

static struct fuzz_rng rng_from(unsigned seed)
{
    struct fuzz_rng r = {((uint64_t)seed << 32) ^ 0x9E3779B97F4A7C15ULL ^ seed};
    fuzz_rng_next(&r);
    return r;
}

static uint64_t get_le(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static void put_le(uint8_t *p, unsigned n, uint64_t v)
{
    for (unsigned i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* [off, off + len) inside `limit`, overflow-checked. */
static int inside(uint64_t off, uint64_t len, uint64_t limit)
{
    return off <= limit && len <= limit - off;
}

uint64_t fuzz_mutator_interesting(struct fuzz_rng *r, uint64_t orig, uint64_t limit)
{
    switch (fuzz_rng_below(r, 24)) {
    case 0: return 0;
    case 1: return 1;
    case 2: return UINT64_MAX;
    case 3: return UINT64_MAX - 1;
    case 4: return (uint64_t)1 << 31;
    case 5: return ((uint64_t)1 << 31) - 1;
    case 6: return (uint64_t)1 << 32;
    case 7: return ((uint64_t)1 << 32) - 1;
    case 8: return ((uint64_t)1 << 32) + 1;
    case 9: return (uint64_t)1 << 63;
    case 10: return limit;
    case 11: return limit - 1;
    case 12: return limit + 1;
    case 13: return orig + 1;
    case 14: return orig - 1;
    case 15: return orig + 8;
    case 16: return orig - 8;
    case 17: return orig * 2;
    case 18: return orig / 2;
    case 19: return orig * FROST_MAX_RATIO;          /* the ratio limit exactly */
    case 20: return orig * FROST_MAX_RATIO + FROST_MAX_RATIO; /* just past it */
    case 21: return (uint64_t)1 << fuzz_rng_below(r, 64);
    case 22: return fuzz_rng_below(r, limit + 2);
    default: return orig ^ ((uint64_t)1 << fuzz_rng_below(r, 64));
    }
}

int fuzz_mutator_find_frost(const uint8_t *data, size_t size, uint64_t *off, uint64_t *len)
{
    Elf64_Ehdr eh;
    if (size < sizeof eh)
        return -1;
    memcpy(&eh, data, sizeof eh);
    if (memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_shentsize != sizeof(Elf64_Shdr) ||
        eh.e_shnum == 0 || eh.e_shstrndx >= eh.e_shnum ||
        !inside(eh.e_shoff, (uint64_t)eh.e_shnum * sizeof(Elf64_Shdr), size))
        return -1;
    Elf64_Shdr strtab, sh;
    memcpy(&strtab, data + eh.e_shoff + (uint64_t)eh.e_shstrndx * sizeof sh, sizeof sh);
    if (!inside(strtab.sh_offset, strtab.sh_size, size))
        return -1;
    for (unsigned i = 1; i < eh.e_shnum; i++) {
        memcpy(&sh, data + eh.e_shoff + (uint64_t)i * sizeof sh, sizeof sh);
        if (sh.sh_name < strtab.sh_size &&
            strtab.sh_size - sh.sh_name >= sizeof FROST_SECTION_NAME &&
            memcmp(data + strtab.sh_offset + sh.sh_name, FROST_SECTION_NAME,
                   sizeof FROST_SECTION_NAME) == 0 &&
            inside(sh.sh_offset, sh.sh_size, size)) {
            *off = sh.sh_offset;
            *len = sh.sh_size;
            return 0;
        }
    }
    return -1;
}

void fuzz_mutator_fix_crc(uint8_t *sec, uint64_t len)
{
    if (len < sizeof(struct frost_header))
        return;
    uint64_t io = get_le(sec + 16, 8), is = get_le(sec + 24, 8);
    uint64_t no = get_le(sec + 32, 8), ns = get_le(sec + 40, 8);
    uint64_t mo = get_le(sec + 48, 8), ms = get_le(sec + 56, 4);
    if (!inside(io, is, len) || !inside(no, ns, len) || !inside(mo, ms, len))
        return;
    uLong crc = crc32(0, Z_NULL, 0);
    crc = crc32_z(crc, sec + io, (z_size_t)is);
    crc = crc32_z(crc, sec + no, (z_size_t)ns);
    crc = crc32_z(crc, sec + mo, (z_size_t)ms);
    put_le(sec + 60, 4, crc);
}

/* The payload header's fields: offset and width. */
static const struct {
    uint8_t at, width;
} header_fields[] = {
    {8, 2},  /* version */
    {10, 2}, /* header_size */
    {12, 4}, /* entry_count */
    {16, 8}, /* index_offset */
    {24, 8}, /* index_size */
    {32, 8}, /* names_offset */
    {40, 8}, /* names_size */
    {48, 8}, /* manifest_offset */
    {56, 4}, /* manifest_size */
};

/* An index record's fields: offset and width. */
static const struct {
    uint8_t at, width;
} record_fields[] = {
    {0, 8},  /* data_offset */
    {8, 8},  /* stored_size */
    {16, 8}, /* raw_size */
    {24, 4}, /* name_offset */
    {28, 4}, /* name_size */
    {32, 4}, /* crc32 */
    {36, 4}, /* mode */
    {40, 1}, /* kind */
    {41, 1}, /* compression */
    {42, 2}, /* reserved0 */
    {44, 4}, /* reserved1 */
};

#define COUNT(a) (sizeof(a) / sizeof *(a))

/* Sets the `width`-byte field at `p` to a boundary value. */
static void set_interesting(struct fuzz_rng *r, uint8_t *p, unsigned width, uint64_t limit)
{
    uint64_t v = fuzz_mutator_interesting(r, get_le(p, width), limit);
    if (width == 1 && fuzz_rng_below(r, 2)) /* kind, compression: around their known values */
        v = fuzz_rng_below(r, FROST_KIND_MAX + 3);
    put_le(p, width, v);
}

/* A field of the ELF header or of one section header (the .frost one more often than not). */
static void mutate_elf(struct fuzz_rng *r, uint8_t *data, size_t size, uint64_t frost_off)
{
    static const struct {
        uint8_t at, width;
    } ehdr_fields[] = {{40, 8} /* e_shoff */, {58, 2} /* e_shentsize */, {60, 2} /* e_shnum */,
                       {62, 2} /* e_shstrndx */, {4, 1} /* EI_CLASS */};
    uint64_t shoff = get_le(data + 40, 8), shnum = get_le(data + 60, 2);
    if (fuzz_rng_below(r, 3) == 0 || shnum == 0 ||
        !inside(shoff, shnum * sizeof(Elf64_Shdr), size)) {
        unsigned f = (unsigned)fuzz_rng_below(r, COUNT(ehdr_fields));
        set_interesting(r, data + ehdr_fields[f].at, ehdr_fields[f].width, size);
        return;
    }
    /* The section whose sh_offset is the payload's, else any. */
    uint64_t idx = fuzz_rng_below(r, shnum);
    for (uint64_t i = 0; i < shnum && fuzz_rng_below(r, 4); i++)
        if (get_le(data + shoff + i * sizeof(Elf64_Shdr) + 24, 8) == frost_off)
            idx = i;
    uint8_t *sh = data + shoff + idx * sizeof(Elf64_Shdr);
    static const uint8_t at[] = {0 /* sh_name */, 24 /* sh_offset */, 32 /* sh_size */,
                                 40 /* sh_link */};
    unsigned f = at[fuzz_rng_below(r, sizeof at)];
    set_interesting(r, sh + f, f == 0 || f == 40 ? 4 : 8, size);
}

/* Bytes of the names blob: characters that change order or validity ('/', NUL, '.', ...). */
static void mutate_names(struct fuzz_rng *r, uint8_t *sec, uint64_t len)
{
    uint64_t no = get_le(sec + 32, 8), ns = get_le(sec + 40, 8);
    if (ns == 0 || !inside(no, ns, len))
        return;
    static const uint8_t chars[] = {'/', 0, '.', 0xff, 0x80, 'a', 'z', ':', ','};
    uint8_t *b = sec + no + fuzz_rng_below(r, ns);
    *b = fuzz_rng_below(r, 2) ? chars[fuzz_rng_below(r, sizeof chars)]
                              : (uint8_t)(*b + (fuzz_rng_below(r, 2) ? 1 : -1));
}

/* One record copied over another, or two swapped: duplicates and broken order. */
static void mutate_order(struct fuzz_rng *r, uint8_t *rec, uint64_t count)
{
    uint8_t tmp[sizeof(struct frost_entry)];
    uint64_t a = fuzz_rng_below(r, count), b = fuzz_rng_below(r, count);
    uint8_t *ra = rec + a * sizeof tmp, *rb = rec + b * sizeof tmp;
    memcpy(tmp, ra, sizeof tmp);
    memcpy(ra, rb, sizeof tmp);
    if (fuzz_rng_below(r, 2))
        memcpy(rb, tmp, sizeof tmp);
}

/* Bytes inside the stored data of one entry, through libFuzzer's mutator, size kept. */
static void mutate_data(struct fuzz_rng *r, uint8_t *sec, uint64_t len, uint8_t *rec,
                        uint64_t count)
{
    uint8_t *e = rec + fuzz_rng_below(r, count) * sizeof(struct frost_entry);
    uint64_t off = get_le(e, 8), stored = get_le(e + 8, 8);
    if (stored == 0 || !inside(off, stored, len))
        return;
    /* Mostly the head of the stream (headers of zlib, zstd frames, LZ4 tokens). */
    uint64_t start = fuzz_rng_below(r, 4) ? fuzz_rng_below(r, stored < 64 ? stored : 64)
                                          : fuzz_rng_below(r, stored);
    uint64_t n = stored - start < 256 ? stored - start : 256;
    LLVMFuzzerMutate(sec + off + start, (size_t)n, (size_t)n);
}

size_t fuzz_mutator_frost(uint8_t *data, size_t size, size_t max, unsigned seed)
{
    struct fuzz_rng r = rng_from(seed);
    uint64_t off, len;
    if (fuzz_rng_below(&r, 8) == 0 || fuzz_mutator_find_frost(data, size, &off, &len) != 0) {
        /* Not (or no longer) a Frost binary: libFuzzer's mutations, or one of the ELF header. */
        if (size >= sizeof(Elf64_Ehdr) && fuzz_rng_below(&r, 2)) {
            mutate_elf(&r, data, size, UINT64_MAX);
            return size;
        }
        return LLVMFuzzerMutate(data, size, max);
    }
    uint8_t *sec = data + off;
    uint64_t count = 0, rec_off = 0;
    int have_header = len >= sizeof(struct frost_header);
    if (have_header) {
        count = get_le(sec + 12, 4);
        rec_off = get_le(sec + 16, 8);
        if (!inside(rec_off, count * sizeof(struct frost_entry), len))
            count = rec_off = 0;
    }
    uint8_t *rec = sec + rec_off;
    switch (have_header ? fuzz_rng_below(&r, 16) : 0) {
    case 0:
    case 1:
        mutate_elf(&r, data, size, off);
        break;
    case 2:
    case 3:
    case 4: {
        unsigned f = (unsigned)fuzz_rng_below(&r, COUNT(header_fields));
        set_interesting(&r, sec + header_fields[f].at, header_fields[f].width, len);
        break;
    }
    case 5:
    case 6:
    case 7:
    case 8:
        if (count) {
            unsigned f = (unsigned)fuzz_rng_below(&r, COUNT(record_fields));
            uint8_t *e = rec + fuzz_rng_below(&r, count) * sizeof(struct frost_entry);
            set_interesting(&r, e + record_fields[f].at, record_fields[f].width, len);
        }
        break;
    case 9:
        mutate_names(&r, sec, len);
        break;
    case 10:
    case 11: {
        uint64_t mo = get_le(sec + 48, 8), ms = get_le(sec + 56, 4);
        /* In place: a manifest that shrinks leaves its old tail behind, outside it. */
        if (ms > 0 && inside(mo, ms, len))
            put_le(sec + 56, 4,
                   fuzz_mutator_manifest(sec + mo, (size_t)ms, (size_t)ms,
                                         (unsigned)fuzz_rng_next(&r)));
        break;
    }
    case 12:
        if (count > 1)
            mutate_order(&r, rec, count);
        break;
    case 13:
    case 14:
        if (count)
            mutate_data(&r, sec, len, rec, count);
        break;
    default:
        /* The size of the file: cut inside the payload, or grown past it. */
        if (fuzz_rng_below(&r, 2) || size >= max)
            return (size_t)(off + fuzz_rng_below(&r, len + 1));
        memset(data + size, 0, max - size > 4096 ? 4096 : max - size);
        return size + (max - size > 4096 ? 4096 : max - size);
    }
    /* Mostly with a good CRC, so that the fields behind it are what gets tested. */
    if (fuzz_rng_below(&r, 16) != 0)
        fuzz_mutator_fix_crc(sec, len);
    return size;
}

/* Keys the readers look at, and values that are awkward for them. */
static const char *const keys[] = {
    FROST_MF_RUNTIME,   FROST_MF_ENTRY,         FROST_MF_INTERPRETER, FROST_MF_ARG,
    FROST_MF_NEEDS,     FROST_MF_NATIVE_CUT,    FROST_MF_PRELOAD,     FROST_MF_ZSTD_DICTIONARY,
    FROST_MF_INPUT_SHA256, FROST_MF_LAUNCHER,   "",
};
static const char *const values[] = {
    "main.sh", "lib/a.so", "native/liba.so", "frost/zstd.dict", "lib/a.so:liba.so",
    "lib/a.so:liba.so,libb.so", "lib/a.so:", ":", "a:b", "liba.so:libb.so", "lib/a.so:,,",
    "liba.so:", ":liba.so", "missing", "", "/", "lib/a.so:liba.so,",
};

size_t fuzz_mutator_manifest(uint8_t *data, size_t size, size_t max, unsigned seed)
{
    struct fuzz_rng r = rng_from(seed);
    /* Pieces between NULs: pick one (a key or a value) by its start. */
    size_t starts[256], n = 0;
    for (size_t i = 0; i < size && n < COUNT(starts); i++)
        if (i == 0 || data[i - 1] == 0)
            starts[n++] = i;
    if (n == 0 || fuzz_rng_below(&r, 10) == 0)
        return LLVMFuzzerMutate(data, size, max);
    size_t k = (size_t)fuzz_rng_below(&r, n);
    size_t at = starts[k], end = at;
    while (end < size && data[end] != 0)
        end++;
    uint8_t piece[4200];
    size_t plen;
    switch (fuzz_rng_below(&r, 6)) {
    case 0: { /* a known key */
        const char *s = keys[fuzz_rng_below(&r, COUNT(keys))];
        plen = strlen(s);
        memcpy(piece, s, plen);
        break;
    }
    case 1: { /* an awkward value */
        const char *s = values[fuzz_rng_below(&r, COUNT(values))];
        plen = strlen(s);
        memcpy(piece, s, plen);
        break;
    }
    case 2: /* a long value: around the stub's 4096-byte path buffer */
        plen = 4090 + (size_t)fuzz_rng_below(&r, 12);
        memset(piece, 'a', plen);
        piece[plen / 2] = fuzz_rng_below(&r, 2) ? ':' : ',';
        break;
    case 3: /* the final NUL dropped, or one NUL more */
        if (size > 0 && data[size - 1] == 0 && fuzz_rng_below(&r, 2))
            return size - 1;
        if (size < max) {
            data[size] = 0;
            return size + 1;
        }
        return size;
    case 4: /* a piece dropped with its NUL, or duplicated */
        if (fuzz_rng_below(&r, 2) || end >= size) {
            size_t cut = end < size ? end + 1 - at : end - at;
            memmove(data + at, data + at + cut, size - at - cut);
            return size - cut;
        }
        plen = end - at;
        if (plen > sizeof piece - 1)
            return size;
        memcpy(piece, data + at, plen);
        piece[plen++] = 0;
        end = at; /* inserted before itself */
        break;
    default: /* the piece through libFuzzer */
        plen = end - at < sizeof piece / 2 ? end - at : sizeof piece / 2;
        memcpy(piece, data + at, plen);
        plen = LLVMFuzzerMutate(piece, plen, sizeof piece / 2);
        break;
    }
    /* Replace data[at, end) with piece. */
    size_t tail = size - end;
    if (at + plen + tail > max) /* no room: the fixed-size case of a payload in place */
        plen = max - tail - at < plen ? max - tail - at : plen;
    memmove(data + at + plen, data + end, tail);
    memcpy(data + at, piece, plen);
    return at + plen + tail;
}
