"""
Restarts and local minima
=========================

The loss of a neural network has many local minima: where training ends
depends on where it starts. skorchlite trains ``n_restarts`` independently
initialised networks and keeps the one with the lowest training loss. This
example looks at the minima of a tiny network, at what happens to training
and test error as the network grows, at how the units of a wider network
share the work, and at two other choices: the solver and the activation.
"""

# %%
# A small, noisy 1-D problem
# --------------------------
# 100 training and 100 test points, ``x`` drawn uniformly on ``[0, 13]``
# (different seeds for the two sets) and ``y = sin(x) exp(-x/8) + 0.3 noise``
# (its variance, 0.09, is the best test error any model can reach).
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import mean_squared_error

from skorchlite import SigmoidMLPRegressor
from skorchlite.plotting import HiddenUnitsDisplay, RestartsDisplay


def make_problem(seed, n_samples=100, noise=0.3):
    rng = np.random.RandomState(seed)
    x = rng.uniform(0, 13, n_samples)
    y = np.sin(x) * np.exp(-x / 8) + noise * rng.standard_normal(n_samples)
    return x.reshape(-1, 1), y


X_train, y_train = make_problem(seed=3)
X_test, y_test = make_problem(seed=103)
grid = np.linspace(0, 13, 400).reshape(-1, 1)
truth = np.sin(grid.ravel()) * np.exp(-grid.ravel() / 8)

# %%
# (a) Ten restarts of a 2-unit network
# ------------------------------------
# L-BFGS runs each restart until it converges, so each restart ends *in* a
# minimum, and restarts that fall into the same basin end with the same loss.
# Printed sorted and rounded, the ten final losses form a few plateaus: a few
# distinct minima, each found several times. The estimator keeps the lowest
# (the star in the left plot); its two units are drawn on the right.
two = SigmoidMLPRegressor((2,), solver="lbfgs", max_iter=1000, n_restarts=10,
                          random_state=0, device="cpu").fit(X_train, y_train)
print("sorted final losses of the 10 restarts:", np.round(np.sort(two.restart_losses_), 3))
print(f"kept restart: {two.best_restart_} (loss {two.loss_:.4f})")

fig, (ax_restarts, ax_units) = plt.subplots(1, 2, figsize=(12, 4.2), layout="constrained")
RestartsDisplay.from_estimator(two, ax=ax_restarts)
HiddenUnitsDisplay.from_estimator(two, X_train, y_train, ax=ax_units)
ax_units.set_title("the kept 2-unit network: fit and units")
plt.show()

# %%
# (b) Width, training error and test error
# ----------------------------------------
# Overfitting needs a network with more freedom than the data can pin down,
# and an optimiser that really uses it. So this part takes a smaller sample
# (30 training points, 100 test points, same target, noise 0.1, so the best
# possible test error is the noise variance, 0.01), networks of 1 to 100
# units, three restarts each, no weight penalty (``alpha=0``), and lets
# L-BFGS run to convergence: up to 20000 iterations and function evaluations,
# ``tol=1e-12``, so that it stops only when the loss no longer falls.
X_small, y_small = make_problem(seed=5, n_samples=30, noise=0.1)
X_small_test, y_small_test = make_problem(seed=105, noise=0.1)

widths = [1, 2, 3, 10, 50, 100]
nets, train_mse, test_mse = {}, [], []
print(f"\n{'units':>5} {'train MSE':>10} {'test MSE':>9} {'iterations':>11}")
for width in widths:
    net = SigmoidMLPRegressor((width,), solver="lbfgs", alpha=0, max_iter=20000, max_fun=20000,
                              tol=1e-12, n_restarts=3, random_state=0,
                              device="cpu").fit(X_small, y_small)
    nets[width] = net
    train_mse.append(mean_squared_error(y_small, net.predict(X_small)))
    test_mse.append(mean_squared_error(y_small_test, net.predict(X_small_test)))
    print(f"{width:>5} {train_mse[-1]:>10.4f} {test_mse[-1]:>9.4f} {net.n_iter_:>11}")
print(f"training x from {X_small.min():.2f} to {X_small.max():.2f}; "
      f"{np.sum(X_small_test < X_small.min())} test points lie left of the first training point")

fig, axes = plt.subplots(1, 4, figsize=(16, 3.8), layout="constrained")
axes[0].plot(widths, train_mse, "o-", label="training")
axes[0].plot(widths, test_mse, "s-", label="test")
axes[0].axhline(0.01, color="0.5", linestyle=":", label="noise variance")
axes[0].set(xscale="log", yscale="log", xlabel="hidden units", ylabel="mean squared error",
            title="error against width (log scales)")
axes[0].legend(fontsize="small")
for ax, width in zip(axes[1:], [3, 10, 100]):
    ax.scatter(X_small, y_small, s=12, color="0.3", label="training data", zorder=3)
    ax.scatter(X_small_test, y_small_test, s=8, color="C1", alpha=0.5, label="test data")
    ax.plot(grid, truth, color="C0", linestyle="--", label="noiseless target")
    ax.plot(grid, nets[width].predict(grid), color="black", label="network fit")
    ax.axvspan(0, X_small.min(), color="0.9", zorder=0, label="no training data")
    ax.set(xlabel="x", ylabel="y", title=f"{width} units (y axis: the whole fit)")
axes[1].legend(fontsize="x-small", loc="lower right")
plt.show()

# %%
# Look at the numbers and the fits: the training error falls with the width
# and ends well below the noise variance (the wide networks fit the noise),
# while the test error is lowest at 3 units and then grows by more than two
# orders of magnitude (note the log scale). 3 units follow the target
# everywhere; 10 units follow the data but dive to -3 in the grey gap left of
# the first training point; 50 and 100 units fit the noise and, in that gap,
# where no data holds them, swing far outside the range of ``y`` (the last
# panel is not clipped: this is the whole 100-unit curve). Most of their test
# error comes from the few test points in the gap: a network with more
# freedom than data is only as good as the data around the point it is asked
# about.
#
# (c) A distributed representation
# --------------------------------
# Back to the 100 noisy points: a 10-unit network (L-BFGS, three restarts,
# ``alpha=0``) and each of its units multiplied by its output weight: the
# curves add up to the fit (minus the output bias). The units have their own
# scale on the right: ten times that of ``y`` on the left. No unit is "the
# first peak" or "the second trough": large contributions of opposite sign
# cancel almost everywhere, and each feature of the fit is made by several
# units at once. The printed output weights are much larger than ``y``
# itself. A few units are flat: saturated over the whole range, they act as
# constants.
ten = SigmoidMLPRegressor((10,), solver="lbfgs", alpha=0, max_iter=2500, tol=1e-10,
                          n_restarts=3, random_state=0, device="cpu").fit(X_train, y_train)
print("\noutput weights of the 10-unit network:", np.round(np.sort(ten.coefs_[1].ravel()), 1))
print(f"output bias: {ten.intercepts_[1][0]:.2f}")
disp = HiddenUnitsDisplay.from_estimator(ten, X_train, y_train, scaled=True, linewidth=1)
disp.ax_.legend(handles=[disp.data_scatter_, disp.fit_line_, *disp.lines_],
                fontsize="x-small", ncol=3, loc="lower right")
disp.figure_.set_size_inches(9, 5)
plt.show()

# %%
# (d) Adam against L-BFGS
# -----------------------
# The same 10-unit network, one restart, no weight penalty, trained by
# L-BFGS and by Adam (learning rate 0.01, full batches of 100, a fixed 3000
# epochs). On a small data set L-BFGS, which uses curvature information from
# all the data at each step, reaches a lower loss in fewer iterations.
# Adam uses its whole fixed budget and warns that it has not converged: expected.
warnings.filterwarnings("ignore", category=ConvergenceWarning)
solvers = {
    "lbfgs": dict(solver="lbfgs", max_iter=3000, tol=1e-10),
    "adam": dict(solver="adam", learning_rate_init=0.01, max_iter=3000, n_iter_no_change=3000),
}
print(f"\n{'solver':>6} {'final loss':>11} {'iterations':>11} {'seconds':>8}")
solver_fits = {}
for name, params in solvers.items():
    start = time.perf_counter()
    net = SigmoidMLPRegressor((10,), alpha=0, random_state=0, device="cpu",
                              **params).fit(X_train, y_train)
    seconds = time.perf_counter() - start
    solver_fits[name] = net
    print(f"{name:>6} {net.loss_:>11.4f} {net.n_iter_:>11} {seconds:>8.2f}")

# %%
# (e) ReLU units: a piecewise-linear fit
# --------------------------------------
# With ``activation="relu"`` each unit is ``max(0, w . a + b)``, so every
# layer, and the whole network, is piecewise linear in ``x``: the fit is a
# chain of straight segments joined at kinks (compare with the smooth
# sigmoid fits above). Three hidden layers of 4, 5 and 6 units, L-BFGS, five
# restarts.
relu = SigmoidMLPRegressor((4, 5, 6), activation="relu", solver="lbfgs", max_iter=3000,
                           n_restarts=5, random_state=0, device="cpu").fit(X_train, y_train)
print(f"\nReLU (4, 5, 6): R^2 training {relu.score(X_train, y_train):.3f}, "
      f"test {relu.score(X_test, y_test):.3f}")
print(f"sigmoid (10,):  R^2 training {ten.score(X_train, y_train):.3f}, "
      f"test {ten.score(X_test, y_test):.3f}")

fig, (ax_curves, ax_relu) = plt.subplots(1, 2, figsize=(13, 4.2), layout="constrained")
for name, net in solver_fits.items():
    ax_curves.plot(np.arange(1, len(net.loss_curve_) + 1), net.loss_curve_, label=name)
ax_curves.set(xscale="log", yscale="log", xlabel="iteration (L-BFGS), epoch (Adam)",
              ylabel="training loss",
              title="(d) 10 units: L-BFGS against Adam")
ax_curves.legend()
ax_relu.scatter(X_train, y_train, s=8, color="0.55", label="training data")
ax_relu.plot(grid, truth, color="C0", linestyle="--", label="noiseless target")
ax_relu.plot(grid, relu.predict(grid), color="black", label="ReLU (4, 5, 6) fit")
ax_relu.set(xlabel="x", ylabel="y", title=f"(e) ReLU fit: R^2 = {relu.score(X_train, y_train):.2f}"
            " (training)")
ax_relu.legend(fontsize="small")
plt.show()
