"""Device benchmark: the measurements behind the policies of docs/devices.rst.

Cases (``--cases``):

auto      time per adam step (forward, backward, fused Adam) against the work
          of the step (rows x weights x restarts, in multiply-adds), on the CPU
          (torch on one thread and on all, as skorchlite picks by
          SINGLE_THREAD_WORK) and on CUDA when present; prints where CUDA
          starts to win, the measurement behind ``AUTO_CUDA_WORK``.
float64   CUDA only: time per step in float64 over float32 (the reason for
          the float64 warning on GPUs without fast float64).
big       CUDA only: 1,000,000 x 100 float32, hidden (256, 256), adam, batch
          1024, 10 epochs on CUDA against scikit-learn on the CPU. So that the
          whole check fits in minutes, scikit-learn runs one epoch on
          ``--sklearn-rows`` rows and its time is scaled to 10 epochs of
          1,000,000 rows (an epoch's time is proportional to its rows: the
          same minibatches, one after the other); the report says so.
batched   CUDA only: 1,000 members trained at once, against one alone: a
          hidden (16,) network on 20,000 x 10 rows, 20 epochs, with
          n_restarts=1000, and a BatchedGridSearchCV of 200 candidates (20
          alphas x 10 learning rates) x 5 folds.

Usage::

    python benchmarks/bench_devices.py --cases auto          # any machine, ~1 min
    python benchmarks/bench_devices.py --out report.md       # every case

Numbers from a shared or loaded machine are noisy: the header gives the load.
"""

import argparse
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import torch
from sklearn.exceptions import ConvergenceWarning

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from skorchlite import SigmoidMLPRegressor  # noqa: E402
from skorchlite._init import glorot_uniform  # noqa: E402
from skorchlite._network import BatchedMLP  # noqa: E402
from skorchlite._optim import Adam  # noqa: E402

CUDA = torch.cuda.is_available()

# (n_features, hidden, rows per step, restarts): from the 1-D teaching
# problems to a wide two-layer network.
AUTO_SHAPES = [(1, (10,), 200, 1), (1, (10,), 200, 10), (10, (20,), 200, 1),
               (10, (20,), 200, 10), (10, (50,), 200, 10), (20, (100,), 200, 10),
               (50, (100, 100), 200, 4), (100, (256, 256), 200, 1),
               (100, (256, 256), 1024, 1), (100, (256, 256), 1024, 10)]


def _sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def step_time(device, n_features, hidden, rows, restarts, dtype=torch.float32,
              budget=0.2):
    """Best of 3 rounds of the mean seconds per adam step (each round about
    ``budget`` seconds, at least 2 steps), and the step's multiply-adds."""
    rs = np.random.RandomState(0)
    units = [n_features, *hidden, 1]
    coefs, intercepts = glorot_uniform(rs, units, restarts, "logistic", np.float64)
    net = BatchedMLP(coefs, intercepts, "logistic", "identity", "squared_error",
                     device, dtype)
    X = torch.randn(rows, n_features, device=device, dtype=dtype)
    Y = torch.randn(rows, 1, device=device, dtype=dtype)
    opt = Adam(net.flat, learning_rate_init=1e-3, beta_1=0.9, beta_2=0.999, epsilon=1e-8)
    best = float("inf")

    def run(steps):
        _sync(device)
        start = time.perf_counter()
        for _ in range(steps):
            net.loss_and_grad(X, Y, None, 1e-4, float(rows))
            opt.step(net.flat, net.grad)
        _sync(device)
        return (time.perf_counter() - start) / steps

    with torch.inference_mode():
        steps = max(2, int(budget / run(2)))
        for _ in range(3):
            best = min(best, run(steps))
    work = rows * restarts * sum(a * b for a, b in zip(units[:-1], units[1:]))
    return best, work


def case_auto():
    threads = torch.get_num_threads()
    lines = ["| shape (features, hidden, rows, restarts) | work (MACs) | CPU 1 thread (ms) | "
             f"CPU {threads} threads (ms) | CUDA (ms) |", "|---|---|---|---|---|"]
    crossover = None
    for shape in AUTO_SHAPES:
        torch.set_num_threads(1)
        one, work = step_time(torch.device("cpu"), *shape)
        torch.set_num_threads(threads)
        many, _ = step_time(torch.device("cpu"), *shape)
        cuda = step_time(torch.device("cuda"), *shape)[0] if CUDA else None
        if cuda is not None and crossover is None and cuda < min(one, many):
            crossover = work
        lines.append(f"| {shape} | {work:.1e} | {one * 1e3:.3f} | {many * 1e3:.3f} | "
                     + (f"{cuda * 1e3:.3f} |" if cuda is not None else "no CUDA |"))
    if CUDA:
        lines.append(f"\nCUDA is faster per step from {crossover:.1e} multiply-adds per step"
                     if crossover else "\nCUDA was never faster per step here")
    from skorchlite._capabilities import AUTO_CUDA_WORK
    lines.append(f"(skorchlite's AUTO_CUDA_WORK: {AUTO_CUDA_WORK:.1e})")
    return "Time per adam step against work per step", "\n".join(lines)


def case_float64():
    if not CUDA:
        return "float64 on CUDA", "skipped: no CUDA device"
    shape = (100, (256, 256), 1024, 10)
    t32, _ = step_time(torch.device("cuda"), *shape, dtype=torch.float32)
    t64, _ = step_time(torch.device("cuda"), *shape, dtype=torch.float64)
    props = torch.cuda.get_device_properties(0)
    return ("float64 against float32 on CUDA",
            f"{torch.cuda.get_device_name(0)} (compute capability {props.major}.{props.minor}), "
            f"shape {shape}: float32 {t32 * 1e3:.2f} ms, float64 {t64 * 1e3:.2f} ms per "
            f"step: float64 is {t64 / t32:.1f}x slower")


def _data(rows, n_features, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.standard_normal((rows, n_features)).astype(np.float32)
    y = (np.sin(X[:, 0]) + X[:, 1] * X[:, 2]).astype(np.float32)
    return X, y


def _timed(run):
    start = time.perf_counter()
    value = run()
    return time.perf_counter() - start, value


def case_big(sklearn_rows, device="cuda", rows=1_000_000):
    if device == "cuda" and not CUDA:
        return "1,000,000 x 100 against scikit-learn", "skipped: no CUDA device"
    from sklearn.neural_network import MLPRegressor

    X, y = _data(rows, 100)
    params = dict(hidden_layer_sizes=(256, 256), solver="adam", batch_size=1024, alpha=0.0,
                  random_state=0, tol=0, n_iter_no_change=10, activation="logistic")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        SigmoidMLPRegressor(**params, max_iter=1, device=device).fit(X[:20_000], y[:20_000])
        t_gpu, gpu = _timed(lambda: SigmoidMLPRegressor(**params, max_iter=10,
                                                        device=device).fit(X, y))
        t_sk, _ = _timed(lambda: MLPRegressor(**params, max_iter=1).fit(
            X[:sklearn_rows], y[:sklearn_rows]))
    t_sk_full = t_sk * 10 * (len(X) / sklearn_rows)
    speedup = t_sk_full / t_gpu
    where = torch.cuda.get_device_name(0) if device == "cuda" else device
    return (f"{len(X):,} x 100 float32, hidden (256, 256), adam, batch 1024, 10 epochs",
            f"skorchlite on {where}: {t_gpu:.1f} s "
            f"(final loss {gpu.loss_:.4f})\n"
            f"scikit-learn on the CPU ({os.cpu_count()} cores): {t_sk:.1f} s for 1 epoch of "
            f"{sklearn_rows:,} rows, scaled to 10 epochs of {len(X):,} rows: {t_sk_full:.0f} s\n"
            f"speed-up: {speedup:.0f}x (goal >= 50x: {'met' if speedup >= 50 else 'NOT met'})")


def case_batched(device="cuda", rows=20_000, epochs=20):
    """1,000 members at once: n_restarts=1000 of one network, and a
    BatchedGridSearchCV of 200 candidates x 5 folds."""
    if device == "cuda" and not CUDA:
        return "1,000 members at once", "skipped: no CUDA device"
    from skorchlite.model_selection import BatchedGridSearchCV

    X, y = _data(rows, 10, seed=1)
    params = dict(hidden_layer_sizes=(16,), max_iter=epochs, random_state=0, tol=0,
                  n_iter_no_change=epochs, device=device)
    grid = {"alpha": list(np.logspace(-5, 0, 20)),
            "learning_rate_init": list(np.logspace(-4, -1, 10))}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        SigmoidMLPRegressor(**params).fit(X[:2000], y[:2000])  # warm-up
        t_one, _ = _timed(lambda: SigmoidMLPRegressor(**params).fit(X, y))
        t_all, est = _timed(lambda: SigmoidMLPRegressor(**params, n_restarts=1000).fit(X, y))
        t_grid, search = _timed(lambda: BatchedGridSearchCV(
            SigmoidMLPRegressor(**params), grid, cv=5).fit(X, y))
    n_members = len(search.cv_results_["params"]) * search.n_splits_
    return (f"1,000 members at once (hidden (16,), {rows:,} x 10, {epochs} epochs, "
            f"device={device!r})",
            f"one network: {t_one:.2f} s\n"
            f"n_restarts=1000: {t_all:.2f} s ({t_all / t_one:.1f}x one network's time, "
            f"{1000 * t_one / t_all:.0f}x faster than 1,000 fits one after the other); "
            f"best restart loss {est.loss_:.4f}\n"
            f"BatchedGridSearchCV, {n_members} members (200 candidates x 5 folds): "
            f"{t_grid:.2f} s (refit included); best score {search.best_score_:.4f}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", nargs="+", default=["auto", "float64", "big", "batched"],
                        choices=["auto", "float64", "big", "batched"])
    parser.add_argument("--sklearn-rows", type=int, default=50_000)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--smoke", action="store_true",
                        help="run the big and batched cases on the CPU on tiny data (a "
                             "check of the script, not a measurement)")
    args = parser.parse_args(argv)
    header = (f"# Device benchmark\n\ntorch {torch.__version__}, "
              f"{torch.get_num_threads()} CPU threads, "
              f"CUDA: {torch.cuda.get_device_name(0) if CUDA else 'none'}, "
              f"load average {os.getloadavg()[0]:.2f}\n")
    sections = [header]
    for case in args.cases:
        if case == "auto":
            title, body = case_auto()
        elif case == "float64":
            title, body = case_float64()
        elif case == "big" and args.smoke:
            title, body = case_big(1000, "cpu", rows=2000)
        elif case == "big":
            title, body = case_big(args.sklearn_rows)
        elif args.smoke:
            title, body = case_batched("cpu", rows=500, epochs=2)
        else:
            title, body = case_batched()
        section = f"## {title}\n\n{body}\n"
        print(section, flush=True)
        sections.append(section)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text("\n".join(sections))


if __name__ == "__main__":
    main()
