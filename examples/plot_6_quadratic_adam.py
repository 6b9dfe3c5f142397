"""
A parabola from 20 sigmoids
===========================

Twenty logistic (sigmoid) units, each an S-shaped step of its own position,
steepness and height, add up to a smooth parabola. We train them with Adam at
a learning rate of 0.2, two hundred times Adam's default of 0.001, for 201
steps, and watch the fit take shape as an animation.
"""

# %%
# Fit
# ---
# ``make_quadratic`` gives 100 points of :math:`y = x^2 + 0.2\,U(0, 1)` on
# :math:`[-1, 1]`. The 100 points are one batch, so each epoch is one Adam
# step. ``max_iter=201`` with ``n_iter_no_change=201`` runs all 201 steps
# (with the default ``n_iter_no_change=10`` the stopping rule would end the
# fit after 87 epochs), and ``Snapshots(every=10)`` records the network every
# tenth step for the animation. For comparison we also train the same network
# with Adam's default learning rate, and the default stopping rule.
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning

from skorchlite import SigmoidMLPRegressor
from skorchlite.callbacks import Snapshots
from skorchlite.datasets import make_quadratic
from skorchlite.plotting import TrainingAnimation

X, y = make_quadratic(random_state=0)
# the fit at rate 0.2 uses all its steps on purpose: no convergence warning wanted
warnings.filterwarnings("ignore", category=ConvergenceWarning)

snapshots = Snapshots(every=10)
reg = SigmoidMLPRegressor(
    hidden_layer_sizes=(20,), solver="adam", learning_rate_init=0.2, max_iter=201,
    n_iter_no_change=201, random_state=0, device="cpu",
).set_callbacks(snapshots).fit(X, y)

slow = SigmoidMLPRegressor(
    hidden_layer_sizes=(20,), solver="adam", learning_rate_init=1e-3, max_iter=201,
    random_state=0, device="cpu",
).fit(X, y)

curve = np.asarray(reg.loss_curve_)
noise_floor = 0.5 * 0.2**2 / 12  # half the variance of 0.2 * U(0, 1)
for name, est in [("learning rate 0.2", reg), ("learning rate 0.001", slow)]:
    print(f"{name:20s}: final loss {est.loss_:.5f}, n_iter_ {est.n_iter_:3d}, "
          f"R^2 {est.score(X, y):.3f}")
print(f"noise floor of the loss: {noise_floor:.5f}")
print(f"epochs where the loss went up (rate 0.2): {np.sum(np.diff(curve) > 0)} "
      f"of {len(curve) - 1}; largest jump up: {np.diff(curve).max():.4f} "
      f"(epoch {np.argmax(np.diff(curve)) + 2})")

# %%
# With the learning rate of 0.2 the network runs its 201 steps to a loss near
# the noise floor and :math:`R^2 \approx 0.96`. At 0.001 the network has
# learned little more than the mean of ``y``, a nearly flat curve
# (:math:`R^2 < 0`), and yet it stops before ``max_iter``: its loss falls so
# slowly, by less than ``tol=1e-4`` per epoch for ``n_iter_no_change=10``
# epochs, that the stopping rule takes it for converged. ``tol`` is an
# absolute change in loss, so it has to be read together with the learning
# rate.
#
# Why such a large rate works here: Adam divides each gradient by a running
# estimate of its own size, so every weight moves by roughly
# ``learning_rate_init`` per step whatever the scale of the gradient. At 0.001
# a weight can travel at most about 0.2 in 200 steps, far less than the
# sigmoids need to move their steps across :math:`[-1, 1]` and scale their
# heights. The problem is tiny (61 weights, 100 points, one full-batch step
# per epoch) and the sigmoids are bounded, so a step that overshoots is
# corrected by the next ones instead of diverging. The price shows in the
# loss curve: it is not monotone (the loss goes up in about one epoch in
# seven, see the printed count) and it jumps wildly in the first 20 epochs
# while Adam overshoots, then calms down as it settles into the valley. On
# larger problems, or deeper networks, a rate this large would usually make
# training unstable.
grid = np.linspace(-1, 1, 300).reshape(-1, 1)

fig, (ax_fit, ax_loss) = plt.subplots(1, 2, figsize=(11, 4.2))
ax_fit.scatter(X, y, s=10, color="k", alpha=0.5, label="data")
ax_fit.plot(grid, grid.ravel() ** 2 + 0.1, color="0.6", linestyle=":",
            label="x² + 0.1 (noise-free mean)")
ax_fit.plot(grid, reg.predict(grid), color="C3", linewidth=2,
            label=f"Adam, rate 0.2 (R² {reg.score(X, y):.3f})")
ax_fit.plot(grid, slow.predict(grid), color="C0", linestyle="--",
            label=f"Adam, rate 0.001 (R² {slow.score(X, y):.3f})")
ax_fit.set(xlabel="x", ylabel="y", title="20 sigmoid units fitted to a parabola")
ax_fit.legend(fontsize="small")

ax_loss.plot(np.arange(1, len(curve) + 1), curve, color="C3", marker=".",
             label="Adam, rate 0.2")
ax_loss.plot(np.arange(1, len(slow.loss_curve_) + 1), slow.loss_curve_, color="C0",
             linestyle="--", label="Adam, rate 0.001")
ax_loss.axhline(noise_floor, color="0.6", linestyle=":", label="noise floor")
ax_loss.set(xlabel="epoch", ylabel="loss (half the mean squared error)", yscale="log",
            title="training loss per epoch (loss_curve_)")
ax_loss.legend(fontsize="small")
fig.tight_layout()
plt.show()

# %%
# The fit over the 201 steps
# --------------------------
# :class:`~skorchlite.plotting.TrainingAnimation` plays the recorded
# snapshots: the fit (red) and the twenty units (dashed, right-hand axis) on
# the left, the loss on the right, one frame per ten steps. Watch the first
# twenty steps, where Adam overshoots and the fit swings from one side to the
# other, and then the units settling: most become gentle ramps whose sum bends
# into the parabola.
for epoch in [0, 10, 20, 50, 100, 201]:
    index = int(np.argmin(np.abs(snapshots.epochs_[0] - epoch)))
    net = snapshots.estimator_at(index)
    print(f"step {snapshots.epochs_[0][index]:3d}: R^2 {net.score(X, y):6.3f}")

animation = TrainingAnimation.from_snapshots(snapshots, X, y, interval=250).animation_
plt.show()
