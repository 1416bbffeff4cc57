/* stub_maps.h - the process's own /proc maps with payload objects named by their payload
 * paths, as python shows their files: stub_maps.c. */
#ifndef STUB_MAPS_H
#define STUB_MAPS_H

/* 1 when an open of `path` with `flags` reads this process's maps or smaps
 * (/proc/self/..., /proc/thread-self/..., /proc/PID/...). */
int stub_maps_wanted(const char *path, int flags);

/* A descriptor (close-on-exec if `flags` has O_CLOEXEC) of a memfd holding the maps that
 * `path` names, with payload objects renamed, at offset 0 (the kernel's file itself while no
 * payload object is loaded); -1 with errno set on failure. */
int stub_maps_open(const char *path, int flags);

#endif
