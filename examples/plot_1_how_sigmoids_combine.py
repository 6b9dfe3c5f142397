"""
How sigmoids combine
====================

A sigmoid unit of the first hidden layer is a soft step in ``x``: it switches
from 0 to 1 around its threshold ``-b / w``, and ``w`` sets how sharp the
switch is. The output of a regressor is a weighted sum of the last hidden
layer's units plus a bias, so a network of one hidden layer fits a curve as a
sum of soft steps. Here networks of growing width and depth fit a noisy sine,
and we look at every hidden unit.
"""

# %%
# The data and the networks
# -------------------------
# 629 points of ``sin(x) + 0.1 * noise`` on ``[0, 2 pi)``. The noise has
# variance 0.01, so the best possible loss (half the mean squared error) is
# about 0.005 and the best possible R^2 about 0.98.
#
# Every network is trained with minibatch SGD (learning rate 0.1, Nesterov
# momentum 0.9, batches of 64) for a fixed 300 epochs: ``n_iter_no_change=300``
# switches off the early stop, because the wide network sits on a plateau for
# a while before it leaves it (see the loss curves below). Three restarts per
# network guard against a bad initialisation; the best is kept.
#
# The table prints each network's final loss (for SGD, the mean loss over the
# last epoch, while the weights still move, so it ranks the networks only
# roughly as R^2 does) and its R^2 on the training data.
import time
import warnings

import matplotlib.pyplot as plt
from sklearn.exceptions import ConvergenceWarning

from skorchlite import SigmoidMLPRegressor
from skorchlite.datasets import make_noisy_sine
from skorchlite.plotting import HiddenUnitsDisplay, LossCurveDisplay

# 300 epochs is a fixed budget, shorter than full convergence: the
# ConvergenceWarning that says so is expected here.
warnings.filterwarnings("ignore", category=ConvergenceWarning)

X, y = make_noisy_sine(random_state=0)

architectures = [(1,), (2,), (16,), (2, 2), (4, 4), (8, 8, 8)]
networks = {}
start = time.perf_counter()
for sizes in architectures:
    networks[sizes] = SigmoidMLPRegressor(
        sizes, solver="sgd", learning_rate_init=0.1, batch_size=64, max_iter=300,
        n_iter_no_change=300, n_restarts=3, random_state=0, device="cpu",
    ).fit(X, y)
print(f"6 architectures x 3 restarts trained in {time.perf_counter() - start:.1f} s\n")

print(f"{'hidden layers':>14} {'weights':>8} {'final loss':>11} {'R^2':>6}")
for sizes, net in networks.items():
    n_weights = sum(W.size + b.size for W, b in zip(net.coefs_, net.intercepts_))
    print(f"{str(sizes):>14} {n_weights:>8} {net.loss_:>11.4f} {net.score(X, y):>6.3f}")

# %%
# One hidden layer: a sum of soft steps
# -------------------------------------
# The top row shows the networks of one hidden layer: the data (grey), the fit
# (black) and each unit's activation (coloured, right-hand axis, 0 to 1).
#
# * **1 unit**: one soft step can only go up once (or down once), so the fit is
#   a single sigmoid: it follows the falling half of the sine and misses the
#   rest (R^2 about 0.86).
# * **2 units**: one steep unit switches on at ``x = 3`` and, with a negative
#   output weight, makes the fall; the other is so shallow that it acts as a
#   gentle ramp and tilts the curve upwards. Ramp plus step: the fit rises,
#   falls and rises again, roughly (R^2 about 0.95).
# * **16 units**: the fit follows the sine to the noise level (R^2 about
#   0.97). Only a few units are steep and placed where the sine bends; about
#   ten shallow, nearly identical units together act as one ramp. Sixteen
#   units are more than this problem needs.
#
# Deeper networks: units of units
# -------------------------------
# The middle row shows the *first* hidden layer of the deep networks, the
# bottom row their *last* hidden layer (the one the output sums). First-layer
# units are always monotone soft steps in ``x``; a unit of a later layer is a
# sigmoid of a sum of such steps, so it can already dip and rise again: see
# the orange unit of the last layer of ``(2, 2)``, and most units of the last
# layer of ``(8, 8, 8)``. Depth buys shape per unit; width buys more units.


def units_panel(net, layer, ax, title):
    disp = HiddenUnitsDisplay.from_estimator(net, X, y, layer=layer, ax=ax)
    if len(disp.lines_) > 4:  # a legend of 8 or 16 units hides the plot
        disp.ax_.get_legend().remove()
    else:  # a compact legend of the data, the fit and the units
        handles, labels = (sum(pair, []) for pair in zip(
            disp.ax_.get_legend_handles_labels(), disp.ax_units_.get_legend_handles_labels()))
        disp.ax_.legend(handles, labels, fontsize="x-small", framealpha=0.85,
                        loc="lower left")
    disp.ax_units_.set_ylim(-0.05, 1.05)
    ax.set_title(title, fontsize="medium")
    return disp


fig, axes = plt.subplots(3, 3, figsize=(13, 11), layout="constrained")
for ax, sizes in zip(axes[0], [(1,), (2,), (16,)]):
    net = networks[sizes]
    units_panel(net, 0, ax, f"{sizes}: R^2 = {net.score(X, y):.3f}")
for ax_first, ax_last, sizes in zip(axes[1], axes[2], [(2, 2), (4, 4), (8, 8, 8)]):
    net = networks[sizes]
    last = len(sizes) - 1
    units_panel(net, 0, ax_first, f"{sizes}: first hidden layer (layer 0)")
    units_panel(net, last, ax_last,
                f"{sizes}: last hidden layer (layer {last}), R^2 = {net.score(X, y):.3f}")
fig.suptitle("Fits of a noisy sine and the activations of their hidden units")
plt.show()

# %%
# Loss curves
# -----------
# The loss (half the mean squared error, averaged over each epoch) of every
# restart, on a log scale; the kept restart is highlighted. Look for:
#
# * the plateau near 0.1 of the 16-unit network during its first tens of
#   epochs: many small, nearly identical units must first break their symmetry;
# * the one-unit network stopping at about 0.036, far above the noise floor of
#   0.005, however long it trains: too few units, not too few epochs;
# * restarts of the same architecture ending at different losses (the 2-unit
#   and (8, 8, 8) networks): this is why several restarts are trained.
fig, axes = plt.subplots(2, 3, figsize=(13, 7), layout="constrained", sharey=True)
for ax, (sizes, net) in zip(axes.ravel(), networks.items()):
    LossCurveDisplay.from_estimator(net, ax=ax)
    ax.axhline(0.005, color="0.4", linestyle=":", linewidth=1)
    ax.set_title(f"{sizes}: final loss {net.loss_:.4f}", fontsize="medium")
    ax.label_outer()
axes[0, 0].text(5, 0.0055, "noise floor 0.005", fontsize="small", color="0.3")
fig.suptitle("Training loss of every restart (SGD, 300 epochs)")
plt.show()
