/* fuzz_payload.c - libFuzzer harness of the stub's payload reader (stubs/common/stub_payload.c)
 * and of the packed loader's own look-up of its image (stubs/packed/image.c).
 *
 * The input is a whole ELF file, as the stub finds its own: it is written to a memfd, opened
 * with stub_payload_open_fd, and then every entry is read (stub_payload_read) and streamed
 * into a second memfd (stub_payload_write_to_fd), every manifest key is walked
 * (stub_payload_manifest_next) and the dictionary is loaded (stub_payload_load_dictionary).
 * The custom mutator rewrites payload fields and recomputes the index CRC (fuzz_mutator.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../stubs/common/stub_payload.h"
#include "../stubs/packed/lz4_block.h"
#include "../stubs/packed/packed.h"
#include "fuzz_mutator.h"
#include "fuzz_walk.h"

/* Entries larger than this are not decoded: the format allows FROST_MAX_RATIO (4096) raw
 * bytes per stored byte, so a 1 MB input may legitimately declare 4 GB; what is tested is
 * that nothing is allocated or written past what the checks allow, not that 4 GB fit. */
#define RAW_LIMIT (16u << 20)

/* image.c calls it when the image is damaged; the harness only uses packed_find_image. */
void packed_fail(const char *name, const char *what)
{
    fprintf(stderr, "%s: %s\n", name, what);
    abort();
}

static int in_fd = -1, out_fd = -1;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    in_fd = memfd_create("fuzz-input", MFD_CLOEXEC);
    out_fd = memfd_create("fuzz-output", MFD_CLOEXEC);
    if (in_fd < 0 || out_fd < 0) {
        perror("memfd_create");
        exit(1);
    }
    return 0;
}

/* The packed loader reads the same section from its mapped file with its own code. */
static void check_packed(const uint8_t *data, size_t size)
{
    static uint8_t head[PAGE];
    const uint8_t *section;
    const struct frost_entry *e = packed_find_image(data, size, &section);
    if (e && e->compression == FROST_LZ4) /* the first page, as packed_unpack decodes it */
        lz4_block_decode(section + e->data_offset, (size_t)e->stored_size, head, sizeof head, 1);
}


static void read_entries(struct stub_payload *p)
{
    char err[512];
    for (uint32_t i = 0; i < p->count; i++) {
        const struct frost_entry *e = &p->entries[i];
        size_t nlen;
        const char *name = stub_payload_name(p, e, &nlen);
        if (stub_payload_find(p, name, nlen) != e)
            abort(); /* a sorted, unique index finds every entry at its own place */
        if (e->raw_size > RAW_LIMIT)
            continue;
        uint8_t *buf = NULL;
        if (stub_payload_read(p, e, &buf, err, sizeof err) == 0)
            free(buf);
        if (ftruncate(out_fd, 0) != 0 || lseek(out_fd, 0, SEEK_SET) != 0)
            abort();
        stub_payload_write_to_fd(p, e, out_fd);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_packed(data, size);
    if (ftruncate(in_fd, 0) != 0 || pwrite(in_fd, data, size, 0) != (ssize_t)size)
        abort();
    int fd = dup(in_fd); /* stub_payload_open_fd takes it over and closes it */
    struct stub_payload p;
    char err[512];
    if (fd < 0 || stub_payload_open_fd(&p, fd, err, sizeof err) != 0)
        return 0;
    fuzz_walk_manifest(&p);
    stub_payload_load_dictionary(&p, err, sizeof err);
    read_entries(&p);
    stub_payload_close(&p);
    return 0;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned seed)
{
    return fuzz_mutator_frost(data, size, max_size, seed);
}
