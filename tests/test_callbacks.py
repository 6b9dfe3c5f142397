"""scikit-learn's callback API on skorchlite estimators, and Snapshots."""

import re
import warnings
from collections import Counter

import numpy as np
import pytest
import torch
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV

from skorchlite import SigmoidMLPClassifier, SigmoidMLPRegressor
from skorchlite._device import thread_limits
from skorchlite.callbacks import Snapshots

callback_api = pytest.importorskip("sklearn.callback")

SOLVERS = ["adam", "sgd", "lbfgs"]
ESTIMATORS = [SigmoidMLPRegressor, SigmoidMLPClassifier]

rng = np.random.RandomState(0)
X = rng.uniform(-2, 2, (40, 2))
Y = {SigmoidMLPRegressor: np.sin(X[:, 0]) + 0.5 * X[:, 1],
     SigmoidMLPClassifier: (X[:, 0] * X[:, 1] > 0).astype(int)}


def small(Estimator, solver, **params):
    params = {"hidden_layer_sizes": (3,), "solver": solver, "max_iter": 6,
              "learning_rate_init": 0.05, "random_state": 0, **params}
    return Estimator(**params)


def fit_quietly(est, X, y, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(X, y, **kwargs)


class Recorder:
    """Records every hook call: (hook, task name, task-id path, whether a
    fitted estimator came with it)."""

    def __init__(self, stop_at=None):
        self.calls = []
        self.stop_at = stop_at  # (restart or None for all, epoch count) to stop at

    def setup(self, estimator, context):
        self.calls.append(("setup", context.task_name, None, False))

    def teardown(self, estimator, context):
        self.calls.append(("teardown", context.task_name, None, False))

    def on_fit_task_begin(self, estimator, context, *, fitted_estimator=None):
        self.calls.append(("begin", context.task_name, _path(context),
                           fitted_estimator is not None))

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
        self.calls.append(("end", context.task_name, _path(context),
                           fitted_estimator is not None))
        if self.stop_at is not None and context.task_name in ("epoch", "iteration"):
            restart, n_epochs = self.stop_at
            return ((restart is None or context.parent.task_id == restart)
                    and context.task_id + 1 >= n_epochs)
        return False

    def count(self, hook, task_name):
        return sum(1 for h, name, *_ in self.calls if h == hook and name == task_name)


class PropagatedRecorder(Recorder):
    max_propagation_depth = None


def _path(context):
    path = []
    while context is not None:
        path.append(context.task_id)
        context = context.parent
    return tuple(reversed(path))


# -- the task tree -------------------------------------------------------------


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("n_restarts", [1, 3])
def test_task_tree(Estimator, solver, n_restarts):
    recorder = Recorder()
    est = small(Estimator, solver, n_restarts=n_restarts).set_callbacks(recorder)
    fit_quietly(est, X, Y[Estimator])
    leaf = "iteration" if solver == "lbfgs" else "epoch"
    iterations = [len(curve) for curve in est.restart_loss_curves_]
    assert recorder.calls[0][:2] == ("setup", "fit")
    assert recorder.calls[-1][:2] == ("teardown", "fit")
    assert recorder.count("begin", "fit") == recorder.count("end", "fit") == 1
    assert recorder.count("begin", "restart") == recorder.count("end", "restart") == n_restarts
    assert recorder.count("begin", leaf) == recorder.count("end", leaf) == sum(iterations)
    # each leaf hangs below its restart, numbered from 0
    for r in range(n_restarts):
        ends = [path for hook, name, path, _ in recorder.calls
                if hook == "end" and name == leaf and path[1] == r]
        assert ends == [(0, r, i) for i in range(iterations[r])]
    # every task end carries a fitted estimator that can predict
    assert all(has for hook, name, _, has in recorder.calls if hook == "end")


@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_task_tree_of_partial_fit(solver):
    recorder = Recorder()
    est = small(SigmoidMLPRegressor, solver, n_restarts=2).set_callbacks(recorder)
    est.partial_fit(X, Y[SigmoidMLPRegressor]).partial_fit(X, Y[SigmoidMLPRegressor])
    assert recorder.count("setup", "partial_fit") == 2
    assert recorder.count("begin", "restart") == recorder.count("end", "restart") == 4
    assert recorder.count("begin", "epoch") == recorder.count("end", "epoch") == 4


@pytest.mark.parametrize("solver", SOLVERS)
def test_task_tree_nested_under_grid_search(solver):
    recorder = PropagatedRecorder()
    search = GridSearchCV(small(SigmoidMLPRegressor, solver, n_restarts=2),
                          {"alpha": [1e-4, 1e-1]}, cv=2).set_callbacks(recorder)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        search.fit(X, Y[SigmoidMLPRegressor])
    n_fits = 2 * 2 + 1  # candidates x folds, and the refit
    leaf = "iteration" if solver == "lbfgs" else "epoch"
    assert recorder.count("setup", "fit") == 1  # propagated: set up once, by the search
    assert recorder.count("begin", "restart") == recorder.count("end", "restart") == 2 * n_fits
    assert recorder.count("begin", leaf) == recorder.count("end", leaf) > 0
    # the estimator's tasks hang below the search's: restart paths are two
    # (fold fits: three) levels deeper than the search's root
    restart_paths = {path for hook, name, path, _ in recorder.calls if name == "restart"}
    assert {len(path) for path in restart_paths} == {3, 4}
    leaf_paths = [path for hook, name, path, _ in recorder.calls if name == leaf]
    assert {len(path) for path in leaf_paths} == {4, 5}


def test_task_tree_nested_under_pipeline():
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    recorder = PropagatedRecorder()
    pipe = make_pipeline(StandardScaler(), small(SigmoidMLPRegressor, "lbfgs", n_restarts=2))
    fit_quietly(pipe.set_callbacks(recorder), X, Y[SigmoidMLPRegressor])
    mlp = pipe[-1]
    assert recorder.count("begin", "restart") == recorder.count("end", "restart") == 2
    assert recorder.count("end", "iteration") == sum(len(c) for c in mlp.restart_loss_curves_)
    # below the pipeline's fit and its final-estimator task
    assert {len(path) for _, name, path, _ in recorder.calls if name == "restart"} == {3}


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_batched_grid_search_with_callbacks(solver):
    from skorchlite.model_selection import BatchedGridSearchCV

    recorder = PropagatedRecorder()
    params = {"alpha": [1e-4, 1e-1]}
    estimator = small(SigmoidMLPRegressor, solver, n_restarts=2)
    batched = BatchedGridSearchCV(estimator, params, cv=2).set_callbacks(recorder)
    fit_quietly(batched, X, Y[SigmoidMLPRegressor])
    plain = fit_quietly(BatchedGridSearchCV(estimator, params, cv=2), X,
                        Y[SigmoidMLPRegressor])
    np.testing.assert_array_equal(batched.cv_results_["mean_test_score"],
                                  plain.cv_results_["mean_test_score"])
    np.testing.assert_array_equal(batched.best_estimator_.coefs_[0],
                                  plain.best_estimator_.coefs_[0])
    # every fit is a task below the search; fits trained in the search's loop
    # (not installed from a batch) show their restarts
    assert recorder.count("begin", "fit") == recorder.count("end", "fit") == 1 + 5
    trained_here = 5 - batched._n_batched_fits
    if solver == "lbfgs":
        assert trained_here == 5
    assert recorder.count("begin", "restart") == recorder.count("end", "restart") == (
        2 * trained_here)


def test_no_callbacks_no_context():
    est = small(SigmoidMLPRegressor, "adam")
    est.fit(X, Y[SigmoidMLPRegressor])
    assert not hasattr(est, "_callback_fit_ctx")
    recorder = Recorder()
    est.set_callbacks(recorder).set_callbacks()  # no callbacks: removes them
    est.fit(X, Y[SigmoidMLPRegressor])
    assert recorder.calls == []


# -- scikit-learn's own callbacks ------------------------------------------------


@pytest.mark.parametrize("solver", SOLVERS)
def test_progress_bar(solver, capsys):
    pytest.importorskip("rich")
    est = small(SigmoidMLPRegressor, solver, n_restarts=2)
    est.set_callbacks(callback_api.ProgressBar())
    fit_quietly(est, X, Y[SigmoidMLPRegressor])
    out = capsys.readouterr().out
    assert "SigmoidMLPRegressor - fit" in out
    assert "restart #0" in out and "restart #1" in out
    assert "100%" in out


def test_progress_bar_on_grid_search(capsys):
    pytest.importorskip("rich")
    search = GridSearchCV(small(SigmoidMLPClassifier, "adam"), {"alpha": [1e-4, 1e-1]},
                          cv=2).set_callbacks(callback_api.ProgressBar())
    fit_quietly(search, X, Y[SigmoidMLPClassifier])
    out = capsys.readouterr().out
    assert "GridSearchCV - fit" in out
    assert out.count("SigmoidMLPClassifier - restart #0") == 5  # 4 fits and the refit


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize("solver", SOLVERS)
def test_scoring_monitor(Estimator, solver):
    pytest.importorskip("pandas")
    monitor = callback_api.ScoringMonitor(scoring="neg_log_loss" if Estimator is
                                          SigmoidMLPClassifier else "r2")
    est = small(Estimator, solver, n_restarts=2).set_callbacks(monitor)
    fit_quietly(est, X, Y[Estimator])
    log = monitor.get_logs().data_as_pandas
    score = log.columns[-1]
    leaf = "iteration" if solver == "lbfgs" else "epoch"
    epochs = log[log.task_name == leaf]
    assert len(epochs) == sum(len(c) for c in est.restart_loss_curves_)
    # the kept restart's last epoch scores what the fitted estimator scores
    last = epochs[epochs.parent_task_id_path == (0, est.best_restart_)].iloc[-1]
    assert last[score] == pytest.approx(_score(est, Estimator), rel=1e-9)
    fit_row = log[log.task_name == "fit"].iloc[0]
    assert fit_row[score] == pytest.approx(_score(est, Estimator), rel=1e-12)


def _score(est, Estimator):
    if Estimator is SigmoidMLPClassifier:
        from sklearn.metrics import log_loss

        return -log_loss(Y[Estimator], est.predict_proba(X))
    return est.score(X, Y[Estimator])


# -- callbacks change nothing ----------------------------------------------------


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("early_stopping", [False, True])
def test_callbacks_leave_the_fit_bit_identical(Estimator, solver, early_stopping):
    if early_stopping and solver == "lbfgs":
        pytest.skip("early_stopping is for the stochastic solvers")
    params = {"n_restarts": 3, "early_stopping": early_stopping, "max_iter": 8}
    plain = fit_quietly(small(Estimator, solver, **params), X, Y[Estimator])
    watched = small(Estimator, solver, **params).set_callbacks(
        Recorder(), Snapshots(X=X), callback_api.ScoringMonitor(
            scoring="accuracy" if Estimator is SigmoidMLPClassifier else "r2"))
    fit_quietly(watched, X, Y[Estimator])
    for a, b in zip(plain.coefs_ + plain.intercepts_, watched.coefs_ + watched.intercepts_):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(plain._restart_coefs, watched._restart_coefs):
        np.testing.assert_array_equal(a, b)
    assert plain.restart_loss_curves_ == watched.restart_loss_curves_
    np.testing.assert_array_equal(plain.restart_losses_, watched.restart_losses_)
    assert plain.n_iter_ == watched.n_iter_


def test_nested_prediction_gives_the_fit_its_threads_back():
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(2)
        with thread_limits(torch.device("cpu"), 10**12):  # a big fit: threads kept
            with thread_limits(torch.device("cpu"), 1):  # a small prediction inside
                assert torch.get_num_threads() == 1
            assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)


# -- stopping --------------------------------------------------------------------


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize("solver", SOLVERS)
def test_a_callback_stops_training(Estimator, solver):
    est = small(Estimator, solver, n_restarts=2, max_iter=50, tol=0.0)
    est.set_callbacks(Recorder(stop_at=(None, 3)))
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # asked to stop: no warning
        est.fit(X, Y[Estimator])
    assert [len(c) for c in est.restart_loss_curves_] == [3, 3]
    assert est.n_iter_ == 3


@pytest.mark.parametrize("solver", SOLVERS)
def test_a_callback_stops_one_restart(solver):
    est = small(SigmoidMLPRegressor, solver, n_restarts=3, max_iter=12, tol=0.0,
                n_iter_no_change=100)
    est.set_callbacks(Recorder(stop_at=(1, 2)))
    fit_quietly(est, X, Y[SigmoidMLPRegressor])
    lengths = [len(c) for c in est.restart_loss_curves_]
    assert lengths[1] == 2
    assert lengths[0] > 2 and lengths[2] > 2
    if solver != "lbfgs":
        # the other restarts train as without the callback (to rounding: once
        # a restart is frozen, the others are updated by another kernel)
        plain = fit_quietly(small(SigmoidMLPRegressor, solver, n_restarts=3, max_iter=12,
                                  tol=0.0, n_iter_no_change=100), X, Y[SigmoidMLPRegressor])
        for r in (0, 2):
            np.testing.assert_allclose(plain._restart_coefs[0][r], est._restart_coefs[0][r],
                                       rtol=1e-12, atol=1e-15)


# -- Snapshots -------------------------------------------------------------------


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize("solver", SOLVERS)
def test_snapshots_every_epoch(Estimator, solver):
    grid = np.linspace(-2, 2, 7)[:, None].repeat(2, axis=1)
    snapshots = Snapshots(X=grid)
    est = small(Estimator, solver, n_restarts=2, hidden_layer_sizes=(3, 2))
    fit_quietly(est.set_callbacks(snapshots), X, Y[Estimator])
    assert len(snapshots.epochs_) == 2
    for r in range(2):
        n = len(est.restart_loss_curves_[r])
        np.testing.assert_array_equal(snapshots.epochs_[r], np.arange(n + 1))
        assert [c.shape for c in snapshots.coefs_[r]] == [(n + 1, 2, 3), (n + 1, 3, 2),
                                                          (n + 1, 2, est.n_outputs_)]
        assert [b.shape for b in snapshots.intercepts_[r]] == [(n + 1, 3), (n + 1, 2),
                                                               (n + 1, est.n_outputs_)]
        assert np.isnan(snapshots.losses_[r][0])
        np.testing.assert_allclose(snapshots.losses_[r][1:], est.restart_loss_curves_[r],
                                   rtol=1e-12)
        # the last snapshot is the restart's final network
        for layer in range(3):
            np.testing.assert_array_equal(snapshots.coefs_[r][layer][-1],
                                          est._restart_coefs[layer][r])
            np.testing.assert_array_equal(snapshots.intercepts_[r][layer][-1],
                                          est._restart_intercepts[layer][r])
        assert [h.shape for h in snapshots.hidden_activations_[r]] == [(n + 1, 7, 3),
                                                                       (n + 1, 7, 2)]
    best = est.best_restart_
    assert snapshots.best_restart_ == best
    np.testing.assert_array_equal(snapshots.predictions_[best][-1], est.predict(grid))
    np.testing.assert_array_equal(snapshots.hidden_activations_[best][1][-1],
                                  est.transform(grid))
    if Estimator is SigmoidMLPClassifier:
        np.testing.assert_array_equal(snapshots.probabilities_[best][-1],
                                      est.predict_proba(grid))
    else:
        assert snapshots.probabilities_ is None
    # the first snapshot is the initial network: restart 0 starts from
    # scikit-learn's initial weights, which predict what the snapshot says
    first = snapshots.estimator_at(0, restart=0)
    np.testing.assert_array_equal(first.predict(grid), snapshots.predictions_[0][0])
    assert not hasattr(snapshots.estimator_, "_skl_callbacks")


def test_snapshots_every_k_and_the_last():
    snapshots = Snapshots(every=4)
    est = small(SigmoidMLPRegressor, "sgd", max_iter=10, tol=0.0, n_iter_no_change=100)
    fit_quietly(est.set_callbacks(snapshots), X, Y[SigmoidMLPRegressor])
    np.testing.assert_array_equal(snapshots.epochs_[0], [0, 4, 8, 10])
    curve = est.loss_curve_
    np.testing.assert_allclose(snapshots.losses_[0][1:], [curve[3], curve[7], curve[9]])
    assert snapshots.predictions_ is None and snapshots.hidden_activations_ is None
    assert snapshots.coefs_[0][0].shape == (4, 2, 3)
    np.testing.assert_array_equal(snapshots.coefs_[0][0][-1], est.coefs_[0])


def test_snapshots_start_afresh_with_each_fit():
    snapshots = Snapshots()
    est = small(SigmoidMLPRegressor, "adam", max_iter=3).set_callbacks(snapshots)
    fit_quietly(est, X, Y[SigmoidMLPRegressor])
    fit_quietly(est.set_params(max_iter=2), X, Y[SigmoidMLPRegressor])
    np.testing.assert_array_equal(snapshots.epochs_[0], [0, 1, 2])


@pytest.mark.parametrize("every", [0, 1.5, "2", True])
def test_snapshots_refuse_bad_every(every):
    est = small(SigmoidMLPRegressor, "adam").set_callbacks(Snapshots(every=every))
    with pytest.raises(ValueError, match=re.escape("must be a positive int")):
        est.fit(X, Y[SigmoidMLPRegressor])
    assert not hasattr(est, "coefs_")


def test_snapshots_before_a_fit():
    with pytest.raises(AttributeError, match="has recorded no fit yet"):
        Snapshots().estimator_at(0)


def _documented(doc, section):
    match = re.search(rf"\n( *){section}\n\1-+\n(.*?)(\n\1[A-Z][A-Za-z ]+\n\1-+\n|\Z)",
                      doc, re.S)
    return re.findall(rf"^{match.group(1)}(\w+) :", match.group(2), re.M)


def test_snapshots_docstring_matches_what_it_has():
    import inspect

    signature = [p for p in inspect.signature(Snapshots.__init__).parameters if p != "self"]
    assert _documented(Snapshots.__doc__, "Parameters") == signature
    snapshots = Snapshots(X=X)
    fit_quietly(small(SigmoidMLPClassifier, "adam").set_callbacks(snapshots), X,
                Y[SigmoidMLPClassifier])
    documented = _documented(Snapshots.__doc__, "Attributes")
    assert documented and all(hasattr(snapshots, name) for name in documented)


# -- step-function networks --------------------------------------------------------


@pytest.mark.parametrize("frozen", [False, True])
def test_step_function_task_tree(frozen):
    from sklearn.frozen import FrozenEstimator

    from skorchlite import StepFunctionRegressor

    mlp = small(SigmoidMLPRegressor, "lbfgs", n_restarts=2)
    if frozen:
        mlp = FrozenEstimator(fit_quietly(mlp, X, Y[SigmoidMLPRegressor]))
    recorder = PropagatedRecorder()
    step = StepFunctionRegressor(mlp).set_callbacks(recorder)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        step.fit(X, Y[SigmoidMLPRegressor])
    names = [name for hook, name, _, _ in recorder.calls if hook == "end"]
    # the network's fit is the fit-estimator task (merged: named by the network)
    inner = "fit-estimator" if frozen else "fit"
    assert names[-3:] == [inner, "derive-step-network", "fit"]
    assert recorder.count("setup", "fit") == 1
    # the network's own tree hangs below fit-estimator (not for a frozen one)
    assert recorder.count("end", "restart") == (0 if frozen else 2)
    restart_paths = {path for hook, name, path, _ in recorder.calls if name == "restart"}
    assert all(path[:2] == (0, 0) and len(path) == 3 for path in restart_paths)


def test_step_function_progress_bar(capsys):
    pytest.importorskip("rich")
    from skorchlite import StepFunctionClassifier

    step = StepFunctionClassifier(small(SigmoidMLPClassifier, "adam"))
    fit_quietly(step.set_callbacks(callback_api.ProgressBar()), X, Y[SigmoidMLPClassifier])
    out = capsys.readouterr().out
    assert "StepFunctionClassifier - fit" in out
    assert "SigmoidMLPClassifier - fit" in out
