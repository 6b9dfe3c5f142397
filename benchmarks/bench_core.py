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

    python benchmarks/bench_core.py                  # everything, ~5 min on 2 cores
    python benchmarks/bench_core.py --quick          # smoke run
    python benchmarks/bench_core.py --cases small restarts --repeats 5

The tables are printed and written to ``benchmarks/results/core.md``.
"""

import argparse
import os
import platform
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import sklearn
import torch
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPRegressor

# benchmark the checkout this script lives in, installed or not
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import skorchlite  # noqa: E402
import skorchlite._solvers as solvers  # noqa: E402
from skorchlite import SigmoidMLPRegressor  # noqa: E402

CASES = ("small", "medium", "restarts", "predict")
RESULTS = Path(__file__).parent / "results" / "core.md"
SEED = 0


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


def time_alternating(runs, repeats):
    """Call each ``runs[name]()`` in turn, ``repeats`` rounds.

    Returns ``{name: (median seconds, value returned by the last call)}``.
    """
    times = {name: [] for name in runs}
    values = {}
    for _ in range(repeats):
        for name, run in runs.items():
            start = time.perf_counter()
            values[name] = run()
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


def machine_info():
    return (f"{platform.platform()}, Python {platform.python_version()}, "
            f"{os.cpu_count()} CPUs, torch {torch.__version__} "
            f"(torch.get_num_threads() = {torch.get_num_threads()}), "
            f"scikit-learn {sklearn.__version__}, numpy {np.__version__}, "
            f"skorchlite {skorchlite.__version__}")


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
    indexed from tensors (no DataLoader). Returns the last epoch's mean half
    squared error, scikit-learn's ``loss_`` with ``alpha=0``."""
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
    return total.item() / len(X)


def fit_skorch(X, y, hidden, batch_size, epochs, lr=1e-3):
    """skorch's NeuralNetRegressor on the same module. Returns the last
    epoch's train_loss / 2 (MSELoss, halved to match ``loss_``)."""
    from skorch import NeuralNetRegressor

    torch.manual_seed(SEED)
    net = NeuralNetRegressor(
        torch_module(X.shape[1], hidden), optimizer=torch.optim.Adam, lr=lr,
        batch_size=batch_size, max_epochs=epochs, train_split=None,
        iterator_train__shuffle=True, verbose=0, device="cpu")
    net.fit(X, y.reshape(-1, 1))
    return net.history[-1, "train_loss"] / 2


# ---------------------------------------------------------------------------
# cases
# ---------------------------------------------------------------------------


def case_small(args):
    X, y = sine_data()
    rows = []
    for name, solver_params in SMALL.items():
        params = mlp_params((8,), **solver_params)
        res = time_alternating({
            "skorchlite": lambda: fit_skorchlite(X, y, **params).loss_,
            "sklearn": lambda: fit_sklearn(X, y, **params).loss_,
        }, args.repeats)
        (t_lite, loss_lite), (t_sk, loss_sk) = res["skorchlite"], res["sklearn"]
        budget = f"{params['max_iter']} {'iterations' if name == 'lbfgs' else 'epochs'}"
        rows.append([name, budget, fmt_time(t_lite), fmt_time(t_sk),
                     fmt_ratio(t_lite, t_sk), fmt_loss(loss_lite), fmt_loss(loss_sk)])
    headers = ["solver", "budget", "skorchlite (s)", "sklearn (s)",
               "ratio skorchlite/sklearn", "skorchlite loss_", "sklearn loss_"]
    return ("small: 600 x 1 sine, hidden (8,), float64",
            markdown_table(headers, rows))


def case_medium(args):
    X, y = nonlinear_data(args.medium_rows)
    hidden, batch_size, epochs = (64, 64), 256, 10
    params = mlp_params(hidden, "adam", epochs, batch_size=batch_size, alpha=0.0)
    res = time_alternating({
        "skorchlite": lambda: fit_skorchlite(X, y, **params).loss_,
        "sklearn": lambda: fit_sklearn(X, y, **params).loss_,
        "raw torch": lambda: fit_raw_torch(X, y, hidden, batch_size, epochs),
        "skorch": lambda: fit_skorch(X, y, hidden, batch_size, epochs),
    }, args.repeats)
    t_lite = res["skorchlite"][0]
    rows = [[name, fmt_time(t), fmt_ratio(t_lite, t), fmt_loss(loss)]
            for name, (t, loss) in res.items()]
    headers = ["implementation", "time (s)", "ratio skorchlite/this", "final loss"]
    title = (f"medium: {len(X):,} x {X.shape[1]} float32, hidden (64, 64), adam, "
             f"batch {batch_size}, {epochs} epochs, alpha=0")
    return title, markdown_table(headers, rows)


def case_restarts(args):
    X, y = sine_data()
    rows = []
    for name in ("adam", "sgd"):
        params = mlp_params((8,), **SMALL[name])
        res = time_alternating({
            "n_restarts=1": lambda: fit_skorchlite(X, y, **params).loss_,
            "n_restarts=10": lambda: fit_skorchlite(X, y, 10, **params).loss_,
        }, args.repeats)
        t_one = res["n_restarts=1"][0]
        rows += [[name, f"skorchlite {variant}", fmt_time(t), fmt_ratio(t, t_one),
                  fmt_loss(loss)] for variant, (t, loss) in res.items()]

    params = mlp_params((8,), **SMALL["lbfgs"])
    res = time_alternating({
        "skorchlite n_restarts=10, per-restart": lambda: fit_skorchlite(
            X, y, 10, joint=False, **params).loss_,
        "skorchlite n_restarts=10, joint (LBFGS_JOINT)": lambda: fit_skorchlite(
            X, y, 10, joint=True, **params).loss_,
        "sklearn, 10 fits (random_state 0..9)": lambda: min(
            fit_sklearn(X, y, **{**params, "random_state": seed}).loss_
            for seed in range(10)),
    }, args.repeats)
    t_sk = res["sklearn, 10 fits (random_state 0..9)"][0]
    rows += [["lbfgs", variant, fmt_time(t), fmt_ratio(t, t_sk), fmt_loss(loss)]
             for variant, (t, loss) in res.items()]
    headers = ["solver", "variant", "time (s)", "ratio (adam/sgd: to n_restarts=1; "
               "lbfgs: to sklearn)", "best loss_"]
    return ("restarts: small case (600 x 1 sine, hidden (8,)), 10 restarts",
            markdown_table(headers, rows))


def case_predict(args):
    X, y = nonlinear_data(args.predict_rows)
    params = mlp_params((64, 64), "adam", 1)
    lite = fit_skorchlite(X[:2000], y[:2000], **params)
    skl = fit_sklearn(X[:2000], y[:2000], **params)
    res = time_alternating({"skorchlite": lambda: lite.predict(X),
                            "sklearn": lambda: skl.predict(X)}, args.repeats)
    (t_lite, pred_lite), (t_sk, pred_sk) = res["skorchlite"], res["sklearn"]
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


def warm_up():
    """One tiny fit of each library, so no timing pays for lazy imports."""
    X, y = sine_data(50)
    X32, y32 = X.astype(np.float32), y.astype(np.float32)
    for solver in ("adam", "lbfgs"):
        params = mlp_params((4,), solver, 2)
        fit_skorchlite(X, y, **params)
        fit_skorchlite(X32, y32, **params)
        fit_sklearn(X, y, **params)
    fit_raw_torch(X32, y32, (4,), 16, 1)
    fit_skorch(X32, y32, (4,), 16, 1)


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
    start = time.perf_counter()
    warm_up()

    sections = [f"Machine: {machine_info()}",
                f"Median of {args.repeats} alternating run(s); times in seconds; "
                "skorchlite on device='cpu'."]
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
