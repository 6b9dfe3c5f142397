"""
From sigmoids to step functions
===============================

A logistic unit ``sigma(w x + b)`` of the first hidden layer is a soft step
at the threshold ``x = -b / w``; the larger ``|w|``, the sharper the step.
Replacing every hidden unit by its hard 0/1 step (``predict_step``) turns a
network of ``k`` units on a 1-D input into a piecewise-constant function with
at most ``k + 1`` pieces, jumping at the thresholds. Here a network of 10
units fits a damped sine, we compare the smooth fit with its step-function
limit, and we see why the fit is good on one side only.
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
from sklearn.metrics import r2_score

from skorchlite import SigmoidMLPRegressor
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
y_smooth, y_step = net.predict(X), net.predict_step(X)

# the best piecewise-constant fit with the same jumps: least squares on the
# units' 0/1 step codes (plus a constant)
codes = np.column_stack([net.hidden_activations(X, step=True)[0], np.ones(len(x))])
y_refit = codes @ np.linalg.lstsq(codes, y, rcond=None)[0]

print(f"R^2 of the smooth fit:                           {r2_score(y, y_smooth):7.3f}")
print(f"R^2 of the step-function fit (predict_step):     {r2_score(y, y_step):7.3f}")
print(f"R^2 of the same steps, output weights refitted:  {r2_score(y, y_refit):7.3f}")
slopes, out_weights = np.abs(net.coefs_[0].ravel()), np.abs(net.coefs_[1].ravel())
print(f"input weights |w|: median {np.median(slopes):.2f}, max {slopes.max():.2f}; "
      f"output weights |v|: max {out_weights.max():.1f}")
# sigma(w x + b) goes from 0.1 to 0.9 over a length 2 ln(9) / |w| of x
print(f"x-length over which a unit of median |w| switches from 0.1 to 0.9: "
      f"{2 * np.log(9) / np.median(slopes):.2f} (half-period of sin(3x): {np.pi / 3:.2f})")

# %%
# The smooth fit and its step-function limit
# ------------------------------------------
# On the left, the network's fit (black), its step-function version (red) and
# the units' thresholds (dotted). The smooth fit follows the large left half
# of the wave (R^2 about 0.83 overall); the step version is much worse (a
# negative R^2: worse than predicting the mean). The reason is that these
# units are *not* close to steps: with input weights of about 3.7 (printed
# above), a unit needs about 1.2 along ``x`` to switch from 0.1 to 0.9, longer
# than a half-period of ``sin(3x)`` (about 1.05). The network builds each bump
# as the difference of two overlapping soft steps with large output weights
# (up to about 13); making the steps hard turns each such difference into a
# box of that full height (jumps of up to 13, where the data
# stay within 3.5). Two units are nearly flat (``|w|`` about 0.02) and serve as
# a constant: they sit at an activation of about 0.8, which the step rounds up
# to 1, and that shifts the whole step fit down on the right.
#
# On the right, the same thresholds with the output weights refitted for hard
# steps: the jumps sit in sensible places, and the best piecewise-constant
# function with those jumps is a coarse but honest fit of the left half. The
# step limit describes a network well only when its units are steep compared
# with the detail it fits.
fig, (ax_step, ax_refit) = plt.subplots(1, 2, figsize=(13, 4.5), layout="constrained",
                                        sharey=True)
StepFunctionDisplay.from_estimator(net, X, y, ax=ax_step)
ax_step.set_title(f"smooth fit R^2 = {r2_score(y, y_smooth):.2f}, "
                  f"step-function fit R^2 = {r2_score(y, y_step):.2f}")
ax_step.set_ylim(-6, 6)  # the step fit leaves the range of the data
ax_refit.scatter(x, y, s=8, color="0.55", label="data")
ax_refit.plot(x, y_refit, color="C3", drawstyle="steps-mid",
              label="steps, output weights refitted")
ax_refit.set(xlabel="x", ylabel="y",
             title=f"same jumps, refitted heights: R^2 = {r2_score(y, y_refit):.2f}")
ax_refit.legend(fontsize="small")
fig.suptitle("10 sigmoid units on y = sin(3x) exp(-x/8)")
plt.show()

# %%
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
