"""``python -m skorchlite``: a short tour of the estimators.

Fits both estimators on small problems with every solver, with and without
restarts, and prints a results table next to scikit-learn's MLP on the same
settings.
"""

import argparse
import time
import warnings

import numpy as np


def _problems():
    rng = np.random.RandomState(0)
    x = np.arange(0, 2 * np.pi, 0.01).reshape(-1, 1)
    sine = (x, np.sin(x).ravel() + 0.1 * rng.randn(len(x)))
    radius = np.r_[rng.uniform(0, 1, 500), 3 + rng.uniform(0, 1, 500)]
    angle = rng.uniform(0, 2 * np.pi, 1000)
    rings = (np.column_stack([radius * np.cos(angle), radius * np.sin(angle)]),
             np.r_[np.zeros(500, int), np.ones(500, int)])
    return {"noisy sine": sine, "rings": rings}


def _rows(device):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier, MLPRegressor

    from skorchlite import SigmoidMLPClassifier, SigmoidMLPRegressor

    problems = _problems()
    settings = [  # (problem, solver, hidden, extra parameters)
        ("noisy sine", "lbfgs", (8,), {"max_iter": 500}),
        ("noisy sine", "adam", (8,), {"max_iter": 500, "learning_rate_init": 0.01}),
        ("noisy sine", "sgd", (8,), {"max_iter": 500, "learning_rate_init": 0.1}),
        ("rings", "lbfgs", (3,), {"max_iter": 300}),
        ("rings", "adam", (3,), {"max_iter": 300, "learning_rate_init": 0.01}),
    ]
    for name, solver, hidden, extra in settings:
        X, y = problems[name]
        regression = name == "noisy sine"
        ours_cls = SigmoidMLPRegressor if regression else SigmoidMLPClassifier
        theirs_cls = MLPRegressor if regression else MLPClassifier
        params = dict(hidden_layer_sizes=hidden, solver=solver, random_state=0, **extra)
        for label, est in [
            ("skorchlite", ours_cls(**params, device=device)),
            ("skorchlite x10", ours_cls(**params, device=device, n_restarts=10)),
            ("scikit-learn", theirs_cls(**params, activation="logistic")),
        ]:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                start = time.perf_counter()
                est.fit(X, y)
                seconds = time.perf_counter() - start
            yield (name, est.__class__.__name__, solver, label, est.n_iter_,
                   est.loss_, est.score(X, y), seconds)


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m skorchlite",
        description="A short tour of skorchlite: fits SigmoidMLPRegressor and "
                    "SigmoidMLPClassifier on small problems with every solver, with "
                    "and without 10 restarts, next to scikit-learn's MLP, and prints "
                    "a results table.")
    parser.add_argument("--device", default="cpu",
                        help="device for skorchlite: 'cpu' (default), 'auto', 'cuda', ...")
    args = parser.parse_args(argv)

    header = ("problem", "estimator", "solver", "run", "n_iter", "loss", "score", "seconds")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for row in _rows(args.device):
        name, est, solver, label, n_iter, loss, score, seconds = row
        print(f"| {name} | {est} | {solver} | {label} | {n_iter} | {loss:.5f} | "
              f"{score:.4f} | {seconds:.3f} |")
    print("\nscore: R^2 for regression, accuracy for classification (training data).")
    print("x10: n_restarts=10, the best of ten networks trained together.")


if __name__ == "__main__":
    main()
