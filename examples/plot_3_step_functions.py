"""
From sigmoids to step functions
===============================

A logistic unit ``sigma(w x + b)`` of the first hidden layer is a soft step
at the threshold ``x = -b / w``; the larger ``|w|``, the sharper the step.
Replace every hidden unit by its hard 0/1 step and a network of ``k`` units
on a 1-D input becomes a piecewise-constant function with at most ``k + 1``
pieces, jumping at the thresholds. This example follows one network of 10
units on a damped sine through the lesson:

1. the plain limit (``predict_step``) fails badly;
2. why: the output weights, tuned for smooth units, cancel each other;
3. refitting the output layer on the step codes fixes most of it;
4. moving the thresholds as well gets close to
5. the best piecewise-constant fit with 10 jumps, computed exactly.

Each step prints its R^2. At the end we see why the fit is good on one side
of the data only.
"""

# %%
# The damped sine and a network of 10 units
# -----------------------------------------
# ``y = sin(3x) exp(-x/8)`` on ``[-10, 10)``, 200 points, no noise. Adam,
# learning rate 0.01, full batches (``batch_size="auto"`` is 200 here), a fixed
# 5000 steps (``n_iter_no_change=5000`` switches off the early stop: the loss
# falls slowly, in steps, and would trigger it long before the end).
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.frozen import FrozenEstimator
from sklearn.metrics import r2_score

from skorchlite import SigmoidMLPRegressor, StepFunctionRegressor
from skorchlite.datasets import make_damped_sine
from skorchlite.plotting import StepFunctionDisplay

# 5000 steps is a fixed budget, shorter than full convergence: the
# ConvergenceWarning that says so is expected here.
warnings.filterwarnings("ignore", category=ConvergenceWarning)

X, y = make_damped_sine()
x = X.ravel()


def fit_network(X, y):
    return SigmoidMLPRegressor((10,), learning_rate_init=1e-2, max_iter=5000,
                               n_iter_no_change=5000, random_state=0, device="cpu").fit(X, y)


net = fit_network(X, y)
print(f"R^2 of the smooth fit:                                  {net.score(X, y):7.3f}")

# %%
# 1. The plain limit
# ------------------
# ``predict_step`` replaces every unit by its step and keeps the output layer.
# ``StepFunctionRegressor(..., refit="none")`` is the same network as an
# estimator of its own; ``FrozenEstimator`` hands it the network already
# fitted.
plain = StepFunctionRegressor(FrozenEstimator(net), refit="none").fit(X, y)
assert np.allclose(plain.predict(X), net.predict_step(X))
print(f"R^2 of the plain step limit (predict_step):             {plain.score(X, y):7.3f}")

# %%
# 2. Why the plain limit fails: output weights that cancel
# ---------------------------------------------------------
# The fit is the output bias plus each unit's contribution ``v_i sigma(w_i x
# + b_i)``. On the left, these contributions (thin lines; ``HiddenUnitsDisplay``
# with ``scaled=True`` draws them too): several are far larger than the data (up to about 13, where
# the data stay within 3.5), and they come in pairs of opposite sign whose
# *soft* edges overlap, so their sum is a bump of the right size. On the right,
# the same contributions with hard steps: each pair now adds up to a box of
# the full height of one contribution, and the sum (orange) misses the data by
# as much. Two units are nearly flat (``|w|`` about 0.02) and serve as a
# constant: at an activation of about 0.8 the step rounds them to 1, which
# shifts the whole right half of the step fit down.
slopes, out_weights = net.coefs_[0].ravel(), net.coefs_[1].ravel()
thresholds = -net.intercepts_[0] / slopes
print("\nunit  threshold     |w|  output weight v")
for i in np.argsort(thresholds):
    print(f"{i:4d} {thresholds[i]:10.2f} {abs(slopes[i]):7.2f} {out_weights[i]:16.2f}")
steps = net.hidden_activations(X, step=True)[0]
print(f"largest |contribution| of one unit: {np.abs(out_weights).max():.1f}; "
      f"largest |y|: {np.abs(y).max():.1f}")
# sigma(w x + b) goes from 0.1 to 0.9 over a length 2 ln(9) / |w| of x
print(f"x-length over which a unit of median |w| switches from 0.1 to 0.9: "
      f"{2 * np.log(9) / np.median(np.abs(slopes)):.2f} "
      f"(half-period of sin(3x): {np.pi / 3:.2f})")

fig, (ax_soft, ax_hard) = plt.subplots(1, 2, figsize=(13, 4.5), layout="constrained",
                                       sharey=True)
soft = net.hidden_activations(X)[0]
for i in range(len(out_weights)):
    ax_soft.plot(x, out_weights[i] * soft[:, i], linewidth=1, alpha=0.7)
    ax_hard.plot(x, out_weights[i] * steps[:, i], drawstyle="steps-mid", linewidth=1,
                 alpha=0.7)
ax_soft.scatter(x, y, s=8, color="0.55", label="data")
ax_soft.plot(x, net.predict(X), color="black", linewidth=2, label="sum + bias: the fit")
ax_soft.set(xlabel="x", ylabel="y; unit x output weight",
            title="smooth units times their output weights (thin lines)")
ax_soft.legend(fontsize="small", loc="lower left")
ax_hard.scatter(x, y, s=8, color="0.55", label="data")
ax_hard.plot(x, net.predict_step(X), color="C1", linewidth=2, drawstyle="steps-mid",
             label="sum + bias: the plain limit")
ax_hard.set(xlabel="x", title="the same units as hard steps: the cancellation breaks")
ax_hard.legend(fontsize="small")
plt.show()

# %%
# 3. Refit the output layer
# -------------------------
# Keep every unit's threshold, throw away the output weights and fit them
# again, now for steps: a least-squares problem on the units' 0/1 codes (with
# the network's own L2 penalty ``alpha``), solved exactly. This is
# ``refit="output"``, the default.
output = StepFunctionRegressor(FrozenEstimator(net), refit="output").fit(X, y)
print(f"\nR^2 with the output layer refitted (refit='output'):    {output.score(X, y):7.3f}")
print(f"largest |output weight| after the refit: {np.abs(output.coefs_[1]).max():.1f}")

# %%
# 4. Move the thresholds
# ----------------------
# The thresholds were placed for soft units. ``refit="thresholds"`` moves each
# unit's threshold (its bias, the weight fixed) to wherever the training
# loss is lowest, refitting the output layer at each move, unit after unit,
# until no move helps. Every position between two data points is tried at
# once, so this takes a fraction of a second.
moved = StepFunctionRegressor(FrozenEstimator(net), refit="thresholds").fit(X, y)
print(f"R^2 with the thresholds moved (refit='thresholds'):     {moved.score(X, y):7.3f}")
print(f"thresholds: {np.round(moved.thresholds_, 2)}")

# %%
# 5. The optimum
# --------------
# How good can any piecewise-constant function with 10 jumps be? Dynamic
# programming answers exactly: ``best[p][j]``, the smallest squared error of
# the first ``j`` points (sorted by x) in ``p + 1`` constant pieces, is the
# minimum over ``i`` of ``best[p - 1][i]`` plus the error of one constant on
# points ``i..j-1``. No network of 10 step units on this input can do better.


def best_piecewise_constant(x, y, n_jumps):
    """Smallest SSE and the fit of a piecewise-constant y(x) with n_jumps jumps."""
    order = np.argsort(x)
    ys = y[order]
    s1, s2 = (np.concatenate([[0.0], np.cumsum(v)]) for v in (ys, ys ** 2))
    n = len(ys)
    i, j = np.triu_indices(n + 1, 1)  # one piece on the sorted points i..j-1
    cost = np.full((n + 1, n + 1), np.inf)
    cost[i, j] = s2[j] - s2[i] - (s1[j] - s1[i]) ** 2 / (j - i)
    best, starts = [cost[0]], []
    for _ in range(n_jumps):
        total = best[-1][:, None] + cost
        starts.append(np.argmin(total, axis=0))
        best.append(total[starts[-1], np.arange(n + 1)])
    fit, end = np.empty(n), n  # walk back through the pieces
    for start_of in reversed([None, *starts]):
        start = 0 if start_of is None else start_of[end]
        fit[start:end] = (s1[end] - s1[start]) / (end - start)
        end = start
    return best[-1][n], fit[np.argsort(order)]


sse, y_best = best_piecewise_constant(x, y, n_jumps=10)
print(f"R^2 of the best piecewise-constant fit with 10 jumps:  {r2_score(y, y_best):7.3f}")

# %%
# The whole passage in one figure
# --------------------------------
# ``StepFunctionDisplay`` draws the smooth fit (black), the plain limit
# (orange, dashed; it leaves the axes), the step network with moved
# thresholds (red) and its thresholds (dotted). With ``sharpness=(1, 4, 16,
# inf)`` it also draws the network whose units are ``sigma(s (w x + b))``,
# output layer refitted for each ``s``: from light green (``s = 1``, close to
# the smooth fit) to dark (the steps). On the right, the step network against
# the optimum: the moved thresholds found nearly the best possible jumps.
fig, (ax_passage, ax_best) = plt.subplots(1, 2, figsize=(13, 4.5), layout="constrained",
                                          sharey=True)
StepFunctionDisplay.from_estimator(net, X, y, refit="thresholds",
                                   sharpness=(1, 4, 16, np.inf), ax=ax_passage)
ax_passage.set_title(f"smooth R^2 = {net.score(X, y):.2f}, plain limit "
                     f"{plain.score(X, y):.2f}, step network {moved.score(X, y):.2f}")
ax_best.scatter(x, y, s=8, color="0.55", label="data")
ax_best.plot(x, moved.predict(X), color="C3", linewidth=2, drawstyle="steps-mid",
             label=f"moved thresholds, R^2 = {moved.score(X, y):.3f}")
ax_best.plot(x, y_best, color="black", linewidth=1, linestyle="--", drawstyle="steps-mid",
             label=f"optimum with 10 jumps, R^2 = {r2_score(y, y_best):.3f}")
ax_best.set(xlabel="x", title="the step network against the optimum")
ax_best.legend(fontsize="small")
fig.suptitle("10 sigmoid units on y = sin(3x) exp(-x/8)")
plt.show()

# %%
# The step limit describes a network well only when its units are steep
# compared with the detail it fits; here they are not (the x-length printed
# above is longer than a half-period of the wave). Yet a network of steps
# that fits as well as any can is one line away, and its thresholds show where
# the 10 units are spent: all on the left half of the data.
#
# Why the left side fits better
# -----------------------------
# The amplitude of ``sin(3x) exp(-x/8)`` is ``exp(10/8)``, about 3.5, at
# ``x = -10`` and ``exp(-10/8)``, about 0.29, at ``x = 10``. The loss is the
# squared error in ``y``'s units, so a miss of half the amplitude costs about
# 150 times more on the far left than on the far right. Ten units cannot
# follow all 19 half-waves, and the loss tells the network where to spend
# them: on the big-amplitude side. Ignoring the right half entirely (predicting
# 0 there) costs only its sum of squares, about 18, against about 230 for the
# left half.
#
# To check that amplitude, not position, decides it, fit the mirrored function
# ``y(-x) = sin(-3x) exp(x/8)``, whose large amplitude is on the right, with
# the same network and seed. The well-fitted side should move to the right.
y_mirror = np.sin(-3 * x) * np.exp(x / 8)
net_mirror = fit_network(X, y_mirror)

left = x < 0
print(f"\n{'fit':>12} {'SSE left':>9} {'SSE right':>10} {'R^2 left':>9} {'R^2 right':>10}"
      f" {'sum y^2 left':>13} {'sum y^2 right':>14}")
fits = {"y(x)": (net, y), "y(-x)": (net_mirror, y_mirror)}
for name, (model, target) in fits.items():
    err = (model.predict(X) - target) ** 2
    r2_left = r2_score(target[left], model.predict(X[left]))
    r2_right = r2_score(target[~left], model.predict(X[~left]))
    print(f"{name:>12} {err[left].sum():>9.2f} {err[~left].sum():>10.2f} {r2_left:>9.3f}"
          f" {r2_right:>10.3f} {(target[left] ** 2).sum():>13.1f}"
          f" {(target[~left] ** 2).sum():>14.1f}")

# %%
# The table gives, for each half, the sum of squared errors (SSE), the R^2
# within that half, and the SSE of predicting 0 there (the sum of ``y^2``).
# The original fit explains about 90% of the left half's variance and none
# of the right half's: its SSE on the right equals that of predicting 0.
# The mirrored fit does the opposite. Note that the SSE alone does not say
# which side fits better: each side's error must be compared with its own
# scale, the sum of ``y^2``.
fig, axes = plt.subplots(2, 1, figsize=(11, 6.5), layout="constrained", sharex=True)
for ax, (name, (model, target)) in zip(axes, fits.items()):
    ax.axvspan(x.min(), 0, color="C0", alpha=0.06, label="left half, x < 0")
    ax.scatter(x, target, s=8, color="0.55", label="data")
    ax.plot(x, model.predict(X), color="black", linewidth=2, label="network fit")
    ax.plot(x, model.predict(X) - target, color="C3", linewidth=1, label="error")
    r2_left = r2_score(target[left], model.predict(X[left]))
    r2_right = r2_score(target[~left], model.predict(X[~left]))
    ax.set(ylabel="y", title=f"fitting {name}: R^2 on the left half {r2_left:.2f}, "
                             f"on the right half {r2_right:.2f}")
    ax.legend(fontsize="small", loc="upper right" if name == "y(x)" else "upper left")
axes[-1].set_xlabel("x")
plt.show()
