"""
Training on data larger than memory with ``partial_fit``
=========================================================

``partial_fit`` runs one epoch over the block it is given, so a model can learn
from a stream of blocks that never sit in memory together: blocks read from
disk, from a database, from a Dask array, or (here) generated one at a time.
The optimizer state (Adam's moments) carries over from block to block.
"""

# %%
# A data set generated block by block
# -----------------------------------
# ``blocks`` yields ``n_blocks`` blocks of a two-class problem; only one block
# exists at any time.
import matplotlib.pyplot as plt
import numpy as np

from skorchlite import SigmoidMLPClassifier


def blocks(n_blocks, rows=2_000, seed=0):
    rng = np.random.RandomState(seed)
    for _ in range(n_blocks):
        X = rng.uniform(-3, 3, (rows, 2))
        y = (np.hypot(X[:, 0], X[:, 1]) < 2).astype(int)  # inside a circle or not
        yield X, y


X_test, y_test = next(blocks(1, rows=5_000, seed=1))

clf = SigmoidMLPClassifier((8,), learning_rate_init=0.01, random_state=0, device="cpu")
scores = []
for X_block, y_block in blocks(40):
    # the classes must be given on the first call: a block may miss one
    clf.partial_fit(X_block, y_block, classes=[0, 1])
    scores.append(clf.score(X_test, y_test))
print(f"accuracy after 1 block: {scores[0]:.3f}, after 40 blocks: {scores[-1]:.3f}")
print(f"samples seen: {clf.t_:,}")

# %%
# The same with a Dask array
# --------------------------
# A Dask array is a grid of numpy blocks computed on demand; feed its row
# blocks to ``partial_fit`` one at a time.
try:
    import dask.array as da
except ImportError:  # dask is optional
    da = None

if da is not None:
    X_dask = da.random.RandomState(2).uniform(-3, 3, size=(40_000, 2), chunks=(4_000, 2))
    y_dask = (da.hypot(X_dask[:, 0], X_dask[:, 1]) < 2).astype(int)
    clf_dask = SigmoidMLPClassifier((8,), learning_rate_init=0.01, random_state=0,
                                    device="cpu")
    for X_block, y_block in zip(X_dask.blocks, y_dask.blocks):
        X_block, y_block = da.compute(X_block, y_block)
        clf_dask.partial_fit(X_block, y_block, classes=[0, 1])
    print(f"Dask blocks: accuracy {clf_dask.score(X_test, y_test):.3f}")

# %%
# The learning curve
# ------------------
fig, ax = plt.subplots()
ax.plot(np.arange(1, len(scores) + 1), scores, marker="o")
ax.set_xlabel("blocks seen")
ax.set_ylabel("test accuracy")
ax.set_title("partial_fit on a stream of blocks")
plt.show()
