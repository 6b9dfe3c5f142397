"""Docstrings document exactly the parameters the signatures have."""

import inspect
import re

import numpy as np
import pandas as pd
import pytest
from conftest import ALL_ESTIMATORS, ESTIMATORS

import skorchlite
from skorchlite import (SigmoidMLPClassifier, SigmoidMLPRegressor, StepFunctionClassifier,
                        StepFunctionRegressor)
from skorchlite._docstrings import Substitution, _shared_docs

METHODS = ["fit", "partial_fit", "predict", "predict_proba", "predict_log_proba",
           "transform", "hidden_activations"]


def _documented(doc, section="Parameters"):
    """Names in a numpydoc section (``name : type`` lines, least indented)."""
    match = re.search(rf"\n( *){section}\n\1-+\n(.*?)(\n\1[A-Z][A-Za-z ]+\n\1-+\n|\Z)",
                      doc, re.S)
    assert match, f"no {section} section"
    indent = match.group(1)
    return re.findall(rf"^{indent}(\w+) :", match.group(2), re.M)


@pytest.mark.parametrize("Estimator", ALL_ESTIMATORS)
def test_class_docstring_matches_init(Estimator):
    signature = [p for p in inspect.signature(Estimator.__init__).parameters if p != "self"]
    assert sorted(_documented(Estimator.__doc__)) == sorted(signature)


@pytest.mark.parametrize("Estimator", ALL_ESTIMATORS)
@pytest.mark.parametrize("method", METHODS)
def test_method_docstrings_match_signatures(Estimator, method):
    if not hasattr(Estimator, method):
        pytest.skip(f"{Estimator.__name__} has no {method}")
    func = getattr(Estimator, method)
    signature = [p for p in inspect.signature(func).parameters if p != "self"]
    doc = inspect.getdoc(func)
    assert _documented("\n" + doc) == signature
    assert "Examples\n--------" in doc, f"{method} has no Examples section"


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_documented_attributes_exist_after_fit(Estimator):
    documented = _documented(Estimator.__doc__, "Attributes")
    X = np.random.RandomState(0).randn(30, 2)
    y = (X[:, 0] > 0).astype(int)
    est = Estimator((3,), max_iter=5, device="cpu")
    with pytest.warns(Warning):
        est.fit(pd.DataFrame(X, columns=["a", "b"]), y)
    missing = [name for name in documented if not hasattr(est, name)]
    assert not missing
    fitted = [name for name in vars(est) if name.endswith("_") and not name.startswith("_")]
    assert not sorted(set(fitted) - set(documented))  # every fitted attribute documented


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_shared_documentation_has_one_source(Estimator):
    """Every shared entry appears in each estimator's docstring exactly as
    written in _docstrings.py, and no placeholder is left unfilled."""
    doc = Estimator.__doc__
    assert "%(" not in doc
    shared = [key for key in _shared_docs if key.startswith(("param_", "attr_"))]
    for key in shared:
        assert _shared_docs[key] in doc, key
    names = _documented(doc) + _documented(doc, "Attributes")
    assert {key.split("_", 1)[1] for key in shared} <= set(names)


@Substitution(**_shared_docs)
class _Documented:
    """A class that shares one parameter.

    Parameters
    ----------
    %(param_alpha)s
    """

    def __init__(self, alpha=1e-4):
        self.alpha = alpha


def test_substitution_fills_placeholders():
    assert "    alpha : float, default=1e-4\n        Strength" in _Documented.__doc__
    assert _documented(_Documented.__doc__) == ["alpha"]


def test_every_public_name_has_an_example():
    for name in skorchlite.__all__:
        obj = getattr(skorchlite, name)
        if inspect.isclass(obj) and not issubclass(obj, Exception):
            assert "Examples\n    --------" in obj.__doc__, name


@pytest.mark.parametrize("Step, Net", [(StepFunctionRegressor, SigmoidMLPRegressor),
                                       (StepFunctionClassifier, SigmoidMLPClassifier)])
def test_documented_step_attributes_exist_after_fit(Step, Net):
    documented = _documented(Step.__doc__, "Attributes")
    X = np.random.RandomState(0).randn(30, 2)
    y = (X[:, 0] > 0).astype(int)
    step = Step(Net((3,), solver="lbfgs", device="cpu")).fit(
        pd.DataFrame(X, columns=["a", "b"]), y)
    missing = [name for name in documented if not hasattr(step, name)]
    assert not missing
    assert list(step.feature_names_in_) == ["a", "b"]
