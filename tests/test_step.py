"""Step-function networks: StepFunctionRegressor and StepFunctionClassifier."""

import pickle
import pickletools

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_blobs, make_multilabel_classification
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression, PoissonRegressor, Ridge
from sklearn.metrics import r2_score
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from skorchlite import (SigmoidMLPClassifier, SigmoidMLPRegressor, StepFunctionClassifier,
                        StepFunctionRegressor)
from skorchlite._step import (_ThresholdSearch, _design, _hidden, _quadratic_model,
                              _refit_output, _sweep_deep, _sweep_one_layer,
                              best_piecewise_constant)
from skorchlite.datasets import make_damped_sine, make_rings

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

FAST = dict(solver="lbfgs", max_iter=100, device="cpu")


def _net(Estimator=SigmoidMLPRegressor, sizes=(5,), **params):
    return Estimator(sizes, **{**FAST, "random_state": 0, **params})


def _wave(n=80, seed=0):
    rng = np.random.RandomState(seed)
    X = np.sort(rng.uniform(-3, 3, n)).reshape(-1, 1)
    return X, np.sin(2 * X.ravel()) + 0.1 * rng.randn(n)


def _plane(n=120, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.uniform(-2, 2, (n, 2))
    return X, np.sin(X[:, 0]) * np.cos(X[:, 1]) + 0.05 * rng.randn(n)


# -- scikit-learn compatibility --------------------------------------------------

CHECKED = [
    StepFunctionRegressor(_net(sizes=(6,)), refit=refit) for refit in
    ("none", "output", "thresholds")
] + [
    StepFunctionClassifier(_net(SigmoidMLPClassifier, sizes=(6,)), refit=refit)
    for refit in ("none", "output", "thresholds")
] + [
    StepFunctionRegressor(_net(sizes=(4, 3), activation="tanh"), refit="thresholds",
                          sharpness=8.0),
]


@parametrize_with_checks(CHECKED)
def test_sklearn_compatible_step_networks(estimator, check):
    check(estimator)


def test_pipeline_and_grid_search_over_refit_and_inner_parameters():
    X, y = _wave(60)
    search = GridSearchCV(
        make_pipeline(StandardScaler(), StepFunctionRegressor(_net())),
        {"stepfunctionregressor__refit": ["none", "output", "thresholds"],
         "stepfunctionregressor__estimator__hidden_layer_sizes": [(3,), (6,)]},
        cv=3).fit(X, y)
    assert len(search.cv_results_["params"]) == 6
    scores = search.cv_results_["mean_test_score"]
    refits = [p["stepfunctionregressor__refit"] for p in search.cv_results_["params"]]
    best = search.best_params_["stepfunctionregressor__refit"]
    assert best != "none"  # the plain limit never wins against a refitted step network
    assert max(s for s, r in zip(scores, refits) if r == "none") < max(scores)
    assert search.best_estimator_[-1].estimator_.hidden_layer_sizes in [(3,), (6,)]


def test_pickles_to_numpy_state():
    X, y = _wave()
    step = StepFunctionRegressor(_net(), refit="thresholds").fit(X, y)
    payload = pickle.dumps(step)
    modules = {arg.split(" ")[0] for op, arg, _ in pickletools.genops(payload)
               if op.name in ("GLOBAL", "STACK_GLOBAL") and arg}
    modules |= {arg for op, arg, _ in pickletools.genops(payload)
                if op.name in ("SHORT_BINUNICODE", "BINUNICODE") and arg.startswith("torch")}
    assert not any(m.startswith("torch") for m in modules), modules
    assert b"torch" not in payload
    loaded = pickle.loads(payload)
    np.testing.assert_array_equal(loaded.predict(X), step.predict(X))
    np.testing.assert_array_equal(loaded.thresholds_, step.thresholds_)


# -- the plain limit and sharpness ------------------------------------------------


@pytest.mark.parametrize("activation", ["logistic", "tanh"])
@pytest.mark.parametrize("sizes", [(5,), (6, 3)])
def test_refit_none_is_predict_step(activation, sizes):
    X, y = _plane()
    reg = StepFunctionRegressor(_net(sizes=sizes, activation=activation), refit="none")
    reg.fit(X, y)
    np.testing.assert_allclose(reg.predict(X), reg.estimator_.predict_step(X), atol=1e-10)
    Xc, yc = make_blobs(90, centers=3, random_state=0)
    clf = StepFunctionClassifier(_net(SigmoidMLPClassifier, sizes=sizes,
                                      activation=activation), refit="none").fit(Xc, yc)
    np.testing.assert_array_equal(clf.predict(Xc), clf.estimator_.predict_step(Xc))
    np.testing.assert_allclose(clf.predict_proba(Xc), clf.estimator_.predict_proba_step(Xc),
                               atol=1e-10)
    low, high = (0.0, 1.0) if activation == "logistic" else (-1.0, 1.0)
    assert set(np.unique(np.concatenate([h.ravel() for h in reg.hidden_activations(X)]))) \
        <= {low, high}


def test_sharpness_one_without_refit_is_the_smooth_network():
    X, y = _plane()
    reg = StepFunctionRegressor(_net(sizes=(5, 3)), refit="none", sharpness=1.0).fit(X, y)
    np.testing.assert_allclose(reg.predict(X), reg.estimator_.predict(X), atol=1e-10)
    np.testing.assert_allclose(reg.transform(X), reg.estimator_.transform(X), atol=1e-10)


def test_sharpness_passes_from_the_smooth_fit_to_the_step_network():
    X, y = _wave()
    net = _net(sizes=(6,)).fit(X, y)
    r2 = {s: StepFunctionRegressor(FrozenEstimator(net), sharpness=s).fit(X, y).score(X, y)
          for s in (1.0, 1e3, np.inf)}
    # at sharpness 1 the refitted output layer is at least as good as the trained one
    assert r2[1.0] >= net.score(X, y) - 1e-9
    assert r2[1e3] == pytest.approx(r2[np.inf], abs=1e-3)


# -- refit="output": exact convex solves --------------------------------------------


def test_output_refit_is_weighted_ridge_on_the_codes():
    X, y = _plane()
    w = np.random.RandomState(1).uniform(0.2, 2, len(y))
    step = StepFunctionRegressor(_net(alpha=0.3), refit="output").fit(X, y, sample_weight=w)
    codes = step.transform(X)
    ridge = Ridge(alpha=0.3, solver="svd").fit(codes, y, sample_weight=w)
    np.testing.assert_allclose(step.predict(X), ridge.predict(codes), atol=1e-8)
    # the refit only changed the output layer
    for mine, theirs in zip(step.coefs_[:-1], step.estimator_.coefs_[:-1]):
        np.testing.assert_array_equal(mine, theirs)


def test_output_refit_of_several_outputs_scales_the_penalty_as_the_loss():
    X, _ = _plane()
    Y = np.column_stack([np.sin(X[:, 0]), X[:, 1] ** 2])
    step = StepFunctionRegressor(_net(alpha=0.5), refit="output").fit(X, Y)
    codes = step.transform(X)
    # half the mean over outputs of the squared error: ridge with alpha * n_outputs
    ridge = Ridge(alpha=0.5 * 2, solver="svd").fit(codes, Y)
    np.testing.assert_allclose(step.predict(X), ridge.predict(codes), atol=1e-8)


@pytest.mark.parametrize("centers", [2, 3])
def test_output_refit_is_penalised_logistic_regression_on_the_codes(centers):
    X, y = make_blobs(150, centers=centers, random_state=0, cluster_std=2.5)
    w = np.random.RandomState(0).uniform(0.5, 2, len(y))
    step = StepFunctionClassifier(_net(SigmoidMLPClassifier, alpha=0.5), refit="output")
    step.fit(X, y, sample_weight=w)
    codes = step.transform(X)
    logistic = LogisticRegression(C=1 / 0.5, tol=1e-12, max_iter=10_000).fit(
        codes, y, sample_weight=w)
    np.testing.assert_allclose(step.predict_proba(X), logistic.predict_proba(codes),
                               atol=1e-5)
    np.testing.assert_allclose(np.exp(step.predict_log_proba(X)), step.predict_proba(X))


def test_output_refit_is_the_poisson_glm_on_the_codes():
    X, _ = _wave(120)
    y = np.random.RandomState(0).poisson(np.exp(np.sin(X.ravel())))
    step = StepFunctionRegressor(_net(loss="poisson", alpha=0.2), refit="output").fit(X, y)
    codes = step.transform(X)
    glm = PoissonRegressor(alpha=0.2 / len(y), tol=1e-12, max_iter=10_000).fit(codes, y)
    np.testing.assert_allclose(step.predict(X), glm.predict(codes), rtol=1e-5)


def test_multilabel_step_classifier():
    X, Y = make_multilabel_classification(100, n_classes=3, random_state=0)
    step = StepFunctionClassifier(_net(SigmoidMLPClassifier, sizes=(6,)),
                                  refit="thresholds").fit(X, Y)
    assert step.predict(X).shape == Y.shape
    assert step.predict_proba(X).shape == Y.shape
    plain = StepFunctionClassifier(FrozenEstimator(step.estimator_), refit="none").fit(X, Y)
    assert step.loss_ < plain.loss_


# -- refit="thresholds" -----------------------------------------------------------


def _refitted_loss(step, X, y, bias_change):
    """Training loss of the step network with first-layer biases changed and
    the output layer refitted exactly (the brute-force reference)."""
    coefs = [c.copy() for c in step.coefs_]
    intercepts = [b.copy() for b in step.intercepts_]
    intercepts[0] = intercepts[0] + bias_change
    A = _design(_hidden(X, coefs, intercepts, step.activation_, np.inf)[-1])
    Y = y.reshape(len(y), -1)
    B = _refit_output(A, Y, np.ones(len(y)), step.estimator_.alpha, "squared_error")
    search = _ThresholdSearch(X, Y, np.ones(len(y)), coefs, intercepts, step.activation_,
                              "squared_error", step.estimator_.alpha)
    return search.objective(A, B)


@pytest.mark.parametrize("sizes", [(4,), (4, 3)])
@pytest.mark.parametrize("data", [_wave, _plane])
def test_moved_thresholds_are_a_coordinate_optimum(sizes, data):
    """No single unit's threshold, moved to any position between two
    training rows, lowers the loss further (checked by brute force)."""
    X, y = data(40)
    step = StepFunctionRegressor(_net(sizes=sizes), refit="thresholds").fit(X, y)
    output = StepFunctionRegressor(FrozenEstimator(step.estimator_)).fit(X, y)
    assert step.loss_ <= output.loss_
    assert _refitted_loss(step, X, y, 0.0) == pytest.approx(step.loss_, rel=1e-10)
    projections = X @ step.coefs_[0]
    for j in range(projections.shape[1]):
        z = np.unique(projections[:, j])
        for mid in (z[:-1] + z[1:]) / 2:
            change = np.zeros(projections.shape[1])
            change[j] = -mid - step.intercepts_[0][j]
            assert _refitted_loss(step, X, y, change) >= step.loss_ - 1e-12


def test_sweeps_of_one_and_several_layers_agree():
    """The block (Schur) formula of one hidden layer equals the direct solve."""
    X, y = _plane(60)
    net = _net(sizes=(5,)).fit(X, y)
    codes = _hidden(X, net.coefs_, net.intercepts_, "logistic", np.inf)[0]
    A = _design(codes)
    Y = y[:, None]
    B = _refit_output(A, Y, np.ones(len(y)), 0.1, "squared_error")
    V, Z = _quadratic_model(A, B, Y, np.ones(len(y)), "squared_error")
    order = np.argsort(X @ net.coefs_[0][:, 2], kind="stable")
    low, high = codes.copy(), codes.copy()
    low[:, 2], high[:, 2] = 0.0, 1.0
    one = _sweep_one_layer(codes, 2, order, 0.0, 1.0, V, Z, 0.1)
    deep = _sweep_deep(_design(low), _design(high), order, V, Z, 0.1, chunk_floats=300)
    np.testing.assert_allclose(one, deep, rtol=1e-8)


def test_thresholds_are_deterministic_and_weighted_like_repeated_rows():
    X, y = _plane(60)
    net = _net(sizes=(4,)).fit(X, y)
    counts = np.random.RandomState(0).randint(0, 3, len(y))
    weighted = StepFunctionRegressor(FrozenEstimator(net), refit="thresholds").fit(
        X, y, sample_weight=counts)
    again = StepFunctionRegressor(FrozenEstimator(net), refit="thresholds").fit(
        X, y, sample_weight=counts)
    repeated = StepFunctionRegressor(FrozenEstimator(net), refit="thresholds").fit(
        np.repeat(X, counts, axis=0), np.repeat(y, counts))
    np.testing.assert_array_equal(weighted.intercepts_[0], again.intercepts_[0])
    np.testing.assert_allclose(weighted.intercepts_[0], repeated.intercepts_[0])
    np.testing.assert_allclose(weighted.predict(X), repeated.predict(X), atol=1e-8)
    assert weighted.loss_ == pytest.approx(repeated.loss_, rel=1e-9)


def test_thresholds_lower_the_log_loss_of_a_classifier():
    X, y = make_blobs(200, centers=3, random_state=0, cluster_std=2.0)
    net = _net(SigmoidMLPClassifier, sizes=(4,)).fit(X, y)
    losses = {refit: StepFunctionClassifier(FrozenEstimator(net), refit=refit).fit(X, y).loss_
              for refit in ("none", "output", "thresholds")}
    assert losses["thresholds"] < losses["output"] < losses["none"]


def test_thresholds_lower_the_poisson_loss():
    X, _ = _wave(150)
    y = np.random.RandomState(0).poisson(np.exp(np.sin(2 * X.ravel())))
    net = _net(sizes=(4,), loss="poisson").fit(X, y)
    steps = {refit: StepFunctionRegressor(FrozenEstimator(net), refit=refit).fit(X, y)
             for refit in ("none", "output", "thresholds")}
    assert steps["thresholds"].loss_ < steps["output"].loss_ < steps["none"].loss_
    assert np.all(steps["thresholds"].predict(X) > 0)  # an exponential output


# -- fitted attributes and FrozenEstimator ----------------------------------------


def test_frozen_estimator_is_used_as_it_is():
    X, y = _wave()
    net = _net(sizes=(6,)).fit(X, y)
    before = [c.copy() for c in net.coefs_]
    step = StepFunctionRegressor(FrozenEstimator(net), refit="thresholds").fit(X, y)
    assert step.estimator_.estimator is net
    for c, b in zip(net.coefs_, before):
        np.testing.assert_array_equal(c, b)
    np.testing.assert_array_equal(step.coefs_[0], net.coefs_[0])  # only biases moved
    with pytest.raises(ValueError, match="fitted with 1 features"):
        StepFunctionRegressor(FrozenEstimator(net)).fit(np.hstack([X, X]), y)


def test_thresholds_regions_and_loss():
    X, y = _wave()
    step = StepFunctionRegressor(_net(sizes=(6,)), refit="thresholds").fit(X, y)
    t = step.thresholds_
    assert np.all(np.diff(t) >= 0) and X.min() <= t.min() and t.max() <= X.max()
    expected = -step.intercepts_[0] / step.coefs_[0].ravel()
    assert set(np.round(t, 12)) <= set(np.round(expected, 12))
    pieces = len(np.unique(np.round(step.predict(X), 10)))
    assert pieces <= step.n_regions_ <= len(t) + 1
    residual = step.predict(X) - y
    alpha = step.estimator_.alpha
    penalty = 0.5 * alpha * sum((c ** 2).sum() for c in step.coefs_)
    assert step.loss_ == pytest.approx((0.5 * residual @ residual + penalty) / len(y))
    assert StepFunctionRegressor(_net()).fit(*_plane()).thresholds_ is None


def test_transform_gives_last_layer_codes_and_feature_names():
    X, y = _plane()
    step = StepFunctionRegressor(_net(sizes=(5, 3))).fit(X, y)
    assert step.transform(X).shape == (len(X), 3)
    np.testing.assert_array_equal(step.transform(X), step.hidden_activations(X)[-1])
    assert list(step.get_feature_names_out()) == [
        "stepfunctionregressor0", "stepfunctionregressor1", "stepfunctionregressor2"]


def test_default_estimator_is_a_sigmoid_network():
    X, y = _wave(30)
    step = StepFunctionRegressor().set_params(refit="none")
    assert step.estimator is None
    clf = StepFunctionClassifier()
    assert clf.get_params()["refit"] == "output" and np.isinf(clf.get_params()["sharpness"])
    assert type(StepFunctionRegressor()._default_estimator()) is SigmoidMLPRegressor
    assert type(clf._default_estimator()) is SigmoidMLPClassifier


# -- errors -------------------------------------------------------------------------


@pytest.mark.parametrize("activation", ["relu", "identity"])
def test_activations_without_step_limit_are_refused(activation):
    X, y = _wave(30)
    step = StepFunctionRegressor(_net(activation=activation))
    with pytest.raises(ValueError, match=f"activation='{activation}', which has none"):
        step.fit(X, y)
    assert not hasattr(step, "estimator_")  # no half-fitted state
    clf = StepFunctionClassifier(_net(SigmoidMLPClassifier, activation=activation))
    with pytest.raises(ValueError, match=f"activation='{activation}'"):
        clf.fit(X, y > 0)


def test_wrong_kind_of_estimator_and_parameters_are_refused():
    X, y = _wave(30)
    with pytest.raises(ValueError, match="not a regressor"):
        StepFunctionRegressor(_net(SigmoidMLPClassifier)).fit(X, y > 0)
    with pytest.raises(ValueError, match="not a classifier"):
        StepFunctionClassifier(_net()).fit(X, y > 0)
    with pytest.raises(ValueError, match="'refit' parameter"):
        StepFunctionRegressor(_net(), refit="all").fit(X, y)
    with pytest.raises(ValueError, match="'sharpness' parameter"):
        StepFunctionRegressor(_net(), sharpness=0).fit(X, y)
    net = _net(SigmoidMLPClassifier).fit(X, y > 0)
    with pytest.raises(ValueError, match="not fitted with"):
        StepFunctionClassifier(FrozenEstimator(net)).fit(X, np.where(y > 0, 1, 2))


# -- the quality goals (fixed seeds) -------------------------------------------------


@pytest.fixture(scope="module")
def damped_sine_network():
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    X, y = make_damped_sine()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        net = SigmoidMLPRegressor((10,), learning_rate_init=1e-2, max_iter=5000,
                                  n_iter_no_change=5000, random_state=0,
                                  device="cpu").fit(X, y)
    return X, y, net


def test_damped_sine_goals(damped_sine_network):
    X, y, net = damped_sine_network
    assert net.score(X, y) == pytest.approx(0.83, abs=0.01)
    r2 = {refit: StepFunctionRegressor(FrozenEstimator(net), refit=refit).fit(X, y).score(X, y)
          for refit in ("none", "output", "thresholds")}
    sse, fit = best_piecewise_constant(X, y, n_jumps=10)
    optimum = r2_score(y, fit)
    assert optimum == pytest.approx(1 - sse / ((y - y.mean()) ** 2).sum())
    assert optimum == pytest.approx(0.765, abs=0.001)
    assert r2["none"] < 0
    assert r2["output"] >= 0.60
    assert r2["thresholds"] >= 0.98 * optimum
    assert r2["thresholds"] <= optimum + 1e-12


def test_rings_step_accuracy_equals_smooth_accuracy():
    X, y = make_rings(1000, random_state=0)  # 1,000 points per class
    net = SigmoidMLPClassifier((3,), solver="lbfgs", n_restarts=5, random_state=0,
                               device="cpu").fit(X, y)
    step = StepFunctionClassifier(FrozenEstimator(net), refit="output").fit(X, y)
    assert step.score(X, y) == net.score(X, y)


def test_best_piecewise_constant_matches_brute_force():
    import itertools

    rng = np.random.RandomState(0)
    x, y = rng.randint(0, 7, 30).astype(float), rng.randn(30)
    values = np.unique(x)
    best = np.inf
    for jumps in range(3):
        for cuts in itertools.combinations(range(1, len(values)), jumps):
            edges = [0, *cuts, len(values)]
            sse = 0.0
            for a, b in zip(edges[:-1], edges[1:]):
                part = y[(x >= values[a]) & (x <= values[b - 1])]
                sse += ((part - part.mean()) ** 2).sum()
            best = min(best, sse)
    sse, fit = best_piecewise_constant(x, y, 2)
    assert sse == pytest.approx(best)
    assert ((fit - y) ** 2).sum() == pytest.approx(best)
    assert len(np.unique(fit)) <= 3
    assert clone(StepFunctionRegressor()).refit == "output"
