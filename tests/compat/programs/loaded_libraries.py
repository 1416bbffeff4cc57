# The loaded libraries as the process lists them: /proc/self/maps and dl_iterate_phdr name
# numpy.libs' OpenBLAS by its file name, and that path dlopens (RTLD_NOLOAD) to the loaded
# copy, whose thread count can then be set: what threadpoolctl does for scikit-learn.
import ctypes
import os
import re

import numpy as np

maps = open("/proc/self/maps").read()
paths = sorted({p for p in re.findall(r" (/[^\n]+\.so[^\n/]*)\n", maps) if "openblas" in p})
print("maps", [os.path.basename(p) for p in paths])


class Info(ctypes.Structure):
    _fields_ = [("addr", ctypes.c_void_p), ("name", ctypes.c_char_p)]


names = []
callback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(Info), ctypes.c_size_t, ctypes.c_void_p)


def each(info, size, data):
    names.append((info.contents.name or b"").decode())
    return 0


ctypes.CDLL(None).dl_iterate_phdr(callback(each), None)
print("dl_iterate_phdr", sorted(os.path.basename(n) for n in names if "openblas" in n))
blas = ctypes.CDLL(paths[0], mode=os.RTLD_NOLOAD)
get = blas.scipy_openblas_get_num_threads64_
blas.scipy_openblas_set_num_threads64_(1)
print("threads", get())
print("same copy", os.path.exists(paths[0]), np.ones(3) @ np.ones(3))
