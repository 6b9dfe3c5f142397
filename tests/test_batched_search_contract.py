"""BatchedGridSearchCV used exactly where GridSearchCV was: the corners of
scikit-learn's contract (cv iterables, validation order, other estimators,
nesting, pickling, repeated and concurrent fits)."""

import pickle
import threading
import warnings

import numpy as np
import pytest
from sklearn import config_context
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skorchlite import SigmoidMLPClassifier, SigmoidMLPRegressor
from skorchlite.model_selection import BatchedGridSearchCV

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture
def data():
    rng = np.random.RandomState(0)
    X = rng.uniform(-2, 2, (40, 2))
    return X, np.sin(X[:, 0]) + X[:, 1]


def _regressor(**params):
    return SigmoidMLPRegressor(**{"hidden_layer_sizes": (3,), "max_iter": 10,
                                  "random_state": 0, "device": "cpu", **params})


def _scores(search):
    return search.cv_results_["mean_test_score"]


class _CountingRegressor(RegressorMixin, BaseEstimator):
    """Predicts the mean; counts its fits."""

    fits = 0

    def __init__(self, shift=0.0):
        self.shift = shift

    def fit(self, X, y):
        type(self).fits += 1
        self.mean_ = np.mean(y) + self.shift
        return self

    def predict(self, X):
        return np.full(len(X), self.mean_)


def test_cv_as_a_generator_of_splits(data):
    X, y = data
    grid = {"alpha": [1e-4, 1.0]}
    reference = GridSearchCV(_regressor(), grid, cv=KFold(3).split(X)).fit(X, y)
    batched = BatchedGridSearchCV(_regressor(), grid, cv=KFold(3).split(X)).fit(X, y)
    assert batched.n_splits_ == 3
    np.testing.assert_allclose(_scores(batched), _scores(reference), atol=1e-6)
    assert batched._n_batched_fits >= 6


def test_parameters_are_validated_before_metadata_is_routed(data):
    X, y = data
    with config_context(enable_metadata_routing=True):
        for Search in (GridSearchCV, BatchedGridSearchCV):
            search = Search(None, {"alpha": [1.0]})
            with pytest.raises(ValueError, match="'estimator' parameter of"):
                search.fit(X, y, sample_weight=np.ones(len(X)))
            assert not hasattr(search, "cv_results_")


def test_other_estimators_are_fitted_once_per_fit_as_in_grid_search(data):
    X, y = data
    grid = {"shift": [0.0, 1.0]}
    _CountingRegressor.fits = 0
    reference = GridSearchCV(_CountingRegressor(), grid, cv=3).fit(X, y)
    expected, _CountingRegressor.fits = _CountingRegressor.fits, 0
    batched = BatchedGridSearchCV(_CountingRegressor(), grid, cv=3).fit(X, y)
    assert _CountingRegressor.fits == expected == 2 * 3 + 1
    np.testing.assert_array_equal(_scores(batched), _scores(reference))
    # the same in a pipeline, and with a skorchlite estimator as one candidate
    _CountingRegressor.fits = 0
    pipe = make_pipeline(StandardScaler(), _CountingRegressor())
    BatchedGridSearchCV(pipe, {"_countingregressor__shift": grid["shift"]}, cv=3).fit(X, y)
    assert _CountingRegressor.fits == 7
    _CountingRegressor.fits = 0
    mixed = BatchedGridSearchCV(
        pipe, {"_countingregressor": [_CountingRegressor(), _regressor()]}, cv=3).fit(X, y)
    assert _CountingRegressor.fits == 3 + (mixed.best_index_ == 0)
    assert mixed._n_batched_fits >= 3


def test_search_in_a_search_fits_each_inner_search_once(data):
    X, y = data
    _CountingRegressor.fits = 0
    inner = BatchedGridSearchCV(_CountingRegressor(), {"shift": [0.0, 1.0]}, cv=2)
    outer = BatchedGridSearchCV(inner, {"cv": [2, 3]}, cv=2).fit(X, y)
    # outer: 2 candidates x 2 folds + refit = 5 inner searches, each fitting
    # its candidates x folds + its refit: (2 * 2 + 1) or (2 * 3 + 1)
    assert _CountingRegressor.fits == 2 * (5 + 7) + (5 if outer.best_index_ == 0 else 7)
    reference = GridSearchCV(
        GridSearchCV(_regressor(), {"alpha": [1e-4, 1.0]}, cv=2), {"cv": [2, 3]}, cv=2)
    batched = BatchedGridSearchCV(
        BatchedGridSearchCV(_regressor(), {"alpha": [1e-4, 1.0]}, cv=2), {"cv": [2, 3]}, cv=2)
    np.testing.assert_allclose(_scores(batched.fit(X, y)), _scores(reference.fit(X, y)),
                               atol=1e-6)


def test_used_like_grid_search_in_cross_val_score_and_pipelines(data):
    X, y = data
    grid = {"alpha": [1e-4, 1.0]}
    np.testing.assert_allclose(
        cross_val_score(BatchedGridSearchCV(_regressor(), grid, cv=3), X, y, cv=3),
        cross_val_score(GridSearchCV(_regressor(), grid, cv=3), X, y, cv=3), atol=1e-6)
    pipe = make_pipeline(StandardScaler(), BatchedGridSearchCV(_regressor(), grid, cv=3))
    reference = make_pipeline(StandardScaler(), GridSearchCV(_regressor(), grid, cv=3))
    np.testing.assert_allclose(pipe.fit(X, y).predict(X), reference.fit(X, y).predict(X),
                               atol=1e-6)


def test_constructor_is_grid_search_minus_parallelism():
    search = BatchedGridSearchCV(_regressor(), {"alpha": [1.0]})
    assert set(GridSearchCV(_regressor(), {}).get_params(deep=False)) - set(
        search.get_params(deep=False)) == {"n_jobs", "pre_dispatch"}
    for name in ("n_jobs", "pre_dispatch"):
        with pytest.raises(TypeError, match=name):
            BatchedGridSearchCV(_regressor(), {"alpha": [1.0]}, **{name: 2})
        with pytest.raises(ValueError, match=f"Invalid parameter '{name}'"):
            search.set_params(**{name: 2})
    assert clone(search).get_params(deep=False)["param_grid"] == {"alpha": [1.0]}


def test_fitted_search_pickles_without_torch_and_refits_fresh(data):
    X, y = data
    rng = np.random.RandomState(0)
    labels = np.array(["a", "b"])[(X[:, 0] * X[:, 1] > 0).astype(int)]
    search = BatchedGridSearchCV(
        SigmoidMLPClassifier(hidden_layer_sizes=(3,), max_iter=10, random_state=0,
                             device="cpu"), {"alpha": [1e-4, 1.0]}, cv=3).fit(X, labels)
    loaded = pickle.loads(pickle.dumps(search))
    assert not hasattr(loaded, "_batched_session")
    np.testing.assert_array_equal(loaded.predict(X), search.predict(X))
    # a second fit on other data gives that data's results, nothing stale
    search = BatchedGridSearchCV(_regressor(), {"alpha": [1e-4, 1.0]}, cv=3)
    first = _scores(search.fit(X, y)).copy()
    X2 = X + rng.randn(*X.shape)
    second = _scores(search.fit(X2, y))
    reference = GridSearchCV(_regressor(), {"alpha": [1e-4, 1.0]}, cv=3).fit(X2, y)
    np.testing.assert_allclose(second, _scores(reference), atol=1e-6)
    assert not np.allclose(first, second)


def test_searches_in_threads_keep_their_own_results(data):
    X, y = data
    grid = {"alpha": [1e-4, 1.0], "hidden_layer_sizes": [(2,), (3,)]}
    results = {}

    def run(i):
        search = BatchedGridSearchCV(_regressor(), grid, cv=3)
        results[i] = _scores(search.fit(X * (1 + i), y))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for i in range(3):
        reference = GridSearchCV(_regressor(), grid, cv=3).fit(X * (1 + i), y)
        np.testing.assert_allclose(results[i], _scores(reference), atol=1e-6)


def test_random_state_instance_as_in_grid_search(data):
    # clone deep-copies a RandomState: every member of GridSearchCV starts
    # from the same state, and so does every member here
    X, y = data
    estimator = _regressor(random_state=np.random.RandomState(3))
    grid = {"alpha": [1e-4, 1.0], "n_restarts": [1, 2]}
    reference = GridSearchCV(estimator, grid, cv=3).fit(X, y)
    batched = BatchedGridSearchCV(estimator, grid, cv=3).fit(X, y)
    np.testing.assert_allclose(_scores(batched), _scores(reference), atol=1e-6)
    assert batched._n_batched_fits >= 12  # and the refit, when trained ahead


def test_ridge_unchanged(data):
    X, y = data
    reference = GridSearchCV(Ridge(), {"alpha": [0.1, 1.0]}, cv=3).fit(X, y)
    batched = BatchedGridSearchCV(Ridge(), {"alpha": [0.1, 1.0]}, cv=3).fit(X, y)
    np.testing.assert_array_equal(_scores(batched), _scores(reference))
    np.testing.assert_array_equal(batched.predict(X), reference.predict(X))


def test_nothing_the_user_gave_changes(data):
    X, y = data
    state = np.random.RandomState(3)
    before = state.get_state()[1].copy()
    grid = [{"alpha": [1e-4, 1.0]}, {"solver": ["sgd"], "n_restarts": [2]}]
    X_copy, y_copy = X.copy(), y.copy()
    BatchedGridSearchCV(_regressor(random_state=state), grid, cv=3).fit(X, y)
    np.testing.assert_array_equal(state.get_state()[1], before)
    assert grid == [{"alpha": [1e-4, 1.0]}, {"solver": ["sgd"], "n_restarts": [2]}]
    np.testing.assert_array_equal(X, X_copy)
    np.testing.assert_array_equal(y, y_copy)


def test_random_state_none_gives_valid_fits(data):
    X, y = data
    grid = {"solver": ["adam", "sgd", "lbfgs"], "early_stopping": [False, True],
            "n_restarts": [1, 2]}
    search = BatchedGridSearchCV(_regressor(random_state=None), grid, cv=3).fit(X, y)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert search._n_batched_fits > 0
    best = search.best_estimator_
    assert len(best.loss_curve_) == best.n_iter_ <= best.max_iter
    assert best.restart_losses_.shape == (best.n_restarts,)
    assert np.isfinite(best.predict(X)).all()


def test_searches_in_threads_leave_the_warning_filters_alone(data):
    # the filters are the process's: a search that silenced warnings while
    # others ran in threads could leave "ignore everything" installed
    X, y = data

    def ignore_all():
        return sum(f[0] == "ignore" and f[1] is None and f[2] is Warning
                   for f in warnings.filters)

    before = ignore_all()

    def run():
        BatchedGridSearchCV(_regressor(max_iter=3), {"alpha": [1e-4, 1e-2, 1e-1]},
                            cv=3).fit(X, y)

    for _ in range(3):
        threads = [threading.Thread(target=run) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert ignore_all() == before
