"""
A width sweep with restarts, all networks at once
=================================================

The classic experiment behind this library: fit a noisy curve with 1, 2,
3, 5, 10, 20, 50 and 100 sigmoid units, several restarts each (the seed
notebook trains every width 1 to 100 with 10 restarts), and cross-validate
every width. With scikit-learn's
:class:`~sklearn.model_selection.GridSearchCV` that is 8 widths x 5 folds =
40 fits, one after the other, each training its restarts.
:class:`~skorchlite.model_selection.BatchedGridSearchCV` takes the same
estimator and grid, trains all 40 x 3 = 120 networks (and the final refit)
together in a few padded batched networks (the narrow ones padded with zero
weights that stay zero), and hands each fit its result: the same
``cv_results_``, in a fraction of the time.
"""

# %%
# The same search, twice
# ----------------------
import time

import matplotlib.pyplot as plt
import numpy as np
from sklearn.model_selection import GridSearchCV, KFold

from skorchlite import SigmoidMLPRegressor
from skorchlite.datasets import make_noisy_sine
from skorchlite.model_selection import BatchedGridSearchCV

X, y = make_noisy_sine(noise=0.2, random_state=0)
X, y = X[::6], y[::6]  # 105 points of one period

estimator = SigmoidMLPRegressor(n_restarts=3, max_iter=100, learning_rate_init=0.1,
                                batch_size=35, random_state=0, device="cpu")
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
# One unit gives a single step, two or three follow the sine; with this
# budget of epochs the widest networks do not improve on a handful of units.
results = batched.cv_results_
widths = [w[0] for w in results["param_hidden_layer_sizes"]]
fig, ax = plt.subplots(figsize=(6, 4))
for kind, style in [("train", "o--"), ("test", "s-")]:
    ax.errorbar(widths, results[f"mean_{kind}_score"], yerr=results[f"std_{kind}_score"],
                fmt=style, capsize=3, label="training" if kind == "train" else "validation")
ax.set_xscale("log")
ax.set_xlabel("hidden units")
ax.set_ylabel("R² (mean over 5 folds)")
ax.set_title("Noisy sine: width sweep, 3 restarts each")
ax.legend()
for width, score in zip(widths, results["mean_test_score"]):
    print(f"width {width:3d}: mean validation R^2 = {score:.3f}")
plt.show()
