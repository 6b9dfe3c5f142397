"""hidden_layer_sizes=(): a linear or logistic model, as scikit-learn fits it."""

import re
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor

from skorchlite import SigmoidMLPClassifier, SigmoidMLPRegressor

SOLVERS = ["adam", "sgd", "lbfgs"]
ESTIMATORS = [SigmoidMLPRegressor, SigmoidMLPClassifier]

rng = np.random.RandomState(0)
X = rng.uniform(-2, 2, (40, 2))
Y = {SigmoidMLPRegressor: np.sin(X[:, 0]) + 0.5 * X[:, 1],
     SigmoidMLPClassifier: np.digitize(X[:, 0], [-1, 1])}


def fit_quietly(est, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(X, y)


SKLEARN = {SigmoidMLPRegressor: MLPRegressor, SigmoidMLPClassifier: MLPClassifier}


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("sizes", [(), []])
def test_no_hidden_layer_matches_sklearn(Estimator, solver, sizes):
    y = Y[Estimator]
    params = {"hidden_layer_sizes": sizes, "solver": solver, "max_iter": 15,
              "random_state": 0}
    ours = fit_quietly(Estimator(**params), X, y)
    theirs = fit_quietly(SKLEARN[Estimator](activation="logistic", **params), X, y)
    assert ours.n_layers_ == theirs.n_layers_ == 2
    assert [c.shape for c in ours.coefs_] == [c.shape for c in theirs.coefs_]
    np.testing.assert_allclose(ours.coefs_[0], theirs.coefs_[0], rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(ours.intercepts_[0], theirs.intercepts_[0], rtol=1e-7,
                               atol=1e-9)
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.loss_ == pytest.approx(theirs.loss_, rel=1e-9)
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-12)
    assert ours.hidden_activations(X) == []
    np.testing.assert_array_equal(ours.predict_step(X), ours.predict(X))
    with pytest.raises(ValueError, match=re.escape("has none (hidden_layer_sizes=")):
        ours.transform(X)
    with pytest.raises(ValueError, match="Use predict, or fit with at least one hidden"):
        ours.get_feature_names_out()


@pytest.mark.parametrize("solver", SOLVERS)
def test_no_hidden_layer_binary_and_restarts(solver):
    y = (X[:, 0] > 0.3).astype(int)
    clf = SigmoidMLPClassifier((), solver=solver, max_iter=30, n_restarts=3,
                               learning_rate_init=0.1, random_state=0)
    fit_quietly(clf, X, y)
    assert clf.coefs_[0].shape == (2, 1) and clf.restart_losses_.shape == (3,)
    assert clf.score(X, y) > 0.8
