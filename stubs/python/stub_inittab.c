/* stub_inittab.c - the built-in modules of the stub: Debian's Modules/config.c without the
 * modules that `make` links as separate extension modules instead (unicodedata, pyexpat with
 * expat, _elementtree: 1.4 MB the payload carries only for programs that import them) and the
 * test module xxsubtype. Defining _PyImport_Inittab here keeps config.o out of the link. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#define INIT(name) extern PyObject *PyInit_##name(void);
#define MODULES(X)                                                                          \
    X(_abc) X(_bisect) X(_blake2) X(_codecs) X(_collections) X(_csv) X(_datetime)           \
    X(_functools) X(_heapq) X(_io) X(_locale) X(_md5) X(_opcode) X(_operator) X(_pickle)    \
    X(_posixsubprocess) X(_random) X(_sha1) X(_sha256) X(_sha3) X(_sha512) X(_signal)      \
    X(_socket) X(_sre) X(_stat) X(_statistics) X(_struct) X(_symtable) X(_thread)          \
    X(_tracemalloc) X(_weakref) X(array) X(atexit) X(binascii) X(cmath) X(errno)           \
    X(faulthandler) X(fcntl) X(grp) X(itertools) X(math) X(posix) X(pwd) X(select)         \
    X(spwd) X(syslog) X(time) X(zlib)
MODULES(INIT)
extern PyObject *PyInit__imp(void);
extern PyObject *PyInit__ast(void);
extern PyObject *PyInit__tokenize(void);
extern PyObject *PyInit_gc(void);
extern PyObject *PyInit__string(void);
extern PyObject *PyMarshal_Init(void);
extern PyObject *_PyWarnings_Init(void);

#define ROW(name) {#name, PyInit_##name},
struct _inittab _PyImport_Inittab[] = {
    MODULES(ROW)
    {"marshal", PyMarshal_Init},
    {"_imp", PyInit__imp},
    {"_ast", PyInit__ast},
    {"_tokenize", PyInit__tokenize},
    {"builtins", NULL},
    {"sys", NULL},
    {"gc", PyInit_gc},
    {"_warnings", _PyWarnings_Init},
    {"_string", PyInit__string},
    {NULL, NULL},
};
