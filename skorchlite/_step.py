"""Step-function networks that explain a sigmoid network's fit.

:class:`StepFunctionRegressor` and :class:`StepFunctionClassifier` fit (a
clone of) a sigmoid MLP, replace every hidden unit by its step limit (or by a
sharper sigmoid), and refit what the step network needs to fit the data:

- ``refit="none"``: nothing; the plain limit of ``predict_step``.
- ``refit="output"``: the output layer, exactly, on the codes of the last
  hidden layer (a convex problem: least squares, or the estimator's GLM loss).
- ``refit="thresholds"``: as "output", then coordinate descent on the
  first-layer thresholds (each unit's bias along its own normal), with the
  output layer refitted at each move.

Everything here is numpy: the step network is small, and its training
problems are linear algebra on 0/1 codes. The search of the thresholds
evaluates every candidate position of one unit at once, from cumulative sums
of the rows sorted along the unit's normal (see :func:`_sweep_one_layer`).
"""

from contextlib import nullcontext
from numbers import Real

import numpy as np
from scipy.special import expit, logsumexp, softmax, xlogy
from sklearn.base import (BaseEstimator, ClassifierMixin, ClassNamePrefixFeaturesOutMixin,
                          RegressorMixin, TransformerMixin, clone, is_classifier,
                          is_regressor)
from sklearn.frozen import FrozenEstimator
from sklearn.preprocessing import label_binarize
from sklearn.utils.extmath import safe_sparse_dot
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from ._base import check_sample_weight, restore_on_error
from ._callbacks import CallbackSupportMixin, with_callbacks
from ._compat import CachedParamNamesMixin
from ._device import as_device, thread_limits
from ._params import Interval, Options, validate_params

REFITS = ("none", "output", "thresholds")

# Hidden activations with a step limit: (smooth unit, low code, high code).
_UNITS = {"logistic": (expit, 0.0, 1.0), "tanh": (np.tanh, -1.0, 1.0)}

# Safety cap on the passes over the first-layer units of refit="thresholds"
# (every accepted move lowers the loss, so the search ends anyway).
_MAX_PASSES = 100


class _FitEstimator:
    """None or an object with a ``fit`` method."""

    def __call__(self, value):
        return value is None or callable(getattr(value, "fit", None))

    def __str__(self):
        return "None or an estimator (an object with a fit method)"


# ---------------------------------------------------------------------------
# The step network, in numpy
# ---------------------------------------------------------------------------


def _activate(Z, activation, sharpness):
    """Hidden units at ``sharpness``: the step (inf) or ``unit(sharpness * Z)``."""
    smooth, low, high = _UNITS[activation]
    if np.isinf(sharpness):
        return np.where(Z > 0, high, low)
    return smooth(sharpness * Z)


def _hidden(X, coefs, intercepts, activation, sharpness, first=None):
    """Activations of every hidden layer; ``first`` replaces the first
    layer's (for the threshold search of multi-layer networks)."""
    layers = []
    A = first
    for layer, (W, b) in enumerate(zip(coefs[:-1], intercepts[:-1])):
        if layer > 0 or first is None:
            A = _activate(safe_sparse_dot(X if layer == 0 else A, W) + b, activation,
                          sharpness)
        layers.append(A)
    return layers


def _output(E, out_activation):
    if out_activation == "identity":
        return E
    if out_activation == "exp":
        return np.exp(E)
    if out_activation == "logistic":
        return expit(E)
    return softmax(E, axis=1)


def _design(H):
    """The codes of the last hidden layer with a column of ones (bias last)."""
    return np.column_stack([H, np.ones(H.shape[0])])


def _data_loss(P, Y, w, loss):
    """Weighted sum over rows of the per-sample loss (the estimator's definition)."""
    if loss == "squared_error":
        per_row = 0.5 * np.square(P - Y).sum(axis=1) / Y.shape[1]
    elif loss == "poisson":
        per_row = (xlogy(Y, Y / P) - Y + P).sum(axis=1)
    else:
        eps = np.finfo(P.dtype).eps
        p = np.clip(P, eps, 1 - eps)
        per_row = -xlogy(Y, p).sum(axis=1)
        if loss == "binary_log_loss":
            per_row -= xlogy(1 - Y, 1 - p).sum(axis=1)
    return w @ per_row


def _penalty(coefs, alpha):
    return 0.5 * alpha * sum(float(np.vdot(W, W)) for W in coefs)


# ---------------------------------------------------------------------------
# Refitting the output layer (convex problems)
# ---------------------------------------------------------------------------


def _refit_output(A, Y, w, alpha, loss, start=None):
    """Exact output layer for the design ``A`` (codes, then ones): the
    minimiser of the data loss plus ``0.5 * alpha * ||W_out||^2``, the bias
    unpenalised. Returns B of shape (n_codes + 1, n_outputs), bias last."""
    n_codes = A.shape[1] - 1
    if loss == "squared_error":
        # sum_i w_i ||r_i||^2 + alpha * n_outputs * ||W_out||^2: a weighted ridge,
        # solved through the augmented least-squares system.
        root = np.sqrt(w)[:, None]
        lhs, rhs = A * root, Y * root
        if alpha > 0:
            ridge = np.sqrt(alpha * Y.shape[1]) * np.eye(n_codes, n_codes + 1)
            lhs = np.vstack([lhs, ridge])
            rhs = np.vstack([rhs, np.zeros((n_codes, Y.shape[1]))])
        return np.linalg.lstsq(lhs, rhs, rcond=None)[0]
    return _refit_glm(A, Y, w, alpha, loss, start)


def _glm_start(Y, w, loss, n_params):
    """Zero weights, the bias at the link of the weighted mean target."""
    mean = np.clip(w @ Y / w.sum(), 1e-8, None)
    B = np.zeros((n_params, Y.shape[1]))
    if loss == "poisson":
        B[-1] = np.log(mean)
    elif loss == "binary_log_loss":
        mean = np.clip(mean, 1e-8, 1 - 1e-8)
        B[-1] = np.log(mean / (1 - mean))
    else:
        B[-1] = np.log(mean)
    return B


def _glm_terms(A, B, Y, w, alpha, loss, mask, derivatives=True):
    """Objective (times the weight sum) of the convex output-layer problem at
    B and, with ``derivatives``, its gradient and Hessian (flattened
    output-major: the parameters of output 0, then of output 1, ...)."""
    E = A @ B
    if loss == "poisson":
        with np.errstate(over="ignore"):
            P = np.exp(E)
        value = w @ (P - Y * E).sum(axis=1)
    elif loss == "binary_log_loss":
        P = expit(E)
        value = w @ (np.logaddexp(0.0, E) - Y * E).sum(axis=1)
    else:
        P = softmax(E, axis=1)
        value = w @ (logsumexp(E, axis=1) - (Y * E).sum(axis=1))
    value += 0.5 * alpha * np.sum(np.square(B * mask))
    if not derivatives:
        return value
    grad = A.T @ ((P - Y) * w[:, None]) + alpha * mask * B
    p, K = B.shape
    hessian = np.zeros((K, p, K, p))
    if loss == "log_loss":
        # softmax: curvature diag(P) - P P' per row, coupling the outputs
        for c in range(K):
            for d in range(c, K):
                curvature = w * P[:, c] * ((c == d) - P[:, d])
                block = A.T @ (A * curvature[:, None])
                hessian[c, :, d, :] = block
                hessian[d, :, c, :] = block
    else:
        curvature = w[:, None] * (P if loss == "poisson" else P * (1 - P))
        for c in range(K):
            hessian[c, :, c, :] = A.T @ (A * curvature[:, c, None])
    for c in range(K):
        hessian[c, :, c, :] += alpha * np.diag(mask[:, 0])
    return value, grad.T.ravel(), hessian.reshape(K * p, K * p)


def _refit_glm(A, Y, w, alpha, loss, start):
    """Poisson, logistic (binary and multilabel) or softmax output layer:
    Newton's method with a backtracking line search on the convex objective,
    to machine precision (the problems have a few dozen parameters)."""
    n_params, n_outputs = A.shape[1], Y.shape[1]
    mask = np.ones((n_params, 1))
    mask[-1] = 0.0  # the bias is not penalised
    B = _glm_start(Y, w, loss, n_params) if start is None else start.copy()
    with np.errstate(over="ignore", invalid="ignore"):
        value, grad, hessian = _glm_terms(A, B, Y, w, alpha, loss, mask)
        for _ in range(100):
            # lstsq: the softmax Hessian is singular along the common bias shift
            step = np.linalg.lstsq(hessian, grad, rcond=None)[0]
            decrement = grad @ step
            if not decrement > 1e-13 * max(abs(value), w.sum()):
                break
            step = step.reshape(n_outputs, n_params).T
            size = 1.0
            for _ in range(60):
                trial = B - size * step
                trial_value = _glm_terms(A, trial, Y, w, alpha, loss, mask, False)
                if trial_value <= value - 1e-4 * size * decrement:
                    break
                size *= 0.5
            else:
                break
            B = trial
            value, grad, hessian = _glm_terms(A, B, Y, w, alpha, loss, mask)
    return B


# ---------------------------------------------------------------------------
# Moving the first-layer thresholds
# ---------------------------------------------------------------------------


def _quadratic_model(A, B, Y, w, loss):
    """Per-output row weights V and working responses Z of the quadratic model
    of the loss around the output layer B: for squared error the loss itself,
    otherwise its Newton (IRLS) approximation in the output pre-activations
    (softmax: its diagonal). Rows of V are zero where w is."""
    n_outputs = Y.shape[1]
    if loss == "squared_error":
        return np.repeat(w[:, None] / n_outputs, n_outputs, axis=1), Y
    E = A @ B
    if loss == "poisson":
        P = np.exp(E)
        curvature = P
    else:
        P = expit(E) if loss == "binary_log_loss" else softmax(E, axis=1)
        curvature = P * (1 - P)
    curvature = np.clip(curvature, 1e-10, None)
    return w[:, None] * curvature, E + (Y - P) / curvature


def _sweep_one_layer(H, j, order, low, high, V, Z, alpha):
    """Model score of every position of unit ``j`` of a single hidden layer.

    The rows sorted along the unit's normal, position ``k`` (0..n) gives the
    unit its low code on the first ``k`` rows and its high code on the rest.
    The score is ``sum_outputs c' M^-1 c`` (the larger, the lower the model's
    loss) with ``M = A' diag(v) A + alpha * D`` and ``c = A' diag(v) z``. The
    other columns of A do not change with k, so with ``R`` their block of M,
    the score is ``c_r' R^+ c_r + (e - g' R^+ c_r)^2 / (d - g' R^+ g)`` where
    g, d and e (unit j's cross terms) are cumulative sums over the sorted
    rows: every position of the unit costs O(n * units^2) in all.
    """
    rest = _design(np.delete(H, j, axis=1))[order]
    penalty = np.ones(rest.shape[1])
    penalty[-1] = 0.0
    scores = np.zeros(len(order) + 1)
    for v, z in zip(V[order].T, Z[order].T):
        weighted = rest * v[:, None]
        R = rest.T @ weighted + alpha * np.diag(penalty)
        R_pinv = np.linalg.pinv(R, hermitian=True)
        c_rest = weighted.T @ z
        u = R_pinv @ c_rest
        below = np.vstack([np.zeros(rest.shape[1]), np.cumsum(weighted, axis=0)])
        g = low * below + high * (below[-1] - below)
        below_v = np.concatenate([[0.0], np.cumsum(v)])
        d = low ** 2 * below_v + high ** 2 * (below_v[-1] - below_v) + alpha
        below_vz = np.concatenate([[0.0], np.cumsum(v * z)])
        e = low * below_vz + high * (below_vz[-1] - below_vz)
        q = g @ R_pinv
        denominator = d - np.einsum("ki,ki->k", g, q)
        numerator = e - g @ u
        safe = denominator > 1e-12 * np.maximum(d, 1e-300)
        gain = np.where(safe, numerator ** 2 / np.where(safe, denominator, 1.0), 0.0)
        scores += c_rest @ u + gain
    return scores


def _sweep_deep(A_low, A_high, order, V, Z, alpha, chunk_floats=2_000_000):
    """The same scores for networks of several hidden layers: flipping a
    first-layer unit changes whole rows of the last layer's codes, so M(k)
    is accumulated from the two designs (unit low / high) and solved for
    every position, in chunks of positions."""
    A_low, A_high = A_low[order], A_high[order]
    n, p = A_low.shape
    penalty = np.ones(p)
    penalty[-1] = 0.0
    chunk = max(1, chunk_floats // (p * p))
    scores = np.zeros(n + 1)
    for v, z in zip(V[order].T, Z[order].T):
        outer_low = A_low * v[:, None]
        outer_high = A_high * v[:, None]
        M = A_high.T @ outer_high + alpha * np.diag(penalty)
        c = outer_high.T @ z
        jitter = 1e-12 * max(np.trace(M) / p, 1e-300) * np.eye(p)
        values = []
        for start in range(0, n + 1, chunk):
            stop = min(n + 1, start + chunk)
            ks = np.arange(start, stop)
            # rows [0, k) switch from the high design to the low one
            rows = np.arange(start, stop - 1 if stop == n + 1 else stop)
            dM = (np.einsum("ki,kj->kij", outer_low[rows], A_low[rows])
                  - np.einsum("ki,kj->kij", outer_high[rows], A_high[rows]))
            dc = outer_low[rows].T * z[rows] - outer_high[rows].T * z[rows]
            Ms = M + np.concatenate([np.zeros((1, p, p)), np.cumsum(dM, axis=0)])[:len(ks)]
            cs = c + np.concatenate([np.zeros((1, p)), np.cumsum(dc.T, axis=0)])[:len(ks)]
            beta = np.linalg.solve(Ms + jitter, cs[..., None])[..., 0]
            values.append(np.einsum("ki,ki->k", cs, beta))
            if len(rows):
                M = M + dM.sum(axis=0)
                c = c + dc.sum(axis=1)
        scores += np.concatenate(values)
    return scores


class _ThresholdSearch:
    """Coordinate descent on the first-layer biases of a step network.

    Each unit in turn: every position of its threshold between two
    consecutive distinct projections of the training rows onto its normal is
    scored by the quadratic model of the loss (exact for squared error); the
    best one is tried with an exact refit of the output layer and kept when
    the training loss drops. Ends when a full pass keeps no move.
    """

    def __init__(self, X, Y, w, coefs, intercepts, activation, loss, alpha):
        self.X, self.Y, self.w = X, Y, w
        self.coefs, self.intercepts = coefs, intercepts
        self.activation, self.loss, self.alpha = activation, loss, alpha
        self.projections = safe_sparse_dot(X, coefs[0])
        self.total = w.sum()
        self.fixed_penalty = _penalty(coefs[:-1], alpha)

    def first_codes(self):
        return _activate(self.projections + self.intercepts[0], self.activation, np.inf)

    def design(self, first):
        H = _hidden(self.X, self.coefs, self.intercepts, self.activation, np.inf,
                    first=first)[-1]
        return _design(H)

    def objective(self, A, B):
        P = _output(A @ B, _OUT[self.loss])
        value = _data_loss(P, self.Y, self.w, self.loss)
        value += 0.5 * self.alpha * float(np.vdot(B[:-1], B[:-1])) + self.fixed_penalty
        return value / self.total

    def run(self, B):
        _, low, high = _UNITS[self.activation]
        keep = self.w > 0
        first = self.first_codes()
        A = self.design(first)
        current = self.objective(A, B)
        deep = len(self.coefs) > 2
        for _ in range(_MAX_PASSES):
            moved = False
            for j in range(first.shape[1]):
                z = self.projections[keep, j]
                order = np.argsort(z, kind="stable")
                ordered = z[order]
                # position k: threshold between the k-1-th and k-th sorted value
                mids = 0.5 * (ordered[:-1] + ordered[1:])
                valid = np.zeros(len(ordered) + 1, dtype=bool)
                valid[1:-1] = (ordered[:-1] < mids) & (mids < ordered[1:])
                if not valid.any():
                    continue
                V, Zr = _quadratic_model(A[keep], B, self.Y[keep], self.w[keep], self.loss)
                if deep:
                    low_codes, high_codes = first.copy(), first.copy()
                    low_codes[:, j], high_codes[:, j] = low, high
                    scores = _sweep_deep(self.design(low_codes)[keep],
                                         self.design(high_codes)[keep], order, V, Zr,
                                         self.alpha)
                else:
                    scores = _sweep_one_layer(first[keep], j, order, low, high, V, Zr,
                                              self.alpha)
                now = int(np.sum(first[keep, j] == low))  # current position
                candidates = np.where(valid, scores, -np.inf)
                best = int(np.argmax(candidates))
                if not candidates[best] > scores[now] + 1e-12 * max(abs(scores[now]), 1.0):
                    continue
                old_bias = self.intercepts[0][j]
                self.intercepts[0][j] = -mids[best - 1]
                new_first = first.copy()
                new_first[:, j] = np.where(self.projections[:, j] + self.intercepts[0][j] > 0,
                                           high, low)
                new_A = self.design(new_first)
                new_B = _refit_output(new_A, self.Y, self.w, self.alpha, self.loss, start=B)
                new_value = self.objective(new_A, new_B)
                if new_value < current:
                    first, A, B, current, moved = new_first, new_A, new_B, new_value, True
                else:
                    self.intercepts[0][j] = old_bias
            if not moved:
                break
        return B


def best_piecewise_constant(x, y, n_jumps, sample_weight=None):
    """The least-squares piecewise-constant fit of y on a 1-D x with at most
    ``n_jumps`` jumps, by dynamic programming over the sorted distinct x.

    The benchmark of the step networks: no network with ``n_jumps`` hidden
    units on a 1-D input can fit the training data better. O(n_jumps * m^2)
    time and O(m^2) memory for m distinct values of x.

    Returns
    -------
    sse : float
        The smallest (weighted) sum of squared errors.
    y_fit : ndarray of shape (n_samples,)
        The optimal fit at every x.
    """
    x, y = np.asarray(x, dtype=np.float64).ravel(), np.asarray(y, dtype=np.float64)
    w = np.ones_like(y) if sample_weight is None else np.asarray(sample_weight, float)
    values, inverse = np.unique(x, return_inverse=True)
    m = len(values)
    sums = [np.concatenate([[0.0], np.cumsum(np.bincount(inverse, weights, m))])
            for weights in (w, w * y, w * y * y)]
    # cost[i, j]: the SSE of one constant over the distinct values i..j-1
    cw, c1, c2 = (s[None, :] - s[:, None] for s in sums)
    with np.errstate(divide="ignore", invalid="ignore"):
        cost = np.where(cw > 0, c2 - c1 ** 2 / cw, 0.0)
    cost[np.tril_indices(m + 1)] = np.inf
    cost[np.diag_indices(m + 1)] = 0.0
    best = [cost[0]]  # best[p][j]: the first j values in p + 1 pieces
    for _ in range(n_jumps):
        best.append(np.min(best[-1][:, None] + cost, axis=0))
    # walk back from the end to recover the pieces
    y_values, end = np.zeros(m), m
    for pieces in range(len(best) - 1, -1, -1):
        start = 0 if pieces == 0 else int(np.argmin(best[pieces - 1][:end + 1]
                                                    + cost[:end + 1, end]))
        if start < end:
            y_values[start:end] = (sums[1][end] - sums[1][start]) / (sums[0][end] - sums[0][start])
        end = start
    return float(best[-1][m]), y_values[inverse]


_OUT = {"squared_error": "identity", "poisson": "exp", "binary_log_loss": "logistic",
        "log_loss": "softmax"}
_LOSS = {value: key for key, value in _OUT.items()}


# ---------------------------------------------------------------------------
# The estimators
# ---------------------------------------------------------------------------


class _BaseStepFunction(CallbackSupportMixin, ClassNamePrefixFeaturesOutMixin,
                        TransformerMixin, CachedParamNamesMixin, BaseEstimator):
    """Shared implementation of :class:`StepFunctionRegressor` and
    :class:`StepFunctionClassifier`. Not for direct use."""

    _parameter_constraints: dict = {
        "estimator": [_FitEstimator()],
        "refit": [Options(*REFITS)],
        "sharpness": [Interval(Real, 0, None, "neither")],
    }

    def __init__(self, estimator=None, *, refit="output", sharpness=np.inf):
        self.estimator = estimator
        self.refit = refit
        self.sharpness = sharpness

    def _validate_params(self):
        """scikit-learn's hook, and the check ``fit`` runs: every parameter
        against ``_parameter_constraints`` (raises InvalidParameterError)."""
        validate_params(self)

    # -- fitting --------------------------------------------------------------

    @restore_on_error
    @with_callbacks
    def fit(self, X, y, sample_weight=None):
        """Fit the estimator (a clone), then derive and refit its step network.

        With callbacks (scikit-learn's callback API, ``set_callbacks``), the
        fit has two tasks: ``fit-estimator`` (the clone's fit, to which
        auto-propagated callbacks such as ``ProgressBar`` are passed on) and
        ``derive-step-network``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The target values (class labels in classification, real numbers
            in regression).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights, passed to the estimator's ``fit``
            and used by the refits; None weighs every sample equally.

        Returns
        -------
        self : object
            The fitted step network.

        Examples
        --------
        >>> import numpy as np
        >>> from skorchlite import SigmoidMLPRegressor, StepFunctionRegressor
        >>> X = np.linspace(0, 1, 40).reshape(-1, 1)
        >>> step = StepFunctionRegressor(SigmoidMLPRegressor((3,), solver="lbfgs",
        ...                                                  random_state=0))
        >>> step.fit(X, (X.ravel() > 0.5).astype(float)).n_regions_ <= 4
        True
        """
        self._validate_params()
        estimator = self._default_estimator() if self.estimator is None else self.estimator
        self._check_estimator_kind(estimator)
        X_checked, y_checked = validate_data(
            self, X, y, accept_sparse=["csr", "csc"], multi_output=True,
            y_numeric=not self._is_classifier(), dtype=(np.float64, np.float32), reset=True)
        w = check_sample_weight(sample_weight, X_checked.shape[0], np.float64)

        context = self._init_callback_context(max_subtasks=2)
        hook = {"estimator": self, "X": X, "y": y,
                "metadata": None if sample_weight is None else {"sample_weight": sample_weight}}
        context.call_on_fit_task_begin(**hook)

        fitted = clone(estimator)
        fit_params = {} if sample_weight is None else {"sample_weight": sample_weight}
        task = context.subcontext(task_name="fit-estimator")
        with (nullcontext() if isinstance(fitted, FrozenEstimator)
              else task.propagate_callback_context(fitted)):
            task.call_on_fit_task_begin(**hook)
            fitted.fit(X, y, **fit_params)
            task.call_on_fit_task_end(**hook)
        self._check_fitted_network(fitted)
        self.estimator_ = fitted

        X_checked = X_checked.astype(np.float64)
        Y = self._targets(y_checked, fitted)
        w = np.ones(X_checked.shape[0]) if w is None else w.astype(np.float64)
        # small dense linear algebra: one BLAS thread (many threads only contend)
        with thread_limits(as_device("cpu"), 0):
            task = context.subcontext(task_name="derive-step-network")
            task.call_on_fit_task_begin(**hook)
            self._derive(X_checked, Y, w, fitted)
            task.call_on_fit_task_end(**hook, reconstruction_attributes={})
        context.call_on_fit_task_end(**hook, reconstruction_attributes={})
        return self

    def _derive(self, X, Y, w, fitted):
        """The step network of the fitted estimator, refitted as asked."""
        loss = _LOSS[fitted.out_activation_]
        alpha = float(fitted.alpha)
        activation = fitted.activation
        coefs = [np.array(c, dtype=np.float64) for c in fitted.coefs_]
        intercepts = [np.array(b, dtype=np.float64) for b in fitted.intercepts_]
        if self.refit == "thresholds":
            B = self._refit(X, Y, w, coefs, intercepts, activation, loss, alpha, np.inf)
            B = _ThresholdSearch(X, Y, w, coefs, intercepts, activation, loss,
                                 alpha).run(B)
        if self.refit == "output" or (self.refit == "thresholds"
                                      and not np.isinf(self.sharpness)):
            B = self._refit(X, Y, w, coefs, intercepts, activation, loss, alpha,
                            self.sharpness)
        if self.refit != "none":
            coefs[-1], intercepts[-1] = B[:-1], B[-1]
        self.coefs_, self.intercepts_ = coefs, intercepts
        self.activation_ = activation
        self.out_activation_ = fitted.out_activation_

        A = _design(self._hidden(X)[-1])
        P = _output(A @ np.vstack([coefs[-1], intercepts[-1]]), self.out_activation_)
        self.loss_ = float((_data_loss(P, Y, w, loss) + _penalty(coefs, alpha)) / w.sum())
        first = _activate(safe_sparse_dot(X, coefs[0]) + intercepts[0], activation, np.inf)
        self.n_regions_ = int(len(np.unique(first, axis=0)))
        self.thresholds_ = self._thresholds(X)

    def _refit(self, X, Y, w, coefs, intercepts, activation, loss, alpha, sharpness):
        H = _hidden(X, coefs, intercepts, activation, sharpness)[-1]
        return _refit_output(_design(H), Y, w, alpha, loss)

    def _thresholds(self, X):
        if X.shape[1] != 1:
            return None
        weights, biases = self.coefs_[0].ravel(), self.intercepts_[0]
        nonzero = weights != 0
        thresholds = -biases[nonzero] / weights[nonzero]
        low, high = X.min(), X.max()
        return np.sort(thresholds[(thresholds >= low) & (thresholds <= high)])

    def _check_estimator_kind(self, estimator):
        inner = estimator.estimator if isinstance(estimator, FrozenEstimator) else estimator
        name = type(self).__name__
        kind = "classifier" if self._is_classifier() else "regressor"
        right_kind = is_classifier(estimator) if self._is_classifier() else \
            is_regressor(estimator)
        if not right_kind:
            raise ValueError(
                f"{name} needs a multilayer-perceptron {kind} as estimator (e.g. "
                f"{self._default_estimator().__class__.__name__}); got "
                f"{type(inner).__name__}, which is not a {kind}.")
        activation = getattr(inner, "activation", None)
        if activation is None:
            raise ValueError(
                f"{name} needs an estimator with an 'activation' parameter and fitted "
                f"coefs_/intercepts_ (a SigmoidMLPRegressor, SigmoidMLPClassifier or "
                f"scikit-learn MLP); got {type(inner).__name__}.")
        if activation not in _UNITS:
            raise ValueError(
                f"{name} needs hidden units with a step limit: activation='logistic' "
                f"(0/1 steps) or 'tanh' (-1/+1 steps); the estimator has "
                f"activation={activation!r}, which has none. Use activation='logistic' "
                "(skorchlite's default) or 'tanh'.")

    def _check_fitted_network(self, fitted):
        name = type(self).__name__
        coefs = getattr(fitted, "coefs_", None)
        if coefs is None or getattr(fitted, "out_activation_", None) not in _LOSS:
            raise ValueError(
                f"{name} needs a fitted multilayer perceptron with coefs_, intercepts_ "
                f"and out_activation_; got {type(fitted).__name__} without them.")
        if len(coefs) < 2:
            raise ValueError(
                f"{name} needs at least one hidden layer; the estimator has "
                "hidden_layer_sizes=() (no hidden units to replace by steps).")
        if coefs[0].shape[0] != self.n_features_in_:
            raise ValueError(
                f"X has {self.n_features_in_} features, but the estimator was fitted "
                f"with {coefs[0].shape[0]} features; pass the data it was fitted on.")

    def _is_classifier(self):
        return self.__sklearn_tags__().estimator_type == "classifier"

    # -- evaluation -----------------------------------------------------------

    def _validated(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse=["csr", "csc"],
                          dtype=(np.float64, np.float32), reset=False)
        return X.astype(np.float64)

    def _hidden(self, X):
        return _hidden(X, self.coefs_, self.intercepts_, self.activation_, self.sharpness)

    def _pre_outputs(self, X):
        """Output-layer pre-activations of the step network, (n_samples, n_outputs)."""
        H = self._hidden(self._validated(X))[-1]
        return H @ self.coefs_[-1] + self.intercepts_[-1]

    def _outputs(self, X):
        """Output-layer activations of the step network, (n_samples, n_outputs)."""
        return _output(self._pre_outputs(X), self.out_activation_)

    def transform(self, X):
        """Codes of the last hidden layer of the step network.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        H : ndarray of shape (n_samples, units of the last hidden layer)
            0/1 codes for logistic units, -1/+1 for tanh units (with a finite
            ``sharpness``, the sharpened sigmoid activations).

        Examples
        --------
        >>> import numpy as np
        >>> from skorchlite import SigmoidMLPRegressor, StepFunctionRegressor
        >>> X = np.linspace(0, 1, 20).reshape(-1, 1)
        >>> step = StepFunctionRegressor(SigmoidMLPRegressor((4,), solver="lbfgs",
        ...                                                  random_state=0)).fit(X, X.ravel())
        >>> np.unique(step.transform(X)).tolist()
        [0.0, 1.0]
        """
        return self._hidden(self._validated(X))[-1]

    def hidden_activations(self, X):
        """Codes of every hidden layer of the step network.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        activations : list of ndarray of shape (n_samples, units)
            One array per hidden layer, each layer fed the codes of the one
            before.

        Examples
        --------
        >>> import numpy as np
        >>> from skorchlite import SigmoidMLPRegressor, StepFunctionRegressor
        >>> X = np.linspace(0, 1, 20).reshape(-1, 1)
        >>> reg = SigmoidMLPRegressor((4, 2), solver="lbfgs", random_state=0)
        >>> step = StepFunctionRegressor(reg).fit(X, X.ravel())
        >>> [a.shape for a in step.hidden_activations(X)]
        [(20, 4), (20, 2)]
        """
        return self._hidden(self._validated(X))

    @property
    def _n_features_out(self):
        """Number of columns ``transform`` returns (for get_feature_names_out)."""
        return self.coefs_[-1].shape[0]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


_SHARED_DOC = """
    Parameters
    ----------
    estimator : estimator, default=None
        The sigmoid network to explain, with hidden activation 'logistic' or
        'tanh' (anything else raises a ``ValueError`` at fit). ``fit`` fits a
        clone of it; a ``sklearn.frozen.FrozenEstimator`` wrapping a fitted
        network is used as it is. None means ``{default}()``.

    refit : {{'none', 'output', 'thresholds'}}, default='output'
        What is refitted once every hidden unit is a step:

        - 'none': nothing; the plain limit, ``predict`` equals
          ``estimator_.predict_step`` (output weights tuned for smooth units:
          usually a poor fit).
        - 'output': the output layer, exactly, on the codes of the last
          hidden layer: {output_solve}, with the estimator's ``alpha`` and
          ``sample_weight``. Every hidden unit keeps its hyperplane.
        - 'thresholds': as 'output', then each first-layer unit's bias moves
          along the unit's normal (its weights fixed) to wherever the training
          loss is lowest, the output layer refitted at each move, unit after
          unit, until no move lowers the loss (deterministic).

    sharpness : float, default=inf
        Hidden units compute ``unit(sharpness * z)`` (logistic or tanh of the
        pre-activation z) instead of steps; ``inf`` is the step. The output
        layer is refitted at that sharpness; ``sharpness=1`` with
        ``refit='none'`` is the estimator itself. The thresholds of
        'thresholds' are chosen for the steps.
"""

_SHARED_ATTRIBUTES = """
    estimator_ : estimator
        The fitted network (the ``FrozenEstimator`` itself when one was given).

    coefs_ : list of ndarray
        Weight matrices of the step network, ``coefs_[i]`` of shape (units
        of layer i, units of layer i + 1): the estimator's, with the output
        layer refitted (unless ``refit='none'``).

    intercepts_ : list of ndarray
        Bias vectors of the step network: the estimator's, with the first
        layer's moved by ``refit='thresholds'`` and the output layer's
        refitted.

    thresholds_ : ndarray of shape (n_thresholds,) or None
        For one input feature, the sorted first-layer thresholds
        ``-intercepts_[0] / coefs_[0]`` inside the training range of x (the
        places where the step function can jump); None for more features.

    n_regions_ : int
        Number of distinct first-layer step-code patterns over the training
        rows: the pieces of input space on which the step network is
        constant.

    loss_ : float
        Training loss of the step network in the estimator's definition: the
        (weighted) mean per-sample loss plus ``0.5 * alpha * ||W||^2`` over
        all its weights, divided by the (weighted) number of samples.

    activation_ : str
        The hidden activation of the estimator ('logistic' or 'tanh').

    out_activation_ : str
        The output activation of the estimator.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features seen during fit, when X has string column
        names.
"""

_NOTES = """
    Notes
    -----
    A logistic unit ``sigmoid(w.x + b)`` tends to the 0/1 step at its
    hyperplane ``w.x + b = 0`` as its weights grow. Replacing every unit by
    its step keeps the hyperplanes but leaves output weights tuned for
    smooth units; they often cancel each other (large contributions of
    opposite sign), so the plain limit rarely tracks the fit. Refitting the
    output layer is a convex problem on the step codes, solved exactly
    (cost: one least-squares solve, or an L-BFGS run on the convex GLM
    loss). Moving the thresholds is coordinate descent: for each unit all
    positions between consecutive projections of the training rows on its
    normal are scored at once from cumulative sums (exactly for squared
    error, through the Newton model of the loss otherwise, each accepted
    move checked by an exact refit); about O(passes * units * n * units^2).
"""


class StepFunctionRegressor(RegressorMixin, _BaseStepFunction):
    __doc__ = """The step-function network of a sigmoid regressor, refitted to the data.

    Fits the estimator, replaces every hidden unit by its step limit (0/1 for
    logistic units, -1/+1 for tanh), and refits the output layer (and, with
    ``refit='thresholds'``, the first-layer thresholds) so that the
    piecewise-constant network fits the data as well as it can.
""" + _SHARED_DOC.format(
        default="SigmoidMLPRegressor",
        output_solve="weighted least squares with the L2 penalty of the estimator's "
                     "loss (squared error), or the convex Poisson GLM problem "
                     "(loss='poisson')") + """
    Attributes
    ----------""" + _SHARED_ATTRIBUTES + """
    See Also
    --------
    StepFunctionClassifier : The same for classifiers.
    SigmoidMLPRegressor.predict_step : The plain limit.
""" + _NOTES + """
    Examples
    --------
    >>> from skorchlite import SigmoidMLPRegressor, StepFunctionRegressor
    >>> from skorchlite.datasets import make_noisy_sine
    >>> X, y = make_noisy_sine(random_state=0)
    >>> net = SigmoidMLPRegressor((5,), solver="lbfgs", max_iter=500, random_state=0)
    >>> step = StepFunctionRegressor(net, refit="thresholds").fit(X, y)
    >>> len(step.thresholds_), step.n_regions_
    (5, 6)
    >>> round(step.score(X, y), 2)
    0.95
"""

    def _default_estimator(self):
        from ._regressor import SigmoidMLPRegressor

        return SigmoidMLPRegressor()

    def _targets(self, y, fitted):
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        Y = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
        if Y.shape[1] != fitted.n_outputs_:
            raise ValueError(
                f"y has {Y.shape[1]} output(s), but the estimator was fitted with "
                f"{fitted.n_outputs_}; pass the targets it was fitted on.")
        return Y

    def predict(self, X):
        """Predict with the step network.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The predicted values: piecewise constant in X.

        Examples
        --------
        >>> import numpy as np
        >>> from skorchlite import SigmoidMLPRegressor, StepFunctionRegressor
        >>> X = np.linspace(0, 1, 30).reshape(-1, 1)
        >>> step = StepFunctionRegressor(SigmoidMLPRegressor((2,), solver="lbfgs",
        ...                                                  random_state=0))
        >>> len(np.unique(step.fit(X, X.ravel()).predict(X))) <= 3
        True
        """
        P = self._outputs(X)
        return P.ravel() if P.shape[1] == 1 else P

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        # the plain limit keeps output weights tuned for smooth units
        tags.regressor_tags.poor_score = self.refit == "none"
        return tags


class StepFunctionClassifier(ClassifierMixin, _BaseStepFunction):
    __doc__ = """The step-function network of a sigmoid classifier, refitted to the data.

    Fits the estimator, replaces every hidden unit by its step limit (0/1 for
    logistic units, -1/+1 for tanh), and refits the output layer (and, with
    ``refit='thresholds'``, the first-layer thresholds) so that the network
    of steps classifies the data as well as it can. Binary, multiclass and
    multilabel targets, as the estimator.
""" + _SHARED_DOC.format(
        default="SigmoidMLPClassifier",
        output_solve="the convex log-loss problem (logistic for binary and multilabel "
                     "targets, softmax for multiclass)") + """
    Attributes
    ----------
    classes_ : ndarray or list of ndarray of shape (n_classes,)
        Class labels, those of the estimator.
""" + _SHARED_ATTRIBUTES + """
    See Also
    --------
    StepFunctionRegressor : The same for regressors.
    SigmoidMLPClassifier.predict_proba_step : The plain limit.
""" + _NOTES + """
    Examples
    --------
    >>> from skorchlite import SigmoidMLPClassifier, StepFunctionClassifier
    >>> from skorchlite.datasets import make_rings
    >>> X, y = make_rings(400, random_state=0)
    >>> net = SigmoidMLPClassifier((3,), solver="lbfgs", n_restarts=3, random_state=0)
    >>> step = StepFunctionClassifier(net).fit(X, y)
    >>> step.predict_proba(X[:2]).shape
    (2, 2)
    >>> bool(step.score(X, y) > 0.9)
    True
"""

    def _default_estimator(self):
        from ._classifier import SigmoidMLPClassifier

        return SigmoidMLPClassifier()

    def _targets(self, y, fitted):
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        self.classes_ = fitted.classes_
        n_outputs = fitted.n_outputs_
        if type_of_target(y).startswith("multilabel"):
            Y = np.asarray(y, dtype=np.float64)
            if fitted.out_activation_ != "logistic" or Y.shape[1] != n_outputs:
                raise ValueError(
                    f"y is a multilabel indicator matrix with {Y.shape[1]} labels, but "
                    f"the estimator was fitted with {n_outputs} multilabel output(s); "
                    "pass the targets it was fitted on.")
            return Y
        unseen = np.setdiff1d(np.unique(y), self.classes_)
        if len(unseen):
            raise ValueError(
                f"y has classes {unseen.tolist()} that the estimator was not fitted "
                f"with (its classes_ are {list(self.classes_)}); pass the targets it "
                "was fitted on.")
        return label_binarize(y, classes=self.classes_).astype(np.float64)

    def predict(self, X):
        """Predict class labels with the step network.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_labels)
            The predicted classes (a label indicator matrix for multilabel
            targets).

        Examples
        --------
        >>> from sklearn.datasets import make_blobs
        >>> from skorchlite import SigmoidMLPClassifier, StepFunctionClassifier
        >>> X, y = make_blobs(60, centers=3, random_state=0)
        >>> net = SigmoidMLPClassifier((4,), solver="lbfgs", random_state=0)
        >>> StepFunctionClassifier(net).fit(X, y).predict(X[:4]).shape
        (4,)
        """
        P = self._outputs(X)
        if self.out_activation_ == "softmax":
            return self.classes_[np.argmax(P, axis=1)]
        if P.shape[1] == 1:
            return self.classes_[(P[:, 0] > 0.5).astype(int)]
        return (P > 0.5).astype(int)

    def predict_proba(self, X):
        """Class probabilities of the step network.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probability of each class, in the order of ``classes_`` (for
            multilabel targets, of each label independently). Constant on
            each region of the step network.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn.datasets import make_blobs
        >>> from skorchlite import SigmoidMLPClassifier, StepFunctionClassifier
        >>> X, y = make_blobs(60, centers=3, random_state=0)
        >>> net = SigmoidMLPClassifier((4,), solver="lbfgs", random_state=0)
        >>> step = StepFunctionClassifier(net).fit(X, y)
        >>> step.predict_proba(X[:3]).sum(axis=1).round(6)
        array([1., 1., 1.])
        """
        E = self._pre_outputs(X)
        if E.shape[1] == 1:  # both columns from the logit: no 1 - p cancellation
            return np.column_stack([expit(-E[:, 0]), expit(E[:, 0])])
        return _output(E, self.out_activation_)

    def predict_log_proba(self, X):
        """Logarithm of the class probabilities of the step network.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            ``log(predict_proba(X))``, in the order of ``classes_``.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn.datasets import make_blobs
        >>> from skorchlite import SigmoidMLPClassifier, StepFunctionClassifier
        >>> X, y = make_blobs(60, centers=2, random_state=0)
        >>> net = SigmoidMLPClassifier((3,), solver="lbfgs", random_state=0)
        >>> step = StepFunctionClassifier(net).fit(X, y)
        >>> bool(np.allclose(np.exp(step.predict_log_proba(X)), step.predict_proba(X)))
        True
        """
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        # the plain limit keeps output weights tuned for smooth units
        tags.classifier_tags.poor_score = self.refit == "none"
        return tags
