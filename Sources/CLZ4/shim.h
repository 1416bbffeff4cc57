#ifndef FROST_CLZ4_SHIM_H
#define FROST_CLZ4_SHIM_H
#include <lz4.h>
#endif
