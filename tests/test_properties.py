"""Property-based tests: what real data and real users throw at the estimators.

Every call must either work or raise a ValueError / TypeError whose message
says what was wrong: never a raw torch RuntimeError, a crash, a hang, or NaN
predictions after a successful fit on finite data.
"""

import os
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from conftest import ESTIMATORS, SOLVERS
from hypothesis.extra import numpy as hnp

from skorchlite import SigmoidMLPClassifier, SigmoidMLPRegressor

# 150 examples per test in CI; SKORCHLITE_HYPOTHESIS_EXAMPLES=1000 for a longer hunt
SETTINGS = settings(max_examples=int(os.environ.get("SKORCHLITE_HYPOTHESIS_EXAMPLES", 150)),
                    deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _fast(Estimator, solver="adam", **params):
    return Estimator((3,), solver=solver, max_iter=5, random_state=0, device="cpu",
                     **params)


def _must_work_or_explain(call):
    """Run ``call``; a failure must be a ValueError/TypeError with a message."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = call()
            event("worked")
            return True, result
        except (ValueError, TypeError) as error:
            event(f"refused: {type(error).__name__}")
            assert str(error).strip(), "an error without a message"
            assert "Traceback" not in str(error)
            return False, error


values = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True, width=64),
    st.sampled_from([0.0, 1e-300, -1e-300, 1e300, -1e300, 1e30, 3.4e38]),
    st.integers(-10**6, 10**6).map(float))

matrices = st.tuples(st.integers(1, 12), st.integers(1, 4)).flatmap(
    lambda shape: hnp.arrays(np.float64, shape, elements=values))

dtypes = st.sampled_from([np.float64, np.float32, np.float16, np.int64, np.int8, bool,
                          object, "U3"])


def _as(X, dtype):
    with np.errstate(all="ignore"):
        if dtype == "U3":
            return X.astype(str).astype("U3")
        if dtype in (np.int64, np.int8):
            return np.nan_to_num(X, posinf=0, neginf=0).clip(-100, 100).astype(dtype)
        return X.astype(dtype)


def _targets(Estimator, n, kind, rng):
    if kind == "labels":
        return rng.randint(0, 3, n)
    if kind == "strings":
        return np.array(["a", "b"])[rng.randint(0, 2, n)]
    if kind == "constant":
        return np.ones(n)
    if kind == "float":
        return rng.randn(n)
    if kind == "nan":
        return np.full(n, np.nan)
    return rng.randint(0, 2, (n, 2))  # multilabel / multi-output


@SETTINGS
@given(X=matrices, dtype=dtypes, Estimator=st.sampled_from(ESTIMATORS),
       solver=st.sampled_from(SOLVERS),
       target=st.sampled_from(["labels", "strings", "constant", "float", "nan", "2d"]),
       container=st.sampled_from(["numpy", "pandas", "csr", "list"]))
def test_fit_and_predict_work_or_explain(X, dtype, Estimator, solver, target, container):
    rng = np.random.RandomState(0)
    X = _as(X, dtype)
    y = _targets(Estimator, len(X), target, rng)
    if container == "pandas":
        X = pd.DataFrame(X, columns=[f"c{i}" for i in range(X.shape[1])])
    elif container == "csr":
        X = sp.csr_matrix(X) if X.dtype in (np.float64, np.float32, np.int64, np.int8, bool) else X
    elif container == "list":
        X = X.tolist()
    est = _fast(Estimator, solver)
    fitted, _ = _must_work_or_explain(lambda: est.fit(X, y))
    if not fitted:
        assert not hasattr(est, "coefs_")  # no half-fitted estimator
        return
    ok, out = _must_work_or_explain(lambda: est.predict(X))
    assert ok, out  # what fit accepted, predict accepts
    Xf = np.asarray(X.toarray() if sp.issparse(X) else X, dtype=float)
    if np.isfinite(Xf).all() and Estimator is SigmoidMLPRegressor:
        assert np.isfinite(out).all(), "NaN predictions after a successful fit"
    ok, H = _must_work_or_explain(lambda: est.transform(X))
    assert ok and H.shape == (len(Xf), 3)


@SETTINGS
@given(n=st.integers(1, 8), n_weights=st.integers(0, 10),
       weights=st.lists(st.one_of(st.floats(-2, 5), st.just(np.nan)), min_size=0, max_size=10),
       Estimator=st.sampled_from(ESTIMATORS))
def test_sample_weight_and_lengths(n, n_weights, weights, Estimator):
    X = np.arange(n * 2, dtype=float).reshape(n, 2)
    y = np.arange(n) % 2
    sw = np.array(weights[:n_weights], dtype=float) if weights else None
    est = _fast(Estimator)
    fitted, _ = _must_work_or_explain(lambda: est.fit(X, y, sample_weight=sw))
    if fitted:
        assert sw is None or (len(sw) == n and (sw >= 0).all() and sw.sum() > 0)
        assert np.isfinite(est.predict(X).astype(float)).all()
    else:
        assert not hasattr(est, "n_features_in_")


@SETTINGS
@given(first=st.lists(st.integers(0, 4), min_size=2, max_size=10),
       second=st.lists(st.integers(0, 6), min_size=1, max_size=10))
def test_partial_fit_with_unseen_labels(first, second):
    classes = np.unique(first)
    est = _fast(SigmoidMLPClassifier)
    X1 = np.arange(len(first), dtype=float).reshape(-1, 1)
    fitted, _ = _must_work_or_explain(lambda: est.partial_fit(X1, first, classes=classes))
    if not fitted:
        assert len(classes) < 2
        return
    X2 = np.arange(len(second), dtype=float).reshape(-1, 1)
    ok, error = _must_work_or_explain(lambda: est.partial_fit(X2, second))
    unseen = set(second) - set(classes)
    assert ok == (not unseen)
    if unseen:
        assert "classes not in `self.classes_`" in str(error)
        assert list(est.classes_) == list(classes)  # the failed call changed nothing


PARAMS = {
    "hidden_layer_sizes": st.one_of(st.integers(-2, 4), st.tuples(st.integers(-1, 3)),
                                    st.just(()), st.just("5"), st.just(2.5)),
    "alpha": st.one_of(st.floats(-1, 1), st.just(np.nan), st.just("x")),
    "learning_rate_init": st.one_of(st.floats(-1, 1), st.just(np.nan)),
    "max_iter": st.one_of(st.integers(-1, 3), st.just(1.5), st.just(None)),
    "batch_size": st.one_of(st.integers(-1, 3), st.just("auto"), st.just("big")),
    "momentum": st.floats(-1, 2),
    "n_restarts": st.one_of(st.integers(-1, 3), st.just(True)),
    "device": st.sampled_from(["cpu", "auto", "gpu", "cuda:x", 0, None]),
    "solver": st.sampled_from([*SOLVERS, "newton", ""]),
    "activation": st.sampled_from(["logistic", "tanh", "relu", "identity", "sigmoid"]),
    "validation_fraction": st.floats(-0.5, 1.5),
    "early_stopping": st.sampled_from([True, False, "yes"]),
}


@SETTINGS
@given(name=st.sampled_from(sorted(PARAMS)), data=st.data(),
       Estimator=st.sampled_from(ESTIMATORS))
def test_set_params_then_fit_work_or_explain(name, data, Estimator):
    value = data.draw(PARAMS[name])
    X = np.random.RandomState(0).randn(30, 2)
    y = np.arange(30) % 2
    est = _fast(Estimator)
    ok, _ = _must_work_or_explain(lambda: est.set_params(**{name: value}))
    assert ok  # set_params stores; fit validates
    fitted, error = _must_work_or_explain(lambda: est.fit(X, y))
    if fitted:
        assert np.isfinite(est.predict_proba(X) if Estimator is SigmoidMLPClassifier
                           else est.predict(X)).all()
    else:
        assert not hasattr(est, "coefs_")


def test_unknown_parameter_name():
    with pytest.raises(ValueError, match="Invalid parameter 'hidden'"):
        SigmoidMLPRegressor().set_params(hidden=3)
