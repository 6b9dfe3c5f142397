"""Search benchmark: BatchedGridSearchCV against GridSearchCV, one run.

Every case runs the same estimator, grid and splits through
``skorchlite.model_selection.BatchedGridSearchCV`` and scikit-learn's
``GridSearchCV`` (``n_jobs=1``, the reference, and ``n_jobs=-1`` beside
it), checks that the scores agree, and reports the wall times, this process's CPU times and their ratios
(batched / other; below 1 the batched search is faster). On a loaded,
shared machine the CPU-time ratio is the steadier one (the wall time counts
the time other processes hold the cores). adam and sgd run a
fixed number of epochs (``tol=0, n_iter_no_change=max_iter``).

Cases (``--cases``):

seed      noisy damped sine, 100 x 1 (make_damped_sine(noise=0.1), every
          second point), widths (1, 2, 3, 5, 10, 20, 50, 100) x 5 folds, adam
          500 epochs; also GridSearchCV(MLPRegressor(activation="logistic")).
          Goals: <= 0.25 x GridSearchCV(SigmoidMLPRegressor), <= 0.1 x
          GridSearchCV(MLPRegressor).
rings     make_rings(1000) (2,000 x 2), widths 1..10 x 5 folds, n_restarts=10, adam 300
          epochs. Goal: <= 0.35 x GridSearchCV(SigmoidMLPClassifier).
large     20,000 x 20 float32 regression, widths (16, 32, 64, 128) x alpha
          (1e-4, 1e-2) x 3 folds, adam 10 epochs. Goal: <= 1.0.
lbfgs     the seed data, widths (1, 2, 3, 5, 10, 20, 50, 100) x 5 folds,
          n_restarts=10, lbfgs max_iter=200: the ratio, reported.
gpu       1,000 members (widths 1..100 x 10 folds, adam 200 epochs) on CUDA
          against GridSearchCV on the CPU; skipped without CUDA.

Usage::

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/bench_search.py
    python benchmarks/bench_search.py --cases seed rings --repeats 3

Prints markdown tables and writes them to ``benchmarks/results/search.md``.
"""

import argparse
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import torch
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, KFold, StratifiedKFold
from sklearn.neural_network import MLPRegressor

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from skorchlite import SigmoidMLPClassifier, SigmoidMLPRegressor  # noqa: E402
from skorchlite.datasets import make_damped_sine, make_rings  # noqa: E402
from skorchlite.model_selection import BatchedGridSearchCV  # noqa: E402

CASES = ("seed", "rings", "large", "lbfgs", "gpu")
RESULTS = Path(__file__).parent / "results" / "search.md"
HEADERS = ["case", "search", "wall s", "batched / this (wall)",
           "CPU s (batched / this)"]
SEED_WIDTHS = [(1,), (2,), (3,), (5,), (10,), (20,), (50,), (100,)]


def fixed_epochs(max_iter):
    return dict(max_iter=max_iter, tol=0.0, n_iter_no_change=max_iter)


def seed_data():
    X, y = make_damped_sine(noise=0.1, random_state=0)
    return X[::2], y[::2]


def case_seed():
    X, y = seed_data()
    estimator = SigmoidMLPRegressor(random_state=0, device="cpu", learning_rate_init=0.01,
                                    **fixed_epochs(500))
    sklearn_mlp = MLPRegressor(activation="logistic", random_state=0,
                               learning_rate_init=0.01, **fixed_epochs(500))
    grid = {"hidden_layer_sizes": SEED_WIDTHS}
    return dict(X=X, y=y, grid=grid, cv=KFold(5, shuffle=True, random_state=0),
                estimator=estimator,
                others={"GridSearchCV(MLPRegressor)": sklearn_mlp},
                goals={"GridSearchCV": 0.25, "GridSearchCV(MLPRegressor)": 0.1})


def case_rings():
    X, y = make_rings(1000, noise=0.1, random_state=0)  # 2,000 x 2
    estimator = SigmoidMLPClassifier(n_restarts=10, random_state=0, device="cpu",
                                     learning_rate_init=0.01, **fixed_epochs(300))
    grid = {"hidden_layer_sizes": [(w,) for w in range(1, 11)]}
    return dict(X=X, y=y, grid=grid, cv=StratifiedKFold(5, shuffle=True, random_state=0),
                estimator=estimator, others={}, goals={"GridSearchCV": 0.35})


def case_large():
    rng = np.random.RandomState(0)
    X = rng.randn(20_000, 20).astype(np.float32)
    y = (np.tanh(X[:, :5]).sum(axis=1) + 0.1 * rng.randn(20_000)).astype(np.float32)
    estimator = SigmoidMLPRegressor(random_state=0, device="cpu", **fixed_epochs(10))
    grid = {"hidden_layer_sizes": [(16,), (32,), (64,), (128,)], "alpha": [1e-4, 1e-2]}
    return dict(X=X, y=y, grid=grid, cv=KFold(3, shuffle=True, random_state=0),
                estimator=estimator, others={}, goals={"GridSearchCV": 1.0})


def case_lbfgs():
    X, y = seed_data()
    estimator = SigmoidMLPRegressor(solver="lbfgs", n_restarts=10, max_iter=200,
                                    random_state=0, device="cpu")
    grid = {"hidden_layer_sizes": SEED_WIDTHS}
    return dict(X=X, y=y, grid=grid, cv=KFold(5, shuffle=True, random_state=0),
                estimator=estimator, others={}, goals={})


def case_gpu():
    X, y = seed_data()
    estimator = SigmoidMLPRegressor(random_state=0, learning_rate_init=0.01,
                                    **fixed_epochs(200))
    grid = {"hidden_layer_sizes": [(w,) for w in range(1, 101)]}
    return dict(X=X, y=y, grid=grid, cv=KFold(10, shuffle=True, random_state=0),
                estimator=estimator.set_params(device="cuda"),
                cpu_estimator=clone(estimator).set_params(device="cpu"),
                others={}, goals={})


def run_case(name, spec, repeats, parallel):
    X, y, grid, cv = spec["X"], spec["y"], spec["grid"], spec["cv"]
    cpu_estimator = spec.get("cpu_estimator", spec["estimator"])
    runs = {"BatchedGridSearchCV":
            lambda: BatchedGridSearchCV(spec["estimator"], grid, cv=cv).fit(X, y),
            "GridSearchCV": lambda: GridSearchCV(cpu_estimator, grid, cv=cv).fit(X, y)}
    if parallel:
        runs["GridSearchCV n_jobs=-1"] = lambda: GridSearchCV(
            cpu_estimator, grid, cv=cv, n_jobs=-1).fit(X, y)
    for label, other in spec["others"].items():
        runs[label] = lambda other=other: GridSearchCV(other, grid, cv=cv).fit(X, y)
    times = {label: [] for label in runs}
    cpu = {label: [] for label in runs}
    fitted = {}
    for _ in range(repeats):  # alternately: batched, reference, ...
        for label, run in runs.items():
            start, start_cpu = time.perf_counter(), time.process_time()
            fitted[label] = run()
            times[label].append(time.perf_counter() - start)
            cpu[label].append(time.process_time() - start_cpu)
    batched = statistics.median(times["BatchedGridSearchCV"])
    batched_cpu = statistics.median(cpu["BatchedGridSearchCV"])
    ref = fitted["GridSearchCV"].cv_results_["mean_test_score"]
    got = fitted["BatchedGridSearchCV"].cv_results_["mean_test_score"]
    diff = float(np.max(np.abs(ref - got)))
    members = len(fitted["GridSearchCV"].cv_results_["params"]) * cv.get_n_splits()
    restarts = getattr(cpu_estimator, "n_restarts", 1)
    rows, goals = [], []
    for label in runs:
        seconds = statistics.median(times[label])
        ratio = batched / seconds
        # CPU time of this process (workers of n_jobs=-1 not counted)
        cpu_cell = ("-" if "n_jobs" in label else
                    f"{statistics.median(cpu[label]):.2f} "
                    f"({batched_cpu / statistics.median(cpu[label]):.3f})")
        rows.append([name, label, f"{seconds:.2f}", f"{ratio:.3f}", cpu_cell])
        cpu_ratio = batched_cpu / statistics.median(cpu[label])
        if label in spec["goals"]:
            target = spec["goals"][label]
            goals.append([name, f"batched / {label}", f"{ratio:.3f}", f"{cpu_ratio:.3f}",
                          f"<= {target}", "met" if ratio <= target else "NOT met"])
    if not spec["goals"]:
        goals.append([name, "batched / GridSearchCV",
                      f"{batched / statistics.median(times['GridSearchCV']):.3f}",
                      f"{batched_cpu / statistics.median(cpu['GridSearchCV']):.3f}",
                      "reported", "-"])
    note = (f"{name}: {members} fits x {restarts} restart(s); max |mean_test_score "
            f"difference| = {diff:.2e}; best_params_ agree: "
            f"{fitted['GridSearchCV'].best_params_ == fitted['BatchedGridSearchCV'].best_params_}")
    return rows, goals, note


def table(headers, rows):
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    return "\n".join(lines + ["| " + " | ".join(map(str, r)) + " |" for r in rows])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", nargs="+", choices=CASES, default=list(CASES))
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--no-parallel", action="store_true",
                        help="skip the GridSearchCV n_jobs=-1 runs")
    args = parser.parse_args()
    warnings.simplefilter("ignore", ConvergenceWarning)
    all_rows, all_goals, notes = [], [], []
    load = os.getloadavg()
    for name in args.cases:
        if name == "gpu" and not torch.cuda.is_available():
            notes.append("gpu: skipped, torch sees no CUDA device")
            continue
        spec = globals()[f"case_{name}"]()
        rows, goals, note = run_case(name, spec, args.repeats, not args.no_parallel)
        all_rows += rows
        all_goals += goals
        notes.append(note)
        print(table(HEADERS, rows), flush=True)
        print(note, flush=True)
    report = "\n\n".join([
        f"torch {torch.__version__}, {torch.get_num_threads()} threads, "
        f"{os.cpu_count()} CPUs, load average {load[0]:.1f} at start, "
        f"{os.getloadavg()[0]:.1f} at end",
        table(HEADERS, all_rows),
        table(["case", "ratio", "wall", "CPU", "goal", "(wall)"], all_goals),
        "\n".join(f"- {n}" for n in notes)])
    print("\n" + report)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(report + "\n")


if __name__ == "__main__":
    main()
