"""What every display shares: argument checks, axes, the response drawn,
and style merging. matplotlib is imported only when something is drawn."""

import numbers
from typing import Callable, NamedTuple

import numpy as np
from sklearn.base import is_classifier
from sklearn.pipeline import Pipeline
from sklearn.utils import check_array, check_consistent_length
from sklearn.utils.validation import check_is_fitted

from .._base import BaseSigmoidMLP

_FADED = {"color": "0.6", "linewidth": 0.8, "alpha": 0.5}
_DATA = {"s": 8, "color": "0.55", "alpha": 0.6, "linewidths": 0}


# -- checks -------------------------------------------------------------------


class _Fitted(NamedTuple):
    """A fitted skorchlite MLP as a display sees it from the user's side.

    ``est`` is what the user passed (the MLP or a Pipeline ending in it),
    ``mlp`` the network, and ``to_mlp(rows)`` turns rows in the user's units
    into the network's input (the Pipeline's earlier steps).
    """

    est: object
    mlp: BaseSigmoidMLP
    to_mlp: Callable

    @property
    def is_pipeline(self):
        return self.est is not self.mlp


def _check_estimator(estimator, display):
    """The :class:`_Fitted` view of a fitted skorchlite MLP, or of a fitted
    ``Pipeline`` whose last step is one; raise for anything else."""
    mlp = estimator[-1] if isinstance(estimator, Pipeline) else estimator
    if not isinstance(mlp, BaseSigmoidMLP):
        got = (f"a Pipeline ending in {type(mlp).__name__}" if mlp is not estimator
               else type(estimator).__name__)
        raise ValueError(
            f"{display}.from_estimator expects a SigmoidMLPRegressor or "
            "SigmoidMLPClassifier, or a Pipeline whose last step is one; "
            f"got {got}.")
    check_is_fitted(mlp)
    if mlp is estimator:
        return _Fitted(estimator, mlp, lambda rows: _estimator_input(mlp, rows))
    check_is_fitted(estimator)
    head = estimator[:-1]
    return _Fitted(estimator, mlp, lambda rows: head.transform(_estimator_input(estimator, rows)))


def _check_data(estimator, X, y, display, n_features):
    """X as a float array of ``n_features`` columns, and y (or None) of matching length."""
    X = check_array(X, dtype=np.float64, input_name="X")
    if X.shape[1] != n_features:
        raise ValueError(
            f"{display} needs X with exactly {n_features} feature column(s), "
            f"shape (n_samples, {n_features}); got X of shape {X.shape}.")
    if estimator.n_features_in_ != n_features:
        raise ValueError(
            f"{display} needs an estimator fitted on {n_features} feature(s); this "
            f"one was fitted on {estimator.n_features_in_}.")
    if y is not None:
        y = np.asarray(y)
        check_consistent_length(X, y)
    return X, y


def _check_layer(estimator, layer):
    """``layer`` as a valid index of a hidden layer."""
    n_hidden = len(estimator.coefs_) - 1
    if (isinstance(layer, bool) or not isinstance(layer, numbers.Integral)
            or not 0 <= layer < n_hidden):
        raise ValueError(
            f"layer must be an int in [0, {n_hidden - 1}]: the network has "
            f"{n_hidden} hidden layer(s); got layer={layer!r}.")
    return int(layer)


def _check_3d_ax(ax):
    if ax is not None and getattr(ax, "name", None) != "3d":
        raise ValueError(
            "HiddenSpaceDisplay draws in 3-D: pass axes made with "
            "projection='3d', e.g. fig.add_subplot(projection='3d'), or ax=None; "
            f"got {getattr(ax, 'name', type(ax).__name__)!r} axes.")


def _check_binary_or_regressor(estimator, display):
    if is_classifier(estimator) and (estimator.n_outputs_ != 1 or len(estimator.classes_) != 2):
        raise ValueError(
            f"{display} draws one response curve: it needs a regressor or a binary "
            f"classifier (whose curve is the probability of classes_[1]); got a "
            f"classifier with classes_={list(estimator.classes_)}.")


# -- computing ------------------------------------------------------------------


def _estimator_input(estimator, rows):
    """``rows`` with the estimator's feature names, if it was fitted with them."""
    names = getattr(estimator, "feature_names_in_", None)
    if names is None:
        return rows
    import pandas as pd

    return pd.DataFrame(rows, columns=names)


def _grid_1d(X, grid_resolution):
    """A sorted grid of ``grid_resolution`` points over X's range, shape (n, 1)."""
    return np.linspace(X.min(), X.max(), grid_resolution).reshape(-1, 1)


def _grid_2d(X, grid_resolution):
    """``numpy.meshgrid`` over X's two columns, each spanning its range plus a 5%
    margin (1.0 for a constant column), ``grid_resolution`` points per axis."""
    low, high = X.min(axis=0), X.max(axis=0)
    margin = 0.05 * np.where(high > low, high - low, 1.0)
    return np.meshgrid(*(np.linspace(lo, hi, grid_resolution)
                         for lo, hi in zip(low - margin, high + margin)))


def _response(estimator, rows, step=False):
    """The one curve a 1-D display draws: the (first) prediction of a regressor,
    or the probability of ``classes_[1]`` for a binary classifier. ``rows``
    are the network's input (for a Pipeline: ``fitted.to_mlp(rows)``)."""
    rows = _estimator_input(estimator, rows)
    if is_classifier(estimator):
        proba = estimator.predict_proba_step(rows) if step else estimator.predict_proba(rows)
        return proba[:, 1]
    y_pred = estimator.predict_step(rows) if step else estimator.predict(rows)
    return y_pred if y_pred.ndim == 1 else y_pred[:, 0]


def _numeric_targets(estimator, y):
    """y on the scale of :func:`_response` (0/1 for a binary classifier)."""
    if y is None or not is_classifier(estimator):
        return y
    return (y == estimator.classes_[1]).astype(float)


def _affine_map(to_mlp, X):
    """``(A, c)`` with ``to_mlp(x) == x @ A + c`` for the rows of ``X``, or None
    when the map is not affine there (checked on up to 64 of the rows)."""
    X = np.asarray(X, dtype=np.float64)
    centre = X.mean(axis=0)
    spread = np.ptp(X, axis=0)
    spread = np.where(spread > 0, spread, 1.0)
    probes = np.vstack([centre, centre + np.diag(spread)])
    Z = np.asarray(to_mlp(probes), dtype=np.float64)
    A = (Z[1:] - Z[0]) / spread[:, None]
    c = Z[0] - centre @ A
    rows = np.vstack([X[np.linspace(0, len(X) - 1, min(len(X), 64)).astype(int)],
                      X.min(axis=0), X.max(axis=0)])
    Z = np.asarray(to_mlp(rows), dtype=np.float64)
    if Z.shape[1] != A.shape[1] or not np.allclose(
            Z, rows @ A + c, rtol=1e-7, atol=1e-9 * (1 + np.abs(Z).max())):
        return None
    return A, c


def _first_layer_in_user_units(fitted, X):
    """The first layer's ``(weights, biases)`` as a function of the user's
    input, ``w . x + b``, or None when the Pipeline's earlier steps are not
    affine on ``X`` (then no straight line or single threshold describes a
    unit in the user's units)."""
    W, b = fitted.mlp.coefs_[0], fitted.mlp.intercepts_[0]
    if not fitted.is_pipeline:
        return W, b
    affine = _affine_map(fitted.to_mlp, X)
    if affine is None:
        return None
    A, c = affine
    return A @ W, c @ W + b


def _first_layer_preactivations(fitted, rows):
    """Each first-layer unit's ``w . z + b`` at ``rows`` in the user's units,
    shape (n_rows, n_units)."""
    Z = np.asarray(fitted.to_mlp(rows), dtype=np.float64)
    return Z @ fitted.mlp.coefs_[0] + fitted.mlp.intercepts_[0]


def _zero_crossings(grid, values):
    """Where the sampled ``values`` of each column change sign along the sorted
    1-D ``grid``, by linear interpolation between the samples."""
    grid = np.ravel(grid)
    crossings = []
    for v in np.asarray(values).T:
        i = np.flatnonzero(np.signbit(v[:-1]) != np.signbit(v[1:]))
        crossings += (grid[i] - v[i] * (grid[i + 1] - grid[i]) / (v[i + 1] - v[i])).tolist()
    return np.sort(np.asarray(crossings, dtype=np.float64))


# -- drawing --------------------------------------------------------------------


def _get_ax(ax, **subplot_kw):
    """``ax`` and its figure; a new figure and axes when ``ax`` is None."""
    import matplotlib.pyplot as plt

    if ax is None:
        # constrained layout keeps the labels inside the figure when it is
        # saved with a plain savefig
        _, ax = plt.subplots(subplot_kw=subplot_kw or None, layout="constrained")
    return ax, ax.figure


def merge_style(defaults, overrides=None):
    """A display's default matplotlib keywords updated by the caller's.

    The caller's keywords win; neither dict is modified.
    """
    return {**defaults, **(overrides or {})}


def _legend(ax, *axes, **kwargs):
    """One legend on ``ax`` with the labelled artists of all ``axes``."""
    handles, labels = [], []
    for each in axes:
        h, l = each.get_legend_handles_labels()
        handles += h
        labels += l
    return ax.legend(handles, labels, **kwargs)


def _scatter_1d(ax, X, y):
    """The data of a 1-D display as grey points, or None without data."""
    if X is None or y is None:
        return None
    return ax.scatter(np.ravel(X), y, **merge_style(_DATA, {"label": "data"}))
