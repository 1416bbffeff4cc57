#!/usr/bin/python3
"""bench/uncache.py PATH... - drops files from the page cache (posix_fadvise DONTNEED).

Each PATH is a file, a folder (every file below it) or a glob pattern of either.

The next run reads them back from disk, as a binary is read after a reboot. On this host a
binary whose pages were just written (a fresh build or copy) starts a few percent faster
than the same bytes read back, and each read-back lands differently (docs/BENCHMARKS.md,
"Measuring start-up"), so the benchmarks drop frost's outputs and python3's files alike
before each set of runs. Pages that a running process maps stay; missing files are skipped.
"""
import glob
import os
import sys


def drop(path):
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def main(patterns):
    for pattern in patterns:
        for path in glob.glob(pattern):
            if not os.path.isdir(path):
                drop(path)
            for folder, _, files in os.walk(path):
                for name in files:
                    drop(os.path.join(folder, name))


if __name__ == "__main__":
    main(sys.argv[1:])
