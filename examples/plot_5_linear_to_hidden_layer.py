"""
From linear regression to a hidden layer
========================================

A network whose hidden unit does nothing (the identity activation) is a
linear model in disguise: with one input, one hidden unit and one output it
computes

.. math::

    \\hat y = w_2 (w_1 x + b_1) + b_2 = (w_1 w_2)\\, x + (b_1 w_2 + b_2),

a straight line with slope :math:`w_1 w_2` and intercept
:math:`b_1 w_2 + b_2`. Trained on the squared error without a penalty it
must find the least-squares line, the one
:class:`~sklearn.linear_model.LinearRegression` computes in closed form.

Then we give the network something a line cannot fit, a parabola, and ten
relu units, and watch the fit take shape epoch by epoch.
"""

# %%
# An identity network is a linear regression
# -------------------------------------------
# Ten noisy points near the line :math:`y = 0.5 x + 1`. ``alpha=0`` removes
# the weight penalty (it would pull the network away from least squares) and
# a small ``tol`` lets L-BFGS run until the gradient is tiny.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.linear_model import LinearRegression

from skorchlite import SigmoidMLPRegressor
from skorchlite.datasets import make_line, make_quadratic

X_line, y_line = make_line(random_state=0)

linreg = LinearRegression().fit(X_line, y_line)
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
# constant after a hundred epochs).
# The 100 points make a single minibatch, so each ``partial_fit`` call is one
# epoch and one SGD step; we keep the prediction at a few chosen epochs, and
# the loss of that prediction: half the mean squared error on the training
# data, scikit-learn's squared-error loss. (``reg.loss_`` is the same loss
# measured during the epoch, before its step, so it lags one step behind.)
X_quad, y_quad = make_quadratic(random_state=0)
grid = np.linspace(-1, 1, 200).reshape(-1, 1)

reg = SigmoidMLPRegressor(
    hidden_layer_sizes=(10,), activation="relu", solver="sgd",
    learning_rate_init=0.2, random_state=0, device="cpu",
)
frame_epochs = [1, 5, 10, 20, 50, 100]
frames = {}
for epoch in range(1, frame_epochs[-1] + 1):
    reg.partial_fit(X_quad, y_quad)
    if epoch in frame_epochs:
        loss = 0.5 * np.mean((reg.predict(X_quad) - y_quad) ** 2)
        frames[epoch] = (reg.predict(grid), loss, reg.score(X_quad, y_quad))

for epoch, (_, loss, r2) in frames.items():
    print(f"after epoch {epoch:3d}: loss {loss:.5f}, R^2 {r2:6.3f}")

# %%
# After one epoch the network is close to its random initial self: a
# slanted, nearly straight line. It first flattens towards the mean of ``y``
# (epochs 5 and 10), then bends into a V (epoch 20); by epoch 50 the relu
# kinks sit near the bottom of the parabola and later epochs only spread
# them into a rounder bowl, while the loss falls towards the noise floor: the
# noise ``0.2 * U(0, 1)`` has variance 0.2²/12, so half the mean squared
# error cannot go much below 0.0017.
fig, axes = plt.subplots(2, 3, figsize=(10, 6), sharex=True, sharey=True)
for ax, (epoch, (fit, loss, r2)) in zip(axes.ravel(), frames.items()):
    ax.scatter(X_quad, y_quad, s=8, color="k", alpha=0.5, label="data")
    ax.plot(grid, fit, color="C3", linewidth=2, label="network")
    ax.set_title(f"after epoch {epoch}: loss {loss:.4f}, R² {r2:.2f}", fontsize="medium")
for ax in axes[1]:
    ax.set_xlabel("x")
for ax in axes[:, 0]:
    ax.set_ylabel("y")
axes[0, 0].legend(loc="upper center")
fig.suptitle("10 relu units, SGD (learning rate 0.2): the fit as training goes on")
fig.tight_layout()
plt.show()
