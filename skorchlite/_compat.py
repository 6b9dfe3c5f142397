"""The one place that imports private scikit-learn names.

scikit-learn moves its private modules between releases; anything skorchlite
needs from them is imported here only, with a fallback.
"""

try:  # scikit-learn's own parameter-validation error (not exported publicly)
    from sklearn.utils._param_validation import (
        InvalidParameterError as SklearnInvalidParameterError,
    )
except ImportError:  # pragma: no cover - a future scikit-learn that moved it

    class SklearnInvalidParameterError(ValueError, TypeError):
        """Stand-in for scikit-learn's ``InvalidParameterError``."""


__all__ = ["SklearnInvalidParameterError"]
