/* stub_hugepage.h - the interpreter's large allocations on transparent huge pages.
 *
 * CPython takes every object over 512 bytes, and modules such as _lzma and _bz2 their working
 * buffers, from the PYMEM_DOMAIN_RAW allocator (malloc). glibc serves a block of 128 KiB or
 * more (the threshold rises with use) from a mapping of its own, which the kernel then faults in
 * 4 KiB at a time: a 16 MB buffer is 4096 faults. glibc's tunable glibc.malloc.hugetlb=1 marks
 * such mappings of 2 MiB or more MADV_HUGEPAGE so that they fault in 2 MiB at a time, and numpy
 * does the same for its arrays; the tunable can only come from the environment before the
 * process starts, so the stub does it itself, in a wrapper around the RAW allocator, for blocks
 * of 4 MiB or more past their first 2 MiB. The kernel decides: where transparent huge pages are
 * off (`never`) the advice changes nothing. */
#ifndef STUB_HUGEPAGE_H
#define STUB_HUGEPAGE_H

/* Wraps the PYMEM_DOMAIN_RAW allocator so that a block of 4 MiB or more that glibc's malloc
 * mapped on its own is advised MADV_HUGEPAGE past its first 2 MiB before it is returned. Does
 * nothing when malloc is not glibc's (an LD_PRELOAD allocator: its blocks have no glibc header
 * to read). Call once, before the interpreter starts. */
void stub_hugepage_install(void);

#endif /* STUB_HUGEPAGE_H */
