"""Solvers: train the restarts of a :class:`~skorchlite._network.BatchedMLP`.

A solver is a plain function ``solve(net, data, options, state, ...)`` chosen
from :data:`SOLVERS`. It takes numpy data (moved to the network's device once,
here), trains every restart, and returns a ``FitResult`` of numpy arrays.
Per-restart bookkeeping that must survive between calls (``warm_start``,
``partial_fit``) lives in a ``TrainingState`` (both in ``_state.py``).
"""

import warnings

import numpy as np
import torch

from ._lbfgs import fit_lbfgs
from ._network import to_numpy, to_tensor
from ._optim import make_optimizer
from ._state import FitResult


def _on_device(array, net):
    return None if array is None else to_tensor(array, net.device, net.dtype)


# ---------------------------------------------------------------------------
# adam and sgd
# ---------------------------------------------------------------------------


@torch.inference_mode()
def fit_stochastic(net, data, options, state, random_state, incremental=False):
    """Minibatch training of every restart at once (``adam`` or ``sgd``).

    Follows scikit-learn's epoch loop: one shuffle of the row indices per
    epoch, minibatches gathered on the device, the epoch loss as the
    size-weighted mean of the minibatch objectives, and the
    ``n_iter_no_change`` / ``tol`` stopping rule (or the ``"adaptive"``
    learning-rate decrease) applied to each restart on its own. A restart
    that stops is frozen while the others go on.
    """
    # X, Y and the weights side by side in one device tensor: one gather per
    # minibatch instead of three.
    columns = [data.X, data.Y] + ([] if data.sample_weight is None
                                  else [data.sample_weight[:, None]])
    table = _on_device(np.hstack(columns) if len(columns) > 1 else columns[0], net)
    n_features, n_outputs = data.X.shape[1], data.Y.shape[1]
    weighted = data.sample_weight is not None
    early_stopping = data.X_val is not None
    if early_stopping:
        X_val, Y_val, sw_val = (_on_device(a, net) for a in
                                (data.X_val, data.Y_val, data.sample_weight_val))
        best_flat = net.flat.clone()
    n_samples, R = table.shape[0], net.n_restarts
    batch_size = options["batch_size"]
    solver, verbose, tol = options["solver"], options["verbose"], options["tol"]

    reuse = incremental and state.optimizer is not None
    optimizer = make_optimizer(solver, net.flat, options, state.optimizer if reuse else None)
    if state.learning_rate is None or not reuse:
        state.learning_rate = np.full(R, float(options["learning_rate_init"]))
    optimizer.set_learning_rate(state.learning_rate)

    active = np.ones(R, dtype=bool)
    scale = None  # per-row update factor; None while every restart trains
    n_iter = np.zeros(R, dtype=int)
    losses = np.full(R, np.nan)
    converged = np.zeros(R, dtype=bool)
    messages = [""] * R
    sample_idx = np.arange(n_samples)
    sw_host = data.sample_weight
    starts = np.arange(0, n_samples, batch_size)
    stops = np.minimum(starts + batch_size, n_samples)

    try:
        for _ in range(options["max_iter"]):
            if options["shuffle"]:
                sample_idx = _shuffled(sample_idx, random_state)
                idx = to_tensor(sample_idx, net.device)
            weight_sums = (stops - starts if sw_host is None
                           else np.add.reduceat(sw_host[sample_idx], starts))
            total = torch.zeros(R, device=net.device, dtype=net.dtype)
            for start, stop, weight_sum in zip(starts, stops, weight_sums):
                batch = table[idx[start:stop]] if options["shuffle"] else table[start:stop]
                loss = net.loss_and_grad(
                    batch[:, :n_features], batch[:, n_features:n_features + n_outputs],
                    batch[:, -1] if weighted else None, options["alpha"], float(weight_sum))
                total.add_(loss, alpha=float(stop - start))
                optimizer.step(net.flat, net.grad, scale)

            epoch_loss = to_numpy(total) / n_samples
            losses[active] = epoch_loss[active]
            n_iter[active] += 1
            state.t += n_samples
            for r in np.flatnonzero(active):
                state.loss_curves[r].append(float(epoch_loss[r]))
            if verbose:
                _print_iteration(n_iter, losses, active)

            if early_stopping:
                scores = to_numpy(net.score(options["score"], X_val, Y_val, sw_val))
                for r in np.flatnonzero(active):
                    state.validation_scores[r].append(float(scores[r]))
                if verbose:
                    print("Validation score: %f" % np.nanmax(np.where(active, scores, np.nan)))
                worse = scores < state.best_validation_score + tol
                improved = active & (scores > state.best_validation_score)
                state.best_validation_score[improved] = scores[improved]
                if improved.any():
                    mask = to_tensor(improved, net.device)[:, None]
                    torch.where(mask, net.flat, best_flat, out=best_flat)
            else:
                worse = epoch_loss > state.best_loss - tol
                state.best_loss[active] = np.fmin(state.best_loss, epoch_loss)[active]
            state.no_improvement[active & worse] += 1
            state.no_improvement[active & ~worse] = 0

            if options["learning_rate"] == "invscaling" and solver == "sgd":
                state.learning_rate[active] = (
                    options["learning_rate_init"] / (state.t + 1) ** options["power_t"])
                optimizer.set_learning_rate(state.learning_rate)

            stalled = active & (state.no_improvement > options["n_iter_no_change"])
            if stalled.any():
                stopping = _trigger_stopping(stalled, state, options, messages)
                if stopping.any():
                    active &= ~stopping
                    converged |= stopping
                    scale = to_tensor(active, net.device, net.dtype)[:, None]
                optimizer.set_learning_rate(state.learning_rate)
            if incremental or not active.any():
                break
    except KeyboardInterrupt:
        warnings.warn("Training interrupted by user.")

    if early_stopping:
        net.flat.copy_(best_flat)
    state.optimizer = optimizer.state()
    coefs, intercepts = net.get_params()
    return FitResult(coefs, intercepts, losses, n_iter, converged, messages)


def _shuffled(indices, random_state):
    """``sklearn.utils.shuffle(indices, random_state=random_state)``, without
    its input validation (a third of a tiny fit's time): the same draws, so
    the same minibatches as scikit-learn's MLP."""
    order = np.arange(len(indices))
    random_state.shuffle(order)
    return indices[order]


def _trigger_stopping(stalled, state, options, messages):
    """Stop the stalled restarts, or divide their learning rate by 5 under
    ``learning_rate="adaptive"`` (sgd) until it falls to 1e-6."""
    what = "Validation score" if state.early_stopping else "Training loss"
    msg = ("%s did not improve more than tol=%f for %d consecutive epochs."
           % (what, options["tol"], options["n_iter_no_change"]))
    stopping = stalled.copy()
    if options["solver"] == "sgd" and options["learning_rate"] == "adaptive":
        decrease = stalled & (state.learning_rate > 1e-6)
        state.learning_rate[decrease] /= 5.0
        state.no_improvement[decrease] = 0
        stopping &= ~decrease
        if options["verbose"] and decrease.any():
            print(msg + " Setting learning rate to %f"
                  % state.learning_rate[decrease].max())
    for r in np.flatnonzero(stopping):
        messages[r] = msg
    if options["verbose"] and stopping.any():
        print(msg + " Stopping.")
    return stopping


def _print_iteration(n_iter, losses, active):
    if len(losses) == 1:
        print("Iteration %d, loss = %.8f" % (n_iter[0], losses[0]))
    else:
        print("Iteration %d, loss = %.8f (best of %d restarts, %d still training)"
              % (n_iter.max(), np.nanmin(losses), len(losses), active.sum()))


SOLVERS = {"adam": fit_stochastic, "sgd": fit_stochastic, "lbfgs": fit_lbfgs}
