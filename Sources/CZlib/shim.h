#ifndef FROST_CZLIB_SHIM_H
#define FROST_CZLIB_SHIM_H
#include <zlib.h>
#endif
