#ifndef FROST_CLIBELF_SHIM_H
#define FROST_CLIBELF_SHIM_H
#include <gelf.h>
#include <libelf.h>
#include <elf.h>
#endif
