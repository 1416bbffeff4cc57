/* packed.h - the packed Python loader (packed.c) and its build-time packer (pack.c).
 *
 * A packed binary is this loader plus a payload whose entry PACKED_INTERPRETER holds the
 * interpreter stub (frost-stub-python, an x86-64 ET_EXEC) as a memory image: byte i of the
 * image belongs at address L + i, where L is the lowest PT_LOAD's p_vaddr - p_offset, and the
 * image ends with the last byte a segment takes from the file. Between segments it is zero.
 * The entry is compressed FROST_LZ4 (one LZ4 block). `make` builds the image and its block
 * once (frost-stub-python.img, frost-stub-python.img.lz4), so that `frost build` only copies
 * them. */
#ifndef PACKED_H
#define PACKED_H

#define PACKED_INTERPRETER "frost/interpreter"

#endif /* PACKED_H */
