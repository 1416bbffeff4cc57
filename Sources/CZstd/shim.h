#ifndef FROST_CZSTD_SHIM_H
#define FROST_CZSTD_SHIM_H
#include <zstd.h>
#include <zdict.h>
#endif
