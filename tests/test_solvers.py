"""The solver registry, the optimizers and the private-torch fallbacks."""

import numpy as np
import pytest
import torch
from conftest import ESTIMATORS, SOLVERS

from skorchlite import SigmoidMLPClassifier, SigmoidMLPRegressor
from skorchlite._network import (ACTIVATION_BACKWARD, _sigmoid_backward, _tanh_backward,
                                 _threshold_backward, aten_backward)
from skorchlite._optim import OPTIMIZERS, Adam, make_optimizer
from skorchlite._registry import SOLVERS as SPECS
from skorchlite._state import SolverOptions

X = np.linspace(0, 3, 40).reshape(-1, 1)
Y = {SigmoidMLPRegressor: np.sin(X).ravel(), SigmoidMLPClassifier: (X.ravel() > 1.5).astype(int)}

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _options(**changes):
    params = dict(solver="sgd", alpha=1e-4, batch_size=10, learning_rate="constant",
                  learning_rate_init=0.1, power_t=0.5, max_iter=5, shuffle=True, tol=1e-4,
                  verbose=False, momentum=0.9, nesterovs_momentum=True, beta_1=0.9,
                  beta_2=0.999, epsilon=1e-8, n_iter_no_change=10, max_fun=15000, score="r2")
    return SolverOptions(**{**params, **changes})


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize("solver", SOLVERS)
def test_estimators_follow_the_solver_traits(Estimator, solver):
    """What an estimator does is what its solver's spec says."""
    spec = SPECS[solver]
    est = Estimator((3,), solver=solver, max_iter=5, random_state=0, early_stopping=True,
                    validation_fraction=0.25).fit(X.astype(np.float32), Y[Estimator])
    assert hasattr(est, "partial_fit") == spec.partial_fit
    assert est.coefs_[0].dtype == spec.training_dtype(np.dtype(np.float32))
    assert (est.validation_scores_ is not None) == spec.early_stopping
    assert (est.t_ > 0) == spec.stochastic


def test_every_solver_is_accepted_and_no_other():
    """The ``solver`` parameter accepts exactly the registry's names."""
    for solver in SOLVERS:
        SigmoidMLPRegressor(solver=solver)._validate_params()
    with pytest.raises(ValueError, match="'solver' parameter .* must be one of "
                       + ", ".join(f"'{name}'" for name in SOLVERS)):
        SigmoidMLPRegressor(solver="rprop")._validate_params()


def test_optimizer_factory_refuses_unknown_names():
    flat = torch.zeros(2, 3, dtype=torch.float64)
    assert set(OPTIMIZERS) == {name for name, spec in SPECS.items() if spec.stochastic}
    with pytest.raises(ValueError, match="Unknown stochastic optimizer 'lbfgs'; skorchlite "
                                         "has 'sgd', 'adam'"):
        make_optimizer("lbfgs", flat, _options(), np.full(2, 0.1))


def test_sgd_owns_its_schedules():
    flat = torch.zeros(3, 4, dtype=torch.float64)
    active = np.array([True, False, True])
    rates = np.full(3, 0.1)
    sgd = make_optimizer("sgd", flat, _options(learning_rate="invscaling"), rates)
    sgd.end_epoch(99, active)
    np.testing.assert_allclose(rates, [0.1 / 100 ** 0.5, 0.1, 0.1 / 100 ** 0.5])
    assert not sgd.stalled(active).any()  # invscaling never lowers on a stall

    rates = np.array([0.1, 1e-7, 0.1])
    sgd = make_optimizer("sgd", flat, _options(learning_rate="adaptive"), rates)
    sgd.end_epoch(99, active)
    np.testing.assert_array_equal(rates, [0.1, 1e-7, 0.1])
    lowered = sgd.stalled(np.array([True, True, False]))
    np.testing.assert_array_equal(lowered, [True, False, False])  # 1e-7 is at the floor
    np.testing.assert_allclose(rates, [0.02, 1e-7, 0.1])

    adam = make_optimizer("adam", flat, _options(solver="adam", learning_rate="adaptive"),
                          rates)
    assert not adam.stalled(np.ones(3, dtype=bool)).any()


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_adam_fallback_matches_the_fused_kernel(dtype):
    """Adam without torch's private fused kernel takes the same steps."""
    rng = np.random.RandomState(0)
    start = torch.tensor(rng.randn(3, 50), dtype=dtype)
    grads = [torch.tensor(rng.randn(3, 50), dtype=dtype) for _ in range(20)]
    params = {"learning_rate_init": 0.01, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-8}
    results = []
    for fused in (None, False):
        flat = start.clone()
        adam = Adam(flat, fused=fused, **params)
        assert (adam._fused is None) == (fused is False)
        for grad in grads:
            adam.step(flat, grad)
        results.append(flat)
    rtol = 1e-5 if dtype == torch.float32 else 1e-12
    torch.testing.assert_close(results[0], results[1], rtol=rtol, atol=rtol * 1e-2)
    assert not torch.equal(results[0], start)


@pytest.mark.parametrize("name, fallback, activation", [
    ("sigmoid_backward", _sigmoid_backward, torch.sigmoid),
    ("tanh_backward", _tanh_backward, torch.tanh),
])
def test_activation_backward_fallbacks_match_aten(name, fallback, activation):
    rng = np.random.RandomState(0)
    delta = torch.tensor(rng.randn(30, 5))
    A = activation(torch.tensor(rng.randn(30, 5)))
    assert aten_backward("no_such_backward", fallback) is fallback
    kernel = aten_backward(name, fallback)
    assert kernel is not fallback  # this torch has the kernel: both are compared
    torch.testing.assert_close(fallback(delta, A), kernel(delta, A), rtol=1e-15, atol=1e-15)


def test_relu_backward_fallback_matches_aten():
    rng = np.random.RandomState(0)
    delta, A = torch.tensor(rng.randn(30, 5)), torch.tensor(rng.randn(30, 5)).relu()
    kernel = aten_backward("threshold_backward", _threshold_backward)
    torch.testing.assert_close(_threshold_backward(delta, A, 0), kernel(delta, A, 0),
                               rtol=0, atol=0)
    torch.testing.assert_close(ACTIVATION_BACKWARD["relu"](delta, A), kernel(delta, A, 0),
                               rtol=0, atol=0)


@pytest.mark.parametrize("schedule, uploads", [("constant", 1), ("invscaling", 1 + 6)])
def test_sgd_uploads_rates_only_when_its_schedule_changes_them(monkeypatch, schedule, uploads):
    # the per-restart rates cross to the device once for a constant rate, and
    # once more per epoch only where the schedule changes them
    from skorchlite import _optim

    calls = []
    original = _optim.SGD.sync
    monkeypatch.setattr(_optim.SGD, "sync", lambda self: calls.append(1) or original(self))
    X = np.linspace(-1, 1, 40).reshape(-1, 1)
    SigmoidMLPRegressor((3,), solver="sgd", learning_rate=schedule, max_iter=6, tol=0.0,
                        n_iter_no_change=100, random_state=0).fit(X, X.ravel())
    assert len(calls) == uploads
