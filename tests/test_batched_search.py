"""BatchedGridSearchCV gives GridSearchCV's results, every fit trained batched."""

from types import SimpleNamespace

import numpy as np
import pytest
from sklearn import config_context
from sklearn.base import clone
from sklearn.exceptions import FitFailedWarning
from sklearn.model_selection import GridSearchCV, GroupKFold, KFold, ShuffleSplit
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skorchlite import SigmoidMLPClassifier, SigmoidMLPRegressor
from skorchlite.model_selection import BatchedGridSearchCV

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture
def regression():
    rng = np.random.RandomState(0)
    X = rng.uniform(-3, 3, (90, 2))
    y = np.sin(X[:, 0]) + 0.5 * X[:, 1] + 0.1 * rng.randn(90)
    return X, y


@pytest.fixture
def classification():
    rng = np.random.RandomState(1)
    X = rng.randn(96, 2)
    y = (X[:, 0] ** 2 + X[:, 1] ** 2 > 1.2).astype(int) + (X[:, 0] > 1).astype(int)
    return X, y


def _data(Estimator, regression, classification):
    return regression if Estimator is SigmoidMLPRegressor else classification


def _both(estimator, grid, X, y, fit_params=None, **search_params):
    """GridSearchCV and BatchedGridSearchCV fitted alike."""
    fit_params = fit_params or {}
    reference = GridSearchCV(clone(estimator), grid, **search_params).fit(X, y, **fit_params)
    batched = BatchedGridSearchCV(clone(estimator), grid, **search_params).fit(
        X, y, **fit_params)
    return reference, batched


def _assert_same_results(reference, batched, atol=1e-6):
    ref, got = reference.cv_results_, batched.cv_results_
    assert sorted(ref) == sorted(got)
    assert ref["params"] == got["params"]
    for key in ref:
        if "_score" in key and "time" not in key and not key.startswith("rank"):
            np.testing.assert_allclose(got[key], ref[key], atol=atol, rtol=1e-9, err_msg=key)
    assert batched.best_params_ == reference.best_params_
    assert batched.best_index_ == reference.best_index_


ESTIMATORS = [SigmoidMLPRegressor, SigmoidMLPClassifier]


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize("solver", ["adam", "sgd"])
@pytest.mark.parametrize("early_stopping", [False, True])
def test_scores_equal_grid_search(Estimator, solver, early_stopping, regression,
                                  classification):
    X, y = _data(Estimator, regression, classification)
    estimator = Estimator(solver=solver, max_iter=12, learning_rate_init=0.05,
                          n_iter_no_change=2, tol=1e-3, random_state=0, device="cpu",
                          early_stopping=early_stopping, validation_fraction=0.2,
                          batch_size=16)
    grid = {"hidden_layer_sizes": [(1,), (3,), (6,)], "alpha": [1e-4, 0.3],
            "learning_rate_init": [0.05, 0.2]}
    reference, batched = _both(estimator, grid, X, y, cv=3, return_train_score=True)
    _assert_same_results(reference, batched)
    # every one of the loop's fits installed a batched result
    assert batched._n_batched_fits == 12 * 3 + 1  # the refit too


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_restarts_are_members(Estimator, regression, classification):
    X, y = _data(Estimator, regression, classification)
    estimator = Estimator(max_iter=8, learning_rate_init=0.1, random_state=3, device="cpu")
    grid = {"hidden_layer_sizes": [(2,), (5,)], "n_restarts": [1, 4]}
    reference, batched = _both(estimator, grid, X, y, cv=3)
    _assert_same_results(reference, batched)
    best_ref, best = reference.best_estimator_, batched.best_estimator_
    np.testing.assert_allclose(best.restart_losses_, best_ref.restart_losses_, atol=1e-9)
    assert best.best_restart_ == best_ref.best_restart_


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_fitted_member_equals_single_fit(Estimator, regression, classification):
    """The state a member gets is the single fit's, attribute by attribute."""
    from skorchlite._prefit import PrefitSession, active_session

    X, y = _data(Estimator, regression, classification)
    base = Estimator(max_iter=10, learning_rate_init=0.1, n_restarts=3, random_state=0,
                     device="cpu", early_stopping=True, n_iter_no_change=2)
    candidate = {"hidden_layer_sizes": (4, 2), "alpha": 0.01}
    search = BatchedGridSearchCV(base, {"hidden_layer_sizes": [(2, 2), (4, 2)],
                                        "alpha": [0.01]}, cv=KFold(3), refit=False)
    train = np.arange(len(X)) >= 30
    session = PrefitSession()
    search._batched_session, search._batched_fit_params = session, {}
    with active_session(session):
        search._train_ahead(X, y, [(np.flatnonzero(train), None)],
                            [{"hidden_layer_sizes": (2, 2), "alpha": 0.01}, candidate])
        installed = clone(base).set_params(**candidate).fit(X[train], y[train])
    single = clone(base).set_params(**candidate).fit(X[train], y[train])
    assert session.hits == 1
    for name in ["n_iter_", "t_", "best_restart_", "n_layers_", "n_outputs_",
                 "out_activation_"]:
        assert getattr(installed, name) == getattr(single, name), name
    for name in ["loss_", "best_validation_score_"]:
        assert getattr(installed, name) == pytest.approx(getattr(single, name), abs=1e-9)
    for name in ["coefs_", "intercepts_"]:
        for a, b in zip(getattr(installed, name), getattr(single, name)):
            np.testing.assert_allclose(a, b, atol=1e-9)
    np.testing.assert_allclose(installed.restart_losses_, single.restart_losses_, atol=1e-9)
    np.testing.assert_allclose(installed.loss_curve_, single.loss_curve_, atol=1e-9)
    np.testing.assert_allclose(installed.validation_scores_, single.validation_scores_,
                               atol=1e-9)
    state, ref = installed._training_state, single._training_state
    np.testing.assert_allclose(state.optimizer["m"], ref.optimizer["m"], atol=1e-9)
    assert state.optimizer["t"] == ref.optimizer["t"]
    np.testing.assert_allclose(installed.predict(X), single.predict(X), atol=1e-9)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_lbfgs_scores_equal_grid_search(Estimator, regression, classification):
    X, y = _data(Estimator, regression, classification)
    estimator = Estimator(solver="lbfgs", max_iter=15, random_state=0, device="cpu")
    grid = {"hidden_layer_sizes": [(2,), (5,)], "alpha": [1e-4, 1e-1]}
    reference, batched = _both(estimator, grid, X, y, cv=3)
    _assert_same_results(reference, batched, atol=0)


def test_sgd_schedules_and_momentum(regression):
    X, y = regression
    estimator = SigmoidMLPRegressor(solver="sgd", max_iter=15, random_state=0,
                                    device="cpu", n_iter_no_change=2, tol=1e-2,
                                    learning_rate_init=0.1)
    grid = [{"learning_rate": ["invscaling"], "power_t": [0.25, 0.5]},
            {"learning_rate": ["adaptive"], "momentum": [0.0, 0.9]},
            {"nesterovs_momentum": [False], "momentum": [0.5],
             "hidden_layer_sizes": [(3,)]}]
    reference, batched = _both(estimator, grid, X, y, cv=3)
    _assert_same_results(reference, batched)


def test_mixed_depths_and_activations_form_groups(regression, capsys):
    X, y = regression
    estimator = SigmoidMLPRegressor(max_iter=6, learning_rate_init=0.05, random_state=0,
                                    device="cpu")
    grid = {"hidden_layer_sizes": [(2,), (7,), (3, 2), (2, 5)],
            "activation": ["logistic", "tanh", "relu"]}
    reference = GridSearchCV(estimator, grid, cv=3).fit(X, y)
    batched = BatchedGridSearchCV(estimator, grid, cv=3, verbose=1).fit(X, y)
    _assert_same_results(reference, batched)
    out = capsys.readouterr().out
    # three activations x two depths
    assert "[group 6/6" in out
    assert batched._n_batched_fits == 12 * 3 + 1  # the refit too


def test_memory_budget_splits_batches(regression, capsys):
    X, y = regression
    estimator = SigmoidMLPRegressor(max_iter=6, learning_rate_init=0.05, random_state=0,
                                    device="cpu", n_restarts=2)
    grid = {"hidden_layer_sizes": [(2,), (4,), (8,)], "alpha": [1e-4, 1e-1]}
    whole = BatchedGridSearchCV(estimator, grid, cv=3, verbose=1).fit(X, y)
    n_whole = capsys.readouterr().out.count("networks (")
    with config_context(working_memory=0.02):
        split = BatchedGridSearchCV(estimator, grid, cv=3, verbose=1).fit(X, y)
    n_split = capsys.readouterr().out.count("networks (")
    assert n_split > n_whole
    _assert_same_results(whole, split, atol=1e-12)


def _planned(widths, restarts=1, batch=80, n_features=1):
    """Problems as the batch planner sees them: one hidden layer of each
    width, ``restarts`` networks each, float64 on the CPU."""
    import torch

    from skorchlite._prefit import Problem

    def net(width):
        return SimpleNamespace(shapes=[(n_features, width), (width, 1)], n_restarts=restarts,
                               dtype=torch.float64, device=torch.device("cpu"))

    options = SimpleNamespace(batch_size=batch)
    return [Problem(None, "adam", net(w), None, options, None, None) for w in widths]


def test_batches_are_planned_by_cost_and_memory():
    from skorchlite.model_selection._batched import member_bytes, plan_batches

    problems = _planned

    big = 2**40
    # tiny networks: the step overhead dominates, one batch
    assert len(plan_batches(problems([1, 2, 3, 5] * 5), big)) == 1
    # wide ones with many restarts: padding 1 to 100 costs more than a step
    plan = plan_batches(problems([1, 100] * 5, restarts=10, batch=200), big)
    assert sorted(map(sorted, plan)) == [[0, 2, 4, 6, 8], [1, 3, 5, 7, 9]]
    # the budget: at most what fits, and one problem alone when it does not fit
    chosen = problems([4] * 6, restarts=3)
    need = 3 * member_bytes(chosen[0], chosen[0].net.shapes, 80)
    plan = plan_batches(chosen, 2 * need)
    assert [len(b) for b in plan] == [2, 2, 2]
    assert [len(b) for b in plan_batches(chosen, need // 2)] == [1] * 6


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_pipeline(Estimator, regression, classification):
    X, y = _data(Estimator, regression, classification)
    pipe = make_pipeline(StandardScaler(), Estimator(max_iter=8, learning_rate_init=0.1,
                                                     random_state=0, device="cpu"))
    name = pipe.steps[-1][0]
    grid = {f"{name}__hidden_layer_sizes": [(2,), (6,)],
            "standardscaler__with_mean": [True, False]}
    reference, batched = _both(pipe, grid, 10 * X + 3, y, cv=3)
    _assert_same_results(reference, batched)
    assert batched._n_batched_fits == 4 * 3 + 1


def test_multimetric_refit_by_name(classification):
    X, y = classification
    estimator = SigmoidMLPClassifier(max_iter=8, learning_rate_init=0.1, random_state=0,
                                     device="cpu")
    grid = {"hidden_layer_sizes": [(2,), (6,)], "alpha": [1e-4, 1.0]}
    scoring = {"acc": "accuracy", "nll": "neg_log_loss"}
    reference, batched = _both(estimator, grid, X, y, cv=3, scoring=scoring, refit="nll",
                               return_train_score=True)
    _assert_same_results(reference, batched)
    assert batched.multimetric_ and "mean_test_nll" in batched.cv_results_
    reference, batched = _both(estimator, grid, X, y, cv=3, scoring=["accuracy"],
                               refit=False)
    np.testing.assert_allclose(batched.cv_results_["mean_test_accuracy"],
                               reference.cv_results_["mean_test_accuracy"], atol=1e-6)


def test_error_score(regression):
    X, y = regression
    estimator = SigmoidMLPRegressor(max_iter=5, random_state=0, device="cpu")
    grid = {"alpha": [1e-4, -1.0]}  # a negative alpha is refused by fit
    with pytest.warns(FitFailedWarning, match="fits failed"):
        reference, batched = _both(estimator, grid, X, y, cv=3, error_score=-7.0)
    _assert_same_results(reference, batched)
    assert (batched.cv_results_["split0_test_score"][1]) == -7.0
    with pytest.raises(ValueError, match="alpha"):
        BatchedGridSearchCV(estimator, grid, cv=3, error_score="raise").fit(X, y)


def test_groups_and_splitters(regression):
    X, y = regression
    groups = np.repeat(np.arange(6), 15)
    estimator = SigmoidMLPRegressor(max_iter=6, learning_rate_init=0.1, random_state=0,
                                    device="cpu")
    grid = {"hidden_layer_sizes": [(2,), (5,)]}
    reference, batched = _both(estimator, grid, X, y, cv=GroupKFold(3),
                               fit_params={"groups": groups})
    _assert_same_results(reference, batched)
    # a shuffling splitter without a seed: the loop scores the very splits trained
    batched = BatchedGridSearchCV(estimator, grid, cv=ShuffleSplit(3, test_size=0.3)
                                  ).fit(X, y)
    assert batched._n_batched_fits == 2 * 3 + 1


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_sample_weight(Estimator, regression, classification):
    X, y = _data(Estimator, regression, classification)
    sample_weight = np.random.RandomState(0).uniform(0.2, 3, len(X))
    estimator = Estimator(max_iter=8, learning_rate_init=0.1, random_state=0, device="cpu",
                          batch_size=20, early_stopping=True, n_iter_no_change=2)
    grid = {"hidden_layer_sizes": [(2,), (5,)], "alpha": [1e-4, 0.5]}
    reference, batched = _both(estimator, grid, X, y, cv=3,
                               fit_params={"sample_weight": sample_weight})
    _assert_same_results(reference, batched)
    assert batched._n_batched_fits == 4 * 3 + 1
    unweighted = BatchedGridSearchCV(estimator, grid, cv=3).fit(X, y)
    assert not np.allclose(unweighted.cv_results_["mean_test_score"],
                           batched.cv_results_["mean_test_score"])


def test_same_api_as_grid_search():
    import inspect

    params = set(inspect.signature(BatchedGridSearchCV).parameters)
    reference = set(inspect.signature(GridSearchCV).parameters) - {"n_jobs", "pre_dispatch"}
    assert params == reference
    search = BatchedGridSearchCV(SigmoidMLPRegressor(), {"alpha": [1.0]})
    assert clone(search).get_params()["param_grid"] == {"alpha": [1.0]}


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.FitFailedWarning")
@pytest.mark.parametrize("early_stopping", [False, True])
def test_diverging_members_are_frozen(regression, early_stopping):
    X, y = regression
    estimator = SigmoidMLPRegressor(solver="sgd", max_iter=10, n_restarts=3, random_state=0,
                                    device="cpu", early_stopping=early_stopping,
                                    momentum=0.99)
    grid = {"learning_rate_init": [0.01, 3.0, 1e4], "hidden_layer_sizes": [(3,), (30,)]}
    reference, batched = _both(estimator, grid, 100 * X, y, cv=3)
    _assert_same_results(reference, batched)


@pytest.mark.parametrize("refit", ["none", "output"])
def test_step_function_estimator_parameters(regression, classification, refit):
    from skorchlite import StepFunctionClassifier, StepFunctionRegressor

    for (X, y), Step, Estimator in [(regression, StepFunctionRegressor, SigmoidMLPRegressor),
                                    (classification, StepFunctionClassifier,
                                     SigmoidMLPClassifier)]:
        step = Step(Estimator(max_iter=8, learning_rate_init=0.1, random_state=0,
                              device="cpu"), refit=refit)
        grid = {"estimator__hidden_layer_sizes": [(2,), (5,)],
                "estimator__alpha": [1e-4, 0.1]}
        reference, batched = _both(step, grid, X, y, cv=3)
        _assert_same_results(reference, batched)
        assert batched._n_batched_fits == 4 * 3 + 1


def test_refit_trained_ahead_on_small_data(regression):
    X, y = regression
    estimator = SigmoidMLPRegressor(max_iter=8, learning_rate_init=0.1, random_state=0,
                                    device="cpu")
    grid = {"hidden_layer_sizes": [(2,), (5,)]}
    reference, batched = _both(estimator, grid, X, y, cv=3)
    # every fold's fit and the refit installed a batched result
    assert batched._n_batched_fits == 2 * 3 + 1
    for a, b in zip(batched.best_estimator_.coefs_, reference.best_estimator_.coefs_):
        np.testing.assert_allclose(a, b, atol=1e-9)
    assert batched.best_estimator_.n_iter_ == reference.best_estimator_.n_iter_


def test_verbose_reports_groups_and_epochs(regression, capsys):
    X, y = regression
    estimator = SigmoidMLPRegressor(max_iter=3, random_state=0, device="cpu")
    BatchedGridSearchCV(estimator, {"hidden_layer_sizes": [(2,), (3, 2)]}, cv=2,
                        verbose=2).fit(X, y)
    out = capsys.readouterr().out
    assert "[group 2/2, batch 1/1]" in out
    assert "epoch 3, 0 of" in out  # the last epoch of a group: nothing left training


def test_non_skorchlite_estimator_is_searched_as_usual(regression):
    from sklearn.linear_model import Ridge

    X, y = regression
    reference, batched = _both(Ridge(), {"alpha": [0.1, 10.0]}, X, y, cv=3)
    _assert_same_results(reference, batched, atol=0)
    assert batched._n_batched_fits == 0


def test_side_by_side_plans_balance_the_threads():
    from skorchlite.model_selection._batched import _makespan, plan_batches

    # the rings sweep: widths 1..10, 5 folds, 10 restarts each
    problems = _planned([w for w in range(1, 11) for _ in range(5)], restarts=10,
                        batch=200, n_features=2)
    big = 2**40
    alone = plan_batches(problems, big)
    two = plan_batches(problems, big, workers=2)
    assert sorted(i for batch in two for i in batch) == list(range(50))
    assert len(two) >= len(alone) and len(two) >= 2

    def span(plan, workers):
        # the true per-step cost of each batch, as the planner measures it
        from skorchlite.model_selection._batched import _row_elements, padded_shapes

        costs = [300_000 + sum(problems[i].net.n_restarts for i in batch)
                 * _row_elements(padded_shapes([problems[i] for i in batch]), 200)
                 for batch in plan]
        return _makespan(costs, workers)

    # the plan for two threads ends no later on two threads than the plan
    # for one, and the plan for one costs no more on one thread
    assert span(two, 2) <= span(alone, 2)
    assert span(alone, 1) <= span(two, 1)
    # longest first, each to the thread that is free first
    assert _makespan([3, 5, 3, 4, 3], 2) == 10  # 5 + 3, then 4 + 3 + 3
    assert _makespan([4, 1, 1], 2) == 4
    assert _makespan([3, 3], 1) == 6


@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_batches_side_by_side_give_the_same_results(solver, classification, monkeypatch,
                                                    capsys):
    import threading

    import skorchlite.model_selection._batched as batched_module

    X, y = classification
    estimator = SigmoidMLPClassifier(n_restarts=3, max_iter=15, solver=solver,
                                     random_state=0, device="cpu")
    grid = {"hidden_layer_sizes": [(1,), (3,), (6,), (12,)], "alpha": [1e-4, 1e-1]}
    sequential = BatchedGridSearchCV(clone(estimator), grid, cv=3).fit(X, y)

    threads, started = set(), []
    together = threading.Barrier(2, timeout=30)  # the first two batches run at once
    train_batch = batched_module.train_batch

    def recording(*args, **kwargs):
        threads.add(threading.current_thread().name)
        started.append(1)
        if len(started) <= 2 and threading.current_thread() is not threading.main_thread():
            together.wait()
        return train_batch(*args, **kwargs)

    # every batch counts as heavy, on a machine with two cores
    monkeypatch.setattr(batched_module, "_PARALLEL_WORK", 0)
    monkeypatch.setattr(batched_module, "_cores", lambda: 2)
    monkeypatch.setattr(batched_module, "train_batch", recording)
    side_by_side = BatchedGridSearchCV(clone(estimator), grid, cv=3).fit(X, y)
    assert len(threads) == 2 and threading.main_thread().name not in threads
    _assert_same_results(sequential, side_by_side, atol=0)
    reference = GridSearchCV(clone(estimator), grid, cv=3).fit(X, y)
    _assert_same_results(reference, side_by_side)

    # one core allowed (torch.set_num_threads(1)): one batch after the other
    import torch

    monkeypatch.undo()
    monkeypatch.setattr(batched_module, "_PARALLEL_WORK", 0)
    monkeypatch.setattr(batched_module, "train_batch", recording)
    threads.clear()
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        BatchedGridSearchCV(clone(estimator), grid, cv=3).fit(X, y)
    finally:
        torch.set_num_threads(before)
    assert threads == {threading.current_thread().name}

    # a callback watching the batches keeps them in order, on this thread
    monkeypatch.setattr(batched_module, "_cores", lambda: 2)
    from sklearn.callback import ProgressBar

    threads.clear()
    BatchedGridSearchCV(clone(estimator), grid, cv=3).set_callbacks(ProgressBar()).fit(X, y)
    assert threads == {threading.current_thread().name}


def test_a_failing_batch_stops_the_ones_beside_it(classification, monkeypatch):
    import skorchlite.model_selection._batched as batched_module

    X, y = classification
    estimator = SigmoidMLPClassifier(n_restarts=2, random_state=0, device="cpu",
                                     tol=0, n_iter_no_change=10_000)
    # a short batch that fails and a long one beside it
    grid = [{"hidden_layer_sizes": [(1,)], "max_iter": [3]},
            {"hidden_layer_sizes": [(8,)], "max_iter": [100_000]}]
    epochs = []
    train_batch = batched_module.train_batch
    run = batched_module._BatchTraining.run

    def failing(problems, *args, **kwargs):
        if problems[0].net.shapes[0][1] == 1:
            raise RuntimeError("out of luck")
        return train_batch(problems, *args, **kwargs)

    def counting(self):
        try:
            return run(self)
        finally:
            epochs.append(int(self.epochs.max()))

    monkeypatch.setattr(batched_module, "_PARALLEL_WORK", 0)
    monkeypatch.setattr(batched_module, "_cores", lambda: 2)
    monkeypatch.setattr(batched_module, "train_batch", failing)
    monkeypatch.setattr(batched_module._BatchTraining, "run", counting)
    with pytest.raises(RuntimeError, match="out of luck"):
        BatchedGridSearchCV(estimator, grid, cv=2).fit(X, y)
    # the long batch was cancelled long before its 100,000 epochs
    assert len(epochs) == 1 and epochs[0] < 100_000


def test_installed_fits_build_no_network(regression, monkeypatch):
    import skorchlite._base as base_module
    from skorchlite import _prefit

    built = []
    Network = base_module.BatchedMLP

    class Counting(Network):
        def __init__(self, *args, **kwargs):
            session = _prefit._SESSION.get()
            if session is not None and not session.capturing:
                built.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(base_module, "BatchedMLP", Counting)
    X, y = regression
    estimator = SigmoidMLPRegressor(max_iter=5, random_state=0, device="cpu")
    search = BatchedGridSearchCV(estimator, {"hidden_layer_sizes": [(2,), (4,)]}, cv=2)
    search.fit(X, y)
    fits = 2 * 2 + 1  # candidates x folds, and the refit
    assert search._n_batched_fits >= 4
    # only the fits that trained in scikit-learn's loop built a network
    assert len(built) == fits - search._n_batched_fits
