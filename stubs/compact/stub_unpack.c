/* stub_unpack.c - decoding a multi-frame zstd entry into a file with several threads. */
#include "stub_unpack.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_getFrameHeader; the loader links libzstd.a */
#include <zstd.h>

#define MAX_FRAMES 64 /* Frost writes 4; more is refused as damaged */
#define CHUNK (256 * 1024)

/* One frame: its stored bytes, and where and how much it writes. */
struct frame {
    const uint8_t *src;
    size_t size;
    uint64_t at;
    uint64_t raw;
};

/* What the threads share: the frames, the next one to take and whether any failed. */
struct job {
    struct frame frames[MAX_FRAMES];
    unsigned count;
    unsigned next;
    int failed;
    int fd;
};

static int pwrite_all(int fd, const uint8_t *buf, size_t len, uint64_t at)
{
    while (len > 0) {
        ssize_t n = pwrite(fd, buf, len, (off_t)at);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        buf += n;
        len -= (size_t)n;
        at += (uint64_t)n;
    }
    return 0;
}

/* Streams one frame through `out` (CHUNK bytes) into the file; 0 when it checks out. */
static int decode_frame(const struct frame *f, int fd, ZSTD_DCtx *d, uint8_t *out)
{
    ZSTD_inBuffer ib = {f->src, f->size, 0};
    uint64_t at = f->at;
    size_t r;
    do {
        ZSTD_outBuffer ob = {out, CHUNK, 0};
        r = ZSTD_decompressStream(d, &ob, &ib);
        if (ZSTD_isError(r) || pwrite_all(fd, out, ob.pos, at) != 0)
            return -1;
        at += ob.pos;
        if (r != 0 && ib.pos == ib.size && ob.pos < ob.size)
            return -1; /* the frame ends early */
    } while (r != 0);
    return ib.pos == ib.size && at - f->at == f->raw ? 0 : -1;
}

/* Takes frames until none is left (or one failed). */
static void *work(void *arg)
{
    struct job *j = arg;
    ZSTD_DCtx *d = ZSTD_createDCtx();
    uint8_t *out = malloc(CHUNK);
    for (;;) {
        unsigned i = __atomic_fetch_add(&j->next, 1, __ATOMIC_RELAXED);
        if (i >= j->count || __atomic_load_n(&j->failed, __ATOMIC_RELAXED))
            break;
        if (!d || !out || ZSTD_isError(ZSTD_DCtx_reset(d, ZSTD_reset_session_only)) ||
            decode_frame(&j->frames[i], j->fd, d, out) != 0) {
            __atomic_store_n(&j->failed, 1, __ATOMIC_RELAXED);
            break;
        }
    }
    free(out);
    ZSTD_freeDCtx(d);
    return NULL;
}

/* Splits the stored bytes into frames; 0 when they are whole checksummed frames of known sizes
 * that add up to `raw`. */
static int split(struct job *j, const uint8_t *src, size_t left, uint64_t raw)
{
    uint64_t at = 0;
    while (left > 0 && j->count < MAX_FRAMES) {
        ZSTD_frameHeader h;
        size_t n = ZSTD_findFrameCompressedSize(src, left);
        if (ZSTD_isError(n) || ZSTD_getFrameHeader(&h, src, left) != 0 ||
            h.frameType != ZSTD_frame || !h.checksumFlag ||
            h.frameContentSize == ZSTD_CONTENTSIZE_UNKNOWN)
            return -1;
        uint64_t size = h.frameContentSize;
        j->frames[j->count++] = (struct frame){.src = src, .size = n, .at = at, .raw = size};
        src += n;
        left -= n;
        at += size;
    }
    return left == 0 && at == raw ? 0 : -1;
}

/* Runs `work` on this thread and up to `extra` more (fewer than STUB_UNPACK_THREADS), with
 * every signal blocked in those. */
static void run(struct job *j, unsigned extra)
{
    pthread_t threads[STUB_UNPACK_THREADS];
    unsigned started = 0;
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    while (started < extra && started < STUB_UNPACK_THREADS - 1 &&
           pthread_create(&threads[started], NULL, work, j) == 0)
        started++;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    work(j);
    for (unsigned i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
}

/* How many CPUs this process may run on (1 when it cannot tell). */
static unsigned cpus(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0)
        return 1;
    int n = CPU_COUNT(&set);
    return n > 0 ? (unsigned)n : 1;
}

int stub_unpack_to_fd(const struct stub_payload *p, const struct frost_entry *e, int fd)
{
    if (e->compression != FROST_ZSTD)
        return stub_payload_write_to_fd(p, e, fd);
    long page = sysconf(_SC_PAGESIZE);
    uint64_t off = p->section_offset + e->data_offset;
    uint64_t base = off & ~(uint64_t)(page - 1);
    size_t len = (size_t)(off - base + e->stored_size);
    void *map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, p->fd, (off_t)base);
    if (map == MAP_FAILED)
        return stub_payload_write_to_fd(p, e, fd);
    struct job *j = calloc(1, sizeof *j);
    int rc = -1;
    if (j && split(j, (const uint8_t *)map + (off - base), (size_t)e->stored_size,
                   e->raw_size) == 0) {
        unsigned n = cpus() < j->count ? cpus() : j->count;
        j->fd = fd;
        run(j, n > 1 ? n - 1 : 0);
        rc = j->failed ? -1 : 0;
    }
    free(j);
    munmap(map, len);
    return rc;
}
