/* stub_hugepage.c - the interpreter's large allocations on transparent huge pages (see the
 * header). The advice is given only to blocks glibc mapped on their own (the IS_MMAPPED bit of
 * the chunk's size word, just before the block), as glibc's own madvise_thp() does: advising
 * part of the heap would split its mapping. A block's first 2 MiB stay on 4 KiB pages: a
 * block used from its start and only a little (lzma's 64 MB match-finder array, for a short
 * input) would otherwise hold a whole 2 MiB page for a few bytes. */
#define PY_SSIZE_T_CLEAN
#include "stub_pycompat.h"

#include "stub_hugepage.h"

#include <dlfcn.h>
#include <stdint.h>
#include <sys/mman.h>

#define HUGE_SIZE ((size_t)2 << 20)
#define PAGE_SIZE_4K ((uintptr_t)4096)
/* glibc's chunk header: the size word precedes the block; bit 1 is IS_MMAPPED. */
#define GLIBC_IS_MMAPPED ((size_t)2)

static PyMemAllocatorEx raw;

static void advise(void *p, size_t n)
{
    if (!p || n < 2 * HUGE_SIZE || !(((const size_t *)p)[-1] & GLIBC_IS_MMAPPED))
        return;
    uintptr_t start = ((uintptr_t)p + HUGE_SIZE + PAGE_SIZE_4K - 1) & ~(PAGE_SIZE_4K - 1);
    madvise((void *)start, (uintptr_t)p + n - start, MADV_HUGEPAGE);
}

static void *hp_malloc(void *ctx, size_t n)
{
    void *p = raw.malloc(ctx, n);
    advise(p, n);
    return p;
}

static void *hp_calloc(void *ctx, size_t count, size_t n)
{
    void *p = raw.calloc(ctx, count, n);
    if (p && n && count <= SIZE_MAX / n)
        advise(p, count * n);
    return p;
}

static void *hp_realloc(void *ctx, void *old, size_t n)
{
    void *p = raw.realloc(ctx, old, n);
    if (p != old)
        advise(p, n);
    return p;
}

/* Whether the malloc the process uses is glibc's (not one put first by LD_PRELOAD): the
 * first malloc after this executable is libc.so.6's own. (dladdr would tell the same for ten
 * times the instructions, 88 K, 0.4 % of hello's start: it looks for the nearest symbol.) */
static int glibc_malloc(void)
{
    void *libc = dlopen("libc.so.6", RTLD_LAZY | RTLD_NOLOAD);
    void *impl = dlsym(RTLD_NEXT, "malloc");
    int same = libc && impl && impl == dlsym(libc, "malloc");
    if (libc)
        dlclose(libc);
    return same;
}

void stub_hugepage_install(void)
{
    if (!glibc_malloc())
        return;
    PyMem_GetAllocator(PYMEM_DOMAIN_RAW, &raw);
    /* Freeing needs no advice: the original free, without a call in between. */
    PyMemAllocatorEx wrapped = {raw.ctx, hp_malloc, hp_calloc, hp_realloc, raw.free};
    PyMem_SetAllocator(PYMEM_DOMAIN_RAW, &wrapped);
}
