"""Core benchmark: skorchlite against scikit-learn's MLP (and torch, skorch).

Fits skorchlite and scikit-learn on the same data, architecture, solver,
dtype and iteration budget, times them alternately (skorchlite, sklearn,
skorchlite, sklearn, ...) and reports median wall times, time ratios
(skorchlite / other) and the final ``loss_`` of each. Every fit runs its
full iteration budget: adam/sgd get ``tol=0, n_iter_no_change=max_iter``.

Cases (``--cases``):

small     600 x 1 sine regression, hidden (8,): adam, sgd and lbfgs.
medium    100,000 x 20 float32 regression, hidden (64, 64), adam, batch 256,
          10 epochs; plus a minimal raw torch loop and skorch's
          NeuralNetRegressor on the same problem, for reference.
restarts  the small adam/sgd cases with n_restarts=1 vs 10; the small lbfgs
          case with 10 restarts, one scipy run per restart vs one joint
          run, vs 10 sequential scikit-learn fits.
predict   predict on 1,000,000 x 20 float32 rows through hidden (64, 64).

Usage::

    python benchmarks/bench_core.py                  # everything, ~1.5 min on 2 cores
    python benchmarks/bench_core.py --quick          # smoke run, ~15 s
    python benchmarks/bench_core.py --cases small restarts --repeats 5
    python benchmarks/bench_core.py --threads 1      # every library on one thread

The tables are printed and written to ``benchmarks/results/core.md``.
"""

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import sklearn
import torch
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPRegressor
from threadpoolctl import threadpool_limits

# benchmark the checkout this script lives in, installed or not
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import skorchlite  # noqa: E402
import skorchlite._lbfgs as solvers  # noqa: E402
from skorchlite import SigmoidMLPRegressor  # noqa: E402

CASES = ("small", "medium", "restarts", "predict")
RESULTS = Path(__file__).parent / "results" / "core.md"
SEED = 0


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


def time_alternating(runs, repeats, warmup_rows=None):
    """Time ``runs[name](rows)`` alternately, ``repeats`` rounds, on all rows.

    Each run is first called once, untimed, on the first ``warmup_rows`` rows
    (all rows when None), so that no timing pays for one-off initialisation
    (imports, kernel selection for the shapes). Returns
    ``{name: (median seconds, value returned by the last timed call)}``.
    """
    for run in runs.values():
        run(slice(warmup_rows))
    times = {name: [] for name in runs}
    values = {}
    for _ in range(repeats):
        for name, run in runs.items():
            start = time.perf_counter()
            values[name] = run(slice(None))
            times[name].append(time.perf_counter() - start)
    return {name: (statistics.median(times[name]), values[name]) for name in runs}


def markdown_table(headers, rows):
    lines = ["| " + " | ".join(headers) + " |",
             "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def fmt_time(seconds):
    return f"{seconds:.3f}"


def fmt_ratio(a, b):
    return f"{a / b:.2f}"


def fmt_loss(loss):
    return f"{loss:.6g}"


def checkout():
    """The benchmarked commit, marked "+changes" when skorchlite/ differs from it."""
    def git(*args):
        return subprocess.run(["git", "--no-optional-locks", *args], cwd=REPO,
                              capture_output=True, text=True).stdout.strip()
    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    changed = git("status", "--porcelain", "--", "skorchlite")
    return commit + (" +changes" if changed else "")


def machine_info():
    return (f"{platform.platform()}, Python {platform.python_version()}, "
            f"{os.cpu_count()} CPUs, torch {torch.__version__} "
            f"(torch.get_num_threads() = {torch.get_num_threads()}), "
            f"scikit-learn {sklearn.__version__}, numpy {np.__version__}, "
            f"skorchlite {skorchlite.__version__} (commit {checkout()})")


# ---------------------------------------------------------------------------
# data and estimators
# ---------------------------------------------------------------------------


def sine_data(n=600, seed=SEED):
    """x uniform on [0, 2 pi], y = sin(x) + 0.1 * noise (float64)."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(0, 2 * np.pi, size=(n, 1))
    y = np.sin(X[:, 0]) + 0.1 * rng.standard_normal(n)
    return X, y


def nonlinear_data(n, n_features=20, seed=SEED):
    """X standard normal, y a smooth nonlinear function of X plus noise (float32)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, n_features)).astype(np.float32)
    y = (np.sin(X[:, 0]) + X[:, 1] * X[:, 2] + np.tanh(X[:, 3:6].sum(axis=1))
         + 0.1 * rng.standard_normal(n)).astype(np.float32)
    return X, y


# Parameters of the small case's three solvers (shared by "restarts").
SMALL = {
    "adam": dict(solver="adam", max_iter=200, batch_size=200),
    "sgd": dict(solver="sgd", max_iter=200, learning_rate_init=0.1),
    "lbfgs": dict(solver="lbfgs", max_iter=200),
}


def mlp_params(hidden, solver, max_iter, **params):
    """Shared constructor parameters; adam/sgd run exactly ``max_iter`` epochs."""
    params = dict(hidden_layer_sizes=hidden, activation="logistic", solver=solver,
                  max_iter=max_iter, random_state=SEED, **params)
    if solver != "lbfgs":
        params.update(tol=0.0, n_iter_no_change=max_iter)
    return params


def fit_skorchlite(X, y, n_restarts=1, joint=False, **params):
    """Fit a SigmoidMLPRegressor on the CPU, ``joint`` setting LBFGS_JOINT."""
    previous = solvers.LBFGS_JOINT
    solvers.LBFGS_JOINT = joint
    try:
        return SigmoidMLPRegressor(**params, n_restarts=n_restarts,
                                   device="cpu").fit(X, y)
    finally:
        solvers.LBFGS_JOINT = previous


def fit_sklearn(X, y, **params):
    return MLPRegressor(**params).fit(X, y)


def outcome(estimator):
    """What the tables report of a fit: ``(loss_, n_iter_)``."""
    return estimator.loss_, estimator.n_iter_


def torch_module(n_features, hidden):
    """nn.Sequential of Linear/Sigmoid layers and a linear output."""
    layers, fan_in = [], n_features
    for width in hidden:
        layers += [torch.nn.Linear(fan_in, width), torch.nn.Sigmoid()]
        fan_in = width
    layers.append(torch.nn.Linear(fan_in, 1))
    return torch.nn.Sequential(*layers)


def fit_raw_torch(X, y, hidden, batch_size, epochs, lr=1e-3):
    """Minimal torch loop: Adam, a fresh permutation per epoch, minibatches
    indexed from tensors (no DataLoader). Returns ``(loss, epochs)``, the
    loss being the last epoch's mean half squared error (scikit-learn's
    ``loss_`` with ``alpha=0``)."""
    torch.manual_seed(SEED)
    X, y = torch.from_numpy(X), torch.from_numpy(y).reshape(-1, 1)
    model = torch_module(X.shape[1], hidden)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    for _ in range(epochs):
        total = torch.zeros(())
        for rows in torch.randperm(len(X)).split(batch_size):
            loss = 0.5 * torch.nn.functional.mse_loss(model(X[rows]), y[rows])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.detach() * len(rows)
    return total.item() / len(X), epochs


def fit_skorch(X, y, hidden, batch_size, epochs, lr=1e-3):
    """skorch's NeuralNetRegressor on the same module. Returns ``(loss,
    epochs)``, the loss being the last epoch's train_loss / 2 (MSELoss,
    halved to match ``loss_``)."""
    from skorch import NeuralNetRegressor

    torch.manual_seed(SEED)
    net = NeuralNetRegressor(
        torch_module(X.shape[1], hidden), optimizer=torch.optim.Adam, lr=lr,
        batch_size=batch_size, max_epochs=epochs, train_split=None,
        iterator_train__shuffle=True, verbose=0, device="cpu")
    net.fit(X, y.reshape(-1, 1))
    return net.history[-1, "train_loss"] / 2, len(net.history)


# ---------------------------------------------------------------------------
# cases
# ---------------------------------------------------------------------------


def time_skorchlite_and_sklearn(X, y, params, repeats):
    """Alternate skorchlite and scikit-learn fits with the same ``params``."""
    return time_alternating({
        "skorchlite": lambda r: outcome(fit_skorchlite(X[r], y[r], **params)),
        "sklearn": lambda r: outcome(fit_sklearn(X[r], y[r], **params)),
    }, repeats)


def case_small(args):
    X, y = sine_data()
    rows = []
    for name, solver_params in SMALL.items():
        params = mlp_params((8,), **solver_params)
        res = time_skorchlite_and_sklearn(X, y, params, args.repeats)
        (t_lite, (loss_lite, it_lite)), (t_sk, (loss_sk, it_sk)) = res.values()
        rows.append([name, fmt_time(t_lite), fmt_time(t_sk), fmt_ratio(t_lite, t_sk),
                     fmt_loss(loss_lite), fmt_loss(loss_sk), f"{it_lite} / {it_sk}"])
    headers = ["solver", "skorchlite (s)", "sklearn (s)", "ratio skorchlite/sklearn",
               "skorchlite loss_", "sklearn loss_", "n_iter_ (skorchlite / sklearn)"]
    return ("small: 600 x 1 sine, hidden (8,), float64; adam 200 epochs batch 200, "
            "sgd 200 epochs lr 0.1, lbfgs max_iter=200",
            markdown_table(headers, rows))


def case_medium(args):
    X, y = nonlinear_data(args.medium_rows)
    hidden, batch_size, epochs = (64, 64), 256, 10
    params = mlp_params(hidden, "adam", epochs, batch_size=batch_size, alpha=0.0)
    res = time_alternating({
        "skorchlite": lambda r: outcome(fit_skorchlite(X[r], y[r], **params)),
        "sklearn": lambda r: outcome(fit_sklearn(X[r], y[r], **params)),
        "raw torch": lambda r: fit_raw_torch(X[r], y[r], hidden, batch_size, epochs),
        "skorch": lambda r: fit_skorch(X[r], y[r], hidden, batch_size, epochs),
    }, args.repeats, warmup_rows=10 * batch_size)
    t_lite = res["skorchlite"][0]
    rows = [[name, fmt_time(t), fmt_ratio(t_lite, t), fmt_loss(loss), n_iter]
            for name, (t, (loss, n_iter)) in res.items()]
    headers = ["implementation", "time (s)", "ratio skorchlite/this", "final loss",
               "epochs"]
    title = (f"medium: {len(X):,} x {X.shape[1]} float32, hidden (64, 64), adam, "
             f"batch {batch_size}, {epochs} epochs, alpha=0")
    return title, markdown_table(headers, rows)


def sklearn_sequential(X, y, n_fits, **params):
    """``n_fits`` scikit-learn fits with random_state 0..n_fits-1; the best
    ``(loss_, n_iter_)``."""
    return min(outcome(fit_sklearn(X, y, **{**params, "random_state": seed}))
               for seed in range(n_fits))


def restart_rows_stochastic(X, y, solver, repeats):
    """Rows of the restarts table: n_restarts=1 vs 10, ratio to 1."""
    params = mlp_params((8,), **SMALL[solver])
    res = time_alternating({
        "skorchlite n_restarts=1": lambda r: outcome(
            fit_skorchlite(X[r], y[r], 1, **params)),
        "skorchlite n_restarts=10": lambda r: outcome(
            fit_skorchlite(X[r], y[r], 10, **params)),
    }, repeats)
    t_one = res["skorchlite n_restarts=1"][0]
    return [[solver, variant, fmt_time(t), fmt_ratio(t, t_one), fmt_loss(loss), n_iter]
            for variant, (t, (loss, n_iter)) in res.items()]


def restart_rows_lbfgs(X, y, repeats):
    """Rows of the restarts table: 10 lbfgs restarts per-restart vs joint vs
    10 sequential scikit-learn fits, ratio to the latter."""
    params = mlp_params((8,), **SMALL["lbfgs"])
    res = time_alternating({
        "skorchlite n_restarts=10, per-restart": lambda r: outcome(
            fit_skorchlite(X[r], y[r], 10, joint=False, **params)),
        "skorchlite n_restarts=10, joint (LBFGS_JOINT)": lambda r: outcome(
            fit_skorchlite(X[r], y[r], 10, joint=True, **params)),
        "sklearn, 10 fits (random_state 0..9)": lambda r: sklearn_sequential(
            X[r], y[r], 10, **params),
    }, repeats)
    t_sk = res["sklearn, 10 fits (random_state 0..9)"][0]
    return [["lbfgs", variant, fmt_time(t), fmt_ratio(t, t_sk), fmt_loss(loss), n_iter]
            for variant, (t, (loss, n_iter)) in res.items()]


def case_restarts(args):
    X, y = sine_data()
    rows = (restart_rows_stochastic(X, y, "adam", args.repeats)
            + restart_rows_stochastic(X, y, "sgd", args.repeats)
            + restart_rows_lbfgs(X, y, args.repeats))
    headers = ["solver", "variant", "time (s)",
               "time ratio (adam, sgd: to n_restarts=1; lbfgs: to sklearn)",
               "best loss_", "n_iter_ of best"]
    return ("restarts: the small case (600 x 1 sine, hidden (8,)) with 10 restarts",
            markdown_table(headers, rows))


def case_predict(args):
    X, y = nonlinear_data(args.predict_rows)
    params = mlp_params((64, 64), "adam", 1)
    lite = fit_skorchlite(X[:2000], y[:2000], **params)
    skl = fit_sklearn(X[:2000], y[:2000], **params)
    res = time_alternating({"skorchlite": lambda r: lite.predict(X[r]),
                            "sklearn": lambda r: skl.predict(X[r])},
                           args.repeats, warmup_rows=10_000)
    (t_lite, pred_lite), (t_sk, pred_sk) = res.values()
    rows = [[fmt_time(t_lite), fmt_time(t_sk), fmt_ratio(t_lite, t_sk),
             f"{pred_lite.dtype} / {pred_sk.dtype}"]]
    headers = ["skorchlite (s)", "sklearn (s)", "ratio skorchlite/sklearn",
               "output dtype (skorchlite / sklearn)"]
    return (f"predict: {len(X):,} x {X.shape[1]} float32, hidden (64, 64)",
            markdown_table(headers, rows))


CASE_FUNCTIONS = {"small": case_small, "medium": case_medium,
                  "restarts": case_restarts, "predict": case_predict}


# ---------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", nargs="+", choices=CASES, default=list(CASES),
                        help="cases to run (default: all)")
    parser.add_argument("--repeats", type=int, default=None,
                        help="timed runs of each implementation; the median is "
                             "reported (default 3, 1 with --quick)")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 1 repeat, 20,000-row medium case, "
                             "100,000-row predict case")
    parser.add_argument("--threads", type=int, default=None,
                        help="cap torch's and every BLAS/OpenMP pool at this many "
                             "threads for the whole run (default: each library's "
                             "own choice)")
    parser.add_argument("--output", type=Path, default=RESULTS,
                        help=f"markdown file to write (default {RESULTS})")
    args = parser.parse_args(argv)
    if args.repeats is None:
        args.repeats = 1 if args.quick else 3
    args.medium_rows = 20_000 if args.quick else 100_000
    args.predict_rows = 100_000 if args.quick else 1_000_000
    return args


def main(argv=None):
    args = parse_args(argv)
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    if args.threads is not None:
        torch.set_num_threads(args.threads)
        threadpool_limits(args.threads)
    start = time.perf_counter()

    sections = [f"Machine: {machine_info()}",
                f"Median of {args.repeats} alternating run(s) after one untimed "
                "warm-up run each; times in seconds; skorchlite on device='cpu'; "
                f"thread cap: {args.threads or 'none (library defaults)'}."]
    print("\n\n".join(sections), flush=True)
    for case in args.cases:
        title, table = CASE_FUNCTIONS[case](args)
        section = f"### {title}\n\n{table}"
        print(f"\n{section}", flush=True)
        sections.append(section)

    total = f"Total runtime: {time.perf_counter() - start:.0f} s"
    command = " ".join(["python benchmarks/bench_core.py",
                        *(sys.argv[1:] if argv is None else argv)])
    print(f"\n{total}")
    sections += [f"Command: `{command}`", total]
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("\n\n".join(sections) + "\n")
    print(f"Written to {args.output}")


if __name__ == "__main__":
    main()
