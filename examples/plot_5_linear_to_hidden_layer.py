"""
From linear regression to a hidden layer
========================================

The smallest network has no hidden layer at all: with one input and one
output it computes a straight line :math:`\\hat y = w x + b`, and training
it is gradient descent on two numbers. We watch that descent over the loss
surface for three learning rates. Then one identity hidden unit, which is
still a line,

.. math::

    \\hat y = w_2 (w_1 x + b_1) + b_2 = (w_1 w_2)\\, x + (b_1 w_2 + b_2),

and finally ten relu units that fit a curve no line can, watched epoch by
epoch as an animation.
"""

# %%
# Gradient descent on a line
# --------------------------
# Ten noisy points near the line :math:`y = 0.5 x + 1` (``make_line``). With
# ``hidden_layer_sizes=()`` the network is a linear model; ``solver="sgd"``
# with ``momentum=0``, one batch of all ten points and no weight penalty makes
# every epoch one plain gradient-descent step on the loss
# :math:`L(w, b) = \\frac{1}{2n} \\sum_i (w x_i + b - y_i)^2`.
# A :class:`~skorchlite.callbacks.Snapshots` callback records ``(w, b)`` at
# every epoch. The three runs start from the same random weights.
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LinearRegression

from skorchlite import SigmoidMLPRegressor
from skorchlite.callbacks import Snapshots
from skorchlite.datasets import make_line, make_quadratic
from skorchlite.plotting import TrainingAnimation

# every run uses its whole fixed budget of epochs: no convergence is expected
warnings.filterwarnings("ignore", category=ConvergenceWarning)

X_line, y_line = make_line(random_state=0)
linreg = LinearRegression().fit(X_line, y_line)
x = X_line.ravel()


def loss(w, b):
    """Half the mean squared error of the line w x + b (broadcasts over w, b)."""
    residuals = np.multiply.outer(w, x) + np.expand_dims(b, -1) - y_line
    return 0.5 * np.mean(residuals**2, axis=-1)


runs = {1.0: 8, 0.1: 300, 0.01: 300}  # learning rate: epochs
paths = {}
for rate, epochs in runs.items():
    snapshots = Snapshots()
    SigmoidMLPRegressor(
        hidden_layer_sizes=(), solver="sgd", learning_rate_init=rate, momentum=0.0,
        batch_size=len(x), shuffle=False, alpha=0.0, max_iter=epochs,
        n_iter_no_change=epochs, random_state=0, device="cpu",
    ).set_callbacks(snapshots).fit(X_line, y_line)
    paths[rate] = (snapshots.coefs_[0][0][:, 0, 0], snapshots.intercepts_[0][0][:, 0])

best = (linreg.coef_[0], linreg.intercept_)
print(f"least squares (LinearRegression): w = {best[0]:.4f}, b = {best[1]:.4f}, "
      f"loss {loss(*best):.5f}")
print(f"{'rate':>5} {'epochs':>6} {'w':>12} {'b':>12} {'loss':>12}")
for rate, (w, b) in paths.items():
    print(f"{rate:>5} {len(w) - 1:>6} {w[-1]:>12.4g} {b[-1]:>12.4g} {loss(w[-1], b[-1]):>12.4g}")
xx = np.column_stack([np.ones_like(x), x])
curvature = np.linalg.eigvalsh(xx.T @ xx / len(x))
print(f"curvature of the loss (eigenvalues of its Hessian): {curvature.round(4)}")

# %%
# The loss is a bowl in ``(w, b)``, but a long and narrow one: its curvature
# is 150 times larger across the valley than along it (the printed
# eigenvalues), because ``x`` lies between 2 and 5, far from 0, so ``w`` and
# ``b`` can trade off against each other. Gradient descent is stable only if
# the learning rate is below 2 / (largest curvature), about 0.18 here.
#
# - **Learning rate 1** is above that limit: each step overshoots the valley
#   by more than it corrects, and the weights grow tenfold per epoch
#   (after 8 epochs ``w`` is in the tens of millions, and skorchlite warns
#   that the fit diverged). Its panel is zoomed out: the second step already
#   leaves it.
# - **Learning rate 0.1** jumps into the valley in one step, then crawls
#   along its flat floor: 300 epochs bring it close to the least-squares
#   line, not onto it.
# - **Learning rate 0.01** takes about 50 epochs to reach the valley floor
#   and has gone only a short way along it after 300.
def contours(ax, w_range, b_range):
    """The loss surface as log-spaced contour lines over the given ranges."""
    w_grid, b_grid = np.meshgrid(np.linspace(*w_range, 201), np.linspace(*b_range, 201))
    surface = loss(w_grid, b_grid)
    ax.contour(w_grid, b_grid, surface, cmap="viridis_r", linewidths=0.8,
               levels=np.geomspace(loss(*best) * 1.05, surface.max(), 15))
    ax.set(xlim=w_range, ylim=b_range, xlabel="w (slope)", ylabel="b (intercept)")


fig, axes = plt.subplots(1, 4, figsize=(17, 4.2), layout="constrained")
for ax, (rate, (w, b)) in zip(axes, paths.items()):
    if rate == 1.0:  # a wider view: the first steps, then the path leaves the plot
        contours(ax, (-8, 8), (-4, 5))
        w, b = w[:3], b[:3]
    else:
        contours(ax, (-0.5, 1.5), (-0.5, 2.5))
    ax.plot(w, b, "o-", color="C3", markersize=3, linewidth=1, label="gradient descent")
    ax.plot(w[0], b[0], "s", color="k", label="start")
    ax.plot(*best, "*", color="C1", markersize=14, label="least squares")
    ax.set_title(f"learning rate {rate}: {len(paths[rate][0]) - 1} epochs")
axes[0].annotate(f"epoch 2: ({paths[1.0][0][2]:.0f}, {paths[1.0][1][2]:.0f})",
                 xy=(-8, -4), xytext=(-7.5, -3.3), fontsize="small", color="C3")
axes[0].legend(loc="upper right", fontsize="small")
for rate, (w, b) in paths.items():
    axes[3].plot(np.arange(len(w)), loss(w, b), label=f"learning rate {rate}")
axes[3].axhline(loss(*best), color="C1", linestyle=":", label="least squares")
axes[3].set(yscale="log", ylim=(0.01, 1e4), xlabel="epoch",
            ylabel="loss", title="loss after each epoch")
axes[3].legend(fontsize="small")
plt.show()

# %%
# An identity network is a linear regression
# -------------------------------------------
# The same ten points, now with one hidden unit whose activation is the
# identity: the network is still a line. ``alpha=0`` removes
# the weight penalty (it would pull the network away from least squares) and
# a small ``tol`` lets L-BFGS run until the gradient is tiny.
net = SigmoidMLPRegressor(
    hidden_layer_sizes=(1,), activation="identity", solver="lbfgs", alpha=0.0,
    tol=1e-10, max_iter=1000, random_state=0, device="cpu",
).fit(X_line, y_line)

# %%
# Multiply the weights through the two layers to read off the network's line.
# ``coefs_[0]`` is the (1, 1) input-to-hidden weight :math:`w_1`,
# ``coefs_[1]`` the (1, 1) hidden-to-output weight :math:`w_2`.
w1, w2 = net.coefs_[0][0, 0], net.coefs_[1][0, 0]
b1, b2 = net.intercepts_[0][0], net.intercepts_[1][0]
net_slope = w1 * w2
net_intercept = b1 * w2 + b2

print(f"{'':18s}{'slope':>10s}{'intercept':>12s}")
print(f"{'LinearRegression':18s}{linreg.coef_[0]:10.6f}{linreg.intercept_:12.6f}")
print(f"{'identity network':18s}{net_slope:10.6f}{net_intercept:12.6f}")
print(f"difference: slope {abs(net_slope - linreg.coef_[0]):.1e}, "
      f"intercept {abs(net_intercept - linreg.intercept_):.1e} "
      f"(L-BFGS iterations: {net.n_iter_})")
print(f"the weights themselves: w1 = {w1:.4f}, w2 = {w2:.4f}, b1 = {b1:.4f}, b2 = {b2:.4f}")

# %%
# The two lines lie on top of each other. The individual weights are not
# unique (doubling :math:`w_1` and halving :math:`w_2` gives the same line),
# only the products are; the network found one of infinitely many equivalent
# parametrisations of the least-squares line.
grid = np.linspace(0, 5, 2).reshape(-1, 1)
fig, ax = plt.subplots(figsize=(6, 4))
ax.scatter(X_line, y_line, color="k", zorder=3, label="data (make_line)")
ax.plot(grid, linreg.predict(grid), color="C0", linewidth=5, alpha=0.4,
        label=f"LinearRegression: y = {linreg.coef_[0]:.3f} x + {linreg.intercept_:.3f}")
ax.plot(grid, net.predict(grid), color="C1", linestyle="--",
        label=f"identity network: y = {net_slope:.3f} x + {net_intercept:.3f}")
ax.set(xlabel="x", ylabel="y", title="One identity hidden unit = least-squares line")
ax.legend()
plt.show()

# %%
# A hidden layer of relu units fits a curve
# -----------------------------------------
# A parabola with uniform noise, fitted by ten relu units with SGD (momentum
# 0.9, learning rate 0.2; at the default 0.001 the fit is still worse than a
# constant after a hundred epochs). The 100 points make a single minibatch,
# so each epoch is one SGD step; ``n_iter_no_change=100`` lets all 100 epochs
# run. ``Snapshots(every=4)`` records the network every fourth epoch and
# :class:`~skorchlite.plotting.TrainingAnimation` turns the records into an
# animation: the fit (red) and the ten units (dashed, right-hand axis) on the
# left, the training loss on the right.
X_quad, y_quad = make_quadratic(random_state=0)

snapshots = Snapshots(every=4)
reg = SigmoidMLPRegressor(
    hidden_layer_sizes=(10,), activation="relu", solver="sgd", learning_rate_init=0.2,
    max_iter=100, n_iter_no_change=100, random_state=0, device="cpu",
).set_callbacks(snapshots).fit(X_quad, y_quad)

epochs = snapshots.epochs_[0]
for epoch in [0, 4, 12, 20, 52, 100]:
    net = snapshots.estimator_at(int(np.flatnonzero(epochs == epoch)[0]))
    print(f"after epoch {epoch:3d}: loss {0.5 * np.mean((net.predict(X_quad) - y_quad) ** 2):.5f}, "
          f"R^2 {net.score(X_quad, y_quad):6.3f}")

animation = TrainingAnimation.from_snapshots(snapshots, X_quad, y_quad, interval=250).animation_
plt.show()

# %%
# At epoch 0 the network is its random initial self: a slanted, nearly
# straight line. It first flattens towards the mean of ``y``, then bends into
# a V as the relu kinks move to the bottom of the parabola; later epochs only
# spread the kinks into a rounder bowl while the loss falls towards the noise
# floor: the noise ``0.2 * U(0, 1)`` has variance 0.2²/12, so half the mean
# squared error cannot go much below 0.0017.
