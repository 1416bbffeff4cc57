/* stub_prefetch.c - decodes the "preload" entries on a background thread.
 *
 * Each entry has a slot: PENDING (nobody has started it), BUSY (the thread is decoding it),
 * READY (decoded, waiting for the main thread) or DONE (handed out, claimed by the main thread,
 * or found damaged, which the main thread then reports). Shared objects go to a memfd (or to
 * the cache on disk, stub_cache.h), other entries (bytecode) to a malloc'ed buffer. */
#include "stub_prefetch.h"

#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/stub_self.h"
#include "stub_cache.h"
#include "stub_native.h"

enum { PENDING, BUSY, READY, DONE };

struct slot {
    const struct frost_entry *e;
    int state;
    int fd;       /* the memfd of a shared object while BUSY or READY, else -1 */
    uint8_t *buf; /* the bytes of another entry when READY */
};

static int is_shared_object(const struct frost_entry *e)
{
    return e->kind == FROST_KIND_EXTENSION || e->kind == FROST_KIND_NATIVE_LIB;
}

static struct stub_payload *payload;
static struct slot *slots;
static size_t nslots;
static int *slot_of; /* by entry index (e - payload->entries): its slot, or -1 */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;

/* Decoded bytes not yet taken by the main thread: the thread runs at most this far ahead, so
 * that memory does not grow with the program (memfds are not mapped until loaded). */
#define AHEAD_LIMIT (1024 * 1024)
static uint64_t ahead;

/* Shared objects go to the opt-in cache on disk (stub_cache.h), not to memfds; with /proc,
 * the thread hands over their descriptors. */
static int cache_on, cache_fds;

/* The thread is loading the payload's dictionary (the first thing it does). */
static int dict_loading;
/* The main thread has seen the dictionary loaded, or that there is none. */
static int dict_ready;

/* Claims the next pending slot, giving a shared object an empty memfd; NULL when none is left. */
static struct slot *claim(void)
{
    char err[256];
    struct slot *s = NULL;
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < nslots && !s; i++) {
        if (slots[i].state != PENDING)
            continue;
        if (!is_shared_object(slots[i].e) && ahead > 0 &&
            ahead + slots[i].e->raw_size > AHEAD_LIMIT) {
            pthread_cond_wait(&changed, &lock);
            i = (size_t)-1; /* look again from the start */
            continue;
        }
        int fd = -1;
        if (is_shared_object(slots[i].e) && !cache_on &&
            (fd = stub_native_create(payload, slots[i].e, err, sizeof err)) < 0)
            break;
        slots[i].fd = fd;
        slots[i].state = BUSY;
        s = &slots[i];
    }
    pthread_mutex_unlock(&lock);
    return s;
}

static void *work(void *arg)
{
    (void)arg;
    struct slot *s;
    char err[256];
    if (dict_loading) {
        stub_payload_load_dictionary(payload, err, sizeof err); /* failures: main reports */
        pthread_mutex_lock(&lock);
        dict_loading = 0;
        pthread_cond_broadcast(&changed);
        pthread_mutex_unlock(&lock);
    }
    while ((s = claim()) != NULL) {
        uint8_t *buf = NULL;
        int ok, cached = -1;
        if (cache_on && is_shared_object(s->e)) {
            /* Found in the cache or written to it: its descriptor goes to the main thread as a
             * memfd would (without /proc, which loads it by path, only the file is made). */
            cached = stub_cache_open(payload, s->e);
            if (cached >= 0 && !cache_fds) {
                close(cached);
                cached = -1;
            }
            ok = cached >= 0;
        } else {
            ok = s->fd >= 0 ? stub_payload_write_to_fd(payload, s->e, s->fd) == 0
                            : stub_payload_read(payload, s->e, &buf, err, sizeof err) == 0;
        }
        pthread_mutex_lock(&lock);
        if (cached >= 0)
            s->fd = cached;
        s->buf = buf;
        if (buf)
            ahead += s->e->raw_size;
        if (!ok && s->fd >= 0) {
            close(s->fd);
            s->fd = -1;
        }
        s->state = ok ? READY : DONE;
        pthread_cond_broadcast(&changed);
        pthread_mutex_unlock(&lock);
    }
    stub_payload_thread_done();
    /* The buffers handed out here were freed by the main thread into this thread's malloc
     * arena, which glibc keeps: give their pages back (~0.5 MB of the stdlib sample's peak
     * RSS, docs/PYTHON.md). */
    malloc_trim(0);
    return NULL;
}

static void before_fork(void)
{
    pthread_mutex_lock(&lock);
}

static void after_fork_parent(void)
{
    pthread_mutex_unlock(&lock);
}

/* The child has no thread: what it was decoding is left for the child to decode itself. */
static void after_fork_child(void)
{
    pthread_mutex_init(&lock, NULL);
    pthread_cond_init(&changed, NULL);
    dict_loading = 0;
    for (size_t i = 0; i < nslots; i++) {
        if (slots[i].state == BUSY) {
            if (slots[i].fd >= 0)
                close(slots[i].fd);
            slots[i].fd = -1;
            slots[i].state = PENDING;
        }
    }
}

/* Below this many raw bytes to decode, a thread costs more than it saves (creating it, and
 * glibc's locking once a process has two threads): the main thread decodes on demand. */
#define PREFETCH_MIN (256 * 1024)

/* Fills the slots from the manifest in one pass (an entry listed twice keeps its first slot)
 * and indexes them by entry; returns their number (0 when not worth a thread). */
static size_t read_list(const struct stub_payload *p)
{
    uint64_t total = 0;
    const char *v = stub_payload_manifest_next(p, FROST_MF_PRELOAD, NULL);
    if (!v || p->count == 0 || !(slots = calloc(p->count, sizeof *slots)) ||
        !(slot_of = malloc(p->count * sizeof *slot_of)))
        return 0;
    for (uint32_t i = 0; i < p->count; i++)
        slot_of[i] = -1;
    for (; v != NULL; v = stub_payload_manifest_next(p, FROST_MF_PRELOAD, v)) {
        const struct frost_entry *e = stub_payload_find(p, v, strlen(v));
        if (e && slot_of[e - p->entries] < 0) {
            slot_of[e - p->entries] = (int)nslots;
            slots[nslots++] = (struct slot){.e = e, .state = PENDING, .fd = -1, .buf = NULL};
            total += e->raw_size;
        }
    }
    if (total < PREFETCH_MIN)
        nslots = 0;
    return nslots;
}

void stub_prefetch_start(struct stub_payload *p)
{
    payload = p;
    cache_on = stub_cache_enabled(p); /* settled here, before any thread */
    cache_fds = cache_on && stub_self_has_proc_fd();
    if (read_list(p) == 0)
        return;
    /* Signals go to the main thread, as the interpreter expects: the thread blocks them all. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pthread_attr_t attr;
    pthread_t thread;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    dict_loading = stub_payload_manifest_next(p, FROST_MF_ZSTD_DICTIONARY, NULL) != NULL;
    if (pthread_atfork(before_fork, after_fork_parent, after_fork_child) != 0 ||
        pthread_create(&thread, &attr, work, NULL) != 0)
        nslots = dict_loading = 0; /* no thread: every entry is decoded on demand */
    pthread_attr_destroy(&attr);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

int stub_prefetch_dictionary(const struct frost_entry *e, char *err, size_t errlen)
{
    if (dict_ready || e->compression != FROST_ZSTD_DICT)
        return 0;
    pthread_mutex_lock(&lock);
    while (dict_loading)
        pthread_cond_wait(&changed, &lock);
    pthread_mutex_unlock(&lock);
    if (stub_payload_load_dictionary(payload, err, errlen) != 0)
        return -1;
    dict_ready = 1;
    return 0;
}

/* Hands out the slot of `e` (waiting while it is being decoded); NULL when it has none. */
static struct slot *take(const struct frost_entry *e)
{
    if (nslots == 0 || e < payload->entries || e >= payload->entries + payload->count)
        return NULL;
    int i = slot_of[e - payload->entries];
    if (i < 0)
        return NULL;
    struct slot *s = &slots[i];
    while (s->state == BUSY)
        pthread_cond_wait(&changed, &lock);
    if (s->state != READY) {
        s->fd = -1;
        s->buf = NULL;
    } else if (s->buf) {
        ahead -= s->e->raw_size;
    }
    s->state = DONE;
    pthread_cond_broadcast(&changed);
    return s;
}

int stub_prefetch_take(const struct frost_entry *e)
{
    pthread_mutex_lock(&lock);
    struct slot *s = take(e);
    int fd = s ? s->fd : -1;
    if (s) {
        free(s->buf); /* asked as a shared object: never as bytes */
        s->buf = NULL;
        s->fd = -1;
    }
    pthread_mutex_unlock(&lock);
    return fd;
}

uint8_t *stub_prefetch_take_bytes(const struct frost_entry *e)
{
    pthread_mutex_lock(&lock);
    struct slot *s = take(e);
    uint8_t *buf = s ? s->buf : NULL;
    if (s) {
        if (s->fd >= 0) /* a shared object read as bytes (pkgutil.get_data): the copy goes */
            close(s->fd);
        s->buf = NULL;
        s->fd = -1;
    }
    pthread_mutex_unlock(&lock);
    return buf;
}
