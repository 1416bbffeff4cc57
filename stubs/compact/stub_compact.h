/* stub_compact.h - `frost build --compact`: a small loader whose payload also holds the
 * interpreter stub, zstd-compressed. The loader decodes that stub into a memfd and execs it
 * (same process, same PID), handing over a descriptor of its own file so that the stub reads
 * the program's payload from it. Nothing is written to disk. */
#ifndef STUB_COMPACT_H
#define STUB_COMPACT_H

/* Payload entry holding the interpreter stub. The descriptor of the file that holds the
 * payload is named by the environment variable FROST_PAYLOAD_FD (frost_format.h). */
#define STUB_COMPACT_INTERPRETER "frost/interpreter"

/* What main() knows. */
struct stub_compact_ctx {
    char **argv;
    const char *self_path; /* the executable holding the payload (stub_self_path) */
};

/* Decodes the interpreter and execs it; returns only on failure, with the exit status. */
int stub_compact_main(struct stub_compact_ctx *ctx);

#endif /* STUB_COMPACT_H */
