"""The one place that imports private scikit-learn names.

scikit-learn moves its private modules between releases; anything skorchlite
needs from them is imported here only, with a fallback.
"""

from sklearn.utils import _safe_indexing
from sklearn.utils.validation import _num_samples

try:  # scikit-learn's own parameter-validation error (not exported publicly)
    from sklearn.utils._param_validation import (
        InvalidParameterError as SklearnInvalidParameterError,
    )
except ImportError:  # pragma: no cover - a future scikit-learn that moved it

    class SklearnInvalidParameterError(ValueError, TypeError):
        """Stand-in for scikit-learn's ``InvalidParameterError``."""


try:  # how a *SearchCV indexes fit parameters for one fold
    from sklearn.utils.validation import _check_method_params
except ImportError:  # pragma: no cover
    _check_method_params = None


def check_method_params(X, params, indices=None):
    """Fit parameters for the rows ``indices`` of X, as scikit-learn's
    cross-validation passes them to ``fit``: arrays with one entry per row of
    X are indexed, anything else is passed through."""
    if _check_method_params is not None:
        return _check_method_params(X, params=params, indices=indices)
    out = {}
    for name, value in params.items():
        if hasattr(value, "__len__") and _num_samples(value) == _num_samples(X):
            out[name] = _safe_indexing(value, indices) if indices is not None else value
        else:
            out[name] = value
    return out


def routed_fit_params(search, params):
    """The parameters a ``*SearchCV`` passes to its estimator's ``fit``
    (``params`` minus ``groups``, or as metadata routing routes them)."""
    routed = getattr(search, "_get_routed_params_for_fit", None)
    if routed is not None:
        return dict(routed(params).estimator.fit)
    from sklearn import get_config  # pragma: no cover

    if get_config()["enable_metadata_routing"]:  # pragma: no cover
        from sklearn.utils.metadata_routing import process_routing

        return dict(process_routing(search, "fit", **params).estimator.fit)
    return {k: v for k, v in params.items() if k != "groups"}  # pragma: no cover


def num_samples(X):
    """Number of rows of an array-like, a sparse matrix or a data frame."""
    return _num_samples(X)


def search_cv(search, y):
    """The cv splitter a ``*SearchCV``'s ``fit`` checked and split with.

    scikit-learn keeps it (``_checked_cv_orig``) so that a one-shot iterable
    of splits (a generator) is consumed only once; checking ``search.cv``
    again is the fallback for a scikit-learn that does not."""
    from sklearn.base import is_classifier
    from sklearn.model_selection import check_cv

    checked = getattr(search, "_checked_cv_orig", None)
    if checked is not None:
        return checked
    return check_cv(search.cv, y, classifier=is_classifier(search.estimator))  # pragma: no cover


class CachedParamNamesMixin:
    """Reads ``__init__``'s parameter names once per class.

    scikit-learn's ``BaseEstimator._get_param_names`` (private) inspects the
    signature of ``__init__`` on every ``get_params``, so on every ``clone``:
    about 0.2 ms, which a search pays several times per fit. The signature of
    a class never changes, so the names are kept on the class. Where a future
    scikit-learn no longer calls this method, nothing changes but the speed.
    """

    @classmethod
    def _get_param_names(cls):
        names = cls.__dict__.get("_skorchlite_param_names")
        if names is None:
            names = super()._get_param_names()
            cls._skorchlite_param_names = names
        return names


__all__ = ["CachedParamNamesMixin", "SklearnInvalidParameterError", "check_method_params",
           "num_samples", "routed_fit_params", "search_cv"]
