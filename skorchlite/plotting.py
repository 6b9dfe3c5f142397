"""Plots that look inside a fitted sigmoid MLP, in scikit-learn's Display style.

Each display is a class with

- a constructor that only stores the computed arrays, so a display can be
  drawn (and redrawn) without an estimator;
- a class method ``from_estimator(estimator, ...)`` that checks the fitted
  estimator and its input, computes those arrays and calls ``plot``;
- ``plot(ax=None)``, which draws into ``ax`` (a new figure when None), stores
  ``ax_``, ``figure_`` and the drawn artists as attributes, and returns the
  display.

The displays:

- :class:`HiddenUnitsDisplay`: every unit of a hidden layer as a curve over a
  1-D input, raw or multiplied by its outgoing weight.
- :class:`StepFunctionDisplay`: the smooth fit against the fit of the
  step-function network, with the first layer's thresholds.
- :class:`DecisionLinesDisplay`: the lines ``w . x + b = 0`` of the first
  layer's units over 2-D data and the predicted regions.
- :class:`HiddenSpaceDisplay`: the data mapped into three hidden units.
- :class:`LossCurveDisplay`: the loss curves of all restarts.
- :class:`RestartsDisplay`: the final losses of all restarts, sorted.

matplotlib is imported when something is drawn, and ``import skorchlite``
never imports this module.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import numpy as np
>>> from skorchlite import SigmoidMLPRegressor
>>> from skorchlite.plotting import HiddenUnitsDisplay
>>> X = np.linspace(0, 6, 60).reshape(-1, 1)
>>> y = np.sin(X).ravel()
>>> reg = SigmoidMLPRegressor((3,), solver="lbfgs", max_iter=300, random_state=0).fit(X, y)
>>> disp = HiddenUnitsDisplay.from_estimator(reg, X, y)
>>> len(disp.lines_)
3
"""

import numbers

import numpy as np
from sklearn.base import is_classifier
from sklearn.utils import check_array, check_consistent_length
from sklearn.utils.validation import check_is_fitted

from ._base import BaseSigmoidMLP
from ._network import STEP_LIMITS

__all__ = [
    "HiddenUnitsDisplay",
    "StepFunctionDisplay",
    "DecisionLinesDisplay",
    "HiddenSpaceDisplay",
    "LossCurveDisplay",
    "RestartsDisplay",
]

_FADED = {"color": "0.6", "linewidth": 0.8, "alpha": 0.5}
_DATA = {"s": 8, "color": "0.55", "alpha": 0.6, "linewidths": 0}


# -- checks -------------------------------------------------------------------


def _check_estimator(estimator, display):
    """Raise unless ``estimator`` is a fitted skorchlite MLP."""
    if not isinstance(estimator, BaseSigmoidMLP):
        raise ValueError(
            f"{display}.from_estimator expects a SigmoidMLPRegressor or "
            f"SigmoidMLPClassifier; got {type(estimator).__name__}.")
    check_is_fitted(estimator)


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


def _response(estimator, rows, step=False):
    """The one curve a 1-D display draws: the (first) prediction of a regressor,
    or the probability of ``classes_[1]`` for a binary classifier."""
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


# -- drawing --------------------------------------------------------------------


def _get_ax(ax, **subplot_kw):
    """``ax`` and its figure; a new figure and axes when ``ax`` is None."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(subplot_kw=subplot_kw or None)
    return ax, ax.figure


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
    return ax.scatter(np.ravel(X), y, label="data", **_DATA)


def _line_in_box(w, b, xlim, ylim):
    """The segment of ``w[0] x + w[1] y + b = 0`` inside the box, or None."""
    points = []
    if w[1] != 0:
        points += [(x, -(b + w[0] * x) / w[1]) for x in xlim]
    if w[0] != 0:
        points += [(-(b + w[1] * y) / w[0], y) for y in ylim]
    tol = 1e-9 * max(np.ptp(xlim), np.ptp(ylim))
    inside = sorted({(float(x), float(y)) for x, y in points
                     if xlim[0] - tol <= x <= xlim[1] + tol
                     and ylim[0] - tol <= y <= ylim[1] + tol})
    if len(inside) < 2:
        return None
    return np.array([inside[0], inside[-1]])


# -- the displays -----------------------------------------------------------------


class HiddenUnitsDisplay:
    """The units of one hidden layer as curves over a 1-D input.

    Shows how a sum of sigmoids builds the fit. Use
    :meth:`from_estimator` to create one; the constructor only stores the
    arrays to draw.

    Parameters
    ----------
    grid : ndarray of shape (n_grid,) or (n_grid, 1)
        The sorted input values the curves are evaluated at.
    activations : ndarray of shape (n_grid, n_units)
        Each unit's activation on the grid; with ``scaled=True`` already
        multiplied by the unit's outgoing weight.
    fit : ndarray of shape (n_grid,)
        The network's prediction on the grid.
    X : ndarray of shape (n_samples, 1), default=None
        The data inputs, drawn with ``y``.
    y : ndarray of shape (n_samples,), default=None
        The data targets; no data is drawn when None.
    layer : int, default=0
        The hidden layer the units belong to (used in labels).
    scaled : bool, default=False
        Whether ``activations`` are scaled by the outgoing weights. Scaled
        units share the axes of the fit; raw ones get a right-hand axis.

    Attributes
    ----------
    lines_ : list of matplotlib Line2D
        One curve per unit, labelled "unit 0", "unit 1", ...
    fit_line_ : matplotlib Line2D
        The network's fit.
    data_scatter_ : matplotlib PathCollection or None
        The data, when ``y`` was given.
    ax_ : matplotlib Axes
        The axes of the fit and the data.
    ax_units_ : matplotlib Axes
        The axes of the units: a twin of ``ax_`` on the right, or ``ax_``
        itself when ``scaled``.
    figure_ : matplotlib Figure
        The figure of ``ax_``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from skorchlite.plotting import HiddenUnitsDisplay
    >>> grid = np.linspace(-3, 3, 50)
    >>> units = 1 / (1 + np.exp(-np.column_stack([grid, 2 * grid - 1])))
    >>> disp = HiddenUnitsDisplay(grid, units, fit=units @ [1.0, -2.0]).plot()
    >>> [line.get_label() for line in disp.lines_]
    ['unit 0', 'unit 1']
    """

    def __init__(self, grid, activations, fit, *, X=None, y=None, layer=0, scaled=False):
        self.grid = grid
        self.activations = activations
        self.fit = fit
        self.X = X
        self.y = y
        self.layer = layer
        self.scaled = scaled

    @classmethod
    def from_estimator(cls, estimator, X, y=None, *, layer=0, scaled=False, ax=None,
                       grid_resolution=500):
        """Draw the units of a hidden layer of a network fitted on 1-D input.

        Parameters
        ----------
        estimator : SigmoidMLPRegressor or SigmoidMLPClassifier
            A fitted estimator with one input feature (a classifier must be
            binary; its curve is the probability of ``classes_[1]``).
        X : array-like of shape (n_samples, 1)
            The inputs; the curves span their range.
        y : array-like of shape (n_samples,), default=None
            The targets, drawn as points when given.
        layer : int, default=0
            Index of the hidden layer whose units are drawn.
        scaled : bool, default=False
            Multiply each unit's activation by its outgoing weight
            ``coefs_[layer + 1][:, 0]`` (to the first output for the last
            hidden layer, else to the first unit of the next layer), so the
            curves show how the units share the work: for one hidden layer
            and a regressor, they add up to the fit minus the output bias.
        ax : matplotlib Axes, default=None
            Axes to draw into; a new figure when None.
        grid_resolution : int, default=500
            Number of grid points the curves are evaluated at.

        Returns
        -------
        display : HiddenUnitsDisplay
            The drawn display.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import numpy as np
        >>> from skorchlite import SigmoidMLPRegressor
        >>> from skorchlite.plotting import HiddenUnitsDisplay
        >>> X = np.linspace(0, 6, 60).reshape(-1, 1)
        >>> y = np.sin(X).ravel()
        >>> reg = SigmoidMLPRegressor((4,), solver="lbfgs", max_iter=300,
        ...                           random_state=0).fit(X, y)
        >>> disp = HiddenUnitsDisplay.from_estimator(reg, X, y, scaled=True)
        >>> len(disp.lines_), disp.fit_line_.get_label()
        (4, 'network fit')
        """
        _check_estimator(estimator, cls.__name__)
        _check_binary_or_regressor(estimator, cls.__name__)
        X, y = _check_data(estimator, X, y, cls.__name__, n_features=1)
        layer = _check_layer(estimator, layer)
        grid = _grid_1d(X, grid_resolution)
        activations = estimator.hidden_activations(_estimator_input(estimator, grid))[layer]
        if scaled:
            activations = activations * estimator.coefs_[layer + 1][:, 0]
        display = cls(grid.ravel(), activations, _response(estimator, grid), X=X,
                      y=_numeric_targets(estimator, y), layer=layer, scaled=scaled)
        return display.plot(ax=ax)

    def plot(self, ax=None):
        """Draw the data, the fit and the units.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw into; a new figure when None.

        Returns
        -------
        display : HiddenUnitsDisplay
            The display, with ``ax_``, ``ax_units_``, ``figure_``,
            ``lines_``, ``fit_line_`` and ``data_scatter_`` set.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import numpy as np
        >>> from skorchlite.plotting import HiddenUnitsDisplay
        >>> grid = np.linspace(-3, 3, 50)
        >>> units = np.tanh(np.column_stack([grid, grid - 1, grid + 1]))
        >>> disp = HiddenUnitsDisplay(grid, units, fit=units.sum(axis=1), scaled=True)
        >>> disp.plot().ax_units_ is disp.ax_
        True
        """
        ax, self.figure_ = _get_ax(ax)
        grid = np.ravel(self.grid)
        self.data_scatter_ = _scatter_1d(ax, self.X, self.y)
        (self.fit_line_,) = ax.plot(grid, self.fit, color="black", linewidth=2.5,
                                    label="network fit", zorder=3)
        self.ax_units_ = ax if self.scaled else ax.twinx()
        self.lines_ = [self.ax_units_.plot(grid, values, linewidth=1.3, label=f"unit {i}")[0]
                       for i, values in enumerate(np.asarray(self.activations).T)]
        ax.set_xlabel("x")
        if self.scaled:
            ax.set_ylabel("y; activation × outgoing weight")
            ax.set_title(f"hidden layer {self.layer}, scaled by outgoing weights")
            _legend(ax, ax, fontsize="small", framealpha=0.85)
        else:
            ax.set_ylabel("y")
            self.ax_units_.set_ylabel(f"activation of layer {self.layer} units")
            ax.set_title(f"hidden layer {self.layer}")
            # the data and the fit above the units, the legend above all
            ax.set_zorder(self.ax_units_.get_zorder() + 1)
            ax.patch.set_visible(False)
            _legend(ax, ax, self.ax_units_, fontsize="small", framealpha=0.85)
        self.ax_ = ax
        return self


class StepFunctionDisplay:
    """The smooth fit of a 1-D network against its step-function limit.

    Replacing every hidden unit by its step (logistic: 0/1, tanh: -1/+1)
    turns the fit piecewise constant; for one hidden layer it jumps exactly
    at the thresholds ``-b_i / w_i`` of the units. Use
    :meth:`from_estimator` to create one.

    Parameters
    ----------
    grid : ndarray of shape (n_grid,) or (n_grid, 1)
        The sorted input values.
    fit : ndarray of shape (n_grid,)
        The network's prediction on the grid.
    step_fit : ndarray of shape (n_grid,)
        The step-function network's prediction on the grid.
    thresholds : array-like of shape (n_thresholds,)
        Input values where first-layer units switch; only those inside the
        grid's range are drawn.
    X : ndarray of shape (n_samples, 1), default=None
        The data inputs, drawn with ``y``.
    y : ndarray of shape (n_samples,), default=None
        The data targets; no data is drawn when None.

    Attributes
    ----------
    fit_line_ : matplotlib Line2D
        The smooth fit.
    step_line_ : matplotlib Line2D
        The step-function fit (drawn with a steps draw style).
    threshold_lines_ : list of matplotlib Line2D
        One vertical line per drawn threshold.
    thresholds_ : ndarray of shape (n_drawn,)
        The drawn thresholds, sorted.
    data_scatter_ : matplotlib PathCollection or None
        The data, when ``y`` was given.
    ax_ : matplotlib Axes
        The axes drawn into.
    figure_ : matplotlib Figure
        The figure of ``ax_``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from skorchlite.plotting import StepFunctionDisplay
    >>> grid = np.linspace(0, 3, 31)
    >>> disp = StepFunctionDisplay(grid, fit=np.tanh(grid - 1), step_fit=np.sign(grid - 1),
    ...                            thresholds=[1.0, 5.0]).plot()
    >>> disp.thresholds_
    array([1.])
    """

    def __init__(self, grid, fit, step_fit, thresholds, *, X=None, y=None):
        self.grid = grid
        self.fit = fit
        self.step_fit = step_fit
        self.thresholds = thresholds
        self.X = X
        self.y = y

    @classmethod
    def from_estimator(cls, estimator, X, y=None, *, ax=None, grid_resolution=500):
        """Draw the smooth and step-function fits of a network on 1-D input.

        Parameters
        ----------
        estimator : SigmoidMLPRegressor or SigmoidMLPClassifier
            A fitted estimator with one input feature and
            ``activation='logistic'`` or ``'tanh'`` (a classifier must be
            binary; its curves are the probability of ``classes_[1]``).
        X : array-like of shape (n_samples, 1)
            The inputs; the curves span their range.
        y : array-like of shape (n_samples,), default=None
            The targets, drawn as points when given.
        ax : matplotlib Axes, default=None
            Axes to draw into; a new figure when None.
        grid_resolution : int, default=500
            Number of grid points the curves are evaluated at.

        Returns
        -------
        display : StepFunctionDisplay
            The drawn display.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import numpy as np
        >>> from skorchlite import SigmoidMLPRegressor
        >>> from skorchlite.plotting import StepFunctionDisplay
        >>> X = np.linspace(0, 6, 60).reshape(-1, 1)
        >>> y = np.sin(X).ravel()
        >>> reg = SigmoidMLPRegressor((3,), solver="lbfgs", max_iter=300,
        ...                           random_state=0).fit(X, y)
        >>> disp = StepFunctionDisplay.from_estimator(reg, X, y)
        >>> len(disp.thresholds_) <= 3
        True
        """
        _check_estimator(estimator, cls.__name__)
        if estimator.activation not in STEP_LIMITS:
            raise ValueError(
                f"{cls.__name__} needs hidden units with a step limit: "
                "activation='logistic' or 'tanh'; this estimator has "
                f"activation={estimator.activation!r}, which has none.")
        _check_binary_or_regressor(estimator, cls.__name__)
        X, y = _check_data(estimator, X, y, cls.__name__, n_features=1)
        grid = _grid_1d(X, grid_resolution)
        w, b = estimator.coefs_[0][0], estimator.intercepts_[0]
        thresholds = -b[w != 0] / w[w != 0]
        display = cls(grid.ravel(), _response(estimator, grid),
                      _response(estimator, grid, step=True), thresholds, X=X,
                      y=_numeric_targets(estimator, y))
        return display.plot(ax=ax)

    def plot(self, ax=None):
        """Draw the data, both fits and the thresholds.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw into; a new figure when None.

        Returns
        -------
        display : StepFunctionDisplay
            The display, with ``ax_``, ``figure_``, ``fit_line_``,
            ``step_line_``, ``threshold_lines_``, ``thresholds_`` and
            ``data_scatter_`` set.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import numpy as np
        >>> from skorchlite.plotting import StepFunctionDisplay
        >>> grid = np.linspace(0, 3, 31)
        >>> disp = StepFunctionDisplay(grid, np.tanh(grid - 1), np.sign(grid - 1), [1.0])
        >>> disp.plot().step_line_.get_drawstyle()
        'steps-mid'
        """
        ax, self.figure_ = _get_ax(ax)
        grid = np.ravel(self.grid)
        self.data_scatter_ = _scatter_1d(ax, self.X, self.y)
        (self.fit_line_,) = ax.plot(grid, self.fit, color="black", linewidth=2,
                                    label="network fit")
        (self.step_line_,) = ax.plot(grid, self.step_fit, color="C3", linewidth=1.8,
                                     drawstyle="steps-mid", label="step-function fit")
        thresholds = np.sort(np.asarray(self.thresholds, dtype=float).ravel())
        self.thresholds_ = thresholds[(thresholds >= grid.min()) & (thresholds <= grid.max())]
        self.threshold_lines_ = [
            ax.axvline(t, color="C0", linestyle=":", linewidth=1,
                       label="unit thresholds -b/w" if i == 0 else None)
            for i, t in enumerate(self.thresholds_)]
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        ax.legend(fontsize="small", framealpha=0.8)
        self.ax_ = ax
        return self


class DecisionLinesDisplay:
    """The lines of the first layer's units over 2-D data.

    Each first-layer unit ``i`` switches on the line
    ``w . x + b = 0`` (``w = coefs_[0][:, i]``, ``b = intercepts_[0][i]``);
    the network's regions are built from the half-planes these lines cut.
    Use :meth:`from_estimator` to create one.

    Parameters
    ----------
    xx0 : ndarray of shape (n_rows, n_cols)
        The first input on the grid, as from ``numpy.meshgrid``.
    xx1 : ndarray of shape (n_rows, n_cols)
        The second input on the grid.
    response : ndarray of shape (n_rows, n_cols)
        What is shaded on the grid: the index into ``classes`` of the
        predicted class, or (without ``classes``) the prediction.
    weights : ndarray of shape (2, n_units)
        The first layer's weights, ``coefs_[0]``.
    biases : ndarray of shape (n_units,)
        The first layer's biases, ``intercepts_[0]``.
    X : ndarray of shape (n_samples, 2), default=None
        The data, drawn with ``y``.
    y : ndarray of shape (n_samples,), default=None
        The data's classes (or targets); no data is drawn when None.
    classes : ndarray of shape (n_classes,), default=None
        The class labels, in the order ``response`` indexes them; None for
        a regressor.

    Attributes
    ----------
    lines_ : list of (matplotlib Line2D or None)
        One entry per first-layer unit, labelled "unit i"; None for a unit
        whose line does not cross the plotted area (such as one with all
        weights zero).
    scatter_ : list of matplotlib PathCollection
        The data, one scatter per class (one in all for a regressor).
    surface_ : matplotlib QuadContourSet
        The shaded regions.
    ax_ : matplotlib Axes
        The axes drawn into.
    figure_ : matplotlib Figure
        The figure of ``ax_``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from skorchlite.plotting import DecisionLinesDisplay
    >>> xx0, xx1 = np.meshgrid(np.linspace(-1, 1, 20), np.linspace(-1, 1, 20))
    >>> weights, biases = np.array([[1.0, 0.0], [1.0, 0.0]]), np.array([0.0, 0.5])
    >>> region = (xx0 + xx1 > 0).astype(int)
    >>> disp = DecisionLinesDisplay(xx0, xx1, region, weights, biases, classes=[0, 1]).plot()
    >>> disp.lines_[1] is None
    True
    """

    def __init__(self, xx0, xx1, response, weights, biases, *, X=None, y=None, classes=None):
        self.xx0 = xx0
        self.xx1 = xx1
        self.response = response
        self.weights = weights
        self.biases = biases
        self.X = X
        self.y = y
        self.classes = classes

    @classmethod
    def from_estimator(cls, estimator, X, y, *, ax=None, grid_resolution=200):
        """Draw the first layer's lines over the data and the predicted regions.

        Parameters
        ----------
        estimator : SigmoidMLPClassifier or SigmoidMLPRegressor
            A fitted estimator with two input features.
        X : array-like of shape (n_samples, 2)
            The data; the plot spans its range plus a 5% margin.
        y : array-like of shape (n_samples,)
            The classes (or, for a regressor, the targets) of X.
        ax : matplotlib Axes, default=None
            Axes to draw into; a new figure when None.
        grid_resolution : int, default=200
            Number of grid points along each axis for the regions.

        Returns
        -------
        display : DecisionLinesDisplay
            The drawn display.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from skorchlite import SigmoidMLPClassifier
        >>> from skorchlite.datasets import make_rings
        >>> from skorchlite.plotting import DecisionLinesDisplay
        >>> X, y = make_rings(50, random_state=0)
        >>> clf = SigmoidMLPClassifier((3,), solver="lbfgs", max_iter=100,
        ...                            random_state=0).fit(X, y)
        >>> disp = DecisionLinesDisplay.from_estimator(clf, X, y, grid_resolution=50)
        >>> len(disp.lines_), len(disp.scatter_)
        (3, 2)
        """
        _check_estimator(estimator, cls.__name__)
        X, y = _check_data(estimator, X, y, cls.__name__, n_features=2)
        low, high = X.min(axis=0), X.max(axis=0)
        margin = 0.05 * np.where(high > low, high - low, 1.0)
        xx0, xx1 = np.meshgrid(
            *(np.linspace(lo, hi, grid_resolution) for lo, hi in zip(low - margin, high + margin)))
        prediction = estimator.predict(
            _estimator_input(estimator, np.column_stack([xx0.ravel(), xx1.ravel()])))
        classes = None
        if is_classifier(estimator):
            if prediction.ndim != 1:
                raise ValueError(f"{cls.__name__} cannot shade multilabel predictions; "
                                 "use a binary or multiclass classifier.")
            classes = estimator.classes_
            prediction = np.searchsorted(classes, prediction)
        elif prediction.ndim != 1:
            prediction = prediction[:, 0]
        display = cls(xx0, xx1, prediction.reshape(xx0.shape), estimator.coefs_[0],
                      estimator.intercepts_[0], X=X, y=y, classes=classes)
        return display.plot(ax=ax)

    def plot(self, ax=None):
        """Draw the regions, the data and the units' lines.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw into; a new figure when None.

        Returns
        -------
        display : DecisionLinesDisplay
            The display, with ``ax_``, ``figure_``, ``lines_``, ``scatter_``
            and ``surface_`` set.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import numpy as np
        >>> from skorchlite.plotting import DecisionLinesDisplay
        >>> xx0, xx1 = np.meshgrid(np.linspace(-1, 1, 20), np.linspace(-1, 1, 20))
        >>> disp = DecisionLinesDisplay(xx0, xx1, xx0 + xx1, np.array([[1.0], [1.0]]),
        ...                             np.array([0.0]))
        >>> disp.plot().lines_[0].get_xydata().round(2).tolist()
        [[-1.0, 1.0], [1.0, -1.0]]
        """
        from matplotlib.colors import ListedColormap

        ax, self.figure_ = _get_ax(ax)
        n_classes = 0 if self.classes is None else len(self.classes)
        if n_classes:
            cmap = ListedColormap([f"C{k % 10}" for k in range(n_classes)])
            self.surface_ = ax.contourf(self.xx0, self.xx1, self.response, cmap=cmap,
                                        levels=np.arange(n_classes + 1) - 0.5, alpha=0.2)
        else:
            self.surface_ = ax.contourf(self.xx0, self.xx1, self.response, cmap="viridis",
                                        alpha=0.3)
        self.scatter_ = self._scatter(ax)
        xlim = (self.xx0.min(), self.xx0.max())
        ylim = (self.xx1.min(), self.xx1.max())
        weights = np.asarray(self.weights)
        self.lines_ = []
        for i, (w, b) in enumerate(zip(weights.T, np.ravel(self.biases))):
            segment = _line_in_box(w, b, xlim, ylim)
            self.lines_.append(None if segment is None else ax.plot(
                segment[:, 0], segment[:, 1], linewidth=2, linestyle="--",
                color=f"C{(n_classes + i) % 10}", label=f"unit {i}")[0])
        ax.set(xlim=xlim, ylim=ylim, xlabel="x0", ylabel="x1")
        ax.legend(fontsize="small", framealpha=0.8, loc="upper right")
        self.ax_ = ax
        return self

    def _scatter(self, ax):
        if self.X is None or self.y is None:
            return []
        X, y = np.asarray(self.X), np.asarray(self.y)
        style = {"s": 10, "edgecolors": "white", "linewidths": 0.3}
        if self.classes is None:
            return [ax.scatter(X[:, 0], X[:, 1], c=y, cmap="viridis", **style)]
        return [ax.scatter(X[y == c, 0], X[y == c, 1], color=f"C{k % 10}", label=f"class {c}",
                           **style) for k, c in enumerate(self.classes)]


class HiddenSpaceDisplay:
    """The data mapped into three units of a hidden layer, in 3-D.

    A hidden layer maps each sample to a point of its activation space;
    classes that were tangled in the input should come apart there. Use
    :meth:`from_estimator` to create one.

    Parameters
    ----------
    activations : ndarray of shape (n_samples, 3)
        The three chosen units' activations for each sample.
    y : ndarray of shape (n_samples,), default=None
        Classes (with ``classes``) or targets to colour the points by.
    classes : array-like of shape (n_classes,), default=None
        The class labels; one scatter per class when given.
    units : tuple of int, default=(0, 1, 2)
        The units' indices within the layer (used in labels).
    layer : int, default=0
        The hidden layer (used in the title).

    Attributes
    ----------
    scatter_ : list of matplotlib Path3DCollection
        One scatter per class, or a single one.
    colorbar_ : matplotlib Colorbar or None
        The colour scale when points are coloured by a continuous ``y``.
    ax_ : mpl_toolkits.mplot3d.Axes3D
        The 3-D axes drawn into.
    figure_ : matplotlib Figure
        The figure of ``ax_``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from skorchlite.plotting import HiddenSpaceDisplay
    >>> codes = np.random.RandomState(0).rand(20, 3)
    >>> disp = HiddenSpaceDisplay(codes, y=np.arange(20) % 2, classes=[0, 1]).plot()
    >>> len(disp.scatter_), disp.ax_.get_xlabel()
    (2, 'unit 0')
    """

    def __init__(self, activations, *, y=None, classes=None, units=(0, 1, 2), layer=0):
        self.activations = activations
        self.y = y
        self.classes = classes
        self.units = units
        self.layer = layer

    @classmethod
    def from_estimator(cls, estimator, X, y=None, *, layer=0, units=(0, 1, 2), ax=None):
        """Draw the data in the space of three hidden units.

        Parameters
        ----------
        estimator : SigmoidMLPClassifier or SigmoidMLPRegressor
            A fitted estimator.
        X : array-like of shape (n_samples, n_features)
            The data to map.
        y : array-like of shape (n_samples,), default=None
            Classes (for a classifier) or targets to colour the points by.
        layer : int, default=0
            Index of the hidden layer; it needs at least 3 units.
        units : tuple of 3 int, default=(0, 1, 2)
            Three distinct unit indices within the layer.
        ax : mpl_toolkits.mplot3d.Axes3D, default=None
            3-D axes (``projection="3d"``) to draw into; a new figure when
            None.

        Returns
        -------
        display : HiddenSpaceDisplay
            The drawn display.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from skorchlite import SigmoidMLPClassifier
        >>> from skorchlite.datasets import make_rings
        >>> from skorchlite.plotting import HiddenSpaceDisplay
        >>> X, y = make_rings(50, random_state=0)
        >>> clf = SigmoidMLPClassifier((3,), solver="lbfgs", max_iter=100,
        ...                            random_state=0).fit(X, y)
        >>> disp = HiddenSpaceDisplay.from_estimator(clf, X, y)
        >>> disp.ax_.name
        '3d'
        """
        _check_estimator(estimator, cls.__name__)
        layer = _check_layer(estimator, layer)
        n_units = estimator.coefs_[layer].shape[1]
        if n_units < 3:
            raise ValueError(f"{cls.__name__} needs a hidden layer of at least 3 units; "
                             f"layer {layer} has {n_units}.")
        if (np.ndim(units) != 1 or len(units) != 3 or len(set(np.ravel(units).tolist())) != 3
                or not all(isinstance(u, numbers.Integral) and not isinstance(u, bool)
                           and 0 <= u < n_units for u in units)):
            raise ValueError(
                f"units must be 3 distinct ints in [0, {n_units - 1}] (layer {layer} has "
                f"{n_units} units); got units={units!r}.")
        _check_3d_ax(ax)
        X = check_array(X, dtype=(np.float64, np.float32), input_name="X")
        if y is not None:
            y = np.asarray(y)
            check_consistent_length(X, y)
        activations = estimator.hidden_activations(_estimator_input(estimator, X))[layer]
        classes = estimator.classes_ if is_classifier(estimator) and y is not None else None
        display = cls(activations[:, list(units)], y=y, classes=classes,
                      units=tuple(int(u) for u in units), layer=layer)
        return display.plot(ax=ax)

    def plot(self, ax=None):
        """Draw the 3-D scatter.

        Parameters
        ----------
        ax : mpl_toolkits.mplot3d.Axes3D, default=None
            3-D axes to draw into; a new figure when None.

        Returns
        -------
        display : HiddenSpaceDisplay
            The display, with ``ax_``, ``figure_``, ``scatter_`` and
            ``colorbar_`` set.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import numpy as np
        >>> from skorchlite.plotting import HiddenSpaceDisplay
        >>> codes = np.random.RandomState(0).rand(20, 3)
        >>> disp = HiddenSpaceDisplay(codes, y=codes.sum(axis=1), units=(4, 1, 2)).plot()
        >>> disp.ax_.get_zlabel(), disp.colorbar_ is not None
        ('unit 2', True)
        """
        _check_3d_ax(ax)
        ax, self.figure_ = _get_ax(ax, projection="3d")
        A = np.asarray(self.activations)
        self.colorbar_ = None
        if self.classes is not None:
            y = np.asarray(self.y)
            self.scatter_ = [ax.scatter(*A[y == c].T, s=6, color=f"C{k % 10}",
                                        label=f"class {c}", depthshade=False)
                             for k, c in enumerate(self.classes)]
            ax.legend(fontsize="small", loc="upper left")
        elif self.y is not None:
            self.scatter_ = [ax.scatter(*A.T, s=6, c=self.y, cmap="viridis", depthshade=False)]
            self.colorbar_ = self.figure_.colorbar(self.scatter_[0], ax=ax, shrink=0.6,
                                                   pad=0.1, label="y")
        else:
            self.scatter_ = [ax.scatter(*A.T, s=6, color="C0", depthshade=False)]
        ax.set_xlabel(f"unit {self.units[0]}")
        ax.set_ylabel(f"unit {self.units[1]}")
        ax.set_zlabel(f"unit {self.units[2]}")
        ax.set_title(f"data in hidden layer {self.layer}")
        self.ax_ = ax
        return self


class LossCurveDisplay:
    """The training loss curves of all restarts.

    Every restart's curve is drawn thin and faded, the kept one highlighted;
    with early stopping the validation scores go on a right-hand axis. Use
    :meth:`from_estimator` to create one.

    Parameters
    ----------
    loss_curves : list of list of float
        Each restart's loss after each iteration.
    best_restart : int
        Index of the kept restart.
    validation_scores : list of list of float, default=None
        Each restart's validation score after each iteration, if any.

    Attributes
    ----------
    lines_ : list of matplotlib Line2D
        One loss curve per restart; ``lines_[best_restart]`` is highlighted.
    best_line_ : matplotlib Line2D
        The kept restart's loss curve.
    validation_lines_ : list of matplotlib Line2D or None
        One validation curve per restart, or None without scores.
    ax_ : matplotlib Axes
        The axes of the losses.
    ax_validation_ : matplotlib Axes or None
        The right-hand axes of the validation scores.
    figure_ : matplotlib Figure
        The figure of ``ax_``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skorchlite.plotting import LossCurveDisplay
    >>> disp = LossCurveDisplay([[3.0, 2.0, 1.5], [3.0, 1.0, 0.5]], best_restart=1).plot()
    >>> disp.best_line_.get_ydata().tolist()
    [3.0, 1.0, 0.5]
    """

    def __init__(self, loss_curves, best_restart, *, validation_scores=None):
        self.loss_curves = loss_curves
        self.best_restart = best_restart
        self.validation_scores = validation_scores

    @classmethod
    def from_estimator(cls, estimator, *, ax=None, yscale="log"):
        """Draw the loss curves of a fitted estimator's restarts.

        Parameters
        ----------
        estimator : SigmoidMLPRegressor or SigmoidMLPClassifier
            A fitted estimator.
        ax : matplotlib Axes, default=None
            Axes to draw into; a new figure when None.
        yscale : {'log', 'linear'}, default='log'
            Scale of the loss axis.

        Returns
        -------
        display : LossCurveDisplay
            The drawn display.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import numpy as np
        >>> from skorchlite import SigmoidMLPRegressor
        >>> from skorchlite.plotting import LossCurveDisplay
        >>> X = np.linspace(0, 6, 60).reshape(-1, 1)
        >>> reg = SigmoidMLPRegressor((3,), solver="lbfgs", max_iter=300, n_restarts=4,
        ...                           random_state=0).fit(X, np.sin(X).ravel())
        >>> len(LossCurveDisplay.from_estimator(reg).lines_)
        4
        """
        _check_estimator(estimator, cls.__name__)
        return cls(estimator.restart_loss_curves_, estimator.best_restart_,
                   validation_scores=estimator.restart_validation_scores_).plot(
                       ax=ax, yscale=yscale)

    def plot(self, ax=None, *, yscale="log"):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw into; a new figure when None.
        yscale : {'log', 'linear'}, default='log'
            Scale of the loss axis. A log scale separates restarts whose
            losses differ by small amounts near the end of training.

        Returns
        -------
        display : LossCurveDisplay
            The display, with ``ax_``, ``ax_validation_``, ``figure_``,
            ``lines_``, ``best_line_`` and ``validation_lines_`` set.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from skorchlite.plotting import LossCurveDisplay
        >>> disp = LossCurveDisplay([[2.0, 1.0]], 0, validation_scores=[[0.5, 0.7]]).plot()
        >>> disp.ax_validation_.get_ylabel()
        'validation score'
        """
        ax, self.figure_ = _get_ax(ax)
        self.lines_ = self._curves(ax, self.loss_curves, "loss", "C0", "-")
        self.best_line_ = self.lines_[self.best_restart]
        ax.set(xlabel="iteration", ylabel="loss", yscale=yscale)
        ax.set_title(f"loss curves of {len(self.lines_)} restart(s), kept: {self.best_restart}")
        handles = self._legend_handles(self.lines_)
        self.ax_validation_ = self.validation_lines_ = None
        if self.validation_scores is not None:
            self.ax_validation_ = ax.twinx()
            self.validation_lines_ = self._curves(self.ax_validation_, self.validation_scores,
                                                  "validation score", "C1", "--")
            self.ax_validation_.set_ylabel("validation score")
            handles += self._legend_handles(self.validation_lines_)
        (self.ax_validation_ or ax).legend(handles=handles, fontsize="small", framealpha=0.85,
                                           loc="best" if self.ax_validation_ is None
                                           else "center right")
        self.ax_ = ax
        return self

    def _curves(self, ax, curves, what, color, linestyle):
        """One line per restart, faded but for the kept one."""
        lines = []
        for i, curve in enumerate(curves):
            if i == self.best_restart:
                style = {"color": color, "linewidth": 2, "zorder": 3,
                         "label": f"{what}, kept restart {i}"}
            else:
                style = {**_FADED, "label": f"{what}, other restarts"}
            lines += ax.plot(np.arange(1, len(curve) + 1), curve, linestyle=linestyle, **style)
        return lines

    def _legend_handles(self, lines):
        """The kept restart's line, then one of the others (if any)."""
        others = [line for i, line in enumerate(lines) if i != self.best_restart]
        return [lines[self.best_restart], *others[:1]]


class RestartsDisplay:
    """Every restart's final loss, sorted, against its rank.

    Restarts that end in the same local minimum have the same final loss,
    so distinct minima show as plateaus; the kept restart is marked. Use
    :meth:`from_estimator` to create one.

    Parameters
    ----------
    restart_losses : array-like of shape (n_restarts,)
        Each restart's final training loss.
    best_restart : int
        Index of the kept restart.

    Attributes
    ----------
    sorted_losses_ : ndarray of shape (n_restarts,)
        The losses in ascending order (non-finite ones last).
    markers_ : matplotlib Line2D
        One marker per restart, at (rank, loss), rank 1 the lowest loss.
    best_marker_ : matplotlib Line2D
        The marker of the kept restart.
    ax_ : matplotlib Axes
        The axes drawn into.
    figure_ : matplotlib Figure
        The figure of ``ax_``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skorchlite.plotting import RestartsDisplay
    >>> disp = RestartsDisplay([0.3, 0.1, 0.3, 0.1], best_restart=1).plot()
    >>> disp.sorted_losses_.tolist()
    [0.1, 0.1, 0.3, 0.3]
    """

    def __init__(self, restart_losses, best_restart):
        self.restart_losses = restart_losses
        self.best_restart = best_restart

    @classmethod
    def from_estimator(cls, estimator, *, ax=None):
        """Draw the sorted final losses of a fitted estimator's restarts.

        Parameters
        ----------
        estimator : SigmoidMLPRegressor or SigmoidMLPClassifier
            A fitted estimator.
        ax : matplotlib Axes, default=None
            Axes to draw into; a new figure when None.

        Returns
        -------
        display : RestartsDisplay
            The drawn display.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import numpy as np
        >>> from skorchlite import SigmoidMLPRegressor
        >>> from skorchlite.plotting import RestartsDisplay
        >>> X = np.linspace(0, 6, 60).reshape(-1, 1)
        >>> reg = SigmoidMLPRegressor((2,), solver="lbfgs", max_iter=300, n_restarts=5,
        ...                           random_state=0).fit(X, np.sin(X).ravel())
        >>> RestartsDisplay.from_estimator(reg).sorted_losses_.shape
        (5,)
        """
        _check_estimator(estimator, cls.__name__)
        return cls(estimator.restart_losses_, estimator.best_restart_).plot(ax=ax)

    def plot(self, ax=None):
        """Draw the sorted losses.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw into; a new figure when None.

        Returns
        -------
        display : RestartsDisplay
            The display, with ``ax_``, ``figure_``, ``markers_``,
            ``best_marker_`` and ``sorted_losses_`` set.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from skorchlite.plotting import RestartsDisplay
        >>> disp = RestartsDisplay([0.3, 0.1, 0.2], best_restart=1).plot()
        >>> disp.best_marker_.get_xydata().tolist()
        [[1.0, 0.1]]
        """
        from matplotlib.ticker import MaxNLocator

        ax, self.figure_ = _get_ax(ax)
        losses = np.asarray(self.restart_losses, dtype=float).ravel()
        order = np.argsort(losses, kind="stable")
        self.sorted_losses_ = losses[order]
        ranks = np.arange(1, len(losses) + 1)
        (self.markers_,) = ax.plot(ranks, self.sorted_losses_, "o", color="C0",
                                   label="restarts")
        best_rank = int(np.flatnonzero(order == self.best_restart)[0]) + 1
        (self.best_marker_,) = ax.plot([best_rank], [losses[self.best_restart]], "*",
                                       color="C3", markersize=16,
                                       label=f"kept restart {self.best_restart}")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("rank (restarts sorted by final loss)")
        ax.set_ylabel("final training loss")
        ax.set_title(f"final losses of {len(losses)} restart(s)")
        ax.legend(fontsize="small", framealpha=0.8)
        self.ax_ = ax
        return self
