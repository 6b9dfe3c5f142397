"""Step-function networks: the quality and speed goals of StepFunctionRegressor/-Classifier.

    python benchmarks/bench_step.py             # about 30 s on 2 cores
    python benchmarks/bench_step.py --repeats 21

Three cases, each printed as a markdown table (and written, with the machine,
the library versions, the commit and the load averages, to
``benchmarks/results/step.md``, git-ignored), then a table of the goals:

* damped sine (``make_damped_sine()``, 200 points), 10 logistic units trained
  as example 3 trains them (adam, ``learning_rate_init=1e-2, max_iter=5000,
  n_iter_no_change=5000, random_state=0``): R^2 of the smooth network, of the
  plain limit (``refit="none"``), of ``refit="output"`` and of
  ``refit="thresholds"``, and the best piecewise-constant fit with 10 jumps
  (exact, by dynamic programming over the sorted x);
* rings (``make_rings(1000)``: 1,000 points per class), 3 units, lbfgs with
  5 restarts: training accuracy of the smooth network and of each step
  network;
* 2,000 rows of a noisy damped sine, 10 units (lbfgs): time of
  ``StepFunctionRegressor(FrozenEstimator(net), refit=...).fit`` (the
  estimator is already fitted, so only the step network is timed), median of
  ``--repeats`` runs after one warm-up.

Timings on a small shared machine are noisy: read them with the load
averages printed around them.
"""

import argparse
import os
import platform
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.frozen import FrozenEstimator  # noqa: E402
from sklearn.metrics import r2_score  # noqa: E402

from skorchlite import (SigmoidMLPClassifier, SigmoidMLPRegressor,  # noqa: E402
                        StepFunctionClassifier, StepFunctionRegressor)
from skorchlite._step import best_piecewise_constant  # noqa: E402
from skorchlite.datasets import make_damped_sine, make_rings  # noqa: E402

REFITS = ("none", "output", "thresholds")


def load_average():
    return f"load average {os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else ""


def header():
    import sklearn
    import torch

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO,
                            capture_output=True, text=True).stdout.strip() or "unknown"
    return (f"{platform.platform()}, Python {platform.python_version()}, numpy "
            f"{np.__version__}, scikit-learn {sklearn.__version__}, torch "
            f"{torch.__version__}, {os.cpu_count()} CPUs, skorchlite commit {commit}")


def timed(make, repeats):
    """(result of the last run, median seconds) after one untimed warm-up."""
    make()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = make()
        times.append(time.perf_counter() - start)
    return result, float(np.median(times))


def damped_sine(repeats):
    X, y = make_damped_sine()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        net = SigmoidMLPRegressor((10,), learning_rate_init=1e-2, max_iter=5000,
                                  n_iter_no_change=5000, random_state=0,
                                  device="cpu").fit(X, y)
    rows = [("smooth network (10 logistic units)", net.score(X, y), None, None)]
    r2 = {}
    for refit in REFITS:
        step, seconds = timed(lambda: StepFunctionRegressor(
            FrozenEstimator(net), refit=refit).fit(X, y), repeats)
        r2[refit] = step.score(X, y)
        rows.append((f'refit="{refit}"', r2[refit], step.n_regions_, seconds))
    (sse, fit), seconds = timed(lambda: best_piecewise_constant(X, y, 10), repeats)
    r2["optimum"] = r2_score(y, fit)
    rows.append(("best piecewise-constant fit, 10 jumps (dynamic programming)",
                 r2["optimum"], len(np.unique(fit)), seconds))
    lines = ["### Damped sine, 200 points, 10 units: training R^2", "",
             "| model | R^2 | regions | time (s) |", "|---|---|---|---|"]
    for name, score, regions, seconds in rows:
        lines.append(f"| {name} | {score:.4f} | {'' if regions is None else regions} | "
                     f"{'' if seconds is None else f'{seconds:.4f}'} |")
    return lines, r2


def rings(repeats):
    X, y = make_rings(1000, random_state=0)
    net = SigmoidMLPClassifier((3,), solver="lbfgs", n_restarts=5, random_state=0,
                               device="cpu").fit(X, y)
    accuracy = {"smooth": net.score(X, y)}
    lines = ["### Rings, 1,000 points per class, 3 units: training accuracy", "",
             "| model | accuracy | regions | time (s) |", "|---|---|---|---|",
             f"| smooth network | {accuracy['smooth']:.4f} | | |"]
    for refit in REFITS:
        step, seconds = timed(lambda: StepFunctionClassifier(
            FrozenEstimator(net), refit=refit).fit(X, y), repeats)
        accuracy[refit] = step.score(X, y)
        lines.append(f'| refit="{refit}" | {accuracy[refit]:.4f} | {step.n_regions_} | '
                     f"{seconds:.4f} |")
    return lines, accuracy


def speed(repeats):
    rng = np.random.RandomState(0)
    x = np.sort(rng.uniform(-10, 10, 2000))
    X, y = x.reshape(-1, 1), np.sin(3 * x) * np.exp(-x / 8) + 0.1 * rng.randn(2000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        net = SigmoidMLPRegressor((10,), solver="lbfgs", max_iter=2000, random_state=0,
                                  device="cpu").fit(X, y)
    seconds = {}
    lines = ["### 2,000 rows, 10 units: time of the step network's fit", "",
             f"Smooth network R^2 {net.score(X, y):.4f}; optimum with 10 jumps R^2 "
             f"{r2_score(y, best_piecewise_constant(X, y, 10)[1]):.4f}.", "",
             "| refit | R^2 | time (s) |", "|---|---|---|"]
    for refit in REFITS:
        step, seconds[refit] = timed(lambda: StepFunctionRegressor(
            FrozenEstimator(net), refit=refit).fit(X, y), repeats)
        lines.append(f'| "{refit}" | {step.score(X, y):.4f} | {seconds[refit]:.4f} |')
    return lines, seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7,
                        help="timed runs per measurement (median reported; default 7)")
    args = parser.parse_args(argv)
    out = [header(), "", f"{load_average()} at the start.", ""]
    print("\n".join(out))
    sine_lines, r2 = damped_sine(args.repeats)
    ring_lines, accuracy = rings(args.repeats)
    speed_lines, seconds = speed(args.repeats)
    goals = [
        ('damped sine, refit="output": R^2 >= 0.60', f"{r2['output']:.4f}",
         r2["output"] >= 0.60),
        ('damped sine, refit="thresholds": R^2 within 2 % of the optimum '
         f"({r2['optimum']:.4f})", f"{r2['thresholds']:.4f} "
         f"({100 * (1 - r2['thresholds'] / r2['optimum']):.2f} % below)",
         r2["thresholds"] >= 0.98 * r2["optimum"]),
        ('rings, refit="output": step accuracy == smooth accuracy '
         f"({accuracy['smooth']:.4f})", f"{accuracy['output']:.4f}",
         accuracy["output"] == accuracy["smooth"]),
        ('2,000 rows, 10 units, refit="thresholds": under 0.5 s',
         f"{seconds['thresholds']:.3f} s", seconds["thresholds"] < 0.5),
    ]
    goal_lines = ["### Goals", "", "| goal | measured | met |", "|---|---|---|"]
    goal_lines += [f"| {goal} | {value} | {'yes' if met else 'NO'} |"
                   for goal, value, met in goals]
    body = sine_lines + [""] + ring_lines + [""] + speed_lines + [""] + goal_lines + [
        "", f"{load_average()} at the end."]
    print("\n".join(body))
    results = REPO / "benchmarks" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "step.md").write_text("\n".join(out + body) + "\n")


if __name__ == "__main__":
    main()
