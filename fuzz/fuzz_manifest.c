/* fuzz_manifest.c - libFuzzer harness of the manifest walk of the stub's payload reader:
 * keep_manifest (dropping input-sha256 pairs), check_references (entry, preload, needs,
 * native-cut, zstd-dictionary must name entries), stub_payload_manifest_next and
 * stub_payload_load_dictionary (stubs/common/stub_payload.c).
 *
 * The input is the manifest bytes alone. The harness puts them into a payload of five fixed
 * entries with a correct index CRC, wraps that in a minimal ELF file (ELF header, section
 * name table, .frost) in a memfd and opens it with stub_payload_open_fd, so that every input
 * reaches the manifest code. The custom mutator works on "key\0value\0" pairs
 * (fuzz_mutator_manifest). */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include "../stubs/common/stub_payload.h"
#include "fuzz_mutator.h"
#include "fuzz_walk.h"

/* The entries, sorted bytewise as the index must be, each stored with these bytes. */
static const struct {
    const char *path;
    uint8_t kind;
    const char *bytes;
} fixed[] = {
    {"frost/zstd.dict", FROST_KIND_DICTIONARY, "a raw-content zstd dictionary, any bytes will do"},
    {"lib/a.so", FROST_KIND_EXTENSION, "\177ELF extension"},
    {"main.sh", FROST_KIND_PROGRAM, "echo hello\n"},
    {"native/liba.so", FROST_KIND_NATIVE_LIB, "\177ELF liba"},
    {"native/libb.so", FROST_KIND_NATIVE_LIB, "\177ELF libb"},
};
#define NFIXED (sizeof fixed / sizeof *fixed)

static int in_fd = -1;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    in_fd = memfd_create("fuzz-manifest", MFD_CLOEXEC);
    if (in_fd < 0) {
        perror("memfd_create");
        exit(1);
    }
    return 0;
}

static size_t align8(size_t n) { return (n + 7) & ~(size_t)7; }

/* The payload holding `manifest` (`mlen` bytes) at `sec`; returns its size. `sec` has room. */
static size_t build_payload(uint8_t *sec, const uint8_t *manifest, size_t mlen)
{
    struct frost_header h = {.version = FROST_FORMAT_VERSION,
                             .header_size = sizeof h,
                             .entry_count = NFIXED,
                             .index_offset = sizeof h,
                             .index_size = NFIXED * sizeof(struct frost_entry)};
    memcpy(h.magic, FROST_MAGIC, FROST_MAGIC_SIZE);
    struct frost_entry *idx = (struct frost_entry *)(sec + h.index_offset);
    h.names_offset = h.index_offset + h.index_size;
    char *names = (char *)sec + h.names_offset;
    for (size_t i = 0; i < NFIXED; i++) {
        size_t len = strlen(fixed[i].path);
        memcpy(names + h.names_size, fixed[i].path, len);
        idx[i] = (struct frost_entry){.name_offset = (uint32_t)h.names_size,
                                      .name_size = (uint32_t)len,
                                      .mode = 0644,
                                      .kind = fixed[i].kind};
        h.names_size += len;
    }
    h.manifest_offset = h.names_offset + h.names_size;
    h.manifest_size = (uint32_t)mlen;
    memcpy(sec + h.manifest_offset, manifest, mlen);
    size_t end = align8(h.manifest_offset + mlen);
    for (size_t i = 0; i < NFIXED; i++) {
        size_t len = strlen(fixed[i].bytes);
        memcpy(sec + end, fixed[i].bytes, len);
        idx[i].data_offset = end;
        idx[i].stored_size = idx[i].raw_size = len;
        idx[i].crc32 = (uint32_t)crc32(0, (const Bytef *)fixed[i].bytes, (uInt)len);
        end = align8(end + len);
    }
    memcpy(sec, &h, sizeof h);
    fuzz_mutator_fix_crc(sec, end);
    return end;
}

/* ELF header, name table and .frost around `manifest`; returns the file size (in `out`). */
static size_t build_file(uint8_t *out, const uint8_t *manifest, size_t mlen)
{
    static const char shstrtab[] = "\0.shstrtab\0" FROST_SECTION_NAME;
    size_t sec_at = align8(sizeof(Elf64_Ehdr) + sizeof shstrtab);
    size_t sec_len = build_payload(out + sec_at, manifest, mlen);
    size_t shoff = align8(sec_at + sec_len);
    Elf64_Ehdr eh = {.e_type = ET_EXEC, .e_machine = EM_X86_64, .e_version = EV_CURRENT,
                     .e_shoff = shoff, .e_ehsize = sizeof eh, .e_shentsize = sizeof(Elf64_Shdr),
                     .e_shnum = 3, .e_shstrndx = 1};
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    memcpy(out, &eh, sizeof eh);
    memcpy(out + sizeof eh, shstrtab, sizeof shstrtab);
    Elf64_Shdr sh[3] = {
        {0},
        {.sh_name = 1, .sh_type = SHT_STRTAB, .sh_offset = sizeof eh, .sh_size = sizeof shstrtab},
        {.sh_name = 11, .sh_type = SHT_PROGBITS, .sh_offset = sec_at, .sh_size = sec_len,
         .sh_addralign = 8},
    };
    memcpy(out + shoff, sh, sizeof sh);
    return shoff + sizeof sh;
}

/* Known keys and every key of the manifest, each walked to its last value. */
static void walk(struct stub_payload *p)
{
    static const char *const keys[] = {FROST_MF_ENTRY, FROST_MF_PRELOAD, FROST_MF_NEEDS,
                                       FROST_MF_NATIVE_CUT, FROST_MF_ZSTD_DICTIONARY,
                                       FROST_MF_INPUT_SHA256, FROST_MF_ARG, ""};
    for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
        for (const char *v = NULL; (v = stub_payload_manifest_next(p, keys[k], v));)
            if (strcmp(keys[k], FROST_MF_INPUT_SHA256) == 0)
                abort(); /* the stub drops these pairs when it opens */
    fuzz_walk_manifest(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 20))
        return 0;
    size_t room = size + 4096;
    uint8_t *file = calloc(1, room);
    if (!file)
        abort();
    size_t len = build_file(file, data, size);
    if (len > room || ftruncate(in_fd, 0) != 0 || pwrite(in_fd, file, len, 0) != (ssize_t)len)
        abort();
    free(file);
    int fd = dup(in_fd);
    struct stub_payload p;
    char err[512];
    if (fd < 0 || stub_payload_open_fd(&p, fd, err, sizeof err) != 0)
        return 0;
    walk(&p);
    /* A second load keeps the first. */
    if (stub_payload_load_dictionary(&p, err, sizeof err) == 0 && p.ddict &&
        (stub_payload_load_dictionary(&p, err, sizeof err) != 0 || !p.dict))
        abort();
    stub_payload_close(&p);
    return 0;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned seed)
{
    return fuzz_mutator_manifest(data, size, max_size, seed);
}
