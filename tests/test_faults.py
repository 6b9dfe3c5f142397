"""Faults survived: divergence, Ctrl-C, concurrent use, parallel grid searches."""

import os
import threading
import warnings

import numpy as np
import pytest
import torch
from conftest import ESTIMATORS, SOLVERS
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV

import skorchlite._base as base
from skorchlite import SigmoidMLPClassifier, SigmoidMLPRegressor
from skorchlite._network import BatchedMLP
from skorchlite.datasets import make_noisy_sine, make_rings

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture
def sine():
    X, y = make_noisy_sine(random_state=0)
    return X[::5], y[::5]


def _blow_up(restarts, scale=1e300):
    """Inject a fault: the listed restarts start from absurdly large weights."""
    original = base.glorot_uniform

    def init(*args, **kwargs):
        coefs, intercepts = original(*args, **kwargs)
        for r in restarts:
            coefs[-1][r] *= scale
        return coefs, intercepts
    return init


@pytest.mark.parametrize("solver", SOLVERS)
def test_diverged_restarts_are_dropped_with_a_warning(solver, sine, monkeypatch):
    X, y = sine
    monkeypatch.setattr(base, "glorot_uniform", _blow_up([1, 3]))
    est = SigmoidMLPRegressor((4,), solver=solver, n_restarts=4, max_iter=20, random_state=0,
                              device="cpu")
    with pytest.warns(RuntimeWarning, match=r"Restart\(s\) 1, 3 of 4 diverged .* dropped; "
                      "the best of the other 2 is kept"):
        est.fit(X, y)
    assert est.best_restart_ in (0, 2)
    assert np.isinf(est.restart_losses_[[1, 3]]).all()
    assert np.isfinite(est.loss_) and np.isfinite(est.predict(X)).all()
    assert est.best_restart_ == int(np.argmin(est.restart_losses_))


@pytest.mark.parametrize("solver", SOLVERS)
def test_every_restart_diverged_is_an_error(solver, sine, monkeypatch):
    X, y = sine
    monkeypatch.setattr(base, "glorot_uniform", _blow_up([0, 1]))
    est = SigmoidMLPRegressor((4,), solver=solver, n_restarts=2, max_iter=5, device="cpu")
    hint = "lower learning_rate_init" if solver != "lbfgs" else "scale X"
    with pytest.raises(ValueError, match=rf"Every restart \(2 of 2\) diverged.*{hint}"):
        est.fit(X, y)
    assert not hasattr(est, "coefs_") and not hasattr(est, "n_features_in_")


def test_too_high_learning_rate_diverges_cleanly(sine):
    X, y = sine
    est = SigmoidMLPRegressor((4,), solver="sgd", learning_rate_init=1e6, momentum=0.99,
                              activation="identity", max_iter=50, device="cpu")
    with np.errstate(all="ignore"), pytest.raises(ValueError, match="diverged"):
        est.fit(X * 1e3, y)


def test_divergence_under_warm_start_keeps_the_previous_fit(sine, monkeypatch):
    X, y = sine
    est = SigmoidMLPRegressor((4,), solver="sgd", warm_start=True, max_iter=5,
                              random_state=0, device="cpu").fit(X, y)
    before = est.predict(X)
    est.set_params(learning_rate_init=1e8, activation="identity")
    with np.errstate(all="ignore"), pytest.raises(ValueError, match="diverged"):
        est.fit(X * 1e6, y * 1e6)
    np.testing.assert_array_equal(est.set_params(activation="logistic").predict(X), before)


def _interrupt_after(monkeypatch, n_calls):
    """Inject Ctrl-C: the n-th evaluation of the network raises KeyboardInterrupt."""
    original = BatchedMLP.loss_and_grad
    calls = {"n": 0}

    def loss_and_grad(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == n_calls:
            raise KeyboardInterrupt
        return original(self, *args, **kwargs)
    monkeypatch.setattr(BatchedMLP, "loss_and_grad", loss_and_grad)


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_ctrl_c_keeps_a_usable_model(Estimator, solver, sine, monkeypatch):
    X, y = sine
    if Estimator is SigmoidMLPClassifier:
        y = (y > 0).astype(int)
    _interrupt_after(monkeypatch, 40)
    est = Estimator((4,), solver=solver, n_restarts=3, max_iter=500, batch_size=32,
                    random_state=0, device="cpu")
    with pytest.warns(UserWarning,
                      match=r"Training interrupted by user\. The kept restart completed \d+ "):
        est.fit(X, y)
    assert 0 < est.n_iter_ < 500
    assert np.isfinite(est.loss_) and len(est.loss_curve_) >= 1
    assert est.predict(X).shape == (len(X),)


def test_ctrl_c_with_early_stopping_keeps_the_best_weights(sine, monkeypatch):
    X, y = sine
    _interrupt_after(monkeypatch, 30)
    est = SigmoidMLPRegressor((4,), early_stopping=True, max_iter=500, batch_size=16,
                              learning_rate_init=0.01, random_state=0, device="cpu")
    with pytest.warns(UserWarning, match="Training interrupted"):
        est.fit(X, y)
    assert est.best_validation_score_ == max(est.validation_scores_)


def test_predict_from_many_threads(sine):
    X, y = sine
    est = SigmoidMLPRegressor((6,), solver="lbfgs", random_state=0, device="cpu").fit(X, y)
    big = np.repeat(X, 50, axis=0)
    expected = est.predict(big)
    threads_before = torch.get_num_threads()
    results, errors = [None] * 8, []

    def work(i):
        try:
            for _ in range(5):
                results[i] = est.predict(big)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
    workers = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert not errors
    for result in results:
        np.testing.assert_array_equal(result, expected)
    assert torch.get_num_threads() == threads_before


def test_fits_from_many_threads_restore_thread_settings(sine):
    X, y = sine
    threads_before = torch.get_num_threads()
    fitted = [None] * 4

    def work(i):
        fitted[i] = SigmoidMLPRegressor((3,), max_iter=20, random_state=i,
                                        device="cpu").fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        workers = [threading.Thread(target=work, args=(i,)) for i in range(4)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
    assert torch.get_num_threads() == threads_before
    serial = SigmoidMLPRegressor((3,), max_iter=20, random_state=2, device="cpu").fit(X, y)
    np.testing.assert_array_equal(fitted[2].coefs_[0], serial.coefs_[0])


def _torch_threads(estimator, X, y):
    """A 'scorer' that reports how many threads torch has in the worker."""
    return torch.get_num_threads()


def test_parallel_grid_search_matches_serial_and_limits_threads():
    X, y = make_rings(100, random_state=0)
    search = GridSearchCV(
        SigmoidMLPClassifier(solver="lbfgs", max_iter=50, random_state=0, device="cpu"),
        {"hidden_layer_sizes": [(2,), (3,)], "n_restarts": [1, 2]}, cv=3,
        scoring={"accuracy": "accuracy", "threads": _torch_threads}, refit="accuracy")
    serial = clone(search).set_params(n_jobs=1).fit(X, y)
    parallel = clone(search).set_params(n_jobs=2).fit(X, y)
    np.testing.assert_array_equal(serial.cv_results_["mean_test_accuracy"],
                                  parallel.cv_results_["mean_test_accuracy"])
    assert serial.best_params_ == parallel.best_params_
    # joblib limits each worker's threads to cores // n_jobs: no oversubscription
    assert (parallel.cv_results_["mean_test_threads"] <= max(1, os.cpu_count() // 2)).all()
