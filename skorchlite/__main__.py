"""``python -m skorchlite``: a short tour of the estimators and their insides.

Fits both estimators on the teaching problems of :mod:`skorchlite.datasets`
(with restarts and step-function fits), prints a results table, and writes
one figure per display of :mod:`skorchlite.plotting` to a folder.
"""

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np

DEFAULT_OUT = "skorchlite-tour"


def _restart_problem():
    """100 points on [0, 13] of a smooth target plus noise (for restarts)."""
    rng = np.random.RandomState(0)
    x = np.sort(rng.uniform(0, 13, 100))
    y = np.sin(x) * np.exp(-x / 8) + 0.05 * rng.randn(100)
    return x.reshape(-1, 1), y


def _experiments(device):
    """(name, estimator, X, y, figures) for each step of the tour; figures
    maps a file name to a function (plotting module, fitted estimator, X, y)
    -> display."""
    from skorchlite import SigmoidMLPClassifier, SigmoidMLPRegressor, datasets

    sine = datasets.make_noisy_sine(random_state=0)
    damped = datasets.make_damped_sine()
    rings = datasets.make_rings(500, random_state=0)
    quadratic = datasets.make_quadratic(random_state=0)
    line = datasets.make_line(random_state=0)
    restarts = _restart_problem()
    common = dict(random_state=0, device=device)

    yield ("noisy sine, 5 units", SigmoidMLPRegressor((5,), solver="lbfgs", max_iter=500,
                                                      **common), *sine, {
        "hidden_units.png": lambda p, est, X, y: p.HiddenUnitsDisplay.from_estimator(est, X, y),
        "hidden_units_scaled.png": lambda p, est, X, y: p.HiddenUnitsDisplay.from_estimator(
            est, X, y, scaled=True),
    })
    yield ("damped sine, 10 units", SigmoidMLPRegressor(
        (10,), solver="adam", learning_rate_init=1e-2, max_iter=3000, tol=1e-6,
        n_iter_no_change=50, **common), *damped, {
        "step_function.png": lambda p, est, X, y: p.StepFunctionDisplay.from_estimator(
            est, X, y, refit="thresholds", sharpness=(1, 4, 16, np.inf)),
    })
    yield ("rings, 3 units", SigmoidMLPClassifier((3,), solver="lbfgs", n_restarts=5,
                                                  **common), *rings, {
        "decision_lines.png": lambda p, est, X, y: p.DecisionLinesDisplay.from_estimator(est, X, y),
        "hidden_space.png": lambda p, est, X, y: p.HiddenSpaceDisplay.from_estimator(est, X, y),
        "step_regions.png": lambda p, est, X, y: p.StepFunctionDisplay.from_estimator(
            est, X, y, refit="thresholds"),
    })
    yield ("[0, 13], 2 units x10", SigmoidMLPRegressor((2,), solver="lbfgs", max_iter=1000,
                                                       n_restarts=10, **common), *restarts, {
        "restarts.png": lambda p, est, X, y: p.RestartsDisplay.from_estimator(est),
    })
    yield ("noisy sine, 8 units x10", SigmoidMLPRegressor(
        (8,), solver="adam", learning_rate_init=0.01, max_iter=1000, n_restarts=10,
        early_stopping=True, n_iter_no_change=20, **common), *sine, {
        "loss_curves.png": lambda p, est, X, y: p.LossCurveDisplay.from_estimator(est),
    })
    yield ("quadratic, 20 units", SigmoidMLPRegressor(
        (20,), solver="adam", learning_rate_init=0.2, max_iter=200, **common), *quadratic, {})
    yield ("line, 1 identity unit", SigmoidMLPRegressor(
        (1,), activation="identity", solver="lbfgs", alpha=0, **common), *line, {})


def run_tour(out, device="cpu", figures=True):
    """Fit every experiment, write its figures under ``out``, return the table rows."""
    from sklearn.exceptions import ConvergenceWarning

    if figures:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        from skorchlite import plotting

        out.mkdir(parents=True, exist_ok=True)
    rows = []
    for name, est, X, y, drawings in _experiments(device):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            start = time.perf_counter()
            est.fit(X, y)
            seconds = time.perf_counter() - start
        limit_score, refit_score = (np.nan, np.nan) if est.activation not in (
            "logistic", "tanh") else _step_scores(est, X, y)
        rows.append((name, type(est).__name__, est.solver, est.n_restarts, est.n_iter_,
                     est.loss_, est.score(X, y), limit_score, refit_score, seconds))
        if figures:
            for filename, draw in drawings.items():
                display = draw(plotting, est, X, y)
                display.figure_.savefig(out / filename, dpi=110, bbox_inches="tight")
                plt.close(display.figure_)
    return rows


def _step_scores(est, X, y):
    """Scores of the plain step limit (predict_step) and of the step network
    with moved thresholds and refitted output layer."""
    from sklearn.base import is_classifier
    from sklearn.frozen import FrozenEstimator
    from sklearn.metrics import accuracy_score, r2_score

    from skorchlite import StepFunctionClassifier, StepFunctionRegressor

    score = accuracy_score if is_classifier(est) else r2_score
    Step = StepFunctionClassifier if is_classifier(est) else StepFunctionRegressor
    refitted = Step(FrozenEstimator(est), refit="thresholds").fit(X, y)
    return score(y, est.predict_step(X)), refitted.score(X, y)


def _check_arguments(args):
    """What is wrong with the command line, in one line, or None: an unknown
    or absent device, or a figure folder that cannot be written."""
    from skorchlite._device import resolve_device

    try:
        resolve_device(args.device)
    except ValueError as error:
        return f"--device {args.device}: {error}"
    if not args.no_figures:
        try:
            args.out.mkdir(parents=True, exist_ok=True)
            probe = args.out / ".skorchlite-write-test"
            probe.touch()
            probe.unlink()
        except OSError as error:
            return (f"--out {args.out}: cannot write the figures there "
                    f"({error.strerror or error}); give a writable folder, or --no-figures.")
    return None


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m skorchlite",
        description="A short tour of skorchlite: fits SigmoidMLPRegressor and "
                    "SigmoidMLPClassifier on the teaching problems (noisy sine, damped "
                    "sine, rings, a restart problem, quadratic, line), prints a results "
                    "table with the score of each network, of its plain step-function "
                    "limit and of its refitted step network, and writes one PNG per display of skorchlite.plotting.")
    parser.add_argument("--out", default=DEFAULT_OUT, type=Path,
                        help=f"folder for the figures (default: ./{DEFAULT_OUT})")
    parser.add_argument("--device", default="cpu",
                        help="device to train on: 'cpu' (default), 'auto', 'cuda', "
                             "'cuda:N' or 'mps'")
    parser.add_argument("--no-figures", action="store_true",
                        help="print the table only (no matplotlib)")
    args = parser.parse_args(argv)
    problem = _check_arguments(args)
    if problem:
        print(f"{parser.prog}: error: {problem}", file=sys.stderr)
        sys.exit(2)

    start = time.perf_counter()
    rows = run_tour(args.out, args.device, figures=not args.no_figures)
    header = ("problem", "estimator", "solver", "restarts", "n_iter", "loss", "score",
              "step (limit)", "step (refit)", "seconds")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for name, est, solver, restarts, n_iter, loss, score, limit, refit, seconds in rows:
        limit, refit = ("-" if np.isnan(v) else f"{v:.4f}" for v in (limit, refit))
        print(f"| {name} | {est} | {solver} | {restarts} | {n_iter} | {loss:.5f} | "
              f"{score:.4f} | {limit} | {refit} | {seconds:.2f} |")
    print("\nscore: R^2 (regression) or accuracy (classification) on the training data; "
          "step (limit): the same for the network with every hidden unit replaced by "
          "its 0/1 step, output weights untouched (predict_step); step (refit): the "
          "step network that explains the fit, thresholds moved and output layer "
          "refitted (StepFunctionRegressor/-Classifier, refit='thresholds').")
    if not args.no_figures:
        print(f"Figures written to {args.out.resolve()}:")
        for png in sorted(args.out.glob("*.png")):
            print(f"  {png.name}")
    print(f"Tour done in {time.perf_counter() - start:.1f} s.")


if __name__ == "__main__":
    main()
