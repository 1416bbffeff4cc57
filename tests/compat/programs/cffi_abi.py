# cffi in ABI mode (_cffi_backend, a C extension; pycparser parses the declarations): calls
# into the C library with no compiler.
import ctypes.util

import cffi
import pycparser

ffi = cffi.FFI()
ffi.cdef("""
    size_t strlen(const char *s);
    int abs(int j);
    int snprintf(char *str, size_t size, const char *format, ...);
    typedef struct { int x; double y; } pair_t;
    void qsort(void *base, size_t nmemb, size_t size, int (*compar)(const void *, const void *));
""")
libc = ffi.dlopen(None)
print("strlen", libc.strlen(b"frozen python"), libc.abs(-42))
buf = ffi.new("char[64]")
n = libc.snprintf(buf, 64, b"%s=%d", ffi.new("char[]", b"answer"), ffi.cast("int", 42))
print("snprintf", n, ffi.string(buf))
p = ffi.new("pair_t *", {"x": 7, "y": 2.5})
print("struct", p.x, p.y, ffi.sizeof("pair_t"), ffi.typeof(p).cname)


@ffi.callback("int(const void *, const void *)")
def compare(a, b):
    x, y = ffi.cast("int *", a)[0], ffi.cast("int *", b)[0]
    return (x > y) - (x < y)


arr = ffi.new("int[]", [5, 3, 9, 1, 7])
libc.qsort(arr, len(arr), ffi.sizeof("int"), compare)
print("qsort", list(arr))
print("buffer", bytes(ffi.buffer(ffi.new("char[]", b"abc"), 3)))
named = ffi.dlopen(ctypes.util.find_library("c") or "libc.so.6")
print("named libc", named.strlen(b"four"))
ast = pycparser.CParser().parse("int f(int a) { return a + 1; }")
print("pycparser", type(ast.ext[0]).__name__, ast.ext[0].decl.name)
print("version", cffi.__version_info__ >= (1, 15), pycparser.__version__ >= "2")
