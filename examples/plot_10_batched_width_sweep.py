"""
A width sweep with restarts, all networks at once
=================================================

The classic experiment behind this library: fit the damped sine with 1, 2,
3, 5, 10, 20, 50 and 100 sigmoid units, several restarts each, and
cross-validate every width. With scikit-learn's
:class:`~sklearn.model_selection.GridSearchCV` that is 8 widths x 5 folds =
40 fits, one after the other, each training its restarts.
:class:`~skorchlite.model_selection.BatchedGridSearchCV` takes the same
estimator and grid, trains all 40 x 5 = 200 networks together in one padded
batched network (the narrow ones padded with zero weights that stay zero),
and hands each fit its result: the same ``cv_results_``, in a fraction of
the time.
"""

# %%
# The same search, twice
# ----------------------
import time

import matplotlib.pyplot as plt
import numpy as np
from sklearn.model_selection import GridSearchCV, KFold

from skorchlite import SigmoidMLPRegressor
from skorchlite.datasets import make_damped_sine
from skorchlite.model_selection import BatchedGridSearchCV

X, y = make_damped_sine(noise=0.1, random_state=0)
X, y = X[::2] / 10, y[::2]  # 100 points, x scaled to [-1, 1)

estimator = SigmoidMLPRegressor(n_restarts=5, max_iter=300, learning_rate_init=0.02,
                                random_state=0, device="cpu")
grid = {"hidden_layer_sizes": [(1,), (2,), (3,), (5,), (10,), (20,), (50,), (100,)]}
cv = KFold(5, shuffle=True, random_state=0)

start = time.perf_counter()
batched = BatchedGridSearchCV(estimator, grid, cv=cv, return_train_score=True).fit(X, y)
batched_time = time.perf_counter() - start

start = time.perf_counter()
reference = GridSearchCV(estimator, grid, cv=cv, return_train_score=True).fit(X, y)
reference_time = time.perf_counter() - start

difference = np.abs(batched.cv_results_["mean_test_score"]
                    - reference.cv_results_["mean_test_score"]).max()
print(f"BatchedGridSearchCV: {batched_time:.2f} s, GridSearchCV: {reference_time:.2f} s "
      f"({batched_time / reference_time:.2f} x)")
print(f"largest difference of the mean test R^2: {difference:.1e}")
print(f"best width: {batched.best_params_['hidden_layer_sizes']}, "
      f"same as GridSearchCV's: {batched.best_params_ == reference.best_params_}")

# %%
# Training and validation R² by width
# -----------------------------------
# Each point is the mean over the 5 folds of the kept (best) restart's R².
# A single unit cannot follow the oscillations; a few units suffice for the
# training points, and the validation score says where more units stop
# helping.
results = batched.cv_results_
widths = [w[0] for w in results["param_hidden_layer_sizes"]]
fig, ax = plt.subplots(figsize=(6, 4))
for kind, style in [("train", "o--"), ("test", "s-")]:
    ax.errorbar(widths, results[f"mean_{kind}_score"], yerr=results[f"std_{kind}_score"],
                fmt=style, capsize=3, label="training" if kind == "train" else "validation")
ax.set_xscale("log")
ax.set_xlabel("hidden units")
ax.set_ylabel("R² (mean over 5 folds)")
ax.set_title("Damped sine: width sweep, 5 restarts each")
ax.legend()
for width, score in zip(widths, results["mean_test_score"]):
    print(f"width {width:3d}: mean validation R^2 = {score:.3f}")
plt.show()
