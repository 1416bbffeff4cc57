# scikit-learn: models fitted with numpy/scipy's BLAS and its own OpenMP (scikit_learn.libs'
# libgomp), and threadpoolctl, which finds those libraries by their file names in
# /proc/self/maps and limits their threads (what scikit-learn does around KMeans and others).
import numpy as np
from sklearn.cluster import KMeans
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_info, threadpool_limits

X = np.array([[0, 0], [1, 1], [0, 1], [5, 5], [6, 5], [5, 6]], dtype=float)
y = [0, 0, 0, 1, 1, 1]
model = make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y)
print("predict", model.predict([[0.5, 0.5], [5.5, 5.5]]).tolist())
labels = KMeans(n_clusters=2, n_init=3, random_state=0).fit(X).labels_
print("kmeans", sorted(np.bincount(labels).tolist()))
print("pools", sorted({(i["user_api"], i["internal_api"]) for i in threadpool_info()}))
with threadpool_limits(limits=1):
    print("limited", sorted({i["num_threads"] for i in threadpool_info()}))
