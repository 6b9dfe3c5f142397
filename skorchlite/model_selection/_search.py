"""BatchedGridSearchCV: scikit-learn's GridSearchCV, every fit batched."""

import contextlib
import threading
import time
import warnings

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, ParameterGrid
from sklearn.utils import _safe_indexing, indexable

from .._callbacks import BatchedTrainingMonitor, carries_callbacks
from .._base import BaseSigmoidMLP
from .._compat import check_method_params, num_samples, routed_fit_params, search_cv
from .._prefit import Captured, PrefitSession, active_session
from .._step import _BaseStepFunction
from ._batched import cheap_to_add, train_problems

_BATCHED_SOLVERS = ("adam", "sgd")


class BatchedGridSearchCV(GridSearchCV):
    """Exhaustive search over a parameter grid, all fits trained at once.

    scikit-learn's :class:`~sklearn.model_selection.GridSearchCV`, with the
    same parameters (minus ``n_jobs`` and ``pre_dispatch``), fitted
    attributes and ``cv_results_``, for a skorchlite estimator (alone, as the
    last step of a :class:`~sklearn.pipeline.Pipeline`, or inside another
    meta-estimator). Before scikit-learn's candidate x fold loop runs, every
    fit of the search is prepared exactly as its own ``fit`` would prepare
    it, and all candidates x folds x restarts that use ``solver="adam"`` or
    ``"sgd"`` are trained together in batched networks (one per group of
    equal depth, activations, solver and loss; narrower hidden layers are
    zero-padded and masked, every member keeps its own ``alpha``,
    ``learning_rate_init`` and other settings, its own training rows,
    minibatches and stopping). The loop then fits each member by installing
    its precomputed result, and scores it with scikit-learn's own code.

    Each member's fitted state equals that of
    ``clone(estimator).set_params(**candidate).fit(X[train], y[train])``
    (up to floating-point rounding), so with an int ``random_state`` the
    scores equal those of ``GridSearchCV``. ``solver="lbfgs"`` members are
    fitted one by one, each with its own scipy L-BFGS-B run, as in
    ``GridSearchCV`` (batching would change their arithmetic, which L-BFGS
    amplifies).

    Parameters
    ----------
    estimator : estimator object
        A skorchlite estimator, or a pipeline or meta-estimator that fits
        one. Other estimators work too: scikit-learn's loop fits them one by
        one, each fit once, as ``GridSearchCV`` does.

    param_grid : dict or list of dicts
        Parameter names (``hidden_layer_sizes``, ``alpha``,
        ``sigmoidmlpregressor__alpha`` ...) mapped to lists of values, as in
        ``GridSearchCV``.

    scoring : str, callable, list, tuple or dict, default=None
        Strategy to evaluate the cross-validated models, as in
        ``GridSearchCV`` (several metrics with a list or dict).

    refit : bool, str or callable, default=True
        Refit the best estimator on the whole data set (with several
        metrics, the name of the one that chooses it), as in
        ``GridSearchCV``.

    cv : int, cross-validation generator or iterable, default=None
        Splitting strategy, as in ``GridSearchCV`` (None: 5 folds,
        stratified for classifiers).

    verbose : int, default=0
        0: silent; 1: the groups and batches trained together and
        scikit-learn's messages; 2 and more: also one line per epoch.

    error_score : 'raise' or numeric, default=np.nan
        Score given to a fit that raises, as in ``GridSearchCV``.

    return_train_score : bool, default=False
        Whether ``cv_results_`` includes training scores.

    Attributes
    ----------
    cv_results_ : dict of numpy (masked) ndarrays
        The same keys and values as ``GridSearchCV``'s.

    best_estimator_ : estimator
        The estimator refitted on the whole data with the best parameters
        (``refit`` only).

    best_score_ : float
        Mean cross-validated score of the best candidate.

    best_params_ : dict
        Parameters of the best candidate.

    best_index_ : int
        Index of the best candidate in ``cv_results_``.

    scorer_ : function or dict
        The scorer(s) used.

    n_splits_ : int
        Number of cross-validation splits.

    refit_time_ : float
        Seconds spent refitting the best estimator.

    multimetric_ : bool
        Whether several metrics were evaluated (``n_features_in_``,
        ``feature_names_in_`` and ``classes_`` are also ``GridSearchCV``'s).

    See Also
    --------
    sklearn.model_selection.GridSearchCV : The search this one reproduces.

    Notes
    -----
    Where it differs from ``GridSearchCV``:

    - no ``n_jobs`` or ``pre_dispatch``: passing them raises the usual
      ``TypeError`` (``set_params``: ``ValueError``). The batched networks
      use the estimator's device and torch's threads instead.
    - an estimator that fits no skorchlite network (``Ridge``,
      ``MLPRegressor``, a pipeline ending in one) is fitted by scikit-learn's
      loop once per candidate x fold, one fit after the other, as
      ``GridSearchCV(n_jobs=None)`` fits it; so is a nested
      ``BatchedGridSearchCV`` (it batches its own fits), and an estimator
      that builds a skorchlite network inside its ``fit`` (not among its
      parameters). The steps of a pipeline before a skorchlite estimator
      are fitted twice per fit: once to prepare the batched training, once
      in scikit-learn's loop.
    - ``random_state``: with an int, the scores equal ``GridSearchCV``'s.
      A ``numpy.random.RandomState`` instance behaves as in ``GridSearchCV``:
      ``clone`` deep-copies it, so every member starts from a copy of its
      state, and the scores are equal too. With None each member is a valid
      fit from random draws of its own, but not the draws ``GridSearchCV``
      would make; members that also use ``early_stopping`` draw their
      validation split anew in each fit, so they train one by one.
    - ``refit_time_``: on small data the refit trains along with the
      members (``verbose`` says so); ``refit_time_`` is then the time to
      install its result, not to train it.
    - ``verbose`` prints scikit-learn's lines and, before them, its own
      (prefixed ``[BatchedGridSearchCV]`` and ``[group g/G, batch b/B]``).
    - an estimator with ``verbose=True`` prints its iterations only in the
      fits that train in scikit-learn's loop (lbfgs members, and those an
      estimator with callbacks of its own keeps there); a member trained in
      a batch prints nothing when its result is installed. The search's
      ``verbose=2`` prints the batches' epochs instead.
    - warnings: the pass that prepares the batched training silences the
      warnings its fits give (scikit-learn's loop gives them again, as in
      ``GridSearchCV``), in the main thread only. Python's warning filters
      are the whole process's, and changing them while searches run in
      other threads could leave every warning silenced; so a search fitted
      in another thread gives the warnings of its preparing fits too (a
      ``DataConversionWarning`` can then appear once more).

    The batched networks of one group are cut into batches that fit in
    memory: scikit-learn's ``working_memory`` (``sklearn.set_config``,
    default 1024 MiB) on the CPU, half the free memory on a GPU. A member
    too large for a GPU on its own raises a ``MemoryError``.

    With scikit-learn's callback API (``set_callbacks``, or callbacks
    propagated from a meta-estimator), the batched training is a task of the
    search::

        fit
        ├── search                                  N + 1 subtasks
        │   ├── batched-training #N                 one subtask per batch
        │   │   ├── group 1/2, batch 1/1 (48 networks) #0
        │   │   │   ├── epoch #0                    one per epoch it runs
        │   │   │   └── ...
        │   │   └── group 2/2, batch 1/1 (24 networks) #1
        │   ├── candidate-split-evaluation #0       N = candidates x folds,
        │   └── ...                                 as in GridSearchCV
        └── refit-with-best-params

    A callback that returns True at the end of an epoch task stops that
    batch: each member still training stops there, as its single fit stops
    when its callback asks it to. Callbacks never change the results. An
    estimator that carries callbacks of its own is fitted in scikit-learn's
    loop, one fit after the other, so that its callbacks see every epoch.

    Examples
    --------
    >>> import numpy as np
    >>> from skorchlite import SigmoidMLPRegressor
    >>> from skorchlite.model_selection import BatchedGridSearchCV
    >>> rng = np.random.RandomState(0)
    >>> X = rng.uniform(-2, 2, (60, 1))
    >>> y = np.sin(2 * X).ravel()
    >>> search = BatchedGridSearchCV(
    ...     SigmoidMLPRegressor(max_iter=20, random_state=0, device="cpu"),
    ...     {"hidden_layer_sizes": [(2,), (8,)], "alpha": [1e-4, 1e-2]}, cv=3)
    >>> search = search.fit(X, y)
    >>> sorted(search.best_params_)
    ['alpha', 'hidden_layer_sizes']
    """

    _parameter_constraints: dict = {
        name: constraint for name, constraint in GridSearchCV._parameter_constraints.items()
        if name not in ("n_jobs", "pre_dispatch")}

    def __init__(self, estimator, param_grid, *, scoring=None, refit=True, cv=None,
                 verbose=0, error_score=np.nan, return_train_score=False):
        super().__init__(estimator, param_grid, scoring=scoring, n_jobs=None, refit=refit,
                         cv=cv, verbose=verbose, pre_dispatch="2*n_jobs",
                         error_score=error_score, return_train_score=return_train_score)

    def fit(self, X, y=None, **params):
        """Run fit with all sets of parameters.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs), default=None
            Target values.
        **params : dict of str -> object
            Parameters of the estimator's ``fit`` (``sample_weight``), of the
            cv splitter (``groups``) and of the scorer, as in
            ``GridSearchCV.fit``.

        Returns
        -------
        self : object
            The fitted search.

        Examples
        --------
        >>> import numpy as np
        >>> from skorchlite import SigmoidMLPClassifier
        >>> from skorchlite.model_selection import BatchedGridSearchCV
        >>> rng = np.random.RandomState(0)
        >>> X = rng.randn(60, 2)
        >>> y = (X[:, 0] * X[:, 1] > 0).astype(int)
        >>> search = BatchedGridSearchCV(
        ...     SigmoidMLPClassifier(max_iter=10, random_state=0, device="cpu"),
        ...     {"hidden_layer_sizes": [(2,), (4,)]}, cv=3).fit(X, y)
        >>> len(search.cv_results_["params"])
        2
        """
        session = PrefitSession()
        # routed when the batched training starts, after scikit-learn's fit
        # has validated the search's parameters, as GridSearchCV routes them
        self._batched_fit_params = params
        self._batched_session = session
        try:
            with active_session(session):
                super().fit(X, y, **params)
        finally:
            del self._batched_fit_params, self._batched_session
            # how many of the loop's fits installed a batched result (tests)
            self._n_batched_fits = session.hits
        return self

    def _run_search(self, evaluate_candidates, *, callback_ctx=None):
        """scikit-learn's grid search, with every fit trained ahead of the
        loop: the splitter handed to the loop trains the members on the very
        splits it returns. Its ``search`` task (as ``GridSearchCV``'s) has
        room for one more subtask, the batched training."""
        candidates = list(ParameterGrid(self.param_grid))
        search_ctx = None
        if callback_ctx is not None:
            search_ctx = callback_ctx.subcontext(
                task_name="search", max_subtasks=len(candidates) * self.n_splits_ + 1,
                sequential_subtasks=False).call_on_fit_task_begin(estimator=self)
        splitter = _BatchedSplits(self, candidates, search_ctx)
        evaluate_candidates(candidates, cv=splitter, callback_ctx=search_ctx)
        if search_ctx is not None:
            search_ctx.call_on_fit_task_end(estimator=self)

    def _train_ahead(self, X, y, splits, candidates, callback_ctx=None):
        """Capture every candidate x fold fit and train the batchable ones
        (a ``batched-training`` task below ``callback_ctx``, after the ids of
        the loop's candidate x fold evaluations, when callbacks are set)."""
        start = time.time()
        session, fit_params = self._batched_session, self._batched_fit_params
        X_checked, _ = indexable(X, y)
        fit_params = routed_fit_params(self, check_method_params(X_checked, fit_params))
        base = clone(self.estimator)
        # only a fit that reaches a skorchlite estimator stops before training
        # in the capture pass; any other would train twice (GridSearchCV's
        # loop fits it, once, as usual)
        batchable = [candidate for candidate in candidates
                     if _fits_skorchlite(_candidate(base, candidate))]
        problems = []
        with session.capture(), _quietly():
            for candidate in batchable:
                for train, _ in splits:
                    problem = _capture(base, candidate, X, y, train, fit_params)
                    if problem is not None:
                        problems.append(problem)
        unique = {p.key: p for p in problems if p.solver in _BATCHED_SOLVERS}
        if self.refit and unique:
            # the refit on all rows, trained with the rest when that is cheap
            full = np.arange(num_samples(X))
            with session.capture(), _quietly():
                refits = [_capture(base, candidate, X, y, full, fit_params)
                          for candidate in batchable]
            refits = [p for p in refits if p is not None and p.solver in _BATCHED_SOLVERS]
            if cheap_to_add(refits):
                unique.update((p.key, p) for p in refits)
        if self.verbose:
            print("[BatchedGridSearchCV] %d of %d fits captured; training %d adam/sgd "
                  "problems (%d networks) together, %d lbfgs fits one by one"
                  % (len(problems), len(candidates) * len(splits), len(unique),
                     sum(p.net.n_restarts for p in unique.values()),
                     len(problems) - sum(p.solver in _BATCHED_SOLVERS for p in problems)))
            watched = len(splits) * sum(
                estimator is not None and carries_callbacks(estimator)
                for estimator in (_candidate(base, c) for c in candidates))
            if watched:
                print("[BatchedGridSearchCV] %d fits of an estimator with callbacks of its "
                      "own train one by one in the loop, their callbacks watching" % watched)
        monitor = BatchedTrainingMonitor.start(
            self, callback_ctx, None if callback_ctx is None
            or callback_ctx.sequential_subtasks else len(candidates) * len(splits))
        session.results.update(train_problems(list(unique.values()), self.verbose, monitor))
        if self.verbose:
            print("[BatchedGridSearchCV] batched training took %.2f s" % (time.time() - start))


@contextlib.contextmanager
def _quietly():
    """Ignore warnings during a capture pass (the loop's fits give them
    again), in the main thread only.

    The warning filters are the process's (before Python 3.14's context-aware
    warnings): ``warnings.catch_warnings`` saves the filter list and puts it
    back on exit, so when searches (or scikit-learn's parallel loops) in other
    threads interleave theirs, a list holding this "ignore" can be put back
    for good, silencing every warning. A search running in another thread
    leaves the filters alone, and its capture pass warns as its fits do.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _candidate(base, candidate):
    """A clone of ``base`` with one candidate's parameters (None if they
    cannot be set: the search's loop reports that)."""
    try:
        return clone(base).set_params(**clone(candidate, safe=False))
    except Exception:
        return None


def _fits_skorchlite(estimator):
    """Whether fitting ``estimator`` fits a skorchlite network that a batched
    search can train ahead: the estimator itself, or one among its parameters
    (a pipeline's step, a meta-estimator's ``estimator``), not counting those
    of a nested batched search, which trains its own fits ahead."""
    if isinstance(estimator, BatchedGridSearchCV):
        return False
    if isinstance(estimator, (BaseSigmoidMLP, _BaseStepFunction)):
        return True
    if isinstance(estimator, (list, tuple)):
        return any(_fits_skorchlite(item) for item in estimator)
    if isinstance(estimator, type) or not hasattr(estimator, "get_params"):
        return False
    try:
        params = estimator.get_params(deep=False)
    except Exception:
        return True  # cannot tell: let the capture pass find out
    return any(_fits_skorchlite(value) for value in params.values())


def _capture(base, candidate, X, y, train, fit_params):
    """The problem one candidate x fold fit would solve, or None (then the
    search's loop trains it as an ordinary fit)."""
    estimator = _candidate(base, candidate)
    if estimator is None or carries_callbacks(estimator):
        # the loop reports bad parameters; an estimator's own callbacks watch
        # it train there
        return None
    try:
        X_train = _safe_indexing(X, train)
        params = check_method_params(X, fit_params, train)
        if y is None:
            estimator.fit(X_train, **params)
        else:
            estimator.fit(X_train, _safe_indexing(y, train), **params)
    except Captured as captured:
        return captured.problem
    except Exception:
        return None  # the loop's own fit raises it again, and reports it
    return None


class _BatchedSplits:
    """A cv splitter that trains the search's members on the splits it yields."""

    def __init__(self, search, candidates, callback_ctx=None):
        self.search, self.candidates = search, candidates
        self.callback_ctx = callback_ctx

    def _inner(self, y):
        return search_cv(self.search, y)

    def get_n_splits(self, X=None, y=None, groups=None):
        return self._inner(y).get_n_splits(X, y, groups)

    def split(self, X, y=None, **split_params):
        splits = list(self._inner(y).split(X, y, **split_params))
        self.search._train_ahead(X, y, splits, self.candidates, self.callback_ctx)
        return iter(splits)
