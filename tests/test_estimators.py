"""Behaviour of both estimators under every solver, against scikit-learn's MLP."""

import pickle
import re
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import torch
from conftest import ESTIMATORS, SOLVERS, STOCHASTIC_SOLVERS
from sklearn.datasets import make_multilabel_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor

from skorchlite import SigmoidMLPClassifier, SigmoidMLPRegressor

REFERENCE = {SigmoidMLPRegressor: MLPRegressor, SigmoidMLPClassifier: MLPClassifier}

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _data(Estimator, sine, blobs):
    return sine if Estimator is SigmoidMLPRegressor else blobs


def _small(Estimator, solver, **params):
    params = {"hidden_layer_sizes": (6,), "solver": solver, "max_iter": 30,
              "random_state": 0, "device": "cpu", **params}
    return Estimator(**params)


# -- the scikit-learn contract --------------------------------------------------


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_parameters_and_defaults_are_scikit_learns(Estimator):
    ours = Estimator().get_params()
    theirs = REFERENCE[Estimator]().get_params()
    assert ours.pop("n_restarts") == 1
    assert ours.pop("device") == "auto"
    assert ours.pop("activation") == "logistic"
    theirs.pop("activation")
    assert ours == theirs


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_init_stores_parameters_unchanged(Estimator):
    sizes = [3, 2]
    est = Estimator(sizes, alpha=0.5, device=torch.device("cpu"))
    assert est.hidden_layer_sizes is sizes
    assert est.device == torch.device("cpu")
    with pytest.raises(TypeError):
        Estimator((3,), "tanh")  # everything after hidden_layer_sizes is keyword-only


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_same_trajectory_as_scikit_learn(Estimator, solver, sine, blobs):
    """From the same random_state, a one-restart fit takes scikit-learn's
    steps: same initial weights, shuffles, updates and loss definitions."""
    X, y = _data(Estimator, sine, blobs)
    params = dict(hidden_layer_sizes=(6,), solver=solver, max_iter=25, random_state=3,
                  learning_rate_init=0.01, alpha=1e-3)
    ours = Estimator(**params, device="cpu").fit(X, y)
    theirs = REFERENCE[Estimator](**params, activation="logistic").fit(X, y)
    tol = 1e-10 if solver != "lbfgs" else 1e-5
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.loss_ == pytest.approx(theirs.loss_, rel=tol)
    for a, b in zip(ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_):
        np.testing.assert_allclose(a, b, rtol=tol * 100, atol=tol)
    if solver != "lbfgs":
        np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=tol)
        assert ours.t_ == theirs.t_


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_fitted_attributes(Estimator, solver, sine, blobs):
    X, y = _data(Estimator, sine, blobs)
    est = _small(Estimator, solver, n_restarts=2).fit(X, y)
    n_out = 1 if Estimator is SigmoidMLPRegressor else 3
    assert [c.shape for c in est.coefs_] == [(X.shape[1], 6), (6, n_out)]
    assert [b.shape for b in est.intercepts_] == [(6,), (n_out,)]
    assert all(isinstance(c, np.ndarray) for c in est.coefs_ + est.intercepts_)
    assert isinstance(est.n_iter_, int) and 0 < est.n_iter_ <= 30
    assert isinstance(est.loss_, float)
    assert est.n_layers_ == 3 and est.n_outputs_ == n_out
    assert est.n_features_in_ == X.shape[1]
    assert est.out_activation_ == ("identity" if n_out == 1 else "softmax")
    assert len(est.loss_curve_) == est.n_iter_
    assert est.best_loss_ == pytest.approx(min(est.loss_curve_))
    assert est.validation_scores_ is None and est.best_validation_score_ is None
    assert est.t_ == (0 if solver == "lbfgs" else est.n_iter_ * X.shape[0])
    assert est.device_ == torch.device("cpu")
    assert est.restart_losses_.shape == (2,)
    assert est.best_restart_ == int(np.argmin(est.restart_losses_))
    assert est.loss_ == est.restart_losses_[est.best_restart_]


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_classes_and_outputs(Estimator):
    est = SigmoidMLPClassifier((4,), solver="lbfgs", random_state=0)
    X = np.random.RandomState(0).randn(40, 3)
    est.fit(X, np.where(X[:, 0] > 0, "yes", "no"))
    assert est.out_activation_ == "logistic" and est.n_outputs_ == 1
    assert list(est.classes_) == ["no", "yes"]
    assert est.predict_proba(X).shape == (40, 2)
    assert set(est.predict(X)) <= {"no", "yes"}


# -- restarts -------------------------------------------------------------------


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_restarts_train_independently(Estimator, solver, sine, blobs):
    """Restart 0 of a batched fit is exactly the one-restart fit; the others
    start elsewhere and end elsewhere; the best is kept."""
    X, y = _data(Estimator, sine, blobs)
    one = _small(Estimator, solver).fit(X, y)
    many = _small(Estimator, solver, n_restarts=4).fit(X, y)
    assert many.restart_losses_[0] == pytest.approx(one.loss_, rel=1e-9)
    assert len(set(np.round(many.restart_losses_, 12))) == 4
    assert many.loss_ == many.restart_losses_.min()
    best = many._restart_coefs[0][many.best_restart_]
    np.testing.assert_array_equal(many.coefs_[0], best)


def test_restarts_escape_a_bad_minimum():
    """With 2 units, some lbfgs starts end in a worse local minimum; the
    best of ten is at least as good as every single start."""
    x = np.linspace(0, 13, 100).reshape(-1, 1)
    y = np.sin(x).ravel() * np.exp(-x.ravel() / 8)
    est = SigmoidMLPRegressor((2,), solver="lbfgs", max_iter=300, n_restarts=10,
                              random_state=0, device="cpu").fit(x, y)
    assert est.loss_ <= est.restart_losses_.min() + 1e-15
    assert est.restart_losses_.max() > 1.2 * est.loss_


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_same_random_state_same_result(Estimator, solver, sine, blobs):
    X, y = _data(Estimator, sine, blobs)
    a = _small(Estimator, solver, n_restarts=2, random_state=7).fit(X, y)
    b = _small(Estimator, solver, n_restarts=2, random_state=7).fit(X, y)
    c = _small(Estimator, solver, n_restarts=2, random_state=8).fit(X, y)
    np.testing.assert_array_equal(a.restart_losses_, b.restart_losses_)
    np.testing.assert_array_equal(a.coefs_[0], b.coefs_[0])
    assert not np.array_equal(a.coefs_[0], c.coefs_[0])


# -- solvers and their options -----------------------------------------------------


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_partial_fit_only_for_stochastic_solvers(Estimator, sine, blobs):
    X, y = _data(Estimator, sine, blobs)
    assert not hasattr(_small(Estimator, "lbfgs"), "partial_fit")
    with pytest.raises(AttributeError, match="has no attribute 'partial_fit'") as excinfo:
        _small(Estimator, "lbfgs").partial_fit(X, y)
    assert "only available for stochastic optimizers" in str(excinfo.value.__cause__)
    for solver in STOCHASTIC_SOLVERS:
        est = _small(Estimator, solver, n_restarts=2)
        kwargs = {"classes": np.unique(y)} if Estimator is SigmoidMLPClassifier else {}
        est.partial_fit(X, y, **kwargs)
        est.partial_fit(X, y)
        assert est.n_iter_ == 1 and est.t_ == 2 * len(X)
        assert len(est.loss_curve_) == 2 and est.loss_curve_[1] < est.loss_curve_[0]


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_partial_fit_matches_scikit_learn(Estimator, sine, blobs):
    X, y = _data(Estimator, sine, blobs)
    ours = _small(Estimator, "sgd")
    theirs = REFERENCE[Estimator](hidden_layer_sizes=(6,), solver="sgd", random_state=0,
                                  activation="logistic")
    kwargs = {"classes": np.unique(y)} if Estimator is SigmoidMLPClassifier else {}
    for _ in range(3):
        ours.partial_fit(X, y, **kwargs)
        theirs.partial_fit(X, y, **kwargs)
    np.testing.assert_allclose(ours.coefs_[0], theirs.coefs_[0], rtol=1e-10)


def test_partial_fit_classes():
    X = np.random.RandomState(0).randn(20, 2)
    y = np.arange(20) % 3
    est = SigmoidMLPClassifier((3,), device="cpu")
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        est.partial_fit(X, y)
    assert not hasattr(est, "classes_")
    est.partial_fit(X[:5], y[:5] % 2, classes=[0, 1, 2])  # not every class in y
    assert list(est.classes_) == [0, 1, 2] and est.n_outputs_ == 3
    with pytest.raises(ValueError, match="`y` has classes not in `self.classes_`"):
        est.partial_fit(X, y + 1)
    with pytest.raises(ValueError, match="is not the same as on last call to partial_fit"):
        est.partial_fit(X, y, classes=[0, 1])


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_warm_start_continues(Estimator, solver, sine, blobs):
    X, y = _data(Estimator, sine, blobs)
    est = _small(Estimator, solver, warm_start=True, max_iter=5).fit(X, y)
    first_loss = est.loss_
    est.fit(X, y)
    assert est.loss_ < first_loss
    fresh = _small(Estimator, solver, max_iter=5).fit(X, y)
    assert fresh.loss_ == pytest.approx(first_loss)
    if solver != "lbfgs":
        assert len(est.loss_curve_) == 10
    with pytest.raises(ValueError, match="warm_start and partial_fit continue"):
        est.set_params(hidden_layer_sizes=(7,)).fit(X, y)


@pytest.mark.parametrize("solver", STOCHASTIC_SOLVERS)
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_early_stopping(Estimator, solver, sine, blobs):
    X, y = _data(Estimator, sine, blobs)
    est = _small(Estimator, solver, early_stopping=True, n_restarts=3, max_iter=200,
                 n_iter_no_change=3, learning_rate_init=0.05).fit(X, y)
    assert est.best_loss_ is None
    assert len(est.validation_scores_) == est.n_iter_ == len(est.loss_curve_)
    assert est.best_validation_score_ == max(est.validation_scores_)
    assert est.n_iter_ < 200
    # the kept restart is the one whose best validation score is highest
    best_scores = est._training_state.best_validation_score
    assert est.best_restart_ == int(np.argmax(best_scores))
    # the kept weights are those of the best epoch: re-scoring them on the same
    # validation split gives best_validation_score_
    with pytest.raises(ValueError, match="partial_fit does not support early_stopping"):
        est.partial_fit(X, y)


def test_early_stopping_matches_scikit_learn(blobs):
    X, y = blobs
    params = dict(hidden_layer_sizes=(6,), early_stopping=True, random_state=0,
                  learning_rate_init=0.05, max_iter=100, n_iter_no_change=4)
    ours = SigmoidMLPClassifier(**params, device="cpu").fit(X, y)
    theirs = MLPClassifier(**params, activation="logistic").fit(X, y)
    assert ours.n_iter_ == theirs.n_iter_
    np.testing.assert_allclose(ours.validation_scores_, theirs.validation_scores_)
    np.testing.assert_allclose(ours.coefs_[0], theirs.coefs_[0], rtol=1e-9)


@pytest.mark.parametrize("learning_rate", ["constant", "invscaling", "adaptive"])
@pytest.mark.parametrize("nesterov", [True, False])
def test_sgd_schedules_match_scikit_learn(learning_rate, nesterov, sine):
    X, y = sine
    params = dict(hidden_layer_sizes=(5,), solver="sgd", learning_rate=learning_rate,
                  nesterovs_momentum=nesterov, momentum=0.8, learning_rate_init=0.2,
                  max_iter=60, n_iter_no_change=2, tol=1e-3, random_state=1)
    ours = SigmoidMLPRegressor(**params, device="cpu").fit(X, y)
    theirs = MLPRegressor(**params, activation="logistic").fit(X, y)
    assert ours.n_iter_ == theirs.n_iter_
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-9)


@pytest.mark.parametrize("solver", SOLVERS)
def test_verbose_prints_one_line_per_iteration(solver, sine, capsys):
    X, y = sine
    est = _small(SigmoidMLPRegressor, solver, verbose=True, max_iter=7, tol=0).fit(X, y)
    lines = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("Iteration")]
    assert len(lines) == est.n_iter_
    assert re.fullmatch(r"Iteration 1, loss = \d+\.\d{8}", lines[0])


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_convergence_warning_at_max_iter(Estimator, solver, sine, blobs):
    X, y = _data(Estimator, sine, blobs)
    with pytest.warns(ConvergenceWarning, match="(Maximum iterations|failed to converge)"):
        _small(Estimator, solver, max_iter=3).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        _small(Estimator, solver, max_iter=2000, tol=0.5).fit(X, y)


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_float32_kept_for_stochastic_solvers(Estimator, solver, sine, blobs):
    X, y = _data(Estimator, sine, blobs)
    est = _small(Estimator, solver).fit(X.astype(np.float32), y)
    expected = np.float64 if solver == "lbfgs" else np.float32
    assert all(c.dtype == expected for c in est.coefs_ + est.intercepts_)
    out = est.predict(X.astype(np.float32)) if Estimator is SigmoidMLPRegressor \
        else est.predict_proba(X.astype(np.float32))
    assert out.dtype == expected


# -- targets --------------------------------------------------------------------------


@pytest.mark.parametrize("solver", SOLVERS)
def test_multilabel(solver):
    X, Y = make_multilabel_classification(80, n_features=5, n_classes=3, random_state=0)
    est = SigmoidMLPClassifier((8,), solver=solver, max_iter=200, random_state=0,
                               learning_rate_init=0.05, device="cpu").fit(X, Y)
    assert est.out_activation_ == "logistic" and est.n_outputs_ == 3
    proba = est.predict_proba(X)
    assert proba.shape == (80, 3) and not np.allclose(proba.sum(axis=1), 1)
    np.testing.assert_array_equal(est.predict(X), (proba > 0.5).astype(int))
    assert est.score(X, Y) > 0.4


@pytest.mark.parametrize("solver", SOLVERS)
def test_multi_output_regression(solver, sine):
    X, y = sine
    Y = np.column_stack([y, 2 * y + 1])
    est = _small(SigmoidMLPRegressor, solver, max_iter=300, learning_rate_init=0.02)
    est.fit(X, Y)
    assert est.predict(X).shape == (len(X), 2) and est.n_outputs_ == 2
    theirs = MLPRegressor(hidden_layer_sizes=(6,), activation="logistic", solver=solver,
                          random_state=0, max_iter=300, learning_rate_init=0.02).fit(X, Y)
    # same reported loss definition (mean over outputs) on the same weights
    assert est.score(X, Y) > theirs.score(X, Y) - 0.15


@pytest.mark.parametrize("solver", SOLVERS)
def test_poisson(solver):
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, (200, 2))
    y = rng.poisson(np.exp(1 + X[:, 0]))
    est = _small(SigmoidMLPRegressor, solver, loss="poisson", max_iter=300,
                 learning_rate_init=0.02).fit(X, y)
    assert est.out_activation_ == "exp"
    assert (est.predict(X) > 0).all() and est.score(X, y) > 0.3
    with pytest.raises(ValueError, match="non-negative targets"):
        _small(SigmoidMLPRegressor, solver, loss="poisson").fit(X, -y - 1.0)


# -- sample weights --------------------------------------------------------------------


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_integer_weights_equal_repeated_rows(Estimator, sine, blobs):
    X, y = _data(Estimator, sine, blobs)
    w = np.random.RandomState(0).randint(0, 3, len(X))
    w[:3] = 1
    weighted = _small(Estimator, "lbfgs").fit(X, y, sample_weight=w)
    repeated = _small(Estimator, "lbfgs").fit(np.repeat(X, w, axis=0), np.repeat(y, w))
    assert weighted.loss_ == pytest.approx(repeated.loss_, rel=1e-6)
    np.testing.assert_allclose(weighted.coefs_[0], repeated.coefs_[0], rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("solver", STOCHASTIC_SOLVERS)
def test_sample_weight_matches_scikit_learn(solver, sine):
    X, y = sine
    w = np.random.RandomState(1).uniform(0.2, 3, len(X))
    params = dict(hidden_layer_sizes=(5,), solver=solver, random_state=0, max_iter=20)
    ours = SigmoidMLPRegressor(**params, device="cpu").fit(X, y, sample_weight=w)
    theirs = MLPRegressor(**params, activation="logistic").fit(X, y, sample_weight=w)
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-9)


@pytest.mark.parametrize("weights, message", [
    (-np.ones(5), "non-negative"), (np.zeros(5), "positive sum"),
    (np.ones(4), "expected (5,)"), (np.ones((5, 2)), "1D array"),
])
def test_bad_sample_weight(weights, message):
    est = SigmoidMLPRegressor((2,), device="cpu")
    with pytest.raises(ValueError, match=re.escape(message)):
        est.fit(np.ones((5, 1)), np.arange(5.0), sample_weight=weights)
    assert not hasattr(est, "n_features_in_")


# -- prediction ---------------------------------------------------------------------------


def _numpy_forward(est, X):
    act = {"logistic": lambda z: 1 / (1 + np.exp(-z)), "tanh": np.tanh,
           "relu": lambda z: np.maximum(z, 0), "identity": lambda z: z}[est.activation]
    A = X
    for i, (W, b) in enumerate(zip(est.coefs_, est.intercepts_)):
        Z = A @ W + b
        A = act(Z) if i < len(est.coefs_) - 1 else Z
    if est.out_activation_ == "softmax":
        E = np.exp(A - A.max(axis=1, keepdims=True))
        return E / E.sum(axis=1, keepdims=True)
    if est.out_activation_ == "logistic":
        return 1 / (1 + np.exp(-A))
    return np.exp(A) if est.out_activation_ == "exp" else A


@pytest.mark.parametrize("activation", ["logistic", "tanh", "relu", "identity"])
@pytest.mark.parametrize("kind", ["regression", "poisson", "binary", "multiclass"])
def test_numpy_forward_pass_reproduces_predictions(activation, kind):
    rng = np.random.RandomState(0)
    X = rng.randn(60, 4)
    if kind in ("regression", "poisson"):
        est = SigmoidMLPRegressor((5, 3), activation=activation, solver="lbfgs", max_iter=20,
                                  loss="squared_error" if kind == "regression" else "poisson",
                                  device="cpu", random_state=0)
        est.fit(X, np.abs(X[:, 0]) + X[:, 1] ** 2)
        np.testing.assert_allclose(est.predict(X), _numpy_forward(est, X).ravel(), rtol=1e-10)
    else:
        y = (X[:, 0] > 0).astype(int) + (kind == "multiclass") * (X[:, 1] > 0)
        est = SigmoidMLPClassifier((5, 3), activation=activation, solver="lbfgs", max_iter=20,
                                   device="cpu", random_state=0).fit(X, y)
        proba = _numpy_forward(est, X)
        if kind == "binary":
            proba = np.column_stack([1 - proba[:, 0], proba[:, 0]])
        np.testing.assert_allclose(est.predict_proba(X), proba, rtol=1e-10, atol=1e-14)
        np.testing.assert_array_equal(est.predict(X), est.classes_[proba.argmax(axis=1)])
        with np.errstate(divide="ignore"):
            np.testing.assert_allclose(est.predict_log_proba(X), np.log(proba), rtol=1e-8)


def test_predict_in_chunks(sine):
    """Prediction walks through the rows in chunks of scikit-learn's
    working_memory with the same result."""
    from sklearn import config_context

    X, y = sine
    est = _small(SigmoidMLPRegressor, "lbfgs").fit(X, y)
    whole = est.predict(X)
    big = np.repeat(X, 20, axis=0)
    with config_context(working_memory=1e-6):  # -> chunks of 1024 rows
        np.testing.assert_allclose(est.predict(big), np.repeat(whole, 20), rtol=1e-12)
        codes = est.hidden_activations(big, step=True)[0]
    np.testing.assert_array_equal(codes, est.hidden_activations(big, step=True)[0])


def test_chunk_rows_follow_working_memory():
    from skorchlite._predict import MIN_CHUNK_ROWS, chunk_rows

    # 8 bytes x the widest layer (64 units) per row
    assert chunk_rows(20, [64, 64, 1], working_memory=64) == 64 * 2**20 // (8 * 64)
    assert chunk_rows(20, [64, 64, 1], working_memory=1024) == 1024 * 2**20 // (8 * 64)
    assert chunk_rows(500, [8, 1], working_memory=16) == 16 * 2**20 // (8 * 500)
    assert chunk_rows(20, [64, 1], working_memory=1e-6) == MIN_CHUNK_ROWS


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_sparse_input_gives_dense_results(Estimator, sine, blobs):
    X, y = _data(Estimator, sine, blobs)
    X = np.column_stack([X, np.zeros_like(X)])
    dense = _small(Estimator, "lbfgs").fit(X, y)
    for fmt in (sp.csr_matrix, sp.csc_matrix):
        sparse = _small(Estimator, "lbfgs").fit(fmt(X), y)
        np.testing.assert_allclose(sparse.coefs_[0], dense.coefs_[0])
        np.testing.assert_allclose(sparse.predict(fmt(X)), dense.predict(X))


# -- persistence and devices --------------------------------------------------------------


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_pickle_holds_numpy_only(Estimator, sine, blobs):
    X, y = _data(Estimator, sine, blobs)
    est = _small(Estimator, "adam", n_restarts=2).fit(X, y)
    payload = pickle.dumps(est)
    assert b"rebuild_tensor" not in payload and b"torch.storage" not in payload
    loaded = pickle.loads(payload)
    np.testing.assert_array_equal(loaded.predict(X), est.predict(X))
    if Estimator is SigmoidMLPRegressor:
        loaded.set_params(warm_start=True).fit(X, y)  # continues after a round trip


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_gpu_fitted_model_predicts_on_cpu_with_warning(sine):
    X, y = sine
    est = _small(SigmoidMLPRegressor, "adam").fit(X, y)
    expected = est.predict(X)
    est.device_ = torch.device("cuda:0")  # as if unpickled from a GPU machine
    with pytest.warns(UserWarning, match="not available here; predicting on the CPU"):
        np.testing.assert_array_equal(est.predict(X), expected)


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
@pytest.mark.parametrize("device", ["cuda", "cuda:1", torch.device("cuda")])
def test_absent_device_is_a_clear_error(device, sine):
    X, y = sine
    est = SigmoidMLPRegressor((3,), device=device)
    with pytest.raises(ValueError, match=r"torch sees no CUDA device; use device='cpu' or"):
        est.fit(X, y)
    assert not hasattr(est, "coefs_")


@pytest.mark.parametrize("device", ["gpu", "cuda:x", 3])
def test_malformed_device(device, sine):
    X, y = sine
    with pytest.raises(ValueError, match="device must be|'device' parameter"):
        SigmoidMLPRegressor((3,), device=device).fit(X, y)


def test_auto_device_and_threads(sine):
    X, y = sine
    threads = torch.get_num_threads()
    est = SigmoidMLPRegressor((3,), max_iter=3).fit(X, y)
    # a step of 200 rows x 6 weights: on the CPU even where CUDA is (docs/devices.rst)
    assert est.device_ == torch.device("cpu")
    assert torch.get_num_threads() == threads  # the thread rule is undone after fit


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
@pytest.mark.parametrize("solver", SOLVERS)
def test_cuda_fit_matches_cpu(solver, sine):
    X, y = sine
    cpu = _small(SigmoidMLPRegressor, solver, device="cpu").fit(X, y)
    gpu = _small(SigmoidMLPRegressor, solver, device="cuda").fit(X, y)
    assert gpu.device_.type == "cuda"
    np.testing.assert_allclose(gpu.predict(X), cpu.predict(X), rtol=1e-6, atol=1e-8)
    restored = pickle.loads(pickle.dumps(gpu))
    assert isinstance(restored.coefs_[0], np.ndarray)


# -- composition -----------------------------------------------------------------------------


def test_grid_search_in_a_pipeline(blobs):
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = blobs
    pipe = make_pipeline(StandardScaler(), SigmoidMLPClassifier(solver="lbfgs", max_iter=50,
                                                                random_state=0, device="cpu"))
    grid = GridSearchCV(pipe, {"sigmoidmlpclassifier__hidden_layer_sizes": [(2,), (6,)],
                               "sigmoidmlpclassifier__n_restarts": [1, 3]}, cv=3)
    grid.fit(X, y)
    assert len(grid.cv_results_["mean_test_score"]) == 4
    assert grid.best_score_ > 0.7  # chance is 1/3; the blobs overlap
    assert grid.best_estimator_[-1].restart_losses_.shape == (
        grid.best_params_["sigmoidmlpclassifier__n_restarts"],)


def test_clone_keeps_a_torch_device():
    from sklearn.base import clone

    est = SigmoidMLPRegressor((3,), device=torch.device("cpu"))
    assert clone(est).get_params()["device"] == torch.device("cpu")
