"""Core benchmark: every CPU-measurable speed goal of skorchlite in one run.

Fits skorchlite and scikit-learn on the same data, architecture, solver,
dtype and iteration budget, times them alternately (skorchlite, sklearn,
skorchlite, sklearn, ...) and reports median wall times, time ratios
(skorchlite / other), the final ``loss_`` of each, and a table of the goals
with the measured ratio and whether each goal is met. Every
adam/sgd fit runs its full iteration budget (``tol=0,
n_iter_no_change=max_iter``).

Cases (``--cases``), numbered by the speed goal they measure:

tiny      (1) noisy sine (make_noisy_sine, 629 x 1), hidden (8,), batch 200,
          200 epochs: adam (the goal) and sgd (an extra row).
lbfgs     (2) damped sine (make_damped_sine, 200 x 1), hidden (10,),
          max_iter=200: time per L-BFGS iteration and final loss.
restarts  (3) the tiny adam/sgd cases with n_restarts=1 vs 10; lbfgs with
          n_restarts=10 on the damped sine (one scipy run per restart, and
          the rejected joint run) vs 10 sequential scikit-learn fits.
medium    (4) 100,000 x 20 float32, hidden (64, 64), adam, batch 256, 10
          epochs, against scikit-learn, skorch and raw torch loops (the
          fastest one is the reference), and the fraction of the machine's
          float32 GEMM rate that skorchlite reaches.
widths    (3) what 10 restarts cost against 1 as the hidden layer widens:
          the tiny adam/sgd problems at hidden (2,), (8,), (32,), (100,),
          with the time per minibatch step of one restart and the extra
          time per step of each further restart.
predict   (5) predict on 1,000,000 x 20 float32 rows through (64, 64).
gpu       (6) 1,000,000 x 100, hidden (256, 256), adam, batch 1024, 10
          epochs: skorchlite on CUDA vs skorchlite on the CPU (and
          scikit-learn on the CPU with --gpu-sklearn). Skipped, with a row
          saying so, when torch sees no CUDA device.
import    (7) which of matplotlib, pandas and scipy.optimize ``import
          skorchlite`` loads, which of them ``import sklearn`` alone loads,
          and the import times, each in a fresh interpreter.

Usage::

    python benchmarks/bench_core.py                  # everything, ~4 min on 2 cores
    python benchmarks/bench_core.py --quick          # smoke run, ~40 s
    python benchmarks/bench_core.py --cases tiny restarts --tiny-repeats 21
    python benchmarks/bench_core.py --threads 1      # every library on one thread

The goals table and the tables of every case are printed and written to
``benchmarks/results/core.md``.
"""

import argparse
import dataclasses
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
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
from skorchlite import SigmoidMLPRegressor  # noqa: E402
from skorchlite._network import BatchedMLP, to_numpy, to_tensor  # noqa: E402
from skorchlite._registry import SOLVERS  # noqa: E402
from skorchlite._state import FitResult  # noqa: E402
from skorchlite.datasets import make_damped_sine, make_noisy_sine  # noqa: E402

CASES = ("tiny", "lbfgs", "restarts", "widths", "medium", "predict", "gpu", "import")
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


@contextmanager
def torch_threads(n):
    """Run torch on ``n`` threads (None: leave as is), restoring the count."""
    previous = torch.get_num_threads()
    if n is not None:
        torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


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


def load_average():
    """The 1-minute load average (other processes on the machine skew timings)."""
    return f"load average {os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else ""


def machine_info():
    return (f"{platform.platform()}, Python {platform.python_version()}, "
            f"{os.cpu_count()} CPUs, torch {torch.__version__} "
            f"(torch.get_num_threads() = {torch.get_num_threads()}), "
            f"scikit-learn {sklearn.__version__}, numpy {np.__version__}, "
            f"skorchlite {skorchlite.__version__} (commit {checkout()})")


# ---------------------------------------------------------------------------
# goals
# ---------------------------------------------------------------------------


@dataclass
class Goal:
    """One row of the goals table. ``met``: True, False, or None for a value
    that is only reported (no target) or a goal that was not measured."""

    number: int
    what: str
    measured: str
    target: str
    met: object = None
    status: str = ""

    def row(self):
        status = self.status or {True: "yes", False: "**no**", None: "report"}[self.met]
        return [self.number, self.what, self.measured, self.target, status]


def ratio_goal(number, what, value, limit):
    """A goal of the form ``value <= limit``."""
    return Goal(number, what, f"{value:.2f}", f"<= {limit}", bool(value <= limit))


def loss_goal(number, what, lite, other):
    """A goal of the form ``skorchlite's loss <= the other's``."""
    return Goal(number, what, f"{fmt_loss(lite)} vs {fmt_loss(other)}",
                "skorchlite <= sklearn", bool(lite <= other))


def goals_table(goals):
    return markdown_table(["goal", "what (ratios: skorchlite / other, time)",
                           "measured", "target", "met"],
                          [goal.row() for goal in goals])


# ---------------------------------------------------------------------------
# data and estimators
# ---------------------------------------------------------------------------


def nonlinear_data(n, n_features=20, seed=SEED):
    """X standard normal, y a smooth nonlinear function of X plus noise (float32)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, n_features)).astype(np.float32)
    y = (np.sin(X[:, 0]) + X[:, 1] * X[:, 2] + np.tanh(X[:, 3:6].sum(axis=1))
         + 0.1 * rng.standard_normal(n)).astype(np.float32)
    return X, y


# The tiny problems' solver parameters (shared by "tiny" and "restarts").
TINY = {
    "adam": dict(solver="adam", max_iter=200, batch_size=200),
    "sgd": dict(solver="sgd", max_iter=200, batch_size=200, learning_rate_init=0.1),
}
LBFGS = dict(solver="lbfgs", max_iter=200)


def mlp_params(hidden, solver, max_iter, **params):
    """Shared constructor parameters; adam/sgd run exactly ``max_iter`` epochs."""
    params = dict(hidden_layer_sizes=hidden, activation="logistic", solver=solver,
                  max_iter=max_iter, random_state=SEED, **params)
    if solver != "lbfgs":
        params.update(tol=0.0, n_iter_no_change=max_iter)
    return params


@torch.inference_mode()
def fit_lbfgs_joint(net, data, options, state, random_state=None, incremental=False):
    """The rejected lbfgs variant, kept here to measure it: one scipy L-BFGS-B
    run over the concatenated parameters of all restarts (their losses
    summed), so the restarts share line searches and curvature pairs."""
    from scipy.optimize import minimize

    X, Y, sw = (net.to_device(a) for a in (data.X, data.Y, data.sample_weight))
    weight_sum = float(X.shape[0] if sw is None else data.sample_weight.sum())
    args = (X, Y, sw, options.alpha, weight_sum)
    params, grads = net.flat.view(-1), net.grad.view(-1)
    state.loss_curves = [[] for _ in range(net.n_restarts)]
    last = {}

    def objective(x):
        params.copy_(to_tensor(x, net.device))
        losses = to_numpy(net.loss_and_grad(*args))
        last["losses"] = losses.copy()
        return float(losses.sum()), to_numpy(grads).copy()

    def callback(intermediate_result):
        for curve, value in zip(state.loss_curves, last["losses"]):
            curve.append(float(value))

    run = minimize(objective, to_numpy(params).astype(np.float64), method="L-BFGS-B",
                   jac=True, callback=callback,
                   options={"maxiter": options.max_iter, "maxfun": options.max_fun,
                            "gtol": options.tol})
    params.copy_(to_tensor(run.x, net.device))
    result = FitResult.empty(net.n_restarts)
    result.initial_losses = np.full(net.n_restarts, np.nan)  # not tracked here
    result.losses[:] = to_numpy(net.loss_and_grad(*args))
    result.n_iter[:] = min(run.nit, options.max_iter)
    result.converged[:] = run.status == 0
    result.diverged[:] = ~np.isfinite(result.losses)
    result.messages = ["scipy status %d: %s" % (run.status, run.message)] * net.n_restarts
    result.coefs, result.intercepts = net.get_params()
    return result


# a solver is one function and one registry entry: the joint run is lbfgs
# with another fit function
SOLVERS["lbfgs_joint"] = dataclasses.replace(SOLVERS["lbfgs"], fit=fit_lbfgs_joint)


def fit_skorchlite(X, y, n_restarts=1, joint=False, device="cpu", **params):
    """Fit a SigmoidMLPRegressor; ``joint`` trains lbfgs restarts in one scipy run."""
    if joint:
        params = {**params, "solver": "lbfgs_joint"}
    return SigmoidMLPRegressor(**params, n_restarts=n_restarts, device=device).fit(X, y)


def fit_sklearn(X, y, **params):
    return MLPRegressor(**params).fit(X, y)


def outcome(estimator):
    """What the tables report of a fit: ``(loss_, n_iter_)``."""
    return estimator.loss_, estimator.n_iter_


def threads_in_training_step(fit):
    """The torch thread count in effect inside skorchlite's training step
    during ``fit()`` (skorchlite picks it from the work per step)."""
    seen = []
    original = BatchedMLP.loss_and_grad

    def recording(self, *args, **kwargs):
        seen.append(torch.get_num_threads())
        return original(self, *args, **kwargs)

    BatchedMLP.loss_and_grad = recording
    try:
        fit()
    finally:
        BatchedMLP.loss_and_grad = original
    return seen[0]


def sklearn_sequential(X, y, n_fits, **params):
    """``n_fits`` scikit-learn fits with random_state 0..n_fits-1; the best
    ``(loss_, n_iter_)``."""
    return min(outcome(fit_sklearn(X, y, **{**params, "random_state": seed}))
               for seed in range(n_fits))


# ---------------------------------------------------------------------------
# raw torch loops and skorch (the medium case's references)
# ---------------------------------------------------------------------------


def torch_module(n_features, hidden):
    """nn.Sequential of Linear/Sigmoid layers and a linear output."""
    layers, fan_in = [], n_features
    for width in hidden:
        layers += [torch.nn.Linear(fan_in, width), torch.nn.Sigmoid()]
        fan_in = width
    layers.append(torch.nn.Linear(fan_in, 1))
    return torch.nn.Sequential(*layers)


def raw_minimal(X, y, hidden, batch_size, epochs, lr=1e-3):
    """Minimal torch loop: autograd, torch.optim.Adam (default foreach), a
    fresh permutation per epoch, minibatches indexed from tensors (no
    DataLoader). Returns ``(loss, epochs)``, the loss being the last epoch's
    mean half squared error (scikit-learn's ``loss_`` with ``alpha=0``)."""
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


def raw_autograd_fused(X, y, hidden, batch_size, epochs, lr=1e-3):
    """Autograd with torch.optim.Adam(fused=True); the rows are shuffled once
    per epoch (two gathers) and the minibatches are contiguous slices."""
    torch.manual_seed(SEED)
    X, y = torch.from_numpy(X), torch.from_numpy(y).reshape(-1, 1)
    model = torch_module(X.shape[1], hidden)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr, fused=True)
    for _ in range(epochs):
        order = torch.randperm(len(X))
        total = torch.zeros(())
        for xb, yb in zip(X[order].split(batch_size), y[order].split(batch_size)):
            loss = 0.5 * torch.nn.functional.mse_loss(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.detach() * len(xb)
    return total.item() / len(X), epochs


def flat_views(flat, shapes):
    """Weight ``(fan_in, fan_out)`` and bias ``(fan_out,)`` views of a flat buffer."""
    sizes = [i * o for i, o in shapes] + [o for _, o in shapes]
    parts = flat.split(sizes)
    return ([p.view(shape) for p, shape in zip(parts, shapes)], list(parts[len(shapes):]))


def raw_hand_backward(X, y, hidden, batch_size, epochs, lr=1e-3):
    """The fastest raw loop found: no autograd (a hand-written backward with
    addmm/mm and sigmoid_backward, gradients written into one flat buffer),
    Adam as one call of ``torch._fused_adam_`` (the kernel behind
    ``Adam(fused=True)``, without the optimizer's Python bookkeeping) on that
    buffer, rows shuffled once per epoch, no host sync inside the epoch."""
    torch.manual_seed(SEED)
    linears = [m for m in torch_module(X.shape[1], hidden) if isinstance(m, torch.nn.Linear)]
    flat = torch.cat([m.weight.detach().T.flatten() for m in linears]
                     + [m.bias.detach() for m in linears])
    grad, m, v, step = (torch.zeros_like(flat), torch.zeros_like(flat),
                        torch.zeros_like(flat), torch.zeros(()))
    shapes = [tuple(m.weight.T.shape) for m in linears]
    (W, b), (gW, gb) = flat_views(flat, shapes), flat_views(grad, shapes)
    X, y = torch.from_numpy(X), torch.from_numpy(y).reshape(-1, 1)
    with torch.no_grad():
        for _ in range(epochs):
            order = torch.randperm(len(X))
            total = torch.zeros(())
            for xb, yb in zip(X[order].split(batch_size), y[order].split(batch_size)):
                total += hand_step(xb, yb, W, b, gW, gb)
                step += 1
                torch._fused_adam_([flat], [grad], [m], [v], [], [step], lr=lr,
                                   beta1=0.9, beta2=0.999, weight_decay=0.0, eps=1e-8,
                                   amsgrad=False, maximize=False)
    return total.item() / len(X), epochs


def hand_step(xb, yb, W, b, gW, gb):
    """Forward and hand-written backward of a sigmoid MLP with a linear output
    and half squared error; gradients into ``gW``/``gb``. Returns the
    minibatch's summed half squared error (a tensor, no sync)."""
    acts = [xb]
    for layer in range(len(W) - 1):
        acts.append(torch.addmm(b[layer], acts[-1], W[layer]).sigmoid_())
    residual = torch.addmm(b[-1], acts[-1], W[-1]).sub_(yb)
    loss = 0.5 * torch.linalg.vecdot(residual.flatten(), residual.flatten())
    delta = residual.div_(len(xb))
    for layer in range(len(W) - 1, -1, -1):
        torch.mm(acts[layer].T, delta, out=gW[layer])
        torch.sum(delta, dim=0, out=gb[layer])
        if layer:
            delta = torch.ops.aten.sigmoid_backward.default(delta @ W[layer].T, acts[layer])
    return loss


RAW_LOOPS = {
    "autograd, Adam (foreach), index per minibatch": raw_minimal,
    "autograd, Adam(fused=True), shuffled per epoch": raw_autograd_fused,
    "hand-written backward, torch._fused_adam_, flat buffer": raw_hand_backward,
}


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


def gemm_rate(threads, size=2048, repeats=5):
    """Median float32 GFLOP/s of ``torch.mm`` on ``size x size`` matrices."""
    a, b = torch.randn(size, size), torch.randn(size, size)
    out = torch.empty(size, size)
    rates = []
    with torch_threads(threads):
        torch.mm(a, b, out=out)
        for _ in range(repeats):
            start = time.perf_counter()
            torch.mm(a, b, out=out)
            rates.append(2 * size ** 3 / (time.perf_counter() - start) / 1e9)
    return statistics.median(rates)


# ---------------------------------------------------------------------------
# cases (each returns a title, a markdown table and a list of Goals)
# ---------------------------------------------------------------------------


def time_skorchlite_and_sklearn(X, y, params, repeats):
    """Alternate skorchlite and scikit-learn fits with the same ``params``."""
    return time_alternating({
        "skorchlite": lambda r: outcome(fit_skorchlite(X[r], y[r], **params)),
        "sklearn": lambda r: outcome(fit_sklearn(X[r], y[r], **params)),
    }, repeats)


SIDE_BY_SIDE = ["skorchlite (s)", "sklearn (s)", "ratio skorchlite/sklearn",
                "skorchlite loss_", "sklearn loss_", "n_iter_ (skorchlite / sklearn)"]


def side_by_side_row(label, res):
    (t_lite, (loss_lite, it_lite)), (t_sk, (loss_sk, it_sk)) = res.values()
    return [label, fmt_time(t_lite), fmt_time(t_sk), fmt_ratio(t_lite, t_sk),
            fmt_loss(loss_lite), fmt_loss(loss_sk), f"{it_lite} / {it_sk}"]


def case_tiny(args):
    X, y = make_noisy_sine(random_state=0)
    rows, goals = [], []
    for solver, solver_params in TINY.items():
        res = time_skorchlite_and_sklearn(X, y, mlp_params((8,), **solver_params),
                                          args.tiny_repeats)
        rows.append(side_by_side_row(solver, res))
        ratio = res["skorchlite"][0] / res["sklearn"][0]
        label = "tiny adam" if solver == "adam" else "tiny sgd (extra row)"
        goals.append(ratio_goal(1, f"{label}: fit time / sklearn", ratio, 1.0))
    title = (f"1. tiny: noisy sine {X.shape[0]} x 1, float64, hidden (8,), batch 200, "
             "200 epochs; adam, sgd (learning_rate_init=0.1)")
    return title, markdown_table(["solver", *SIDE_BY_SIDE], rows), goals


def case_lbfgs(args):
    X, y = make_damped_sine()
    res = time_skorchlite_and_sklearn(X, y, mlp_params((10,), **LBFGS), args.tiny_repeats)
    (t_lite, (loss_lite, it_lite)), (t_sk, (loss_sk, it_sk)) = res.values()
    per_lite, per_sk = t_lite / it_lite * 1e6, t_sk / it_sk * 1e6
    row = side_by_side_row("lbfgs", res) + [f"{per_lite:.0f}", f"{per_sk:.0f}",
                                            fmt_ratio(per_lite, per_sk)]
    headers = ["solver", *SIDE_BY_SIDE, "skorchlite us/iter", "sklearn us/iter",
               "ratio per iteration"]
    goals = [ratio_goal(2, "tiny lbfgs: time per iteration / sklearn",
                        per_lite / per_sk, 1.0),
             loss_goal(2, "tiny lbfgs: final loss_ (same max_iter, same initial weights)",
                       loss_lite, loss_sk)]
    title = (f"2. lbfgs: damped sine {X.shape[0]} x 1, float64, hidden (10,), "
             "max_iter=200")
    return title, markdown_table(headers, [row]), goals


def restart_rows_stochastic(X, y, solver, repeats):
    """Rows of the restarts table and the ratio n_restarts=10 / 1."""
    params = mlp_params((8,), **TINY[solver])
    res = time_alternating({
        "skorchlite n_restarts=1": lambda r: outcome(
            fit_skorchlite(X[r], y[r], 1, **params)),
        "skorchlite n_restarts=10": lambda r: outcome(
            fit_skorchlite(X[r], y[r], 10, **params)),
    }, repeats)
    t_one = res["skorchlite n_restarts=1"][0]
    rows = [[f"{solver}, noisy sine", variant, fmt_time(t), fmt_ratio(t, t_one),
             fmt_loss(loss), n_iter] for variant, (t, (loss, n_iter)) in res.items()]
    return rows, res["skorchlite n_restarts=10"][0] / t_one


LBFGS_PER_RESTART = "skorchlite n_restarts=10, per-restart (default)"
LBFGS_JOINT = "skorchlite n_restarts=10, joint (one scipy run, rejected)"
LBFGS_SKLEARN = "sklearn, 10 fits (random_state 0..9)"


def restart_rows_lbfgs(X, y, repeats):
    """Rows of the restarts table: 10 lbfgs restarts per-restart vs joint vs
    10 sequential scikit-learn fits, ratio to the latter."""
    params = mlp_params((10,), **LBFGS)
    res = time_alternating({
        LBFGS_PER_RESTART: lambda r: outcome(
            fit_skorchlite(X[r], y[r], 10, joint=False, **params)),
        LBFGS_JOINT: lambda r: outcome(
            fit_skorchlite(X[r], y[r], 10, joint=True, **params)),
        LBFGS_SKLEARN: lambda r: sklearn_sequential(X[r], y[r], 10, **params),
    }, repeats)
    t_sk = res[LBFGS_SKLEARN][0]
    rows = [["lbfgs, damped sine", variant, fmt_time(t), fmt_ratio(t, t_sk),
             fmt_loss(loss), n_iter] for variant, (t, (loss, n_iter)) in res.items()]
    return rows, res


def case_restarts(args):
    X, y = make_noisy_sine(random_state=0)
    rows, goals = [], []
    for solver in TINY:
        solver_rows, ratio = restart_rows_stochastic(X, y, solver, args.tiny_repeats)
        rows += solver_rows
        goals.append(ratio_goal(3, f"restarts {solver}: n_restarts=10 / n_restarts=1",
                                ratio, 2.0))
    lbfgs_rows, res = restart_rows_lbfgs(*make_damped_sine(), args.tiny_repeats)
    rows += lbfgs_rows
    (t_lite, (loss_lite, _)), (t_sk, (loss_sk, _)) = res[LBFGS_PER_RESTART], res[LBFGS_SKLEARN]
    goals += [ratio_goal(3, "restarts lbfgs: best-of-10 / 10 sklearn fits", t_lite / t_sk, 0.5),
              loss_goal(3, "restarts lbfgs: best loss_ of 10 vs sklearn's best of 10",
                        loss_lite, loss_sk)]
    headers = ["problem", "variant", "time (s)",
               "time ratio (adam, sgd: to n_restarts=1; lbfgs: to sklearn)",
               "best loss_", "n_iter_ of best"]
    title = ("3. restarts: the tiny adam/sgd problems (hidden (8,)) and the damped "
             "sine with lbfgs (hidden (10,), max_iter=200), 10 restarts")
    return title, markdown_table(headers, rows), goals


RESTART_WIDTHS = (2, 8, 32, 100)


def case_widths(args):
    """10 restarts against 1 at several widths: fixed overhead vs arithmetic."""
    X, y = make_noisy_sine(random_state=0)
    rows = []
    for solver in TINY:
        for width in RESTART_WIDTHS:
            params = mlp_params((width,), **TINY[solver])
            res = time_alternating({
                1: lambda r: outcome(fit_skorchlite(X[r], y[r], 1, **params)),
                10: lambda r: outcome(fit_skorchlite(X[r], y[r], 10, **params)),
            }, args.tiny_repeats)
            (t_one, _), (t_ten, _) = res[1], res[10]
            batch = params["batch_size"]
            steps = params["max_iter"] * -(-len(X) // batch)
            weights = 2 * width + width + 1  # 1 input, 1 output
            rows.append([solver, f"({width},)", f"{batch * 2 * width:,}",
                         fmt_time(t_one), fmt_time(t_ten), fmt_ratio(t_ten, t_one),
                         f"{1e6 * t_one / steps:.0f}",
                         f"{1e6 * (t_ten - t_one) / (9 * steps):.1f}", weights])
    headers = ["solver", "hidden", "multiply-adds per step and restart", "1 restart (s)",
               "10 restarts (s)", "10 / 1", "us per step, 1 restart",
               "extra us per step per further restart", "parameters per restart"]
    title = (f"3b. restart cost by width: noisy sine {len(X)} x 1, batch 200, 200 epochs "
             f"({200 * -(-len(X) // 200)} minibatch steps)")
    return title, markdown_table(headers, rows), []


MEDIUM = dict(hidden=(64, 64), batch_size=256, epochs=10)


def medium_runs(X, y, params, raw_threads):
    """The medium case's implementations, keyed by their table label."""
    def skorchlite_run(threads):
        def run(r):
            with torch_threads(threads):
                return outcome(fit_skorchlite(X[r], y[r], **params))
        return run

    def raw_run(loop, threads):
        def run(r):
            with torch_threads(threads):
                return loop(X[r], y[r], **MEDIUM)
        return run

    runs = {"skorchlite": skorchlite_run(None),
            "skorchlite, torch forced to 1 thread": skorchlite_run(1),
            "sklearn": lambda r: outcome(fit_sklearn(X[r], y[r], **params))}
    for label, loop in RAW_LOOPS.items():
        for threads in raw_threads:
            runs[f"raw torch, {label}, {threads} thread(s)"] = raw_run(loop, threads)
    runs["skorch NeuralNetRegressor"] = lambda r: fit_skorch(X[r], y[r], **MEDIUM)
    return runs


def medium_gemm_goal(n_samples, n_features, t_lite, threads):
    """Goal 4's GEMM-rate fraction: exact forward+backward FLOPs / fit time."""
    hidden, epochs = MEDIUM["hidden"], MEDIUM["epochs"]
    units = [n_features, *hidden, 1]
    weights = sum(i * o for i, o in zip(units[:-1], units[1:]))
    flops = epochs * 6 * n_samples * weights
    rate = flops / t_lite / 1e9
    peak = gemm_rate(threads)
    best = max(peak, gemm_rate(1))
    measured = (f"{rate / peak:.0%} ({rate:.1f} of {peak:.1f} GFLOP/s at {threads} "
                f"thread(s), skorchlite's count; {rate / best:.0%} of the best rate, "
                f"{best:.1f} GFLOP/s; {flops / epochs / 1e9:.2f} GFLOP/epoch)")
    return Goal(4, "medium: fraction of this machine's float32 GEMM rate (2048^2 torch.mm)",
                measured, "report")


def case_medium(args):
    X, y = nonlinear_data(args.medium_rows)
    batch_size, epochs = MEDIUM["batch_size"], MEDIUM["epochs"]
    params = mlp_params(MEDIUM["hidden"], "adam", epochs, batch_size=batch_size, alpha=0.0)
    threads = threads_in_training_step(
        lambda: fit_skorchlite(X[:2 * batch_size], y[:2 * batch_size],
                               **{**params, "max_iter": 1}))
    raw_threads = sorted({1, torch.get_num_threads()})
    res = time_alternating(medium_runs(X, y, params, raw_threads), args.repeats,
                           warmup_rows=10 * batch_size)
    t_lite, t_sk = res["skorchlite"][0], res["sklearn"][0]
    rows = [[name, fmt_time(t), fmt_ratio(t_lite, t), fmt_loss(loss), n_iter]
            for name, (t, (loss, n_iter)) in res.items()]
    raw = {name: t for name, (t, _) in res.items() if name.startswith("raw torch")}
    fastest = min(raw, key=raw.get)
    goals = [ratio_goal(4, "medium: fit time / sklearn", t_lite / t_sk, 0.5),
             ratio_goal(4, f"medium: fit time / fastest raw torch loop ({fastest})",
                        t_lite / raw[fastest], 1.2),
             medium_gemm_goal(*X.shape, t_lite, threads)]
    headers = ["implementation", "time (s)", "ratio skorchlite/this", "final loss",
               "epochs"]
    title = (f"4. medium: {len(X):,} x {X.shape[1]} float32, hidden (64, 64), adam, "
             f"batch {batch_size}, {epochs} epochs, alpha=0 (skorchlite's training "
             f"step ran on {threads} torch thread(s))")
    return title, markdown_table(headers, rows), goals


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
    goals = [ratio_goal(5, "predict: time / sklearn", t_lite / t_sk, 1.0)]
    return (f"5. predict: {len(X):,} x {X.shape[1]} float32, hidden (64, 64)",
            markdown_table(headers, rows), goals)


GPU = dict(hidden=(256, 256), batch_size=1024, epochs=10, n_features=100)


def timed_once(run):
    start = time.perf_counter()
    value = run()
    return time.perf_counter() - start, value


def case_gpu(args):
    target = ">= 10x faster than sklearn on the CPU"
    if not torch.cuda.is_available():
        goal = Goal(6, "GPU: skorchlite on CUDA vs sklearn on the CPU", "not measured",
                    target, status="skipped: torch sees no CUDA device")
        return ("6. GPU: skipped (torch.cuda.is_available() is False)",
                "No CUDA device: the GPU case was not run.", [goal])
    X, y = nonlinear_data(args.gpu_rows, n_features=GPU["n_features"])
    params = mlp_params(GPU["hidden"], "adam", GPU["epochs"],
                        batch_size=GPU["batch_size"], alpha=0.0)
    res = time_alternating({"skorchlite cuda": lambda r: outcome(
        fit_skorchlite(X[r], y[r], device="cuda", **params))},
        args.repeats, warmup_rows=10 * GPU["batch_size"])
    t_gpu, (loss_gpu, it_gpu) = res["skorchlite cuda"]
    rows = [["skorchlite, device='cuda'", fmt_time(t_gpu), "1.00", fmt_loss(loss_gpu), it_gpu]]
    cpu_runs = {"skorchlite, device='cpu'": lambda: outcome(fit_skorchlite(X, y, **params))}
    if args.gpu_sklearn:
        cpu_runs["sklearn (CPU)"] = lambda: outcome(fit_sklearn(X, y, **params))
    times = {}
    for name, run in cpu_runs.items():  # one run each: minutes, not seconds
        times[name], (loss, n_iter) = timed_once(run)
        rows.append([name, fmt_time(times[name]), fmt_ratio(times[name], t_gpu),
                     fmt_loss(loss), n_iter])
    speedup_cpu = times["skorchlite, device='cpu'"] / t_gpu
    goals = [Goal(6, "GPU: skorchlite on CUDA vs skorchlite on the CPU",
                  f"{speedup_cpu:.1f}x faster", "report")]
    if "sklearn (CPU)" in times:
        speedup = times["sklearn (CPU)"] / t_gpu
        goals.append(Goal(6, "GPU: skorchlite on CUDA vs sklearn on the CPU",
                          f"{speedup:.1f}x faster", target, bool(speedup >= 10)))
    else:
        goals.append(Goal(6, "GPU: skorchlite on CUDA vs sklearn on the CPU", "not measured",
                          target, status="skipped: run with --gpu-sklearn"))
    headers = ["implementation", "time (s)", "ratio to cuda", "final loss", "epochs"]
    title = (f"6. GPU: {len(X):,} x {X.shape[1]} float32, hidden {GPU['hidden']}, adam, "
             f"batch {GPU['batch_size']}, {GPU['epochs']} epochs on "
             f"{torch.cuda.get_device_name()} "
             "(CPU rows: one run each)")
    return title, markdown_table(headers, rows), goals


WATCHED = ("matplotlib", "pandas", "scipy.optimize")
PROBE = """
import json, sys, time
sys.path.insert(0, {repo!r})
{before}
loaded = set(sys.modules)
start = time.perf_counter()
import {module}
seconds = time.perf_counter() - start
print(json.dumps({{"seconds": seconds,
                  "present": [m for m in {watched!r} if m in sys.modules],
                  "added": [m for m in {watched!r} if m in sys.modules and m not in loaded]}}))
"""


def probe_import(module, before=""):
    """Import ``module`` in a fresh interpreter (after running ``before``):
    its import time and which WATCHED modules are then loaded/added."""
    code = PROBE.format(repo=str(REPO), before=before, module=module, watched=WATCHED)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def case_import(args):
    modules = ("skorchlite", "sklearn", "torch")
    res = time_alternating({m: lambda r, m=m: probe_import(m) for m in modules},
                           args.import_repeats)
    own = probe_import("skorchlite", before="import sklearn, torch")
    rows = [[f"import {m}", fmt_time(t), ", ".join(value["present"]) or "none"]
            for m, (t, value) in res.items()]
    rows.append(["import skorchlite after import sklearn, torch",
                 "", "added: " + (", ".join(own["added"]) or "none")])
    t_lite, t_sk, t_torch = (res[m][0] for m in modules)
    from_sklearn = ", ".join(res["sklearn"][1]["present"]) or "none"
    goals = [
        Goal(7, "import skorchlite: matplotlib, pandas, scipy.optimize loaded by "
                "skorchlite's own code", ", ".join(own["added"]) or "none", "none",
             not own["added"]),
        Goal(7, "import sklearn alone (scikit-learn's doing, not skorchlite's) loads",
             from_sklearn, "report"),
        Goal(7, "import time: skorchlite / sklearn (torch alone: "
                f"{t_torch:.2f} s)", f"{t_lite / t_sk:.2f} ({t_lite:.2f} s vs {t_sk:.2f} s)",
             "report"),
    ]
    headers = ["fresh interpreter runs", "import time (s, median)",
               f"of {', '.join(WATCHED)}: loaded afterwards"]
    return "7. import: fresh interpreters", markdown_table(headers, rows), goals


CASE_FUNCTIONS = {"tiny": case_tiny, "lbfgs": case_lbfgs, "restarts": case_restarts,
                  "widths": case_widths,
                  "medium": case_medium, "predict": case_predict, "gpu": case_gpu,
                  "import": case_import}


# ---------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", nargs="+", choices=CASES, default=list(CASES),
                        help="cases to run (default: all)")
    parser.add_argument("--repeats", type=int, default=None,
                        help="timed runs of each implementation in the medium, "
                             "predict and gpu cases; the median is reported "
                             "(default 5, 1 with --quick)")
    parser.add_argument("--tiny-repeats", type=int, default=None,
                        help="timed runs in the tiny, lbfgs and restarts cases, "
                             "whose fits take a tenth of a second (default 15, "
                             "1 with --quick)")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 1 repeat, 20,000-row medium case, "
                             "100,000-row predict and gpu cases")
    parser.add_argument("--threads", type=int, default=None,
                        help="cap torch's and every BLAS/OpenMP pool at this many "
                             "threads for the whole run (default: each library's "
                             "own choice)")
    parser.add_argument("--gpu-sklearn", action="store_true",
                        help="in the gpu case, also fit scikit-learn on the CPU "
                             "(once; several minutes)")
    parser.add_argument("--output", type=Path, default=RESULTS,
                        help=f"markdown file to write (default {RESULTS})")
    args = parser.parse_args(argv)
    if args.repeats is None:
        args.repeats = 1 if args.quick else 5
    if args.tiny_repeats is None:
        args.tiny_repeats = 1 if args.quick else 15
    args.import_repeats = 1 if args.quick else 5
    args.medium_rows = 20_000 if args.quick else 100_000
    args.predict_rows = 100_000 if args.quick else 1_000_000
    args.gpu_rows = 100_000 if args.quick else 1_000_000
    return args


def main(argv=None):
    args = parse_args(argv)
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    if args.threads is not None:
        torch.set_num_threads(args.threads)
        threadpool_limits(args.threads)
    start = time.perf_counter()

    header = [f"Machine: {machine_info()}",
              f"Medians of alternating runs ({args.tiny_repeats} for the tiny, lbfgs "
              f"and restarts cases, {args.repeats} for medium, predict and gpu, "
              f"{args.import_repeats} for import) after one untimed warm-up run "
              "each; times in seconds; skorchlite on device='cpu' unless said; "
              f"thread cap: {args.threads or 'none (library defaults)'}; "
              f"{load_average()} at the start (anything else running skews the "
              "times)."]
    print("\n\n".join(header), flush=True)
    sections, goals = [], []
    for case in args.cases:
        title, table, case_goals = CASE_FUNCTIONS[case](args)
        section = f"### {title}\n\n{table}"
        print(f"\n{section}", flush=True)
        sections.append(section)
        goals += case_goals

    summary = f"### Speed goals\n\n{goals_table(goals)}"
    total = (f"Total runtime: {time.perf_counter() - start:.0f} s; "
             f"{load_average()} at the end.")
    command = " ".join(["python benchmarks/bench_core.py",
                        *(sys.argv[1:] if argv is None else argv)])
    print(f"\n{summary}\n\n{total}")
    text = [*header, summary, *sections, f"Command: `{command}`", total]
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("\n\n".join(text) + "\n")
    print(f"Written to {args.output}")


if __name__ == "__main__":
    main()
