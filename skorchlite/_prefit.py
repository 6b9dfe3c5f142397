"""Fits computed ahead of time, by a batched search.

While :class:`skorchlite.model_selection.BatchedGridSearchCV` runs, a
:class:`PrefitSession` is active in the current context. Every skorchlite
``fit`` asks :func:`solver_for` for its solver and gets one that consults the
session first:

- in the *capture* pass, the fit stops just before training and hands the
  search the exact problem it would solve (initial weights, training and
  validation rows, options, the random state as far as it has been drawn),
  by raising :class:`Captured`;
- afterwards, scikit-learn's own candidate x fold loop fits every member
  again; each fit finds the result the search computed for its problem (same
  parameters, same training data) and installs it instead of training.

Everything before and after the solver (validation, initialisation, keeping
the best restart, the fitted attributes) is the estimator's own code, so a
fit that takes its result from the session has exactly the attributes of a
real fit. A fit whose problem is not in the session trains as usual.
"""

import contextlib
import contextvars
import copy
import hashlib

import numpy as np

_SESSION = contextvars.ContextVar("skorchlite_prefit_session", default=None)


class Captured(BaseException):
    """Raised in the capture pass to stop a fit right before training.

    A ``BaseException``, so that no ``except Exception`` of a meta-estimator
    between the search and the skorchlite estimator swallows it.
    """

    def __init__(self, problem):
        super().__init__("captured")
        self.problem = problem


class Problem:
    """What one single fit would hand its solver."""

    def __init__(self, key, solver, net, data, options, state, random_state):
        self.key = key
        self.solver = solver
        self.net = net
        self.data = data
        self.options = options
        self.state = state
        self.random_state = random_state


class PrefitSession:
    """Results computed ahead of the fits, keyed by :func:`problem_key`."""

    def __init__(self):
        self.capturing = False
        self.results = {}
        self.hits = 0

    @contextlib.contextmanager
    def capture(self):
        self.capturing = True
        try:
            yield
        finally:
            self.capturing = False

    def solve(self, estimator, solver, net, data, options, state, random_state,
              incremental=False, monitor=None):
        """``net`` is the network, or a callable that builds it: a fit that
        installs a result needs none (on a GPU, building one uploads it)."""
        fresh = not incremental and not any(state.loss_curves)
        if not fresh:
            return solver(_built(net), data, options, state, random_state, incremental,
                          monitor=monitor)
        key = problem_key(estimator, data)
        if self.capturing:
            raise Captured(Problem(key, options.solver, _built(net), data, options, state,
                                   random_state))
        found = self.results.get(key)
        if found is None:
            return solver(_built(net), data, options, state, random_state, incremental,
                          monitor=monitor)
        result, trained_state = _copied(*found)
        vars(state).update(vars(trained_state))
        self.hits += 1
        return result


def _built(net):
    """The network, built now if it came as a callable that builds it."""
    return net() if callable(net) else net


@contextlib.contextmanager
def active_session(session):
    """Make ``session`` the one every fit in this context consults."""
    token = _SESSION.set(session)
    try:
        yield session
    finally:
        _SESSION.reset(token)


def solver_for(estimator, solver):
    """``solver``, or while a session is active, the session's stand-in for it."""
    session = _SESSION.get()
    if session is None:
        return solver

    def solve(net, data, options, state, random_state, incremental=False, monitor=None):
        # a result trained ahead in a batch is installed without its epochs:
        # the monitor (callbacks) sees only fits that train here
        return session.solve(estimator, solver, net, data, options, state, random_state,
                             incremental, monitor)
    return solve


def _copied(result, state):
    """Copies of a stored result and state (cheaper than a deep copy)."""
    result = copy.copy(result)
    for name, value in vars(result).items():
        if isinstance(value, np.ndarray):
            setattr(result, name, value.copy())
        elif isinstance(value, list):
            setattr(result, name, [v.copy() if isinstance(v, np.ndarray) else v
                                   for v in value])
    state = copy.copy(state)
    for name, value in vars(state).items():
        if isinstance(value, np.ndarray):
            setattr(state, name, value.copy())
        elif isinstance(value, list):
            setattr(state, name, [list(v) for v in value])
        elif isinstance(value, dict):
            setattr(state, name, {k: (v.copy() if isinstance(v, np.ndarray) else v)
                                  for k, v in value.items()})
    return result, state


def _token(value):
    """A hashable, exact stand-in for a parameter value."""
    if isinstance(value, np.random.RandomState):
        state = value.get_state()
        return ("RandomState", hashlib.blake2b(state[1].tobytes(), digest_size=16)
                .hexdigest(), state[2:])
    if isinstance(value, (list, tuple)):
        return tuple(_token(v) for v in value)
    return repr(value)


def fingerprint(array):
    """Shape, dtype and a hash of the bytes of an array (None stays None)."""
    if array is None:
        return None
    array = np.ascontiguousarray(array)
    return (array.shape, array.dtype.str,
            hashlib.blake2b(memoryview(array).cast("B"), digest_size=16).hexdigest())


def problem_key(estimator, data):
    """Identifies a fit: the estimator's class and parameters and the exact
    training (and validation) arrays its solver gets."""
    return (type(estimator).__qualname__,
            tuple((name, _token(getattr(estimator, name)))
                  for name in estimator._get_param_names()),
            tuple(fingerprint(getattr(data, name)) for name in (
                "X", "Y", "sample_weight", "X_val", "Y_val", "sample_weight_val")))
