"""The estimator layer shared by both estimators.

Reads top to bottom as a fit does: validate parameters and data, resolve the
device and the randomness, build the batched network, run the solver, keep the
best restart, store the fitted ``*_`` attributes. Nothing here touches torch
tensors; :mod:`skorchlite._network` and :mod:`skorchlite._solvers` do.
"""

import copy
import functools
import warnings
from abc import ABC, abstractmethod

import numpy as np
import scipy.sparse as sp
from sklearn import get_config
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_array, check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from ._cache import DeviceCache, fingerprint
from ._callbacks import CallbackSupportMixin, FitMonitor, with_callbacks
from ._compat import CachedParamNamesMixin
from ._device import as_device, plan_prediction, plan_training, thread_limits
from ._init import glorot_uniform
from ._network import STEP_LIMITS, BatchedMLP, torch_dtype
from ._params import MLP_CONSTRAINTS, Registered, check_bool, validate_params
from ._predict import forward, prediction_network
from ._prefit import solver_for
from ._registry import SOLVERS
from ._state import Data, SolverOptions, TrainingState

# Version of the layout of a fitted estimator's state in pickles and skops
# files. Bump it when that layout changes, and teach __setstate__ to read (or
# clearly refuse) the older ones.
FORMAT_VERSION = 1


def exploded(final_loss, initial_loss):
    """Whether a fit exploded: its final training loss is not finite, or
    exceeds ``1000 * initial_loss + 1``, where ``initial_loss`` is the loss at
    the weights the fit started from (a healthy fit lowers its loss; the ``+ 1``
    keeps a fit that starts near zero loss from counting as exploded)."""
    if not np.isfinite(final_loss):
        return True
    return bool(np.isfinite(initial_loss) and final_loss > 1e3 * initial_loss + 1)


def restore_on_error(method):
    """Leave the estimator exactly as it was if ``method`` raises.

    ``fit`` and ``partial_fit`` set attributes as they go (scikit-learn's
    ``validate_data`` sets ``n_features_in_`` first of all); on any error the
    previous ``__dict__`` comes back, so there is never a half-fitted model.
    """

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        snapshot = dict(self.__dict__)
        try:
            return method(self, *args, **kwargs)
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(snapshot)
            raise

    return wrapper


def _version():
    from . import __version__

    return __version__


def check_sample_weight(sample_weight, n_samples, dtype):
    """Validated sample weights as a float array of shape (n_samples,), or None."""
    if sample_weight is None:
        return None
    if np.isscalar(sample_weight):
        sample_weight = np.full(n_samples, sample_weight)
    sample_weight = check_array(sample_weight, ensure_2d=False, dtype=dtype,
                                input_name="sample_weight", copy=True)
    if sample_weight.ndim != 1:
        raise ValueError(
            f"Sample weights must be 1D array or scalar, got {sample_weight.ndim}D "
            "array. Expected either a scalar value or a 1D array of length "
            f"{n_samples}.")
    if sample_weight.shape != (n_samples,):
        raise ValueError(
            f"sample_weight.shape == {sample_weight.shape}, expected "
            f"{(n_samples,)}! Give one weight per row of X.")
    if (sample_weight < 0).any():
        raise ValueError("Negative values in data passed to `sample_weight`; sample "
                         "weights must be non-negative.")
    if not sample_weight.sum() > 0:
        raise ValueError("sample_weight must have a positive sum; got all zeros.")
    return sample_weight


class BaseSigmoidMLP(CallbackSupportMixin, ClassNamePrefixFeaturesOutMixin, TransformerMixin,
                     CachedParamNamesMixin, BaseEstimator, ABC):
    """Shared implementation of :class:`SigmoidMLPRegressor` and
    :class:`SigmoidMLPClassifier`. Not for direct use."""

    _parameter_constraints: dict = dict(MLP_CONSTRAINTS, solver=[Registered(SOLVERS)])

    @abstractmethod
    def __init__(self, hidden_layer_sizes, *, activation, solver, alpha, batch_size,
                 learning_rate, learning_rate_init, power_t, max_iter, shuffle,
                 random_state, tol, verbose, warm_start, momentum,
                 nesterovs_momentum, early_stopping, validation_fraction, beta_1,
                 beta_2, epsilon, n_iter_no_change, max_fun, n_restarts, device):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.n_restarts = n_restarts
        self.device = device

    # -- what the two estimators define ---------------------------------------

    @abstractmethod
    def _validate_input(self, X, y, incremental, reset):
        """Validated X and the 2-D float training target Y."""

    @abstractmethod
    def _output_setup(self, Y):
        """(out_activation_, training loss name, validation score name)."""

    # -- fitting --------------------------------------------------------------

    @restore_on_error
    def fit(self, X, y, sample_weight=None):
        """Fit the model to data matrix X and target(s) y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The target values (class labels in classification, real numbers
            in regression).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights; None weighs every sample equally.

        Returns
        -------
        self : object
            The fitted estimator.

        Notes
        -----
        While it runs on the CPU, ``fit`` changes two process-wide settings
        and restores them when it returns (also on error or Ctrl-C): BLAS
        (numpy's and scipy's, through ``threadpoolctl``) is limited to one
        thread, and ``torch.set_num_threads(1)`` is called when a training
        step is below one million multiply-adds. Fits running at the same
        time in several threads are counted: the first saves the settings,
        the last restores them. Prediction (``predict``, ``transform`` and
        the other methods) changes no setting, and its results do not depend
        on the thread settings.

        Examples
        --------
        >>> import numpy as np
        >>> from skorchlite import SigmoidMLPRegressor
        >>> X = np.linspace(-1, 1, 50).reshape(-1, 1)
        >>> reg = SigmoidMLPRegressor((4,), solver="lbfgs", n_restarts=2,
        ...                           random_state=0).fit(X, X.ravel() ** 2)
        >>> reg.n_layers_, reg.restart_losses_.shape
        (3, (2,))
        """
        return self._fit(X, y, sample_weight, incremental=False)

    def _check_solver(self):
        spec = SOLVERS.get(self.solver)
        if spec is None or not spec.partial_fit:
            names = " or ".join(repr(name) for name, s in SOLVERS.items() if s.partial_fit)
            raise AttributeError(
                f"partial_fit is only available for stochastic optimizers. {self.solver} "
                f"is not stochastic. Use solver={names} for partial_fit.")
        return True

    def _hidden_sizes(self):
        sizes = self.hidden_layer_sizes
        return [int(sizes)] if np.isscalar(sizes) else [int(s) for s in sizes]

    def _validate_params(self):
        """Check every constructor parameter against ``_parameter_constraints``.

        scikit-learn's hook (what its meta-estimators and tests call), and
        the one check ``fit`` and ``partial_fit`` run. Raises
        :class:`~skorchlite.InvalidParameterError`, a subclass of
        scikit-learn's ``InvalidParameterError``, naming the parameter, what
        it must be and what it got.
        """
        validate_params(self)

    @with_callbacks
    def _fit(self, X, y, sample_weight, incremental):
        self._validate_params()
        first_pass = not hasattr(self, "coefs_") or (not self.warm_start and not incremental)
        X, Y = self._validate_input(X, y, incremental, reset=first_pass)
        sample_weight = check_sample_weight(sample_weight, X.shape[0], X.dtype)
        spec = SOLVERS[self.solver]
        if self.early_stopping and incremental:
            raise ValueError("partial_fit does not support early_stopping=True; "
                             "use fit, or set early_stopping=False.")
        X = X.toarray() if sp.issparse(X) else X
        layer_units = [X.shape[1], *self._hidden_sizes(), Y.shape[1]]
        random_state = check_random_state(self.random_state)
        dtype = spec.training_dtype(X.dtype)

        out_activation, loss, score = self._output_setup(Y)
        if first_pass:
            coefs, intercepts = glorot_uniform(
                random_state, layer_units, self.n_restarts, self.activation, dtype)
            state = TrainingState(self.n_restarts, self.early_stopping)
        else:
            coefs, intercepts = self._continued_weights(layer_units)
            state = copy.deepcopy(self._training_state)
            if state.early_stopping != self.early_stopping:
                state = TrainingState(self.n_restarts, self.early_stopping)

        data = self._training_data(X, Y, sample_weight, random_state, spec)
        options = self._solver_options(data.X.shape[0], score)
        # stochastic solvers step all restarts at once on a minibatch, the
        # others one restart at a time on all rows
        rows_per_step = options.batch_size if spec.stochastic else data.X.shape[0]
        restarts_per_step = self.n_restarts if spec.stochastic else 1
        work = rows_per_step * restarts_per_step * sum(
            a * b for a, b in zip(layer_units[:-1], layer_units[1:]))
        device, compute = plan_training(self.device, spec.stochastic, work, dtype, data,
                                        layer_units, self.n_restarts, rows_per_step)
        # partial_fit continues the network (and optimizer) it left on the
        # device, while the numpy state it came from is unchanged
        key = (None if first_pass or not spec.stochastic else self._training_key(
            device, compute, out_activation, loss, options, coefs, intercepts, state))
        cache = getattr(self, "_device_cache", None)
        net = None if key is None or cache is None else cache.take("train", key)
        solve = solver_for(self, spec.fit)
        if net is None:
            net = functools.partial(BatchedMLP, coefs, intercepts, self.activation,
                                    out_activation, loss, device, torch_dtype(compute))
            if solve is spec.fit:
                net = net()
            # else a batched search's stand-in builds it only if it trains or
            # captures here (a fit that installs a result needs no network)
        monitor = FitMonitor.start(
            self, X, y, sample_weight, task_name="partial_fit" if incremental else "fit",
            n_restarts=self.n_restarts, n_leaves=1 if incremental else self.max_iter,
            leaf_name="epoch" if spec.stochastic else "iteration",
            fitted={"n_layers_": len(layer_units), "n_outputs_": layer_units[-1],
                    "out_activation_": out_activation, "device_": device})
        with thread_limits(device, work):
            result = solve(net, data, options, state, random_state, incremental,
                           monitor=monitor)
        # numpy copies (never views of the network's buffer), in scikit-learn's
        # dtype where the device computed in another (MPS)
        result.coefs = [np.array(c, dtype=dtype) for c in result.coefs]
        result.intercepts = [np.array(b, dtype=dtype) for b in result.intercepts]

        best = self._keep_best(result, state, spec)
        self._store(result, state, best, layer_units, out_activation, device, spec)
        if first_pass or cache is None:
            self._device_cache = DeviceCache()
        if incremental and spec.stochastic and solve is spec.fit:  # net trained here
            self._device_cache.put("train", self._training_key(
                device, compute, out_activation, loss, options, self._restart_coefs,
                self._restart_intercepts, state), net)
        self._warn_convergence(result, best, spec, options, incremental)
        self._warn_explosion(result.initial_losses[best], spec, result.interrupted)
        if monitor is not None:
            monitor.end_fit()
        return self

    def _training_key(self, device, compute, out_activation, loss, options, coefs,
                      intercepts, state):
        """What a network and optimizer kept on the device for partial_fit
        were built from: device, dtype, architecture, the optimizer's
        parameters and the contents of the numpy weights and optimizer state."""
        optimizer = state.optimizer or {}
        arrays = [optimizer[name] for name in sorted(optimizer) if name != "t"]
        hyper = tuple(getattr(options, name) for name in (
            "solver", "learning_rate_init", "learning_rate", "power_t", "momentum",
            "nesterovs_momentum", "beta_1", "beta_2", "epsilon"))
        return (str(device), np.dtype(compute).str, self.activation, out_activation, loss,
                hyper, optimizer.get("t"), fingerprint([*coefs, *intercepts, *arrays]))

    def _continued_weights(self, layer_units):
        """The stored restarts, checked against the current parameters."""
        coefs = self._restart_coefs
        shapes = [c.shape[1:] for c in coefs]
        expected = list(zip(layer_units[:-1], layer_units[1:]))
        if shapes != expected or coefs[0].shape[0] != self.n_restarts:
            raise ValueError(
                "warm_start and partial_fit continue the previous fit, which had "
                f"{coefs[0].shape[0]} restart(s) of layer shapes {shapes}; the "
                f"current parameters ask for {self.n_restarts} of {expected}. "
                "Set warm_start=False (or call fit) to start afresh.")
        self._take_public_weights(coefs, self._restart_intercepts)
        return coefs, self._restart_intercepts

    def _take_public_weights(self, coefs, intercepts):
        """Write ``coefs_`` and ``intercepts_``, as they are now, into the kept
        restart's slot: a continued fit starts from the public weights, as
        scikit-learn's does, even after the user changed them."""
        for name, public, stored in (("coefs_", self.coefs_, coefs),
                                     ("intercepts_", self.intercepts_, intercepts)):
            if len(public) != len(stored):
                raise ValueError(
                    f"{name} holds {len(public)} arrays; the network continued by "
                    f"warm_start and partial_fit has {len(stored)} layers of weights. "
                    "Restore it, or set warm_start=False (or call fit) to start afresh.")
            for layer, (array, slots) in enumerate(zip(public, stored)):
                if np.shape(array) != slots.shape[1:]:
                    raise ValueError(
                        f"{name}[{layer}] has shape {np.shape(array)}; the network "
                        f"continued by warm_start and partial_fit needs "
                        f"{slots.shape[1:]}. Restore it, or set warm_start=False (or "
                        "call fit) to start afresh.")
                slots[self.best_restart_] = array

    def _training_data(self, X, Y, sample_weight, random_state, spec):
        """Split off the validation set for early stopping, as scikit-learn does."""
        if not (self.early_stopping and spec.early_stopping):
            return Data(X, Y, sample_weight)
        # stratified by the user's labels (the same split as by the binarised
        # target, scikit-learn's choice, but errors then name the user's classes)
        stratify = (self.classes_[Y[:, 0].astype(int)]
                    if (self._is_classifier() and Y.shape[1] == 1) else None)
        arrays = [X, Y] if sample_weight is None else [X, Y, sample_weight]
        try:
            split = train_test_split(*arrays, random_state=random_state,
                                     test_size=self.validation_fraction, stratify=stratify)
        except ValueError as error:
            if stratify is None:
                raise
            raise ValueError(
                f"{error} early_stopping=True holds out a validation set stratified by "
                "class; give every class at least 2 samples and enough rows for "
                "validation_fraction to hold one of each, or set "
                "early_stopping=False.") from error
        X_train, X_val, Y_train, Y_val = split[:4]
        sw_train, sw_val = (None, None) if sample_weight is None else split[4:]
        if X_val.shape[0] < 2:
            raise ValueError(
                "The validation set is too small. Increase 'validation_fraction' "
                "or the size of your dataset.")
        return Data(X_train, Y_train, sw_train, X_val, Y_val, sw_val)

    def _solver_options(self, n_samples, score):
        if self.batch_size == "auto":
            batch_size = min(200, n_samples)
        else:
            if self.batch_size > n_samples:
                warnings.warn("Got `batch_size` less than 1 or larger than "
                              "sample size. It is going to be clipped")
            batch_size = int(np.clip(self.batch_size, 1, n_samples))
        return SolverOptions(
            solver=self.solver, alpha=self.alpha, batch_size=batch_size,
            learning_rate=self.learning_rate, learning_rate_init=self.learning_rate_init,
            power_t=self.power_t, max_iter=self.max_iter, shuffle=self.shuffle, tol=self.tol,
            verbose=self.verbose, momentum=self.momentum,
            nesterovs_momentum=self.nesterovs_momentum, beta_1=self.beta_1,
            beta_2=self.beta_2, epsilon=self.epsilon,
            n_iter_no_change=self.n_iter_no_change, max_fun=self.max_fun, score=score)

    def _keep_best(self, result, state, spec):
        """Index of the restart to keep; drops (with a warning) the restarts
        that diverged, and raises when none is left."""
        R = len(result.losses)
        params = result.coefs + result.intercepts
        finite = np.array([all(np.isfinite(p[r]).all() for p in params) for r in range(R)])
        early = self.early_stopping and spec.early_stopping
        if early:
            # a restart that diverged still holds its weights of best validation
            # score, usable when finite (scikit-learn keeps them too)
            dropped = ~finite | ~np.isfinite(state.best_validation_score)
        else:
            dropped = result.diverged | ~finite
        hint = ("scale X (e.g. with sklearn.preprocessing.StandardScaler)" if not spec.stochastic
                else f"lower learning_rate_init (now {self.learning_rate_init}) or scale X "
                     "(e.g. with sklearn.preprocessing.StandardScaler)")
        if dropped.all():
            raise ValueError(
                "Solver produced non-finite parameter weights. The input data may "
                "contain large values and need to be preprocessed. Every restart "
                f"({R} of {R}) diverged: its loss or weights became nan or inf; {hint}.")
        if dropped.any():
            which = ", ".join(str(r) for r in np.flatnonzero(dropped))
            warnings.warn(
                f"Restart(s) {which} of {R} diverged (loss or weights became nan or "
                f"inf) and were dropped; the best of the other {R - dropped.sum()} is "
                f"kept. To avoid this, {hint}.", RuntimeWarning)
        if early:
            scores = np.where(np.isnan(state.best_validation_score), -np.inf,
                              state.best_validation_score)
            return int(np.argmax(np.where(dropped, -np.inf, scores)))
        candidates = np.flatnonzero(~dropped)
        ranked = np.where(np.isfinite(result.losses), result.losses, np.inf)
        return int(candidates[np.argmin(ranked[candidates])])

    def _store(self, result, state, best, layer_units, out_activation, device, spec):
        self.coefs_ = [c[best].copy() for c in result.coefs]
        self.intercepts_ = [b[best].copy() for b in result.intercepts]
        self.n_iter_ = int(result.n_iter[best])
        # loss_ as scikit-learn reports it (nan for a restart kept under
        # early_stopping after its loss became nan); restarts ranked with inf
        self.loss_ = float(result.losses[best])
        self.restart_losses_ = np.where(np.isfinite(result.losses), result.losses,
                                        np.inf).astype(np.float64)
        self.best_restart_ = best
        self.loss_curve_ = list(state.loss_curves[best])
        self.restart_loss_curves_ = [list(curve) for curve in state.loss_curves]
        if self.early_stopping and spec.early_stopping:
            self.best_loss_ = None
            self.validation_scores_ = list(state.validation_scores[best])
            self.restart_validation_scores_ = [list(s) for s in state.validation_scores]
            self.best_validation_score_ = float(state.best_validation_score[best])
        else:
            self.best_loss_ = (float(state.best_loss[best]) if spec.stochastic
                               else float(min(self.loss_curve_, default=self.loss_)))
            self.validation_scores_ = None
            self.restart_validation_scores_ = None
            self.best_validation_score_ = None
        self.t_ = int(state.t) if spec.stochastic else 0
        self.n_layers_ = len(layer_units)
        self.n_outputs_ = layer_units[-1]
        self.out_activation_ = out_activation
        self.device_ = device
        self._restart_coefs = result.coefs
        self._restart_intercepts = result.intercepts
        self._training_state = state

    def _warn_convergence(self, result, best, spec, options, incremental):
        if result.interrupted:
            warnings.warn(
                f"Training interrupted by user. The kept restart completed "
                f"{self.n_iter_} iteration(s) (n_iter_ = {self.n_iter_}) and keeps the "
                f"weights reached when interrupted ({result.interrupted}).")
            return
        if result.converged[best] or incremental:
            return
        message = spec.convergence_message(options, result, best)
        if message is not None:
            warnings.warn(message, ConvergenceWarning)

    def _warn_explosion(self, initial, spec, interrupted):
        """Warn when the kept restart's training exploded: its final loss is
        not finite, or more than 1000 times its loss at the starting weights
        plus 1 (see :func:`exploded`)."""
        if interrupted or not exploded(self.loss_, initial):
            return
        remedy = (f"learning_rate_init={self.learning_rate_init!r} is too high for this "
                  "data: lower it, or scale X (e.g. with "
                  "sklearn.preprocessing.StandardScaler)" if spec.stochastic else
                  "scale X (e.g. with sklearn.preprocessing.StandardScaler) or raise alpha")
        kept = (" The weights of best validation score are kept." if
                self.validation_scores_ is not None else "")
        warnings.warn(
            f"The training loss ended at {self.loss_:.4g}, against {initial:.4g} at the "
            f"starting weights: the fit diverged; {remedy}.{kept}", RuntimeWarning)

    def _is_classifier(self):
        return self.__sklearn_tags__().estimator_type == "classifier"

    # -- prediction -----------------------------------------------------------

    def _evaluate(self, X, *, step=False, hidden=None, caller="predict_step"):
        """Run the kept network over the rows of X, in chunks of scikit-learn's
        ``working_memory`` (see ``sklearn.set_config``).

        Returns the output-layer activations, shape (n, n_outputs), or with
        ``hidden`` a list of hidden-layer indices, the activations of those
        layers (only those are kept, chunk by chunk). With
        ``step=True`` each hidden unit is replaced by its step limit.
        """
        check_is_fitted(self)
        if step and self.activation not in STEP_LIMITS:
            raise ValueError(
                f"{caller} needs hidden units with a step limit: "
                "activation='logistic' (0/1 steps) or 'tanh' (-1/+1 steps); this "
                f"estimator has activation={self.activation!r}, which has none.")
        X = validate_data(self, X, accept_sparse=["csr", "csc"],
                          dtype=(np.float64, np.float32), reset=False)
        dtype = np.result_type(X.dtype, self.coefs_[0].dtype)
        device, compute = plan_prediction(self.device_, dtype)
        # the network stays on the device between calls while coefs_ and
        # intercepts_ hold the same values
        key = (str(device), np.dtype(compute).str, self.activation, self.out_activation_,
               fingerprint([*self.coefs_, *self.intercepts_]))
        cache = getattr(self, "_device_cache", None)
        net = None if cache is None else cache.get("predict", key)
        if net is None:
            net = prediction_network(self.coefs_, self.intercepts_, self.activation,
                                     self.out_activation_, device, compute)
            if cache is not None:
                cache.put("predict", key, net)
        return forward(self.coefs_, self.intercepts_, self.activation, self.out_activation_, X,
                       device=device, net=net, step=step, layers=hidden,
                       working_memory=get_config()["working_memory"])

    # -- looking inside ---------------------------------------------------------

    def transform(self, X):
        """Activations of the last hidden layer.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        H : ndarray of shape (n_samples, hidden_layer_sizes[-1])
            The output of every unit of the last hidden layer of the kept
            network.

        Examples
        --------
        >>> import numpy as np
        >>> from skorchlite import SigmoidMLPRegressor
        >>> X = np.linspace(0, 1, 20).reshape(-1, 1)
        >>> reg = SigmoidMLPRegressor((5, 3), solver="lbfgs", max_iter=20,
        ...                           random_state=0).fit(X, X.ravel())
        >>> reg.transform(X).shape
        (20, 3)
        """
        self._check_hidden_layer("transform")
        return self._evaluate(X, hidden=[len(self.coefs_) - 2])[0]

    def _check_hidden_layer(self, caller):
        check_is_fitted(self)
        if len(self.coefs_) < 2:
            raise ValueError(
                f"{caller} gives the activations of the last hidden layer, and this "
                f"{type(self).__name__} has none (hidden_layer_sizes="
                f"{self.hidden_layer_sizes!r}: a linear model of its inputs). Use "
                "predict, or fit with at least one hidden layer.")

    def hidden_activations(self, X, *, step=False):
        """Activations of every hidden layer.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        step : bool, default=False
            Replace every hidden unit by its step limit: for logistic units
            1 where the unit's pre-activation is > 0, else 0; for tanh units
            +1 where it is > 0, else -1. Each layer is fed the step codes of
            the layer before. Raises ``ValueError`` for 'relu' and 'identity'.

        Returns
        -------
        activations : list of ndarray of shape (n_samples, units)
            One array per hidden layer, in order (an empty list for
            ``hidden_layer_sizes=()``).

        Examples
        --------
        >>> import numpy as np
        >>> from skorchlite import SigmoidMLPRegressor
        >>> X = np.linspace(0, 1, 20).reshape(-1, 1)
        >>> reg = SigmoidMLPRegressor((4, 2), solver="lbfgs", max_iter=20,
        ...                           random_state=0).fit(X, X.ravel())
        >>> [a.shape for a in reg.hidden_activations(X)]
        [(20, 4), (20, 2)]
        >>> codes = reg.hidden_activations(X, step=True)
        >>> bool(np.isin(np.concatenate([c.ravel() for c in codes]), [0.0, 1.0]).all())
        True
        """
        check_is_fitted(self)
        check_bool(step, "step")
        return self._evaluate(X, step=step, hidden=list(range(len(self.coefs_) - 1)),
                              caller="hidden_activations(step=True)")

    @property
    def _n_features_out(self):
        """Number of columns ``transform`` returns (for get_feature_names_out)."""
        self._check_hidden_layer("get_feature_names_out")
        return self.coefs_[-1].shape[0]

    # -- persistence --------------------------------------------------------------

    def __getstate__(self):
        """Plain numpy/python state: the fitted device as a string, the
        training state as a dict, and the format version."""
        state = dict(super().__getstate__())  # a copy: never touch the live object
        state["_skorchlite_format"] = FORMAT_VERSION
        if "device_" in state:
            state["device_"] = str(state["device_"])
        if isinstance(state.get("_training_state"), TrainingState):
            state["_training_state"] = state["_training_state"].to_dict()
        state.pop("_device_cache", None)  # torch objects: rebuilt after loading
        return state

    def __setstate__(self, state):
        state = dict(state)
        version = state.pop("_skorchlite_format", None)
        if version is not None and version > FORMAT_VERSION:
            raise ValueError(
                f"This {type(self).__name__} was saved by a newer skorchlite (state "
                f"format {version}); this skorchlite ({_version()}) reads formats up "
                f"to {FORMAT_VERSION}. Upgrade skorchlite to load it.")
        if "coefs_" in state and version is None:
            raise ValueError(
                f"This {type(self).__name__} was saved without a skorchlite state "
                "format version (a pre-release build), which this skorchlite cannot "
                "read. Refit the model, or load it with the version that saved it.")
        if isinstance(state.get("device_"), str):
            state["device_"] = as_device(state["device_"])
        if isinstance(state.get("_training_state"), dict):
            state["_training_state"] = TrainingState(**state["_training_state"])
        if "coefs_" in state:
            state["_device_cache"] = DeviceCache()
        super().__setstate__(state)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

