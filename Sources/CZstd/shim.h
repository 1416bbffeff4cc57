#ifndef FROST_CZSTD_SHIM_H
#define FROST_CZSTD_SHIM_H
/* For ZSTD_c_literalCompressionMode, an experimental parameter (zstd 1.5.x); only its value is
 * used, no experimental function. */
#define ZSTD_STATIC_LINKING_ONLY
#include <zstd.h>
#include <zdict.h>

/* ZSTD_c_literalCompressionMode, which Swift cannot import: a macro naming an enum case. */
static const ZSTD_cParameter frost_zstd_c_literal_compression_mode = ZSTD_c_literalCompressionMode;
#endif
