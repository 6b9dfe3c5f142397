"""
Devices
=======

``device="auto"`` (the default) trains adam and sgd on a CUDA GPU when torch
sees one and a training step is big enough to gain from it (a million
multiply-adds: minibatch rows x weights x restarts), and lbfgs and smaller
fits on the CPU; ``"cpu"``, ``"cuda"``, ``"cuda:N"`` and ``"mps"`` choose
explicitly (see the "Devices" page for every policy and its reason). Whatever the device, the fitted state is numpy, so a
model trained on a GPU pickles, loads and predicts anywhere.

This example runs on any machine: the GPU parts run only when a GPU is there.
The numbers printed in the built documentation come from the machine that
built it.
"""

# %%
# What ``device="auto"`` picks
# ----------------------------
# A medium-sized regression problem: 20,000 rows, 10 float32 features, and a
# target that needs the hidden layers (a sine plus a product of features).
# Two hidden layers of 64 sigmoid units, Adam, 5 epochs of 100 minibatches
# of 200 rows each.
import pickle
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
import torch
from sklearn.exceptions import ConvergenceWarning

from skorchlite import SigmoidMLPRegressor

rng = np.random.RandomState(0)
X = rng.standard_normal((20_000, 10)).astype(np.float32)
y = (np.sin(2 * X[:, 0]) + X[:, 1] * X[:, 2]).astype(np.float32)

params = dict(hidden_layer_sizes=(64, 64), solver="adam", max_iter=5, random_state=0)


def timed_fit(device, n_rows=None):
    """Fit on the first ``n_rows`` rows on ``device``; return the estimator and
    the seconds ``fit`` took."""
    est = SigmoidMLPRegressor(**params, device=device)
    with warnings.catch_warnings():
        # 5 epochs are deliberately too few to converge: we time the training
        # steps, not the quality of the fit, so the ConvergenceWarning is expected
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.perf_counter()
        est.fit(X[:n_rows], y[:n_rows])  # n_rows=None: all rows
    return est, time.perf_counter() - start


# %%
# First a quick fit on 2,000 of the rows with the default ``device="auto"``;
# ``device_`` records where it ran. A step here is 200 rows x 4,800 weights,
# just under a million multiply-adds, so ``"auto"`` keeps it on the CPU even
# where there is a GPU; with minibatches of 1,000 rows the step is five times
# bigger and ``"auto"`` takes the GPU when there is one.
print(f"torch {torch.__version__}, torch.cuda.is_available(): {torch.cuda.is_available()}")
est_auto, seconds_auto = timed_fit("auto", n_rows=2_000)
print(f'device="auto" trained on: {est_auto.device_} '
      f"({seconds_auto:.2f} s for 5 epochs on 2,000 rows)")
big_steps = SigmoidMLPRegressor(**{**params, "batch_size": 1000, "max_iter": 1})
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)  # one epoch, on purpose
    big_steps.fit(X[:2_000], y[:2_000])
print(f'with batch_size=1000, device="auto" trained on: {big_steps.device_}')

# %%
# CPU against GPU
# ---------------
# The fit on all 20,000 rows, timed on the CPU and, when there is one, on
# the GPU. The first CUDA call of a process pays for creating the CUDA
# context and loading kernels, so the GPU is warmed up with a short fit
# before it is timed.
#
# A network this small does little work per step (200 rows x 4,800 weights,
# about a million multiply-adds), so on a GPU the time is mostly kernel
# launches, and on the CPU skorchlite runs such small steps on a single
# torch thread (waking a thread pool would cost more than the step). The
# GPU's advantage grows with wider layers, bigger minibatches and more
# restarts (all restarts train in the same tensor operations). Without a
# GPU, asking for ``device="cuda"`` raises a ``ValueError`` at ``fit``.
est_cpu, seconds_cpu = timed_fit("cpu")
timings = {"CPU": seconds_cpu}
print(f"CPU : {seconds_cpu:.2f} s for 5 epochs")

if torch.cuda.is_available():
    with warnings.catch_warnings():
        # the warm-up fit runs a single epoch on purpose
        warnings.simplefilter("ignore", ConvergenceWarning)
        SigmoidMLPRegressor(**{**params, "max_iter": 1}, device="cuda").fit(X[:1000], y[:1000])
    est_gpu, seconds_gpu = timed_fit("cuda")
    timings[f"GPU\n{torch.cuda.get_device_name(0)}"] = seconds_gpu
    print(f"GPU : {seconds_gpu:.2f} s for 5 epochs on {torch.cuda.get_device_name(0)}")
    print(f"speed-up of the GPU over the CPU: {seconds_cpu / seconds_gpu:.2f}x"
          + (" (below 1: the GPU was slower on this small problem)"
             if seconds_gpu > seconds_cpu else ""))
    # same seed, same steps: the two devices differ only by float32 rounding,
    # which adds up over the 500 steps
    gap = np.abs(est_gpu.predict(X[:1000]) - est_cpu.predict(X[:1000])).max()
    print(f"largest difference between the CPU and GPU predictions: {gap:.2e}")
else:
    print("no GPU present: only the CPU was timed")
    # asking for a device that is not there fails at fit, with a clear message
    try:
        SigmoidMLPRegressor(**params, device="cuda").fit(X[:100], y[:100])
    except ValueError as error:
        print(f'device="cuda" here: ValueError: {error}')

# %%
# The fitted state is numpy
# -------------------------
# ``coefs_`` and ``intercepts_`` are numpy arrays on every device; torch
# tensors are only a cache rebuilt from them. A pickle round trip therefore
# stores plain numpy, and the loaded model predicts what the original did.
# The model here is the ``batch_size=1000`` one, so on a machine with a GPU
# it is a GPU-trained model.
# (A model fitted on a GPU and loaded on a machine without one predicts on
# the CPU, with a warning.)
model = big_steps
print(f"type(model.coefs_[0]): {type(model.coefs_[0])}, dtype {model.coefs_[0].dtype}")

blob = pickle.dumps(model)
loaded = pickle.loads(blob)
before, after = model.predict(X[:1000]), loaded.predict(X[:1000])
print(f"pickle: {len(blob) / 1024:.0f} KiB; loaded.device_: {loaded.device_}; "
      f"largest prediction difference after the round trip: {np.abs(before - after).max():.1e}")
np.testing.assert_allclose(after, before, rtol=1e-5, atol=1e-6)

# %%
# The timings
# -----------
fig, ax = plt.subplots(figsize=(7, 2.5 + 0.4 * len(timings)))
bars = ax.barh(list(timings), list(timings.values()), color=["C0", "C2"][:len(timings)])
ax.bar_label(bars, fmt="%.2f s", padding=3)
ax.set(xlabel="seconds for 5 epochs (lower is better)",
       title="20,000 x 10, hidden (64, 64), adam, 5 epochs")
ax.margins(x=0.2)
fig.tight_layout()
plt.show()
