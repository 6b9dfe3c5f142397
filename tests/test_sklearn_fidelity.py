"""Drop-in fidelity: where scikit-learn's MLP and skorchlite meet the same
situation, they behave the same (or differ on purpose, documented in the user
guide's "Differences from scikit-learn")."""

import re
import warnings

import numpy as np
import pytest
from conftest import ESTIMATORS, SOLVERS
from sklearn.exceptions import NotFittedError
from sklearn.neural_network import MLPClassifier, MLPRegressor

from skorchlite import SigmoidMLPClassifier, SigmoidMLPRegressor
from skorchlite._network import BatchedMLP



@pytest.fixture
def data():
    rng = np.random.RandomState(0)
    X = rng.randn(40, 2)
    return X, X[:, 0] + 0.1 * rng.randn(40), (X[:, 0] > 0).astype(int)


def _message(call):
    """The message of the exception ``call()`` raises, warnings silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            try:
                call()
            except (ValueError, AttributeError) as error:
                return str(error)
    raise AssertionError("no error raised")


# -- unfitted estimators ------------------------------------------------------

UNFITTED_METHODS = ["predict", "transform", "hidden_activations", "predict_step",
                    "score", "get_feature_names_out"]


@pytest.mark.parametrize("method", UNFITTED_METHODS + ["predict_proba", "predict_proba_step"])
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_unfitted_methods_raise_not_fitted_error(Estimator, method, data):
    X, y, _ = data
    est = Estimator()
    if not hasattr(est, method):
        pytest.skip(f"{Estimator.__name__} has no {method}")
    args = {"score": (X, y), "get_feature_names_out": ()}.get(method, (X,))
    with pytest.raises(NotFittedError, match="is not fitted yet"):
        getattr(est, method)(*args)


# -- error texts ------------------------------------------------------------------


def _pairs(data):
    X, y, yc = data
    one_dog = np.array(["cat"] * 39 + ["dog"])
    return {
        "sample_weight shape": lambda R, C: R(max_iter=2).fit(X, y, sample_weight=np.ones(4)),
        "sample_weight 2-D": lambda R, C: R(max_iter=2).fit(X, y, sample_weight=np.ones((40, 2))),
        "warm_start classes": lambda R, C: C(max_iter=2, warm_start=True).fit(X, yc).fit(X, yc + 1),
        "partial_fit classes": lambda R, C: C(max_iter=2).partial_fit(
            X, yc, classes=[0, 1]).partial_fit(X, yc + 5),
        "validation set": lambda R, C: R(max_iter=2, early_stopping=True,
                                         validation_fraction=0.01).fit(X, y),
        "partial_fit early_stopping": lambda R, C: R(early_stopping=True).partial_fit(X, y),
        "stratify test_size": lambda R, C: C(max_iter=2, early_stopping=True,
                                             validation_fraction=0.01).fit(X, yc),
        "non-finite weights": lambda R, C: R(
            hidden_layer_sizes=(4,), solver="sgd", learning_rate_init=1e6, momentum=0.99,
            activation="identity", max_iter=50, random_state=0).fit(X * 1e3, y),
        "features": lambda R, C: R(max_iter=2).fit(X, y).predict(X[:, :1]),
        "stratify one member": lambda R, C: C(max_iter=2, early_stopping=True).fit(X, one_dog),
    }


@pytest.mark.parametrize("case", list(_pairs((None, None, None))))
def test_error_texts_start_with_scikit_learns(case, data):
    call = _pairs(data)[case]
    expected = _message(lambda: call(MLPRegressor, MLPClassifier))
    got = _message(lambda: call(SigmoidMLPRegressor, SigmoidMLPClassifier))
    expected = expected.replace("MLPRegressor", "SigmoidMLPRegressor")
    if case == "stratify one member":
        # scikit-learn names its internal encoding (['True']); we name the user's label
        expected = expected[:expected.index("are: ") + 5]
        assert "['dog']" in got and "['True']" not in got
    assert got.startswith(expected), (got, expected)


@pytest.mark.parametrize("call", [
    lambda X, yc: SigmoidMLPClassifier(max_iter=2).fit(X, np.zeros(len(X), dtype=np.int64)),
    lambda X, yc: SigmoidMLPClassifier(max_iter=2).partial_fit(X, yc, classes=np.array([0])),
])
def test_messages_print_values_as_users_wrote_them(call, data):
    X, _, yc = data
    message = _message(lambda: call(X, yc))
    assert "np." not in message and "0" in message


# -- interrupted fits ---------------------------------------------------------------


def _interrupt_at_call(monkeypatch, n_call):
    original = BatchedMLP.loss_and_grad
    calls = {"n": 0}

    def loss_and_grad(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == n_call:
            raise KeyboardInterrupt
        return original(self, *args, **kwargs)
    monkeypatch.setattr(BatchedMLP, "loss_and_grad", loss_and_grad)


@pytest.mark.parametrize("solver", SOLVERS)
def test_interrupt_warning_and_n_iter_agree(solver, data, monkeypatch):
    X, y, _ = data
    # one minibatch per epoch: the 12th evaluation is in iteration 12
    _interrupt_at_call(monkeypatch, 12)
    est = SigmoidMLPRegressor((3,), solver=solver, max_iter=100, random_state=0,
                              device="cpu")
    with pytest.warns(UserWarning, match="Training interrupted by user") as record:
        est.fit(X, y)
    message = str(next(w.message for w in record if "interrupted" in str(w.message)))
    assert message.startswith("Training interrupted by user.")
    assert f"completed {est.n_iter_} iteration" in message
    assert f"n_iter_ = {est.n_iter_}" in message
    assert len(est.loss_curve_) == est.n_iter_
    if solver != "lbfgs":
        assert est.n_iter_ == 11  # the 12th epoch had started, not completed


# -- parameter checks -------------------------------------------------------------


@pytest.mark.parametrize("flag", ["yes", 1, None, np.array([True])])
def test_step_flag_must_be_a_bool(flag, data):
    X, y, _ = data
    est = SigmoidMLPRegressor((3,), solver="lbfgs", max_iter=5, device="cpu").fit(X, y)
    with pytest.raises(ValueError, match=r"step must be a bool \(True or False\); got "):
        est.hidden_activations(X, step=flag)
    assert len(est.hidden_activations(X, step=np.True_)) == 1


def test_scaled_flag_must_be_a_bool(data):
    pytest.importorskip("matplotlib")
    from skorchlite.plotting import HiddenUnitsDisplay

    X, y, _ = data
    est = SigmoidMLPRegressor((3,), solver="lbfgs", max_iter=5, device="cpu").fit(X[:, :1], y)
    with pytest.raises(ValueError, match=r"scaled must be a bool \(True or False\); got 'no'"):
        HiddenUnitsDisplay.from_estimator(est, X[:, :1], y, scaled="no")


def test_device_none_and_gpu_get_the_same_message(data):
    X, y, _ = data
    messages = [_message(lambda: SigmoidMLPRegressor(device=d, max_iter=2).fit(X, y))
                for d in (None, "gpu", 3)]
    forms = {m.replace("None", "X").replace("'gpu'", "X").replace("3", "X") for m in messages}
    assert len(forms) == 1, messages
    assert messages[1] == (
        "The 'device' parameter of SigmoidMLPRegressor must be 'auto', 'cpu', 'cuda', "
        "'cuda:N', 'mps', 'mps:0' or a torch.device. Got 'gpu' instead.")


@pytest.mark.parametrize("argv", [["--device", "gpu"], ["--device", "cuda:99"]])
def test_cli_bad_device_is_a_one_line_error(argv, capsys):
    from skorchlite.__main__ import main

    with pytest.raises(SystemExit) as exit_info:
        main(["--no-figures", *argv])
    assert exit_info.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("python -m skorchlite: error: ")
    assert "device" in lines[0]


def test_cli_unwritable_out_is_a_one_line_error(tmp_path, capsys):
    from skorchlite.__main__ import main

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(SystemExit) as exit_info:
        main(["--out", str(blocker / "figures")])
    assert exit_info.value.code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "cannot write the figures" in lines[0], lines


# -- divergence under early stopping ------------------------------------------------


def test_early_stopping_divergence_keeps_the_best_validation_weights():
    # scikit-learn's issue #29504: the validation score turns nan, the weights
    # of best validation score are finite and kept
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    params = dict(hidden_layer_sizes=100, activation="identity", solver="sgd",
                  learning_rate_init=1, max_iter=20, early_stopping=True, random_state=0)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        ref = MLPRegressor(**params).fit(X, y)
    with np.errstate(all="ignore"), pytest.warns(RuntimeWarning, match="learning_rate_init=1"):
        est = SigmoidMLPRegressor(**params, device="cpu").fit(X, y)
    assert len(est.validation_scores_) == est.n_iter_ == len(est.loss_curve_)
    assert np.isnan(est.validation_scores_[-1]) and np.isnan(est.loss_)
    finite = np.isfinite(ref.validation_scores_)
    k = int(finite.sum())
    assert np.isfinite(est.validation_scores_[:k]).all()
    np.testing.assert_allclose(est.validation_scores_[:k], ref.validation_scores_[:k],
                               rtol=1e-6)
    assert est.best_validation_score_ == pytest.approx(ref.best_validation_score_, rel=1e-9)
    np.testing.assert_allclose(est.predict(X), ref.predict(X), rtol=1e-9)
    for coef, ref_coef in zip(est.coefs_, ref.coefs_):
        np.testing.assert_allclose(coef, ref_coef, rtol=1e-9, atol=1e-12)


def test_early_stopping_restarts_diverging_without_a_finite_score_are_dropped(data):
    X, y, _ = data
    est = SigmoidMLPRegressor((5,), activation="identity", solver="sgd", learning_rate_init=1,
                              momentum=0.99, max_iter=30, early_stopping=True, n_restarts=3,
                              random_state=0, device="cpu")
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(X * 100, y)
    for scores, curve in zip(est.restart_validation_scores_, est.restart_loss_curves_):
        assert len(scores) == len(curve)
    assert np.isfinite(est.best_validation_score_)
    assert all(np.isfinite(c).all() for c in est.coefs_)


# -- warm_start and partial_fit continue from the public weights --------------------


def _tamper(est):
    est.coefs_[0] *= 100
    est.intercepts_[-1] += 1.0


@pytest.mark.parametrize("solver", SOLVERS)
def test_warm_start_continues_from_the_public_weights(solver, data):
    X, y, _ = data
    params = dict(hidden_layer_sizes=(5,), solver=solver, max_iter=3, random_state=0,
                  warm_start=True, activation="logistic")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = MLPRegressor(**params).fit(X, y)
        est = SigmoidMLPRegressor(**params, device="cpu").fit(X, y)
        _tamper(ref)
        _tamper(est)
        ref.fit(X, y)
        est.fit(X, y)
    assert np.abs(est.coefs_[0]).max() > 20  # the initial weights are below 1
    for ours, theirs in zip(est.coefs_ + est.intercepts_, ref.coefs_ + ref.intercepts_):
        np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("Estimator, Reference", [(SigmoidMLPRegressor, MLPRegressor),
                                                  (SigmoidMLPClassifier, MLPClassifier)])
def test_partial_fit_continues_from_the_public_weights(Estimator, Reference, data):
    X, y, yc = data
    target = y if Estimator is SigmoidMLPRegressor else yc
    extra = {} if Estimator is SigmoidMLPRegressor else {"classes": [0, 1]}
    ref = Reference(hidden_layer_sizes=(5,), activation="logistic", random_state=0)
    est = Estimator((5,), random_state=0, device="cpu")
    ref.partial_fit(X, target, **extra)
    est.partial_fit(X, target, **extra)
    _tamper(ref)
    _tamper(est)
    ref.partial_fit(X, target)
    est.partial_fit(X, target)
    for ours, theirs in zip(est.coefs_ + est.intercepts_, ref.coefs_ + ref.intercepts_):
        np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-9)


def test_warm_start_with_restarts_replaces_only_the_kept_slot(data):
    X, y, _ = data
    # a step size so small that the weights do not move: the losses of the
    # second fit are those of the weights it started from
    est = SigmoidMLPRegressor((4,), solver="sgd", learning_rate_init=1e-12, max_iter=2,
                              n_restarts=3, warm_start=True, shuffle=False,
                              random_state=0, device="cpu")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(X, y)
        before, kept = est.restart_losses_.copy(), est.best_restart_
        est.intercepts_[-1] += 10.0
        est.fit(X, y)
    others = np.arange(3) != kept
    np.testing.assert_allclose(est.restart_losses_[others], before[others], rtol=1e-9)
    assert est.restart_losses_[kept] > 2 * before[kept]


def test_warm_start_refuses_public_weights_of_another_shape(data):
    X, y, _ = data
    est = SigmoidMLPRegressor((4,), solver="lbfgs", max_iter=5, warm_start=True,
                              random_state=0, device="cpu")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(X, y)
    est.coefs_ = [est.coefs_[0][:, :2], est.coefs_[1]]
    with pytest.raises(ValueError, match=r"coefs_\[0\] has shape \(2, 2\)"):
        est.fit(X, y)


# -- fits that explode without nan ----------------------------------------------------


def test_exploding_fit_warns_naming_the_learning_rate():
    from skorchlite.datasets import make_noisy_sine

    X, y = make_noisy_sine(random_state=0)
    est = SigmoidMLPRegressor((10,), learning_rate_init=1e9, max_iter=50, random_state=0,
                              device="cpu")
    with pytest.warns(RuntimeWarning, match=r"learning_rate_init=1000000000\.0") as record:
        est.fit(X, y)
    assert np.isfinite(est.loss_) and est.loss_ > 1e6
    message = str(next(w.message for w in record if w.category is RuntimeWarning))
    assert "training loss" in message


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_healthy_fits_stay_silent(Estimator, solver, data):
    X, y, yc = data
    est = Estimator((5,), solver=solver, max_iter=300, random_state=0, device="cpu",
                    learning_rate_init=0.01, n_restarts=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        warnings.simplefilter("error", RuntimeWarning)
        est.fit(X, y if Estimator is SigmoidMLPRegressor else yc)


# -- predictions that other threads cannot disturb ------------------------------------


@pytest.fixture(scope="module")
def wide_fit():
    """A (100,)-unit network on a 1-D input and 200,000 rows to predict: big
    enough that torch splits the work differently at different thread counts."""
    from skorchlite.datasets import make_noisy_sine

    X, y = make_noisy_sine(random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est = SigmoidMLPRegressor((100,), solver="lbfgs", max_iter=50, random_state=0,
                                  device="cpu").fit(X, y)
    big = np.random.RandomState(1).uniform(0, 7, (200_000, 1))
    return est, big


def test_prediction_changes_no_thread_setting(wide_fit, monkeypatch):
    import threadpoolctl
    import torch

    est, big = wide_fit

    def refuse(*args, **kwargs):
        raise AssertionError("prediction changed a process-wide thread setting")
    monkeypatch.setattr(torch, "set_num_threads", refuse)
    monkeypatch.setattr(threadpoolctl.ThreadpoolController, "limit", refuse)
    monkeypatch.setattr(threadpoolctl, "threadpool_limits", refuse)
    est.predict(big[:10])
    est.predict(big)
    est.transform(big[:5000])
    est.hidden_activations(big[:5000], step=True)
    est.predict_step(big[:5000])


def test_predictions_do_not_depend_on_the_thread_count(wide_fit):
    import torch

    est, big = wide_fit
    before = torch.get_num_threads()
    try:
        results = {}
        for threads in (1, 2, 4):
            torch.set_num_threads(threads)
            results[threads] = est.predict(big)
    finally:
        torch.set_num_threads(before)
    for threads in (2, 4):
        np.testing.assert_array_equal(results[threads], results[1])


def test_eight_threads_predict_what_one_does_while_fits_run(wide_fit, data):
    import threading

    est, big = wide_fit
    X, y, _ = data
    expected = est.predict(big[:50_000])
    results, errors, done = [None] * 8, [], threading.Event()

    def predict(i):
        try:
            results[i] = est.predict(big[:50_000])
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    def fit_small_models():  # each fit sets torch to one thread while it runs
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            while not done.is_set():
                SigmoidMLPRegressor((3,), max_iter=3, device="cpu").fit(X, y)
    fitter = threading.Thread(target=fit_small_models)
    workers = [threading.Thread(target=predict, args=(i,)) for i in range(8)]
    fitter.start()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    done.set()
    fitter.join()
    assert not errors
    for result in results:
        np.testing.assert_array_equal(result, expected)


# -- the documented differences ------------------------------------------------------


def _differences_section():
    from pathlib import Path

    text = (Path(__file__).parents[1] / "docs" / "user_guide.rst").read_text()
    start = text.index("Differences from scikit-learn\n-----------------------------\n")
    end = text.index("\n-------", start + 70)
    return text[start:end]


@pytest.mark.parametrize("topic", [
    'defaults to ``"logistic"``', "Several regression outputs", "single class",
    'loss="poisson"', "negative ``sample_weight``", "loss becomes nan",
    "Fits that explode", "``lbfgs`` records ``loss_curve_``", "Restarts and the random stream",
    "Thread settings", "Error messages"])
def test_user_guide_lists_the_differences_from_scikit_learn(topic):
    assert topic in _differences_section()


def test_documented_differences_hold(data):
    X, y, _ = data
    ones = np.zeros(len(X), dtype=int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        MLPClassifier(max_iter=2).fit(X, ones)  # scikit-learn accepts one class
        MLPRegressor(max_iter=2, loss="poisson").fit(X, y)  # and negative Poisson targets
        MLPRegressor(max_iter=2).fit(X, y, sample_weight=-np.ones(len(X)))
        lbfgs = MLPRegressor(solver="lbfgs", max_iter=5).fit(X, y)
        ours = SigmoidMLPRegressor(solver="lbfgs", max_iter=5, device="cpu").fit(X, y)
    with pytest.raises(ValueError, match="only one class"):
        SigmoidMLPClassifier(max_iter=2).fit(X, ones)
    with pytest.raises(ValueError, match="non-negative"):
        SigmoidMLPRegressor(max_iter=2, loss="poisson").fit(X, y)
    with pytest.raises(ValueError, match="non-negative"):
        SigmoidMLPRegressor(max_iter=2).fit(X, y, sample_weight=-np.ones(len(X)))
    assert not hasattr(lbfgs, "loss_curve_") and len(ours.loss_curve_) == ours.n_iter_
    assert SigmoidMLPRegressor().activation == "logistic" != MLPRegressor().activation


# -- what restarts cost, documented ---------------------------------------------------


def test_restart_cost_is_documented_by_width():
    from pathlib import Path

    root = Path(__file__).parents[1]
    page = (root / "docs" / "performance.rst").read_text()
    start = page.index("What restarts cost\n------------------\n")
    section = page[start:page.index("\n-----", start + 40)]
    # measured at the default width and at small ones, with the reason
    for width in ("(2,)", "(8,)", "(100,)"):
        assert f"| {width} |" in section
    assert "overhead" in section and "arithmetic" in section
    assert "--cases widths" in section
    assert '"widths"' in (root / "benchmarks" / "bench_core.py").read_text()
