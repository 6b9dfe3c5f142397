"""Shared fixtures, and the lists every parametrised test takes its cases
from: a new estimator, solver or display is tested by the existing tests
without editing them."""

import numpy as np
import pytest
import torch

from skorchlite import (SigmoidMLPClassifier, SigmoidMLPRegressor, StepFunctionClassifier,
                        StepFunctionRegressor, plotting)
from skorchlite._registry import SOLVERS as _SOLVER_SPECS

ESTIMATORS = [SigmoidMLPRegressor, SigmoidMLPClassifier]  # the networks, trained by SOLVERS
STEP_ESTIMATORS = [StepFunctionRegressor, StepFunctionClassifier]
ALL_ESTIMATORS = ESTIMATORS + STEP_ESTIMATORS
SOLVERS = list(_SOLVER_SPECS)  # every registered solver
STOCHASTIC_SOLVERS = [name for name, spec in _SOLVER_SPECS.items() if spec.stochastic]
# the Display classes (from_estimator / plot) of skorchlite.plotting
DISPLAYS = [getattr(plotting, name) for name in plotting.__all__ if name.endswith("Display")]


@pytest.fixture(autouse=True)
def _seed():
    """Every test starts from the same global seeds."""
    np.random.seed(0)
    torch.manual_seed(0)


@pytest.fixture
def sine():
    rng = np.random.RandomState(0)
    X = np.sort(rng.uniform(0, 2 * np.pi, 120)).reshape(-1, 1)
    y = np.sin(X).ravel() + 0.1 * rng.randn(120)
    return X, y


@pytest.fixture
def blobs():
    from sklearn.datasets import make_blobs

    X, y = make_blobs(90, centers=3, n_features=2, random_state=0, cluster_std=1.5)
    return X, y
