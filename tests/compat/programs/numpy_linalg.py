# numpy: array math, and LAPACK/BLAS (numpy.libs' OpenBLAS, libgfortran) through numpy.linalg.
import numpy as np

a = np.arange(12, dtype=np.float64).reshape(3, 4)
print("shape", a.shape, a.dtype, a.sum(), a.mean(axis=0).tolist())
print("broadcast", (a * np.array([1, 0, 2, 0])).sum(axis=1).tolist())
print("ufunc", np.round(np.sqrt(np.array([1.0, 4.0, 9.0])) + np.sin(0.0), 6).tolist())
m = np.array([[4.0, -2.0, 1.0], [-2.0, 4.0, -2.0], [1.0, -2.0, 4.0]])
inv = np.linalg.inv(m)
print("inv", np.allclose(m @ inv, np.eye(3)), np.round(inv, 6).tolist())
x = np.linalg.solve(m, np.array([11.0, -16.0, 17.0]))
print("solve", np.round(x, 9).tolist())
print("det", round(float(np.linalg.det(m)), 6))
w = np.linalg.eigvalsh(m)
print("eigvalsh", np.round(w, 6).tolist())
big = np.arange(250000, dtype=np.float64).reshape(500, 500) % 7
print("matmul", float((big @ big.T).trace()))
print("svd", np.round(np.linalg.svd(np.array([[3.0, 0.0], [4.0, 5.0]]), compute_uv=False), 6).tolist())
rng = np.random.default_rng(12345)
print("random", rng.integers(0, 100, size=5).tolist(), round(float(rng.standard_normal()), 6))
print("fft", np.round(np.abs(np.fft.fft(np.array([1.0, 0.0, -1.0, 0.0]))), 6).tolist())
s = np.array(["b", "a", "c"])
print("strings", np.sort(s).tolist(), np.char.upper(s).tolist())
rec = np.zeros(2, dtype=[("name", "U5"), ("v", "i4")])
rec["v"] = [3, 4]
print("structured", rec["v"].sum(), rec.dtype.names)
buf = np.frombuffer(np.array([1, 2, 3], dtype="<i2").tobytes(), dtype="<i2")
print("buffer", buf.tolist(), np.__version__)
