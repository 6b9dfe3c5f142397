"""The stochastic solvers, ``adam`` and ``sgd``: minibatch training of every
restart of a :class:`~skorchlite._network.BatchedMLP` at once.

A solver is a function ``fit(net, data, options, state, random_state,
incremental)`` registered with its traits in ``_registry.py``. It takes numpy
data (moved to the network's device once, here), trains every restart, and
returns a ``FitResult`` of numpy arrays. Per-restart bookkeeping that must
survive between calls (``warm_start``, ``partial_fit``) lives in a
``TrainingState``; the options come as a ``SolverOptions`` record (all in
``_state.py``). The optimizer (``_optim.py``) owns the learning-rate
schedule.
"""


import numpy as np
import torch

from ._callbacks import STOPPED_MESSAGE
from ._device import validation_chunk_rows
from ._network import to_numpy, to_tensor
from ._optim import make_optimizer
from ._state import FitResult

# ---------------------------------------------------------------------------
# adam and sgd
# ---------------------------------------------------------------------------


class _Minibatches:
    """The training rows on the device, served in scikit-learn's minibatch order.

    X, Y and the sample weights sit side by side in one device tensor, so a
    minibatch is one gather; the row order of each epoch is drawn on the host
    (the same draws as scikit-learn's MLP) and moved over once per epoch.
    """

    def __init__(self, data, net, batch_size, shuffle):
        columns = [data.X, data.Y] + ([] if data.sample_weight is None
                                      else [data.sample_weight[:, None]])
        self.table = net.to_device(np.hstack(columns) if len(columns) > 1 else columns[0])
        self.device, self.shuffle = net.device, shuffle
        self.n_samples = self.table.shape[0]
        self.n_features, self.n_outputs = data.X.shape[1], data.Y.shape[1]
        self.sample_weight = data.sample_weight
        self.starts = np.arange(0, self.n_samples, batch_size)
        self.stops = np.minimum(self.starts + batch_size, self.n_samples)
        self.order = np.arange(self.n_samples)

    def epoch(self, random_state):
        """Yield (X, Y, sample_weight or None, weight sum, rows) per minibatch."""
        if self.shuffle:
            self.order = _shuffled(self.order, random_state)
            order = to_tensor(self.order, self.device)
        weight_sums = (self.stops - self.starts if self.sample_weight is None
                       else np.add.reduceat(self.sample_weight[self.order], self.starts))
        d, o = self.n_features, self.n_outputs
        for start, stop, weight_sum in zip(self.starts, self.stops, weight_sums):
            batch = (torch.index_select(self.table, 0, order[start:stop]) if self.shuffle
                     else self.table[start:stop])
            sample_weight = None if self.sample_weight is None else batch[:, -1]
            yield (batch[:, :d], batch[:, d:d + o], sample_weight, float(weight_sum),
                   float(stop - start))


@torch.inference_mode()
def fit_stochastic(net, data, options, state, random_state, incremental=False,
                   monitor=None):
    """Minibatch training of every restart at once (``adam`` or ``sgd``).

    Follows scikit-learn's epoch loop: one shuffle of the row indices per
    epoch, the epoch loss as the size-weighted mean of the minibatch
    objectives, and the ``n_iter_no_change`` / ``tol`` stopping rule (or the
    ``"adaptive"`` learning-rate decrease) applied to each restart on its
    own. A restart that stops, or whose loss becomes nan or inf (it
    diverged), is frozen while the others go on. Ctrl-C ends the training
    with the weights reached so far. ``monitor`` (a
    :class:`~skorchlite._callbacks.FitMonitor`, or None) sees every epoch of
    every restart; a restart whose callbacks ask to stop stops.
    """
    batches = _Minibatches(data, net, options.batch_size, options.shuffle)
    early_stopping = data.X_val is not None
    if early_stopping:
        validation = [net.to_device(a) for a in
                      (data.X_val, data.Y_val, data.sample_weight_val)]
        best_flat = net.flat.clone()
        score_rows = validation_chunk_rows(net)
    R = net.n_restarts

    reuse = incremental and state.optimizer is not None
    if state.learning_rate is None or not reuse:
        state.learning_rate = np.full(R, float(options.learning_rate_init))
    optimizer = net.optimizer if reuse else None  # kept on the device by partial_fit
    if optimizer is None:
        optimizer = make_optimizer(options.solver, net.flat, options, state.learning_rate,
                                   state.optimizer if reuse else None)
    else:
        optimizer.use_learning_rate(state.learning_rate)
    net.optimizer = optimizer

    result = FitResult.empty(R)
    active = np.ones(R, dtype=bool)
    scale = None  # per-row update factor; None while every restart trains
    if monitor is not None:
        monitor.begin_restarts(net, range(R))
    try:
        for _ in range(options.max_iter):
            if monitor is not None:
                monitor.begin_epoch(active)
            total = torch.zeros(R, device=net.device, dtype=net.dtype)
            for X, Y, sample_weight, weight_sum, rows in batches.epoch(random_state):
                loss = net.loss_and_grad(X, Y, sample_weight, options.alpha, weight_sum)
                if result.initial_losses is None:  # the starting weights' loss
                    result.initial_losses = to_numpy(loss).astype(np.float64)
                total.add_(loss, alpha=rows)
                optimizer.step(net.flat, net.grad, scale)

            epoch_loss = to_numpy(total) / batches.n_samples
            state.t += batches.n_samples
            result.losses[active] = epoch_loss[active]
            result.n_iter[active] += 1
            for r in np.flatnonzero(active):
                state.loss_curves[r].append(float(epoch_loss[r]))
            if options.verbose:
                _print_iteration(result.n_iter, result.losses, active)
            asked = monitor.end_epoch(epoch_loss) if monitor is not None else None

            diverged = active & ~np.isfinite(epoch_loss)
            if early_stopping:
                scores = to_numpy(net.score(options.score, *validation, score_rows))
                # a diverged restart's nan score is recorded too, as scikit-learn does
                worse, improved = _track_validation(scores, active, state, options)
                if improved.any():
                    mask = to_tensor(improved, net.device)[:, None]
                    torch.where(mask, net.flat, best_flat, out=best_flat)
            else:
                worse = epoch_loss > state.best_loss - options.tol
                state.best_loss[active] = np.fmin(state.best_loss, epoch_loss)[active]
            state.no_improvement[active & worse] += 1
            state.no_improvement[active & ~worse] = 0

            optimizer.end_epoch(state.t, active)

            stalled = active & ~diverged & (state.no_improvement > options.n_iter_no_change)
            stopping = (_trigger_stopping(stalled, state, options, optimizer, result.messages)
                        if stalled.any() else stalled)
            if asked is not None and asked.any():
                stopping = stopping | (asked & active & ~diverged)
                for r in np.flatnonzero(asked & active & ~diverged):
                    result.messages[r] = STOPPED_MESSAGE
            result.converged |= stopping
            result.diverged |= diverged
            for r in np.flatnonzero(diverged):
                result.messages[r] = f"loss became {epoch_loss[r]} at iteration {result.n_iter[r]}"
            if stopping.any() or diverged.any():
                active &= ~(stopping | diverged)
                scale = to_tensor(active, net.device, net.dtype)[:, None]
            if incremental or not active.any():
                break
    except KeyboardInterrupt:
        result.interrupted = "the epoch in progress was cut short"

    if early_stopping:
        net.flat.copy_(best_flat)
    if monitor is not None:
        monitor.end_restarts(result.losses, result.n_iter)
    state.optimizer = optimizer.state()
    result.coefs, result.intercepts = net.get_params()
    return result


def _track_validation(scores, active, state, options):
    """Record the validation scores; which restarts did not improve by tol,
    and which beat their best score (whose weights are kept)."""
    for r in np.flatnonzero(active):
        state.validation_scores[r].append(float(scores[r]))
    if options.verbose:
        print("Validation score: %f" % np.nanmax(np.where(active, scores, np.nan)))
    worse = scores < state.best_validation_score + options.tol
    improved = active & (scores > state.best_validation_score)
    state.best_validation_score[improved] = scores[improved]
    return worse, improved


def _shuffled(indices, random_state):
    """``sklearn.utils.shuffle(indices, random_state=random_state)``, without
    its input validation (a third of a tiny fit's time): the same draws, so
    the same minibatches as scikit-learn's MLP."""
    order = np.arange(len(indices))
    random_state.shuffle(order)
    return indices[order]


def _trigger_stopping(stalled, state, options, optimizer, messages):
    """Stop the stalled restarts, unless the optimizer's schedule lowers their
    learning rate instead (sgd's ``"adaptive"``)."""
    what = "Validation score" if state.early_stopping else "Training loss"
    msg = ("%s did not improve more than tol=%f for %d consecutive epochs."
           % (what, options.tol, options.n_iter_no_change))
    decrease = optimizer.stalled(stalled)
    state.no_improvement[decrease] = 0
    stopping = stalled & ~decrease
    if options.verbose and decrease.any():
        print(msg + " Setting learning rate to %f" % state.learning_rate[decrease].max())
    for r in np.flatnonzero(stopping):
        messages[r] = msg
    if options.verbose and stopping.any():
        print(msg + " Stopping.")
    return stopping


def _print_iteration(n_iter, losses, active):
    if len(losses) == 1:
        print("Iteration %d, loss = %.8f" % (n_iter[0], losses[0]))
    else:
        print("Iteration %d, loss = %.8f (best of %d restarts, %d still training)"
              % (n_iter.max(), np.nanmin(losses), len(losses), active.sum()))


def stochastic_convergence_message(options, result, best):
    """scikit-learn's warning when the kept restart ran out of epochs."""
    if result.n_iter[best] == options.max_iter:
        return (f"Stochastic Optimizer: Maximum iterations ({options.max_iter}) "
                "reached and the optimization hasn't converged yet.")
    return None
