"""The solver registry: what the estimator layer knows about each solver.

A solver is a :class:`SolverSpec`: the function that trains the restarts of a
:class:`~skorchlite._network.BatchedMLP`, plus the traits the estimators ask
about instead of testing solver names. Adding a solver means writing its
module (a ``fit`` function and a convergence message) and adding one entry
to :data:`SOLVERS`; the ``solver`` parameter accepts every key.
"""

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ._lbfgs import fit_lbfgs, lbfgs_convergence_message
from ._solvers import fit_stochastic, stochastic_convergence_message


def _keep_input_dtype(dtype):
    return np.dtype(dtype)


def _float64(dtype):
    return np.dtype(np.float64)


@dataclass(frozen=True)
class SolverSpec:
    """A solver and its traits.

    Attributes
    ----------
    fit : callable
        ``fit(net, data, options, state, random_state, incremental, monitor=None)``
        trains every restart of ``net`` and returns a ``FitResult``
        (``_state.py``); ``monitor`` is the fit's
        :class:`~skorchlite._callbacks.FitMonitor` (None without callbacks),
        told of every restart and iteration.
    stochastic : bool
        Trains all restarts at once on minibatches, one epoch per iteration
        (``t_`` counts samples seen; ``best_loss_`` is tracked per epoch;
        divergence is usually a too large ``learning_rate_init``).
    partial_fit : bool
        Offers ``partial_fit`` (one call = one iteration of ``fit``).
    early_stopping : bool
        Honours ``early_stopping=True`` (a validation split, the restart with
        the best validation score kept); otherwise the parameter is ignored,
        as scikit-learn ignores it for lbfgs.
    training_dtype : callable
        Maps the dtype of the validated ``X`` (float32 or float64) to the
        dtype of the weights and of the training arrays.
    convergence_message : callable
        ``convergence_message(options, result, best)``: the text of the
        ``ConvergenceWarning`` for a kept restart that did not converge, or
        None when no warning is due.
    """

    fit: Callable
    stochastic: bool
    partial_fit: bool
    early_stopping: bool
    training_dtype: Callable
    convergence_message: Callable


_STOCHASTIC = dict(fit=fit_stochastic, stochastic=True, partial_fit=True, early_stopping=True,
                   training_dtype=_keep_input_dtype,
                   convergence_message=stochastic_convergence_message)

SOLVERS = {
    "adam": SolverSpec(**_STOCHASTIC),
    "sgd": SolverSpec(**_STOCHASTIC),
    "lbfgs": SolverSpec(fit=fit_lbfgs, stochastic=False, partial_fit=False,
                        early_stopping=False, training_dtype=_float64,
                        convergence_message=lbfgs_convergence_message),
}
"""Every solver by the name the ``solver`` parameter gives it."""
