# joblib's default (loky) process pool, and scikit-learn's n_jobs through it: the workers and
# loky's resource tracker are started by re-executing sys.executable as python3
# (-m joblib.externals.loky.backend.popen_loky_posix, -c "...resource_tracker import main...").
from joblib import Parallel, delayed
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score


def square(x):
    return x * x


if __name__ == "__main__":
    print("loky", Parallel(n_jobs=2)(delayed(square)(i) for i in range(6)))
    print("pow", Parallel(n_jobs=2)(delayed(pow)(i, 3) for i in range(4)))
    X, y = load_iris(return_X_y=True)
    scores = cross_val_score(LogisticRegression(max_iter=500), X, y, cv=3, n_jobs=2)
    print("cv", len(scores), bool((scores > 0.8).all()))
