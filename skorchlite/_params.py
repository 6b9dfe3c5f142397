"""Constructor-parameter constraints, checked at the start of ``fit``.

A small, self-contained version of scikit-learn's parameter validation (its
own lives in a private module): one table per estimator class, each entry a
list of constraints any one of which the value may satisfy. The estimators'
``_validate_params`` (scikit-learn's hook) runs :func:`validate_params`.
"""

import re
from numbers import Integral, Real

import numpy as np

from ._compat import SklearnInvalidParameterError


def user_repr(value):
    """``repr`` of a value as the user wrote it: numpy scalars and arrays as
    the plain Python numbers and lists they hold (``0``, not ``np.int64(0)``)."""
    if isinstance(value, (np.generic, np.ndarray)):
        value = value.tolist()
    return repr(value)


def check_bool(value, name):
    """Refuse a flag that is not a bool (``step="yes"`` would count as True)."""
    if not isinstance(value, (bool, np.bool_)):
        raise InvalidParameterError(
            f"{name} must be a bool (True or False); got {user_repr(value)} of type "
            f"{type(value).__name__}.")


class InvalidParameterError(SklearnInvalidParameterError):
    """A constructor parameter has a value outside its documented range.

    A subclass of scikit-learn's ``InvalidParameterError``, so it is both a
    ``ValueError`` and a ``TypeError`` and code written for scikit-learn's
    estimators catches it.

    Examples
    --------
    >>> from skorchlite import InvalidParameterError, SigmoidMLPRegressor
    >>> try:
    ...     SigmoidMLPRegressor(alpha=-1.0).fit([[0.0], [1.0]], [0.0, 1.0])
    ... except InvalidParameterError as error:
    ...     print(error)
    The 'alpha' parameter of SigmoidMLPRegressor must be ... Got -1.0 instead.
    """


class Interval:
    """A real or integral number in a range."""

    def __init__(self, kind, low, high, closed):
        self.kind, self.low, self.high, self.closed = kind, low, high, closed

    def __call__(self, value):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, self.kind):
            return False
        if self.low is not None:
            if value < self.low or (value == self.low and self.closed in ("right", "neither")):
                return False
        if self.high is not None:
            if value > self.high or (value == self.high and self.closed in ("left", "neither")):
                return False
        return True

    def __str__(self):
        kind = "an int" if self.kind is Integral else "a float"
        left = "[" if self.closed in ("left", "both") else "("
        right = "]" if self.closed in ("right", "both") else ")"
        low = "-inf" if self.low is None else self.low
        high = "inf" if self.high is None else self.high
        return f"{kind} in the range {left}{low}, {high}{right}"


class Options:
    """One of a fixed set of values."""

    def __init__(self, *values):
        self.values = values

    def __call__(self, value):
        for option in self.values:
            if isinstance(option, str):
                if isinstance(value, str) and value == option:
                    return True
            elif (isinstance(value, Real) and not isinstance(value, (bool, np.bool_))
                  and value == option):
                return True
        return False

    def __str__(self):
        return "one of " + ", ".join(repr(v) for v in self.values)


class Registered(Options):
    """One of the names of a registry (a dict), read when the value is checked,
    so that a name registered later is accepted."""

    def __init__(self, registry):
        self.registry = registry

    @property
    def values(self):
        return tuple(self.registry)


class Boolean:
    def __call__(self, value):
        return isinstance(value, (bool, np.bool_))

    def __str__(self):
        return "a bool"


class RandomState:
    def __call__(self, value):
        return (value is None or isinstance(value, np.random.RandomState)
                or Interval(Integral, 0, 2**32 - 1, "both")(value))

    def __str__(self):
        return "None, an int in [0, 2**32 - 1] or a numpy.random.RandomState"


class LayerSizes:
    """A positive int or a sequence of positive ints (empty: no hidden layer,
    as scikit-learn allows)."""

    def __call__(self, value):
        if Interval(Integral, 1, None, "left")(value):
            return True
        if isinstance(value, (str, bytes, dict)) or not hasattr(value, "__iter__"):
            return False
        return all(Interval(Integral, 1, None, "left")(s) for s in value)

    def __str__(self):
        return "a positive int or a sequence of positive ints (() for no hidden layer)"


class Device:
    """A device name of a known form or a torch.device (whether the device is
    there is checked by fit)."""

    def __call__(self, value):
        import torch

        return isinstance(value, torch.device) or (
            isinstance(value, str) and re.fullmatch(r"auto|cpu|(mps|cuda)(:\d+)?", value)
            is not None)

    def __str__(self):
        return "'auto', 'cpu', 'cuda', 'cuda:N', 'mps', 'mps:0' or a torch.device"


MLP_CONSTRAINTS = {
    "hidden_layer_sizes": [LayerSizes()],
    "activation": [Options("logistic", "tanh", "relu", "identity")],
    "solver": [Options("adam", "sgd", "lbfgs")],  # estimators: the registry's names
    "alpha": [Interval(Real, 0, None, "left")],
    "batch_size": [Options("auto"), Interval(Integral, 1, None, "left")],
    "learning_rate": [Options("constant", "invscaling", "adaptive")],
    "learning_rate_init": [Interval(Real, 0, None, "neither")],
    "power_t": [Interval(Real, 0, None, "left")],
    "max_iter": [Interval(Integral, 1, None, "left")],
    "shuffle": [Boolean()],
    "random_state": [RandomState()],
    "tol": [Interval(Real, 0, None, "left")],
    "verbose": [Boolean(), Interval(Integral, 0, None, "left")],
    "warm_start": [Boolean()],
    "momentum": [Interval(Real, 0, 1, "both")],
    "nesterovs_momentum": [Boolean()],
    "early_stopping": [Boolean()],
    "validation_fraction": [Interval(Real, 0, 1, "left")],
    "beta_1": [Interval(Real, 0, 1, "left")],
    "beta_2": [Interval(Real, 0, 1, "left")],
    "epsilon": [Interval(Real, 0, None, "neither")],
    "n_iter_no_change": [Interval(Integral, 1, None, "left"), Options(np.inf)],
    "max_fun": [Interval(Integral, 1, None, "left")],
    "n_restarts": [Interval(Integral, 1, None, "left")],
    "device": [Device()],
}


def validate_params(estimator):
    """Raise :class:`InvalidParameterError` for the first parameter of
    ``estimator`` that satisfies none of its constraints."""
    params = estimator.get_params(deep=False)
    for name, constraints in estimator._parameter_constraints.items():
        value = params[name]
        if not any(check(value) for check in constraints):
            expected = " or ".join(str(c) for c in constraints)
            raise InvalidParameterError(
                f"The {name!r} parameter of {type(estimator).__name__} must be "
                f"{expected}. Got {user_repr(value)} instead.")
