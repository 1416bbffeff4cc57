#ifndef FROST_CDEMANGLE_SHIM_H
#define FROST_CDEMANGLE_SHIM_H
// The demanglers Frost calls: the C++ ABI's, from libstdc++ (also linked by the Swift runtime),
// and the Swift runtime's own (exported by libswiftCore, shared or static).
#include <stddef.h>
#include <stdint.h>

/// Itanium C++ ABI demangler (libstdc++ `cxxabi.h`): a malloc'ed string, or NULL with
/// `*status` -2 for a name that is not a valid mangled name.
char *__cxa_demangle(const char *mangled_name, char *output_buffer, size_t *length, int *status);

/// Swift runtime demangler (swift/Runtime/Debug.h): a malloc'ed string when `output_buffer` is
/// NULL, or NULL for a name that is not a Swift mangled name. `flags` must be 0.
char *swift_demangle(const char *mangled_name, size_t mangled_name_length, char *output_buffer,
                     size_t *output_buffer_size, uint32_t flags);
#endif
