"""scikit-learn's callback API (``sklearn.callback``) for the skorchlite fits.

A fit with callbacks is a tree of tasks::

    fit (or partial_fit)          the estimator's root task
    ├── restart #0                one task per restart
    │   ├── epoch #0              adam/sgd: one per epoch
    │   ├── epoch #1              (lbfgs: one "iteration" per L-BFGS iteration)
    │   └── ...
    ├── restart #1
    └── ...

adam and sgd train every restart in lockstep, so their restart tasks run side
by side; lbfgs runs the restarts one after another. Set on a meta-estimator
(``GridSearchCV``, ``Pipeline``), the tree hangs below the meta-estimator's
task that fits this estimator.

The solvers see one :class:`FitMonitor` (``monitor=None`` when no callback is
set, so that a plain fit pays one ``is None`` test per epoch). It knows
nothing of the solvers' internals: they tell it which restarts start and end
an epoch and hand it the network, whose parameters it reads (and copies) only
when a callback asks for a ``fitted_estimator``.

A :class:`~skorchlite.model_selection.BatchedGridSearchCV` with callbacks
(set on it, or propagated to it from a meta-estimator) adds its batched
training to scikit-learn's ``GridSearchCV`` tree, inside the ``search`` task
and before the candidate x fold evaluations::

    fit                                        the search's root task
    ├── search                                 scikit-learn's, N + 1 subtasks
    │   ├── batched-training #N                one subtask per batch
    │   │   ├── group 1/2, batch 1/2 (24 networks) #0
    │   │   │   ├── epoch #0                   one per epoch the batch runs
    │   │   │   ├── epoch #1                   (at most its largest max_iter)
    │   │   │   └── ...
    │   │   ├── group 1/2, batch 2/2 (8 networks) #1
    │   │   └── group 2/2, batch 1/1 (10 networks) #2
    │   ├── candidate-split-evaluation #0      scikit-learn's N = candidates x
    │   └── ...                                folds, each merged with its fit
    └── refit-with-best-params                 merged with the refit's fit

A batch's networks are its members' restarts (candidates x folds x
restarts, and the refit's when it trains with them). A fit that installs
a result trained in a batch is a task without subtasks (its epochs ran in
the batch); the fits trained in the loop (lbfgs, a fit whose estimator
carries callbacks of its own, a refit not trained with the folds) have
their restart and epoch tasks. The training loop of a batch sees one
:class:`BatchMonitor` (None without callbacks). The batch and epoch tasks
carry no ``fitted_estimator`` (a batch holds many networks, not one
estimator). A callback whose ``on_fit_task_end`` returns True at an epoch
stops that batch: every member still training stops there, as its single
fit stops when its callback asks it to at that epoch.
"""

import numpy as np

from ._network import to_numpy

from sklearn.callback import CallbackSupportMixin, with_callbacks  # noqa: F401


def _unflatten(row, shapes):
    """Copies of the weights and biases packed in one flat parameter row
    (scikit-learn's order: every weight matrix, then every bias vector)."""
    coefs, intercepts, start = [], [], 0
    for fan_in, fan_out in shapes:
        coefs.append(np.array(row[start:start + fan_in * fan_out]).reshape(fan_in, fan_out))
        start += fan_in * fan_out
    for _, fan_out in shapes:
        intercepts.append(np.array(row[start:start + fan_out]))
        start += fan_out
    return coefs, intercepts


class FitMonitor:
    """The task tree of one ``fit``/``partial_fit`` call and its hook calls.

    Built by :meth:`start` only when callbacks are set (``None`` otherwise).

    Parameters
    ----------
    estimator : BaseSigmoidMLP
        The estimator being fitted.
    context : sklearn.callback.CallbackContext
        Its root context.
    X, y, metadata :
        What the hooks receive (the training data as given to ``fit``).
    fitted : dict
        Fitted attributes every ``fitted_estimator`` gets besides the
        parameters (``n_layers_``, ``out_activation_``, ...).
    n_leaves : int
        The most epochs/iterations a restart can run.
    leaf_name : str
        "epoch" or "iteration".
    """

    def __init__(self, estimator, context, X, y, metadata, fitted, n_leaves, leaf_name):
        self.estimator, self.context = estimator, context
        self.X, self.y, self.metadata = X, y, metadata
        self.fitted = fitted
        self.n_leaves, self.leaf_name = n_leaves, leaf_name
        self.restarts = {}  # restart index -> its open context
        self.leaves = {}  # restart index -> its open epoch/iteration context
        self.n_done = {}  # restart index -> epochs/iterations ended
        self.stopped = set()  # restarts a callback asked to stop
        self.net = None

    @classmethod
    def start(cls, estimator, X, y, sample_weight, *, task_name, n_restarts, n_leaves,
              leaf_name, fitted):
        """The monitor of this fit, its root task begun; None without callbacks."""
        if not getattr(estimator, "_skl_callbacks", None):
            return None
        context = estimator._init_callback_context(
            task_name=task_name, max_subtasks=n_restarts)
        metadata = None if sample_weight is None else {"sample_weight": sample_weight}
        context.call_on_fit_task_begin(estimator=estimator, X=X, y=y, metadata=metadata)
        return cls(estimator, context, X, y, metadata, fitted, n_leaves, leaf_name)

    # -- what a fitted_estimator is made of ---------------------------------

    def _attributes(self, coefs, intercepts, **extra):
        return {"coefs_": coefs, "intercepts_": intercepts, **self.fitted, **extra}

    def _from_net(self, r, **extra):
        """Lazy reconstruction attributes: restart ``r`` as the network holds it now."""
        net = self.net

        def attributes():
            coefs, intercepts = _unflatten(to_numpy(net.flat[r]), net.shapes)
            return self._attributes(coefs, intercepts, **extra)
        return attributes

    def _from_vector(self, x, **extra):
        """Lazy reconstruction attributes from a flat parameter vector (lbfgs)."""
        shapes = self.net.shapes

        def attributes():
            return self._attributes(*_unflatten(x, shapes), **extra)
        return attributes

    def _call(self, context, hook, attributes=None):
        return getattr(context, hook)(
            estimator=self.estimator, X=self.X, y=self.y, metadata=self.metadata,
            reconstruction_attributes=attributes)

    # -- restarts -------------------------------------------------------------

    def begin_restarts(self, net, restarts):
        """Begin the tasks of ``restarts`` (iterable of indices) of ``net``."""
        self.net = net
        for r in restarts:
            context = self.context.subcontext(task_name="restart",
                                              max_subtasks=self.n_leaves)
            self.restarts[r] = context
            self.n_done[r] = 0
            self._call(context, "call_on_fit_task_begin", self._from_net(r, n_iter_=0))

    def end_restarts(self, losses, n_iter):
        """End every open task (an epoch left open by Ctrl-C ends empty), then
        the restarts', each with its final parameters from the network."""
        for r in sorted(self.leaves):
            self.leaves.pop(r).call_on_fit_task_end(estimator=self.estimator)
        for r in sorted(self.restarts):
            extra = {"n_iter_": int(n_iter[r]), "loss_": float(losses[r])}
            self._call(self.restarts.pop(r), "call_on_fit_task_end", self._from_net(r, **extra))

    # -- epochs (adam, sgd) ---------------------------------------------------

    def begin_epoch(self, active):
        """Begin an epoch of every restart where ``active`` (bool array) is True."""
        for r in np.flatnonzero(active):
            r = int(r)
            context = self.restarts[r].subcontext(task_name=self.leaf_name)
            self.leaves[r] = context
            self._call(context, "call_on_fit_task_begin",
                       self._from_net(r, n_iter_=self.n_done[r]))

    def end_epoch(self, losses):
        """End the open epochs; returns a bool array, True for the restarts
        whose callbacks asked to stop."""
        stop = np.zeros(len(losses), dtype=bool)
        for r in sorted(self.leaves):
            self.n_done[r] += 1
            extra = {"n_iter_": self.n_done[r], "loss_": float(losses[r])}
            stop[r] = self._call(self.leaves.pop(r), "call_on_fit_task_end",
                                 self._from_net(r, **extra))
        self.stopped.update(np.flatnonzero(stop).tolist())
        return stop

    # -- iterations (lbfgs) ---------------------------------------------------

    def wrap_lbfgs(self, r, x0, objective, callback):
        """scipy's objective and callback for restart ``r``, with an iteration
        task around each L-BFGS iteration.

        An iteration begins at the first evaluation after the previous one
        ended, and ends when scipy accepts its point; the callback raises
        ``StopIteration`` (scipy's way to stop) when a callback asks to stop.
        """
        state = {"x": np.array(x0, dtype=np.float64)}

        def monitored_objective(x):
            if r not in self.leaves and self.n_done[r] < self.n_leaves:
                context = self.restarts[r].subcontext(task_name=self.leaf_name)
                self.leaves[r] = context
                self._call(context, "call_on_fit_task_begin",
                           self._from_vector(state["x"], n_iter_=self.n_done[r]))
            return objective(x)

        def monitored_callback(intermediate_result):
            callback(intermediate_result)
            state["x"] = np.array(intermediate_result.x, dtype=np.float64)
            if r not in self.leaves:
                return
            self.n_done[r] += 1
            extra = {"n_iter_": self.n_done[r], "loss_": float(intermediate_result.fun)}
            if self._call(self.leaves.pop(r), "call_on_fit_task_end",
                          self._from_vector(state["x"], **extra)):
                self.stopped.add(r)
                raise StopIteration

        return monitored_objective, monitored_callback

    # -- the end ----------------------------------------------------------------

    def end_fit(self):
        """End the root task, with the fitted estimator."""
        self._call(self.context, "call_on_fit_task_end", {})


STOPPED_MESSAGE = "A callback asked to stop training."


# -- BatchedGridSearchCV's batched training ------------------------------------


def carries_callbacks(estimator):
    """Whether ``estimator``, or an estimator among its parameters (a
    pipeline's steps, a meta-estimator's ``estimator``), has callbacks set."""
    if getattr(estimator, "_skl_callbacks", None):
        return True
    get_params = getattr(estimator, "get_params", None)
    if get_params is None:
        return False
    return any(getattr(value, "_skl_callbacks", None)
               for value in get_params(deep=True).values())


class BatchedTrainingMonitor:
    """The ``batched-training`` task of a search and its batch tasks.

    Built by :meth:`start` only when the search has callbacks (``None``
    otherwise). :func:`~skorchlite.model_selection._batched.train_problems`
    calls :meth:`begin` once it has planned the batches, :meth:`begin_batch`
    for each batch, and :meth:`end` when every batch is trained.

    Parameters
    ----------
    search : BatchedGridSearchCV
        The search whose callbacks are called (the hooks' ``estimator``).
    parent : sklearn.callback.CallbackContext
        The task the batched training hangs below (the search's ``search``
        task).
    task_id : int or None
        Its id among the parent's subtasks (None: the next one).
    """

    def __init__(self, search, parent, task_id):
        self.search, self.parent, self.task_id = search, parent, task_id
        self.context = None

    @classmethod
    def start(cls, search, parent, task_id=None):
        """The monitor of ``search``'s batched training; None without callbacks."""
        if parent is None or not getattr(search, "_skl_callbacks", None):
            return None
        return cls(search, parent, task_id)

    def begin(self, n_batches):
        """Begin the ``batched-training`` task, with ``n_batches`` subtasks."""
        self.context = self.parent.subcontext(
            task_name="batched-training", task_id=self.task_id, max_subtasks=n_batches)
        self.context.call_on_fit_task_begin(estimator=self.search)

    def begin_batch(self, group, n_groups, batch, n_batches, n_networks, n_epochs):
        """Begin the task of one batch (numbered from 1, as printed); its
        :class:`BatchMonitor`."""
        context = self.context.subcontext(
            task_name=(f"group {group}/{n_groups}, batch {batch}/{n_batches} "
                       f"({n_networks} networks)"),
            max_subtasks=n_epochs)
        context.call_on_fit_task_begin(estimator=self.search)
        return BatchMonitor(self.search, context)

    def end(self):
        """End the ``batched-training`` task."""
        self.context.call_on_fit_task_end(estimator=self.search)


class BatchMonitor:
    """The task of one batch and its epoch tasks, for the batch's training loop.

    Parameters
    ----------
    search : BatchedGridSearchCV
        The search whose callbacks are called.
    context : sklearn.callback.CallbackContext
        The batch's task (begun).
    """

    def __init__(self, search, context):
        self.search, self.context = search, context
        self.epoch = None

    def begin_epoch(self):
        """Begin the task of the batch's next epoch."""
        self.epoch = self.context.subcontext(task_name="epoch")
        self.epoch.call_on_fit_task_begin(estimator=self.search)

    def end_epoch(self):
        """End the epoch's task; whether a callback asked to stop the batch."""
        epoch, self.epoch = self.epoch, None
        return bool(epoch.call_on_fit_task_end(estimator=self.search))

    def end(self):
        """End the batch's task."""
        self.context.call_on_fit_task_end(estimator=self.search)
