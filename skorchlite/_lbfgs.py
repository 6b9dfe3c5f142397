"""The lbfgs solver: scipy's L-BFGS-B on every restart.

Each restart gets its own ``scipy.optimize.minimize(method="L-BFGS-B")`` run
(its own line searches, curvature pairs and stopping tests, so ``max_iter``,
``max_fun`` and ``tol`` mean what they mean in scikit-learn). The restart's
row of the network's flat float64 buffer is the optimisation variable: scipy's
``x`` is copied into it and the hand-derived gradient comes back as one
vector, with no per-call allocation of weights.

Two alternatives were measured and rejected (docs/performance.rst): one
scipy run over the concatenated parameters of all restarts (the benchmark
keeps one to measure it) converges worse for the same ``max_iter``
because the restarts share line searches and curvature pairs; and running the
restarts' scipy loops side by side in threads so that all restarts are
evaluated in one batched network call was slower, because scipy's own
per-iteration overhead dominates on small problems and thread hand-offs add
to it.
"""

import numpy as np
import torch

from ._callbacks import STOPPED_MESSAGE
from ._network import to_numpy, to_tensor
from ._state import FitResult


@torch.inference_mode()
def fit_lbfgs(net, data, options, state, random_state=None, incremental=False,
              monitor=None):
    """Train every restart with scipy's L-BFGS-B (float64, torch gradients).

    A restart whose loss ends nan or inf is marked as diverged; Ctrl-C ends
    the training with the weights reached so far (later restarts not run).
    ``monitor`` (a :class:`~skorchlite._callbacks.FitMonitor`, or None) sees
    every iteration of every restart; a restart whose callbacks ask to stop
    stops.
    """
    X, Y, sw = (net.to_device(a) for a in (data.X, data.Y, data.sample_weight))
    weight_sum = float(X.shape[0] if sw is None else data.sample_weight.sum())
    state.loss_curves = [[] for _ in range(net.n_restarts)]
    result = FitResult.empty(net.n_restarts)
    result.initial_losses = np.full(net.n_restarts, np.nan)
    args = (X, Y, sw, options.alpha, weight_sum)
    _run_sequential(net, args, options, state, result, monitor)
    if monitor is not None:  # what Ctrl-C left open
        monitor.end_restarts(result.losses, result.n_iter)
    result.coefs, result.intercepts = net.get_params()
    return result


def _minimize(objective, x0, options, callback):
    from scipy.optimize import minimize

    return minimize(objective, x0, method="L-BFGS-B", jac=True, callback=callback,
                    options={"maxiter": options.max_iter, "maxfun": options.max_fun,
                             "gtol": options.tol})


def _record(outcome, r, scipy_result, max_iter):
    outcome.losses[r] = scipy_result.fun
    outcome.n_iter[r] = min(scipy_result.nit, max_iter)
    outcome.converged[r] = scipy_result.status == 0
    outcome.diverged[r] = not np.isfinite(scipy_result.fun)
    outcome.messages[r] = "scipy status %d: %s" % (scipy_result.status, scipy_result.message)


def _run_sequential(net, args, options, state, outcome, monitor=None):
    for r in range(net.n_restarts):
        one = net.restart(r)
        params, grads = one.flat.view(-1), one.grad.view(-1)
        curve = state.loss_curves[r]
        objective = _objective(one, params, grads, args)
        callback = _callback(curve, options.verbose,
                             f"Restart {r}, iteration" if net.n_restarts > 1 else "Iteration")
        x0 = to_numpy(params).astype(np.float64)
        run = (objective, callback)
        if monitor is not None:
            monitor.begin_restarts(net, [r])
            run = monitor.wrap_lbfgs(r, x0, objective, callback)
        try:
            scipy_result = _minimize(run[0], x0, options, run[1])
        except KeyboardInterrupt:
            # keep the point scipy last evaluated (it is in the buffer)
            outcome.losses[r] = objective.last_loss
            outcome.initial_losses[r] = objective.first_loss
            outcome.n_iter[r] = len(curve)
            later = "; later restarts were not run" if r < net.n_restarts - 1 else ""
            outcome.interrupted = (f"restart {r} was stopped during its iteration "
                                   f"{len(curve) + 1}{later}")
            return
        params.copy_(to_tensor(scipy_result.x, net.device, net.dtype))
        _record(outcome, r, scipy_result, options.max_iter)
        outcome.initial_losses[r] = objective.first_loss
        if monitor is not None:
            if r in monitor.stopped:
                outcome.converged[r] = True
                outcome.messages[r] = STOPPED_MESSAGE
            monitor.end_restarts(outcome.losses, outcome.n_iter)


def _objective(net, params, grads, args):
    def objective(x):
        params.copy_(to_tensor(x, net.device, net.dtype))
        loss = float(net.loss_and_grad(*args)[0])
        if objective.first_loss is None:
            objective.first_loss = loss
        objective.last_loss = loss
        # scipy keeps the gradient it is given: hand it a float64 copy of the
        # buffer (which is float32 on a device without float64, MPS)
        return loss, to_numpy(grads).astype(np.float64)
    objective.last_loss = np.nan
    objective.first_loss = None
    return objective


def _callback(curve, verbose, prefix):
    # scipy passes an OptimizeResult to a callback whose one parameter is
    # named ``intermediate_result``; it follows the accepted point's evaluation
    def callback(intermediate_result):
        curve.append(float(intermediate_result.fun))
        if verbose:
            print("%s %d, loss = %.8f" % (prefix, len(curve), curve[-1]))
    return callback


def lbfgs_convergence_message(options, result, best):
    """Why the kept restart stopped before converging, and what to change."""
    return (f"lbfgs failed to converge after {int(result.n_iter[best])} iteration(s) "
            f"({result.messages[best]}). Increase max_iter (now {options.max_iter}) "
            f"or max_fun (now {options.max_fun}), or scale the data, e.g. with "
            "sklearn.preprocessing.StandardScaler.")
