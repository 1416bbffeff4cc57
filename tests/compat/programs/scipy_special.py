# scipy: special functions, LAPACK through scipy.linalg, optimize and integrate (Fortran).
import numpy as np
from scipy import integrate, linalg, optimize, sparse, special, stats

print("gamma", special.gamma(5), round(float(special.erf(0.5)), 9), round(float(special.jv(0, 1.0)), 9))
a = np.array([[2.0, 1.0], [1.0, 3.0]])
print("solve", np.round(linalg.solve(a, np.array([3.0, 5.0])), 9).tolist())
lu, piv = linalg.lu_factor(a)
print("lu", np.round(linalg.lu_solve((lu, piv), np.array([1.0, 2.0])), 9).tolist())
print("expm", np.round(linalg.expm(np.zeros((2, 2))), 9).tolist())
print("cholesky", np.round(linalg.cholesky(a, lower=True), 6).tolist())
res = optimize.minimize(lambda v: (v[0] - 1) ** 2 + (v[1] + 2) ** 2, x0=[0.0, 0.0], method="BFGS")
print("minimize", res.success, np.round(res.x, 4).tolist())
print("brentq", round(optimize.brentq(lambda x: x ** 3 - 2, 0, 2), 9))
val, err = integrate.quad(np.sin, 0, np.pi)
print("quad", round(val, 9), err < 1e-9)
m = sparse.csr_matrix(np.array([[0, 1], [2, 0]]))
print("sparse", m.nnz, (m @ np.array([1, 1])).tolist())
print("norm", round(float(stats.norm.cdf(1.96)), 6))
