"""Looking inside: transform, hidden activations, step-function predictions."""

import numpy as np
import pandas as pd
import pytest
from conftest import ESTIMATORS

from skorchlite import SigmoidMLPClassifier, SigmoidMLPRegressor
from skorchlite.datasets import make_damped_sine, make_rings

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _fit(Estimator, activation="logistic", hidden=(5, 3), n=60, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, 2)
    y = X[:, 0] * X[:, 1] if Estimator is SigmoidMLPRegressor else np.arange(n) % 3
    est = Estimator(hidden, activation=activation, solver="lbfgs", max_iter=50,
                    random_state=0, device="cpu").fit(X, y)
    return est, X


def _numpy_layers(est, X, step=False):
    """Hidden layers by hand; with step, each unit replaced by its step limit."""
    smooth = {"logistic": lambda z: 1 / (1 + np.exp(-z)), "tanh": np.tanh,
              "relu": lambda z: np.maximum(z, 0), "identity": lambda z: z}[est.activation]
    hard = {"logistic": lambda z: (z > 0).astype(float),
            "tanh": lambda z: np.where(z > 0, 1.0, -1.0)}.get(est.activation)
    layers, A = [], X
    for W, b in zip(est.coefs_[:-1], est.intercepts_[:-1]):
        Z = A @ W + b
        A = hard(Z) if step else smooth(Z)
        layers.append(A)
    return layers, A @ est.coefs_[-1] + est.intercepts_[-1]


@pytest.mark.parametrize("activation", ["logistic", "tanh", "relu", "identity"])
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_transform_and_hidden_activations(Estimator, activation):
    est, X = _fit(Estimator, activation)
    expected, _ = _numpy_layers(est, X)
    layers = est.hidden_activations(X)
    assert [a.shape for a in layers] == [(60, 5), (60, 3)]
    for got, want in zip(layers, expected):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(est.transform(X), expected[-1], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("activation", ["logistic", "tanh"])
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_step_codes_are_exact(Estimator, activation):
    est, X = _fit(Estimator, activation)
    expected, logits = _numpy_layers(est, X, step=True)
    codes = est.hidden_activations(X, step=True)
    allowed = [0.0, 1.0] if activation == "logistic" else [-1.0, 1.0]
    for got, want in zip(codes, expected):
        assert np.isin(got, allowed).all()
        np.testing.assert_array_equal(got, want)  # each layer fed the codes before
    if Estimator is SigmoidMLPRegressor:
        np.testing.assert_allclose(est.predict_step(X), logits.ravel(), rtol=1e-10)
    else:
        E = np.exp(logits - logits.max(axis=1, keepdims=True))
        proba = E / E.sum(axis=1, keepdims=True)
        np.testing.assert_allclose(est.predict_proba_step(X), proba, rtol=1e-10)
        np.testing.assert_array_equal(est.predict_step(X), est.classes_[proba.argmax(1)])


def test_step_function_of_one_layer_on_a_line():
    """k logistic units on a 1-D input: a piecewise-constant function with at
    most k + 1 pieces, jumping exactly at the thresholds -b_i / w_i."""
    X, y = make_damped_sine()
    est = SigmoidMLPRegressor((10,), solver="lbfgs", max_iter=300, random_state=0,
                              device="cpu").fit(X, y)
    grid = np.linspace(-10, 10, 20001).reshape(-1, 1)
    step = est.predict_step(grid)
    jumps = np.flatnonzero(np.diff(step) != 0)
    assert len(np.unique(step)) <= 11 and len(jumps) <= 10
    thresholds = -est.intercepts_[0] / est.coefs_[0][0]
    inside = np.sort(thresholds[(thresholds > -10) & (thresholds < 10)])
    # every jump sits between two grid points that bracket a threshold
    for j in jumps:
        assert np.any((grid[j, 0] <= inside) & (inside <= grid[j + 1, 0]))


def test_step_classifier_probabilities_take_few_values():
    X, y = make_rings(200, random_state=0)
    clf = SigmoidMLPClassifier((3,), solver="lbfgs", max_iter=200, random_state=0,
                               device="cpu").fit(X, y)
    proba = clf.predict_proba_step(X)
    assert proba.shape == (400, 2) and len(np.unique(proba, axis=0)) <= 2**3
    assert (clf.predict_step(X) == y).mean() > 0.9


@pytest.mark.parametrize("activation", ["relu", "identity"])
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_no_step_limit_for_relu_and_identity(Estimator, activation):
    est, X = _fit(Estimator, activation)
    message = (f"has activation='{activation}', which has none")
    methods = [est.predict_step, lambda X: est.hidden_activations(X, step=True)]
    if Estimator is SigmoidMLPClassifier:
        methods.append(est.predict_proba_step)
    for method in methods:
        with pytest.raises(ValueError, match=message) as excinfo:
            method(X)
        assert "'logistic' (0/1 steps) or 'tanh' (-1/+1 steps)" in str(excinfo.value)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_feature_names_and_pandas_output(Estimator):
    est, X = _fit(Estimator)
    prefix = Estimator.__name__.lower()
    names = est.get_feature_names_out()
    assert list(names) == [f"{prefix}{i}" for i in range(3)]
    est.set_output(transform="pandas")
    frame = est.transform(X)
    assert isinstance(frame, pd.DataFrame) and list(frame.columns) == list(names)
    y = X[:, 0] if Estimator is SigmoidMLPRegressor else np.arange(60) % 3
    frame = est.fit_transform(pd.DataFrame(X, columns=["a", "b"]), y)
    assert isinstance(frame, pd.DataFrame) and frame.shape == (60, 3)


def test_transformer_in_a_pipeline():
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    X, y = make_rings(100, random_state=1)
    pipe = make_pipeline(SigmoidMLPClassifier((3,), solver="lbfgs", random_state=0,
                                              device="cpu"), LogisticRegression())
    # the 3 hidden units of the rings problem make the classes linearly separable
    assert pipe.fit(X, y).score(X, y) > 0.95
