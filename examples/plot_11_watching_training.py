"""
Watching a network train
========================

skorchlite's estimators speak scikit-learn's callback API
(:mod:`sklearn.callback`), so the callbacks scikit-learn ships work on them,
and :class:`~skorchlite.callbacks.Snapshots` records the network as it
trains. Here three restarts of six sigmoid units learn a noisy sine with
L-BFGS: we score every restart at every iteration with scikit-learn's
``ScoringMonitor``, then animate the kept restart's fit.
"""

# %%
# Scores at every iteration
# -------------------------
# ``ScoringMonitor`` receives, at the end of every iteration of every
# restart, a copy of the estimator holding that restart's weights, and scores
# it on the training data. Its log has one row per task: the restart is the
# second entry of ``task_id_path``.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.callback import ScoringMonitor

from skorchlite import SigmoidMLPRegressor
from skorchlite.callbacks import Snapshots
from skorchlite.datasets import make_noisy_sine
from skorchlite.plotting import TrainingAnimation

X, y = make_noisy_sine(random_state=0)
X, y = X[::5], y[::5]  # 126 points on [0, 2 pi)

monitor = ScoringMonitor(scoring="r2")
snapshots = Snapshots(every=5)
reg = SigmoidMLPRegressor(
    (6,), solver="lbfgs", max_iter=150, n_restarts=3, random_state=0, device="cpu",
).set_callbacks(monitor, snapshots)
reg.fit(X, y)

log = monitor.get_logs().data_as_pandas
iterations = log[log.task_name == "iteration"]
fig, ax = plt.subplots(layout="constrained")
for r in range(reg.n_restarts):
    rows = iterations[iterations.parent_task_id_path == (0, r)]
    kept = r == reg.best_restart_
    ax.plot(np.arange(1, len(rows) + 1), rows.r2, linewidth=2.5 if kept else 1,
            label=f"restart {r}" + (" (kept)" if kept else ""))
ax.set(xlabel="iteration", ylabel="training $R^2$", ylim=(-0.1, 1.0),
       title="Every restart scored at every L-BFGS iteration")
ax.legend()
for r in range(reg.n_restarts):
    scores = iterations[iterations.parent_task_id_path == (0, r)].r2
    print(f"restart {r}: R^2 after 10 iterations {scores.iloc[9]:.3f}, "
          f"final {scores.iloc[-1]:.3f} after {len(scores)}")
print(f"kept restart {reg.best_restart_}: R^2 {reg.score(X, y):.3f}")

# %%
# The fit as it happens
# ---------------------
# ``Snapshots(every=5)`` kept the initial network, every 5th iteration of
# each restart and its last. ``TrainingAnimation`` draws the kept restart:
# the data, the fit (red) and the six hidden units (dashed, on the
# right-hand axis), with the loss curve beside it. The units start as gentle
# slopes; as training goes on they sharpen and move their thresholds to
# where the sine turns.
anim = TrainingAnimation.from_snapshots(snapshots, X, y, interval=300)
ani = anim.animation_  # a global Animation: the gallery embeds it as a player
print(f"{len(anim.epochs)} frames, iterations {anim.epochs[0]} to {anim.epochs[-1]}")

# %%
# In a notebook, show it with ``IPython.display.HTML(ani.to_jshtml())``;
# ``anim.save("fit.gif")`` writes a GIF.
plt.show()
