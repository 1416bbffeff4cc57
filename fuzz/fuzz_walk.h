/* fuzz_walk.h - what the payload and manifest harnesses both do with an opened payload. */
#ifndef FUZZ_WALK_H
#define FUZZ_WALK_H

#include <string.h>

#include "../stubs/common/stub_payload.h"

/* Every value of every key, through stub_payload_manifest_next, and the entry it names. */
static inline void fuzz_walk_manifest(const struct stub_payload *p)
{
    const char *cur = p->manifest, *end = p->manifest + p->manifest_size;
    while (cur < end) {
        size_t klen = strnlen(cur, (size_t)(end - cur));
        for (const char *v = NULL; (v = stub_payload_manifest_next(p, cur, v));)
            stub_payload_find(p, v, strlen(v));
        cur += klen + 1;
    }
}

#endif
