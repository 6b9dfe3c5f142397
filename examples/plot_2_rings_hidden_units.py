"""
Rings: how many hidden units a circle needs
===========================================

Two concentric rings: a disc of radius 1 (class 0) inside a ring of radii 3
to 4 (class 1). No straight line separates them. Each sigmoid unit of the
first hidden layer cuts the plane along one line ``w . x + b = 0``, and the
output unit can only draw one more line (a plane) in the space of the hidden
units. How many lines does it take to fence in a disc? Three: a triangle.
"""

# %%
# Networks of 1, 2, 3 and 5 hidden units
# --------------------------------------
# 1000 points per class, one hidden layer, Adam with learning rate 0.02, three
# restarts per width (the best is kept; every restart ends near the same
# loss here, so a single restart would tell the same story). Training stops
# when the log-loss stops improving.
from itertools import combinations

import matplotlib.pyplot as plt
import numpy as np
from sklearn.linear_model import LogisticRegression

from skorchlite import SigmoidMLPClassifier
from skorchlite.datasets import make_rings
from skorchlite.plotting import DecisionLinesDisplay, HiddenSpaceDisplay

X, y = make_rings(random_state=0)

widths = [1, 2, 3, 5]
networks = {
    width: SigmoidMLPClassifier((width,), learning_rate_init=0.02, max_iter=300, n_restarts=3,
                                random_state=0, device="cpu").fit(X, y)
    for width in widths
}
print(f"{'hidden units':>12} {'epochs':>7} {'final log-loss':>15} {'accuracy':>9}  "
      "restart losses")
for width, clf in networks.items():
    print(f"{width:>12} {clf.n_iter_:>7} {clf.loss_:>15.4f} {clf.score(X, y):>9.3f}  "
          f"{np.round(clf.restart_losses_, 3)}")

# %%
# The loss drops sharply at three units: one unit reaches about 73% accuracy,
# two units about 92%, and three units classify every point (the log-loss
# falls from about 0.23 to below 0.01). Five units do no better than three.
#
# The lines of the first layer
# ----------------------------
# The dashed lines are the units' lines ``w . x + b = 0``, the shading is the
# predicted class. One line cuts off a slice of the outer ring; two lines cut
# off two slices (a wedge or a band); three lines close a triangle around the
# disc, and the network's region of class 0 is (a rounded version of) that
# triangle. Five units draw more lines than needed: the region of class 0 is
# a rounded polygon inside them, and, as the last figure shows, several
# choices of three of the five lines already enclose the disc.
fig, axes = plt.subplots(1, 4, figsize=(15, 4), layout="constrained")
for ax, (width, clf) in zip(axes, networks.items()):
    DecisionLinesDisplay.from_estimator(clf, X, y, ax=ax)
    ax.set_aspect("equal")
    # the legend below the panel, where it hides no data
    ax.legend(fontsize="x-small", ncol=4, loc="upper center", bbox_to_anchor=(0.5, -0.17))
    ax.set_title(f"{width} hidden unit{'s' * (width > 1)}: accuracy {clf.score(X, y):.3f}")
fig.suptitle("First-layer lines (dashed) and predicted classes (shading)")
plt.show()

# %%
# The data in the space of three hidden units
# -------------------------------------------
# The three units map every point to ``(a_0, a_1, a_2)`` in the unit cube.
# The disc lies on the same side of all three lines, so all its points go to
# one corner of the cube; each point of the outer ring lies on the other side
# of at least one line, so the ring becomes a closed loop along the cube's
# edges, away from the disc's corner. In this space one plane separates the
# classes: the output unit is exactly that plane. The printed mean activations
# show the disc's corner (here ``(0, 1, 0)``). On the left, the final loss
# against the number of hidden units.
codes3 = networks[3].hidden_activations(X)[0]
for label, name in [(0, "disc (class 0)"), (1, "ring (class 1)")]:
    print(f"3-unit network, mean activations of the {name}: "
          f"{np.round(codes3[y == label].mean(axis=0), 3)}")

fig = plt.figure(figsize=(11, 4.5), layout="constrained")
ax_loss = fig.add_subplot(1, 2, 1)
ax_loss.plot(widths, [networks[w].loss_ for w in widths], "o-")
ax_loss.set(yscale="log", xticks=widths, xlabel="hidden units",
            ylabel="final training log-loss", title="loss against width")
disp = HiddenSpaceDisplay.from_estimator(networks[3], X, y,
                                         ax=fig.add_subplot(1, 2, 2, projection="3d"))
disp.ax_.set_title("the rings in the 3 hidden units of the 3-unit network")
disp.ax_.view_init(elev=25, azim=-130)  # turn the cube so that the disc's corner faces us
plt.show()

# %%
# Five units, three at a time
# ---------------------------
# The five-unit network's hidden space is 5-D; here are all ten choices of
# three of its units. For each choice we also print how well a linear
# classifier (a plane) separates the classes in those three units alone.
#
# Look for two kinds of panels. In half of them the disc (blue) sits in a
# corner that the ring (orange) never reaches: those three lines alone enclose
# the disc, and a plane separates the classes perfectly (accuracy 1.000). In
# the other half the ring's loop runs through the disc's corner: those three
# lines leave a gap through which the ring's points look like the disc's, and
# no plane in these three units does better than about 90%. The network needs
# none of the ten triples on its own; it uses all five units at once.
net5 = networks[5]
codes = net5.hidden_activations(X)[0]
triples = list(combinations(range(5), 3))
print("\nunits of the 5-unit network   accuracy of a plane in those 3 units")
for units in triples:
    plane = LogisticRegression(C=1e4).fit(codes[:, units], y)
    print(f"{str(units):>27}   {plane.score(codes[:, units], y):.3f}")

fig = plt.figure(figsize=(15, 6.5), layout="constrained")
for i, units in enumerate(triples):
    ax = fig.add_subplot(2, 5, i + 1, projection="3d")
    disp = HiddenSpaceDisplay.from_estimator(net5, X, y, units=units, ax=ax)
    ax.set_title(f"units {units}", fontsize="medium")
    if i:
        ax.get_legend().remove()
fig.suptitle("The rings in every 3 of the 5 hidden units")
plt.show()
