"""Docstrings document exactly the parameters the signatures have."""

import inspect
import re

import pytest

import skorchlite
from skorchlite import (SigmoidMLPClassifier, SigmoidMLPRegressor, StepFunctionClassifier,
                        StepFunctionRegressor)

METHODS = ["fit", "partial_fit", "predict", "predict_proba", "predict_log_proba",
           "transform", "hidden_activations"]
ESTIMATORS = [SigmoidMLPRegressor, SigmoidMLPClassifier, StepFunctionRegressor,
              StepFunctionClassifier]


def _documented(doc, section="Parameters"):
    """Names in a numpydoc section (``name : type`` lines, least indented)."""
    match = re.search(rf"\n( *){section}\n\1-+\n(.*?)(\n\1[A-Z][A-Za-z ]+\n\1-+\n|\Z)",
                      doc, re.S)
    assert match, f"no {section} section"
    indent = match.group(1)
    return re.findall(rf"^{indent}(\w+) :", match.group(2), re.M)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_class_docstring_matches_init(Estimator):
    signature = [p for p in inspect.signature(Estimator.__init__).parameters if p != "self"]
    assert sorted(_documented(Estimator.__doc__)) == sorted(signature)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize("method", METHODS)
def test_method_docstrings_match_signatures(Estimator, method):
    if not hasattr(Estimator, method):
        pytest.skip(f"{Estimator.__name__} has no {method}")
    func = getattr(Estimator, method)
    signature = [p for p in inspect.signature(func).parameters if p != "self"]
    doc = inspect.getdoc(func)
    assert _documented("\n" + doc) == signature
    assert "Examples\n--------" in doc, f"{method} has no Examples section"


@pytest.mark.parametrize("Estimator", [SigmoidMLPRegressor, SigmoidMLPClassifier])
def test_documented_attributes_exist_after_fit(Estimator):
    import numpy as np

    documented = _documented(Estimator.__doc__, "Attributes")
    X = np.random.RandomState(0).randn(30, 2)
    y = (X[:, 0] > 0).astype(int)
    est = Estimator((3,), max_iter=5, device="cpu")
    import pandas as pd

    with pytest.warns(Warning):
        est.fit(pd.DataFrame(X, columns=["a", "b"]), y)
    missing = [name for name in documented if not hasattr(est, name)]
    assert not missing


def test_every_public_name_has_an_example():
    for name in skorchlite.__all__:
        obj = getattr(skorchlite, name)
        if inspect.isclass(obj) and not issubclass(obj, Exception):
            assert "Examples\n    --------" in obj.__doc__, name


@pytest.mark.parametrize("Step, Net", [(StepFunctionRegressor, SigmoidMLPRegressor),
                                       (StepFunctionClassifier, SigmoidMLPClassifier)])
def test_documented_step_attributes_exist_after_fit(Step, Net):
    import numpy as np
    import pandas as pd

    documented = _documented(Step.__doc__, "Attributes")
    X = np.random.RandomState(0).randn(30, 2)
    y = (X[:, 0] > 0).astype(int)
    step = Step(Net((3,), solver="lbfgs", device="cpu")).fit(
        pd.DataFrame(X, columns=["a", "b"]), y)
    missing = [name for name in documented if not hasattr(step, name)]
    assert not missing
    assert list(step.feature_names_in_) == ["a", "b"]
