"""scikit-learn's estimator checks, on both estimators and every solver."""

import pytest
from conftest import ESTIMATORS, SOLVERS
from sklearn.utils.estimator_checks import parametrize_with_checks

from skorchlite import SigmoidMLPClassifier, SigmoidMLPRegressor

# Small networks and few iterations keep the full check suite fast. Every
# solver is checked; none of the checks is marked as an expected failure.
FAST = dict(hidden_layer_sizes=(5,), max_iter=100, learning_rate_init=0.05, device="cpu")
CHECKED = [
    Estimator(solver=solver, **FAST) for Estimator in ESTIMATORS for solver in SOLVERS
] + [SigmoidMLPClassifier(n_restarts=3, **FAST), SigmoidMLPRegressor(n_restarts=3, **FAST)]


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@parametrize_with_checks(CHECKED)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
