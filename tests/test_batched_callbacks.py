"""BatchedGridSearchCV and scikit-learn's callback API: the batched training
as tasks (groups, batches, epochs), stopping, and callbacks on the estimator."""

import re
import warnings
from collections import Counter

import numpy as np
import pytest
from sklearn import config_context
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skorchlite import SigmoidMLPClassifier, SigmoidMLPRegressor, StepFunctionRegressor
from skorchlite.callbacks import Snapshots
from skorchlite.model_selection import BatchedGridSearchCV, _batched

callback_api = pytest.importorskip("sklearn.callback")

rng = np.random.RandomState(0)
X = rng.uniform(-2, 2, (48, 2))
Y = np.sin(X[:, 0]) + 0.5 * X[:, 1]
Y_CLASS = (X[:, 0] * X[:, 1] > 0).astype(int)

BATCH_NAME = re.compile(r"group (\d+)/(\d+), batch (\d+)/(\d+) \((\d+) networks\)")


def small(Estimator=SigmoidMLPRegressor, **params):
    params = {"hidden_layer_sizes": (3,), "max_iter": 6, "learning_rate_init": 0.05,
              "random_state": 0, "device": "cpu", "tol": 0.0, "n_iter_no_change": 100,
              **params}
    return Estimator(**params)


def fit_quietly(est, X, y, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(X, y, **kwargs)


class Recorder:
    """Records every hook call as (hook, task name, context); stops a batch
    whose name contains ``stop_batch`` at the end of its ``stop_after``-th
    epoch."""

    def __init__(self, stop_after=None, stop_batch=""):
        self.calls = []
        self.stop_after, self.stop_batch = stop_after, stop_batch

    def setup(self, estimator, context):
        self.calls.append(("setup", context.task_name, context))

    def teardown(self, estimator, context):
        self.calls.append(("teardown", context.task_name, context))

    def on_fit_task_begin(self, estimator, context):
        self.calls.append(("begin", context.task_name, context))

    def on_fit_task_end(self, estimator, context):
        self.calls.append(("end", context.task_name, context))
        return (self.stop_after is not None and context.task_name == "epoch"
                and context.parent.parent.task_name == "batched-training"
                and self.stop_batch in context.parent.task_name
                and context.task_id + 1 >= self.stop_after)

    def contexts(self, hook, name):
        return [c for h, n, c in self.calls if h == hook and n == name]

    def batches(self, hook="begin"):
        return [c for h, n, c in self.calls if h == hook and BATCH_NAME.fullmatch(n)]


class PropagatedRecorder(Recorder):
    max_propagation_depth = None


def _verbose_batches(out):
    """(label, networks) of every batch the verbose output announces."""
    return [(f"group {g}, batch {b}", int(n))
            for g, b, n in re.findall(r"\[group (\S+), batch (\S+)\] (\d+) networks", out)]


# -- 1. the task tree ----------------------------------------------------------


def test_task_tree_has_batched_training(capsys):
    # two depths: two groups; max_iter 3 and 5 share a batch of 5 epochs
    grid = {"hidden_layer_sizes": [(2,), (4,), (3, 2)], "max_iter": [3, 5]}
    recorder = Recorder()
    search = BatchedGridSearchCV(small(n_restarts=2), grid, cv=2, verbose=1)
    fit_quietly(search.set_callbacks(recorder), X, Y)
    n_evaluations = 6 * 2

    # scikit-learn's search task, with room for the batched training
    (search_ctx,) = recorder.contexts("begin", "search")
    assert search_ctx.max_subtasks == n_evaluations + 1
    (training,) = recorder.contexts("begin", "batched-training")
    assert training.parent is search_ctx and training.task_id == n_evaluations
    assert recorder.contexts("end", "batched-training") == [training]
    evaluations = recorder.contexts("begin", "candidate-split-evaluation")
    assert sorted(c.task_id for c in evaluations) == list(range(n_evaluations))

    # one task per batch, named as verbose names them, with its networks
    batches = recorder.batches()
    assert batches == recorder.batches("end")
    assert all(b.parent is training for b in batches)
    assert training.max_subtasks == len(batches) == 2
    named = [BATCH_NAME.fullmatch(b.task_name).groups() for b in batches]
    assert [(f"group {g}/{G}", f"batch {b}/{B}") for g, G, b, B, _ in named] == [
        ("group 1/2", "batch 1/1"), ("group 2/2", "batch 1/1")]
    printed = _verbose_batches(capsys.readouterr().out)
    assert printed == [(f"group {g}/{G}, batch {b}/{B}", int(n)) for g, G, b, B, n in named]
    # every candidate x fold x restart (and the refits, trained along) is a network
    assert sum(int(n) for *_, n in named) == (n_evaluations + 6) * 2
    assert search._n_batched_fits == n_evaluations + 1

    # below each batch, one epoch task per epoch it ran (5: the larger max_iter)
    for batch in batches:
        assert batch.max_subtasks == 5
        epochs = [c for c in recorder.contexts("end", "epoch") if c.parent is batch]
        assert [c.task_id for c in epochs] == list(range(5))
    assert len(recorder.contexts("begin", "epoch")) == len(recorder.contexts("end", "epoch"))
    assert Counter(h for h, *_ in recorder.calls)["setup"] == 1


def test_batches_cut_by_memory_are_tasks(capsys):
    grid = {"hidden_layer_sizes": [(2,), (4,), (8,)], "alpha": [1e-4, 1e-1]}
    recorder = Recorder()
    with config_context(working_memory=0.02):
        fit_quietly(BatchedGridSearchCV(small(n_restarts=2), grid, cv=3, verbose=1)
                    .set_callbacks(recorder), X, Y)
    batches = recorder.batches()
    named = [BATCH_NAME.fullmatch(b.task_name).groups() for b in batches]
    n = len(named)
    assert n > 1  # one group, cut into n batches
    assert [(g, G, b, B) for g, G, b, B, _ in named] == [
        ("1", "1", str(i), str(n)) for i in range(1, n + 1)]
    printed = _verbose_batches(capsys.readouterr().out)
    assert printed == [(f"group {g}/{G}, batch {b}/{B}", int(k)) for g, G, b, B, k in named]
    (training,) = recorder.contexts("begin", "batched-training")
    assert training.max_subtasks == n
    assert [b.task_id for b in batches] == list(range(n))


def test_tree_below_an_outer_meta_estimator():
    recorder = PropagatedRecorder()
    search = BatchedGridSearchCV(small(), {"alpha": [1e-4, 1e-1]}, cv=2)
    pipe = make_pipeline(StandardScaler(), search).set_callbacks(recorder)
    fit_quietly(pipe, X, Y)
    (training,) = recorder.contexts("begin", "batched-training")
    assert training.estimator_name == "BatchedGridSearchCV"
    assert training.parent.task_name == "search"
    # the search's root hangs below the pipeline's task that fits it
    root = training.parent.parent
    assert root.source_estimator_name == "Pipeline" and root.parent is not None
    (batch,) = recorder.batches()
    assert len([c for c in recorder.contexts("end", "epoch") if c.parent is batch]) == 6
    assert pipe[-1]._n_batched_fits == 2 * 2 + 1


def test_progress_bar_shows_the_batches(capsys, monkeypatch):
    pytest.importorskip("rich")
    monkeypatch.setenv("COLUMNS", "200")
    grid = {"hidden_layer_sizes": [(2,), (3, 2)]}
    search = BatchedGridSearchCV(small(n_restarts=2), grid, cv=2)
    fit_quietly(search.set_callbacks(callback_api.ProgressBar()), X, Y)
    out = capsys.readouterr().out
    assert "BatchedGridSearchCV - batched-training #4" in out
    for label in ("group 1/2, batch 1/1 (6 networks) #0",
                  "group 2/2, batch 1/1 (6 networks) #1"):
        (line,) = [line for line in out.splitlines()
                   if f"BatchedGridSearchCV - {label}" in line]
        assert "100%" in line


# -- 2. zero cost without callbacks, results unchanged with them -----------------


def test_no_callbacks_no_monitor(monkeypatch):
    seen = []
    train_batch = _batched.train_batch

    def recording(problems, verbose=0, label="", monitor=None, *args):
        seen.append(monitor)
        return train_batch(problems, verbose, label, monitor, *args)

    monkeypatch.setattr(_batched, "train_batch", recording)
    grid = {"hidden_layer_sizes": [(2,), (3, 2)]}
    fit_quietly(BatchedGridSearchCV(small(), grid, cv=2), X, Y)
    assert len(seen) == 2 and all(monitor is None for monitor in seen)
    seen.clear()
    fit_quietly(BatchedGridSearchCV(small(), grid, cv=2).set_callbacks(Recorder()), X, Y)
    assert len(seen) == 2 and all(monitor is not None for monitor in seen)


@pytest.mark.parametrize("Estimator, y", [(SigmoidMLPRegressor, Y),
                                          (SigmoidMLPClassifier, Y_CLASS)])
@pytest.mark.parametrize("solver", ["adam", "sgd"])
@pytest.mark.parametrize("early_stopping", [False, True])
def test_callbacks_leave_results_bit_identical(Estimator, y, solver, early_stopping):
    estimator = small(Estimator, solver=solver, n_restarts=2, early_stopping=early_stopping,
                      tol=1e-4, n_iter_no_change=2, max_iter=15)
    grid = {"hidden_layer_sizes": [(2,), (4,), (2, 2)], "alpha": [1e-4, 1e-1]}
    plain = fit_quietly(BatchedGridSearchCV(clone(estimator), grid, cv=2,
                                            return_train_score=True), X, y)
    recorder = PropagatedRecorder()
    watched = fit_quietly(BatchedGridSearchCV(clone(estimator), grid, cv=2,
                                              return_train_score=True)
                          .set_callbacks(recorder), X, y)
    assert recorder.batches()  # the callbacks did watch the batches
    assert watched._n_batched_fits == plain._n_batched_fits == 12 + 1
    assert watched.cv_results_["params"] == plain.cv_results_["params"]
    for key, value in plain.cv_results_.items():
        if "score" in key and "time" not in key:
            np.testing.assert_array_equal(watched.cv_results_[key], value, err_msg=key)
    assert watched.best_params_ == plain.best_params_
    for got, want in zip(watched.best_estimator_.coefs_, plain.best_estimator_.coefs_):
        np.testing.assert_array_equal(got, want)
    assert watched.best_estimator_.loss_curve_ == plain.best_estimator_.loss_curve_


# -- 3. a callback stops a batch -------------------------------------------------


@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_a_callback_stops_the_batch(solver):
    estimator = small(solver=solver, n_restarts=2, max_iter=12)
    grid = {"hidden_layer_sizes": [(2,), (4,)], "alpha": [1e-4, 1e-1]}
    recorder = Recorder(stop_after=3)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # asked to stop: no warning
        stopped = BatchedGridSearchCV(clone(estimator), grid, cv=2).set_callbacks(
            recorder).fit(X, Y)
    (batch,) = recorder.batches()
    assert len([c for c in recorder.contexts("end", "epoch") if c.parent is batch]) == 3
    # every member (the refit trained along too) stopped after 3 epochs: as
    # its single fit whose callback asks to stop there
    assert stopped._n_batched_fits == 8 + 1
    assert stopped.best_estimator_.n_iter_ == 3
    assert [len(c) for c in stopped.best_estimator_.restart_loss_curves_] == [3, 3]
    reference = fit_quietly(GridSearchCV(
        clone(estimator).set_callbacks(StopRestartsAt(3)), grid, cv=2), X, Y)
    np.testing.assert_allclose(stopped.cv_results_["mean_test_score"],
                               reference.cv_results_["mean_test_score"], rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(stopped.best_estimator_.coefs_[0],
                               reference.best_estimator_.coefs_[0], rtol=1e-9, atol=1e-12)
    unstopped = fit_quietly(BatchedGridSearchCV(clone(estimator), grid, cv=2), X, Y)
    assert unstopped.best_estimator_.n_iter_ == 12


def test_a_callback_stops_one_batch_only():
    estimator = small(n_restarts=2, max_iter=10)
    grid = {"hidden_layer_sizes": [(2,), (3, 2)]}
    stopped = fit_quietly(BatchedGridSearchCV(clone(estimator), grid, cv=2).set_callbacks(
        Recorder(stop_after=4, stop_batch="group 2/2")), X, Y)
    unstopped = fit_quietly(BatchedGridSearchCV(clone(estimator), grid, cv=2), X, Y)
    reference = fit_quietly(GridSearchCV(
        clone(estimator).set_callbacks(StopRestartsAt(4)), grid, cv=2), X, Y)
    # group 1 (one hidden layer) trained in full, group 2 (two) stopped at 4
    got = stopped.cv_results_["split0_test_score"]
    assert got[0] == unstopped.cv_results_["split0_test_score"][0]
    np.testing.assert_allclose(got[1], reference.cv_results_["split0_test_score"][1],
                               rtol=1e-9)
    assert got[1] != unstopped.cv_results_["split0_test_score"][1]


class StopRestartsAt:
    """Asks every restart of a single fit to stop after ``n`` epochs."""

    def __init__(self, n):
        self.n = n

    def setup(self, estimator, context):
        pass

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context):
        pass

    def on_fit_task_end(self, estimator, context):
        return context.task_name == "epoch" and context.task_id + 1 >= self.n


# -- 4. callbacks on the estimator ------------------------------------------------


def test_estimator_callbacks_see_ordinary_fits(capsys):
    recorder = Recorder()
    estimator = small(n_restarts=2).set_callbacks(recorder)
    grid = {"alpha": [1e-4, 1e-1]}
    search = fit_quietly(BatchedGridSearchCV(estimator, grid, cv=2, verbose=1), X, Y)
    # trained one by one in the search's loop, none batched ahead
    assert search._n_batched_fits == 0
    assert "4 fits of an estimator with callbacks of its own train one by one" in (
        capsys.readouterr().out)
    n_fits = 2 * 2 + 1
    # set up once per fit (none for a capture pass), every fit with its
    # restarts and epochs
    assert len(recorder.contexts("setup", "fit")) == n_fits
    assert len(recorder.contexts("end", "fit")) == n_fits
    assert len(recorder.contexts("end", "restart")) == 2 * n_fits
    assert len(recorder.contexts("end", "epoch")) == 2 * 6 * n_fits
    # the same scores as GridSearchCV with that estimator
    reference = fit_quietly(GridSearchCV(small(n_restarts=2).set_callbacks(Recorder()),
                                         grid, cv=2), X, Y)
    np.testing.assert_array_equal(search.cv_results_["mean_test_score"],
                                  reference.cv_results_["mean_test_score"])


def test_snapshots_on_the_estimator_record_every_epoch():
    snapshots = Snapshots()
    estimator = small(n_restarts=2).set_callbacks(snapshots)
    search = fit_quietly(BatchedGridSearchCV(estimator, {"alpha": [1e-4, 1e-1]}, cv=2),
                         X, Y)
    # the last fit it watched is the refit: every epoch of both restarts
    assert [e.tolist() for e in snapshots.epochs_] == [list(range(7))] * 2
    np.testing.assert_array_equal(snapshots.coefs_[1][0][-1],
                                  search.best_estimator_._restart_coefs[0][1])


def test_estimator_callbacks_in_a_pipeline_and_on_the_search():
    # callbacks on the search too: its batched training has no batch left
    inner, outer = Recorder(), Recorder()
    pipe = make_pipeline(StandardScaler(), small().set_callbacks(inner))
    search = fit_quietly(BatchedGridSearchCV(pipe, {"sigmoidmlpregressor__alpha":
                                                    [1e-4, 1e-1]}, cv=2)
                         .set_callbacks(outer), X, Y)
    assert search._n_batched_fits == 0
    assert len(inner.contexts("end", "epoch")) == 6 * 5
    (training,) = outer.contexts("end", "batched-training")
    assert training.max_subtasks == 0 and outer.batches() == []


def test_estimator_callbacks_inside_a_step_function_network():
    recorder = Recorder()
    step = StepFunctionRegressor(small().set_callbacks(recorder))
    search = fit_quietly(BatchedGridSearchCV(step, {"estimator__alpha": [1e-4, 1e-1]},
                                             cv=2), X, Y)
    assert search._n_batched_fits == 0
    assert len(recorder.contexts("end", "restart")) == 2 * 2 + 1
    assert len(recorder.contexts("end", "epoch")) == 6 * 5
