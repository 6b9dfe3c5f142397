"""Callbacks for watching skorchlite estimators train.

skorchlite's estimators support scikit-learn's callback API
(:mod:`sklearn.callback`, scikit-learn >= 1.9): ``est.set_callbacks(...)``
with scikit-learn's :class:`~sklearn.callback.ProgressBar` and
:class:`~sklearn.callback.ScoringMonitor`, or with :class:`Snapshots`, which
records the network as it trains (for
:class:`skorchlite.plotting.TrainingAnimation`, for instance).

A fit is a tree of tasks: the fit, one task per restart below it, and below
each restart one task per epoch (``solver="adam"`` or ``"sgd"``) or per
L-BFGS iteration (``solver="lbfgs"``). A callback whose
``on_fit_task_end`` returns True at an epoch or iteration stops that
restart, as scikit-learn's estimators stop theirs.
"""

import copy

import numpy as np
from sklearn.utils import check_array

__all__ = ["Snapshots"]

# Attributes of a fitting estimator that a snapshot's copy must not keep.
_FIT_ONLY = ("_skl_callbacks", "_skl_callbacks_to_teardown", "_callback_fit_ctx",
             "_parent_callback_ctx")


class Snapshots:
    """Record the network of every restart as it trains.

    A callback in scikit-learn's callback API (:mod:`sklearn.callback`): set
    it with ``est.set_callbacks(Snapshots(...))`` on a
    :class:`~skorchlite.SigmoidMLPRegressor` or
    :class:`~skorchlite.SigmoidMLPClassifier`. For every restart, it records
    the initial network (epoch 0), the network after every ``every``-th epoch
    (``solver="adam"``/``"sgd"``) or L-BFGS iteration (``"lbfgs"``), and the
    network after the restart's last one: its weights and biases, its
    training loss and, when ``X`` is given, its predictions and hidden
    activations on ``X``. Memory grows with what is recorded, one copy of
    the parameters (and outputs on ``X``) per snapshot.

    Each ``fit`` or ``partial_fit`` call starts a new record; epochs are
    counted from the start of that call. The weights recorded are the ones
    at the end of each epoch (with ``early_stopping=True`` the estimator then
    keeps the best ones, which need not be the last snapshot).

    Parameters
    ----------
    every : int, default=1
        Record every ``every``-th epoch or iteration (plus epoch 0 and the
        last one of each restart).
    X : array-like of shape (n_samples, n_features), default=None
        Inputs on which to record the predictions and hidden activations,
        e.g. a grid over the input range; None records parameters and losses
        only.

    Attributes
    ----------
    epochs_ : list of ndarray of shape (n_snapshots,)
        For each restart, the epochs (or iterations) recorded: 0 for the
        initial weights, then ``every``, ``2 * every``, ..., and the last.
    coefs_ : list of list of ndarray of shape (n_snapshots, fan_in, fan_out)
        For each restart, for each layer, its weight matrix at each snapshot.
    intercepts_ : list of list of ndarray of shape (n_snapshots, fan_out)
        For each restart, for each layer, its biases at each snapshot.
    losses_ : list of ndarray of shape (n_snapshots,)
        For each restart, the training loss of each recorded epoch (the
        estimator's ``loss_curve_`` entry for it; NaN at epoch 0).
    predictions_ : list of ndarray of shape (n_snapshots, n_samples) or \
(n_snapshots, n_samples, n_outputs), or None
        For each restart, ``predict(X)`` at each snapshot; None without ``X``.
    probabilities_ : list of ndarray of shape (n_snapshots, n_samples, n_classes), or None
        Classifiers: for each restart, ``predict_proba(X)`` at each snapshot;
        None for regressors or without ``X``.
    hidden_activations_ : list of list of ndarray of shape (n_snapshots, n_samples, units), \
or None
        For each restart, for each hidden layer, its activations on ``X`` at
        each snapshot; None without ``X``.
    best_restart_ : int
        The restart the estimator kept (its ``best_restart_``).
    estimator_ : estimator
        A copy of the fitted estimator (without its callbacks), the template
        of :meth:`estimator_at`.

    See Also
    --------
    skorchlite.plotting.TrainingAnimation : Animate the recorded training.
    sklearn.callback.ProgressBar : Progress bars over restarts and epochs.
    sklearn.callback.ScoringMonitor : Scores at every epoch.

    Examples
    --------
    >>> import numpy as np
    >>> from skorchlite import SigmoidMLPRegressor
    >>> from skorchlite.callbacks import Snapshots
    >>> X = np.linspace(-1, 1, 30).reshape(-1, 1)
    >>> snapshots = Snapshots(every=5, X=X)
    >>> reg = SigmoidMLPRegressor((3,), solver="lbfgs", max_iter=12, n_restarts=2,
    ...                           random_state=0).set_callbacks(snapshots)
    >>> reg = reg.fit(X, X.ravel() ** 2)
    >>> best = reg.best_restart_
    >>> snapshots.epochs_[best]
    array([ 0,  5, 10, 12])
    >>> snapshots.coefs_[best][0].shape, snapshots.hidden_activations_[best][0].shape
    ((4, 1, 3), (4, 30, 3))
    >>> early = snapshots.estimator_at(1, restart=0)
    >>> early.predict(X).shape
    (30,)
    """

    def __init__(self, every=1, X=None):
        self.every = every
        self.X = X

    # -- scikit-learn's callback hooks -----------------------------------------

    def setup(self, estimator, context):
        """Start a new record (called by the estimator at the start of a fit)."""
        if (isinstance(self.every, (bool, np.bool_))
                or not isinstance(self.every, (int, np.integer)) or self.every < 1):
            raise ValueError(
                f"Snapshots(every=...) must be a positive int (record every every-th "
                f"epoch); got {self.every!r}.")
        self._X = None if self.X is None else check_array(
            self.X, dtype=(np.float64, np.float32), input_name="Snapshots X")
        self._root = context
        self._records = {}
        self._last = {}

    def on_fit_task_begin(self, estimator, context, *, fitted_estimator=None):
        """Record the initial network of each restart (its first epoch's start)."""
        r = self._restart_of_leaf(context)
        if r is not None and context.task_id == 0 and fitted_estimator is not None:
            self._record(r, 0, fitted_estimator, np.nan)

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
        """Record every ``every``-th epoch, and each restart's last one."""
        if fitted_estimator is None:
            return False
        r = self._restart_of_leaf(context)
        if r is not None:
            epoch = int(fitted_estimator.n_iter_)
            self._last[r] = (epoch, fitted_estimator)
            if epoch % self.every == 0:
                self._record(r, epoch, fitted_estimator, fitted_estimator.loss_)
        elif context.parent is self._root and context.task_id in self._last:
            epoch, last = self._last.pop(context.task_id)
            records = self._records.get(context.task_id)
            if records is None or records["epochs"][-1] != epoch:
                self._record(context.task_id, epoch, last, last.loss_)
        return False

    def teardown(self, estimator, context):
        """Stack the records into arrays (called at the end of a fit)."""
        if not hasattr(self, "_records"):  # setup refused the parameters
            return
        records = [self._records[r] for r in sorted(self._records)]
        self.epochs_ = [np.array(rec["epochs"], dtype=int) for rec in records]
        self.losses_ = [np.array(rec["losses"], dtype=float) for rec in records]
        self.coefs_ = [[np.stack(layer) for layer in zip(*rec["coefs"])] for rec in records]
        self.intercepts_ = [[np.stack(layer) for layer in zip(*rec["intercepts"])]
                            for rec in records]
        with_X = self._X is not None
        self.predictions_ = [np.stack(rec["predictions"]) for rec in records] if with_X else None
        classifier = with_X and all(rec["probabilities"] for rec in records)
        self.probabilities_ = ([np.stack(rec["probabilities"]) for rec in records]
                               if classifier else None)
        self.hidden_activations_ = ([[np.stack(layer) for layer in zip(*rec["hidden"])]
                                     for rec in records] if with_X else None)
        if hasattr(estimator, "coefs_"):
            self.best_restart_ = int(getattr(estimator, "best_restart_", 0))
            self.estimator_ = copy.copy(estimator)
            for name in _FIT_ONLY:
                self.estimator_.__dict__.pop(name, None)
        del self._records, self._last, self._root

    # -- reading the record -----------------------------------------------------

    def estimator_at(self, index, *, restart=None):
        """The estimator as it was at one snapshot, ready to predict.

        Parameters
        ----------
        index : int
            Which snapshot (position in ``epochs_[restart]``; negative
            counts from the end).
        restart : int, default=None
            Which restart; None means ``best_restart_``.

        Returns
        -------
        estimator : estimator
            A shallow copy of ``estimator_`` with that snapshot's
            ``coefs_`` and ``intercepts_``.

        Examples
        --------
        >>> import numpy as np
        >>> from skorchlite import SigmoidMLPRegressor
        >>> from skorchlite.callbacks import Snapshots
        >>> X = np.linspace(-1, 1, 20).reshape(-1, 1)
        >>> snapshots = Snapshots()
        >>> reg = SigmoidMLPRegressor((2,), solver="lbfgs", max_iter=3, random_state=0)
        >>> reg = reg.set_callbacks(snapshots).fit(X, X.ravel())
        >>> initial = snapshots.estimator_at(0)
        >>> initial.predict(X).shape
        (20,)
        >>> bool(np.array_equal(snapshots.estimator_at(-1).coefs_[0], reg.coefs_[0]))
        True
        """
        if not hasattr(self, "estimator_"):
            raise AttributeError(
                "This Snapshots has recorded no fit yet: set it on an estimator with "
                "est.set_callbacks(snapshots) and call est.fit(X, y) first.")
        restart = self.best_restart_ if restart is None else restart
        estimator = copy.copy(self.estimator_)
        estimator.coefs_ = [c[index] for c in self.coefs_[restart]]
        estimator.intercepts_ = [b[index] for b in self.intercepts_[restart]]
        return estimator

    # -- helpers ----------------------------------------------------------------

    def _restart_of_leaf(self, context):
        """The restart index of an epoch/iteration task of this fit, else None."""
        parent = context.parent
        if parent is not None and parent.parent is self._root:
            return parent.task_id
        return None

    def _record(self, r, epoch, fitted, loss):
        rec = self._records.setdefault(r, {"epochs": [], "losses": [], "coefs": [],
                                           "intercepts": [], "predictions": [],
                                           "probabilities": [], "hidden": []})
        rec["epochs"].append(epoch)
        rec["losses"].append(float(loss))
        rec["coefs"].append(fitted.coefs_)
        rec["intercepts"].append(fitted.intercepts_)
        if self._X is not None:
            rec["predictions"].append(fitted.predict(self._X))
            if hasattr(fitted, "predict_proba"):
                rec["probabilities"].append(fitted.predict_proba(self._X))
            rec["hidden"].append(fitted.hidden_activations(self._X))

