"""get_params reads each class's __init__ once, and each class its own."""

import inspect

import pytest
from sklearn.base import BaseEstimator, clone

from skorchlite import (SigmoidMLPClassifier, SigmoidMLPRegressor, StepFunctionClassifier,
                        StepFunctionRegressor)


@pytest.mark.parametrize("Estimator", [SigmoidMLPRegressor, SigmoidMLPClassifier,
                                       StepFunctionRegressor, StepFunctionClassifier])
def test_param_names_are_scikit_learns(Estimator):
    # what scikit-learn's own (uncached) reading of the signature gives
    expected = BaseEstimator._get_param_names.__func__(Estimator)
    assert Estimator._get_param_names() == expected
    assert sorted(Estimator().get_params(deep=False)) == expected


def test_each_subclass_reads_its_own_signature(monkeypatch):
    SigmoidMLPRegressor().get_params()  # the parent's names, kept

    class Narrower(SigmoidMLPRegressor):
        def __init__(self, hidden_layer_sizes=(3,), extra=2):
            super().__init__(hidden_layer_sizes)
            self.extra = extra

    names = Narrower._get_param_names()
    assert names == ["extra", "hidden_layer_sizes"]
    assert clone(Narrower(extra=5)).extra == 5
    assert "extra" not in SigmoidMLPRegressor._get_param_names()

    # read once: a second call does not inspect the signature again
    calls = []
    signature = inspect.signature
    monkeypatch.setattr(inspect, "signature", lambda f: calls.append(f) or signature(f))
    Narrower().get_params()
    SigmoidMLPRegressor().get_params()
    assert calls == []
