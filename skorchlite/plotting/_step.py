"""The step-function display: a 1-D network's smooth fit against its step limit."""

import numpy as np

from .._network import STEP_LIMITS
from ._common import (
    _check_binary_or_regressor, _check_data, _check_estimator, _first_layer_in_user_units,
    _first_layer_preactivations, _get_ax, _grid_1d, _numeric_targets, _response, _scatter_1d,
    _zero_crossings, merge_style)

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
    def from_estimator(cls, estimator, X, y=None, *, ax=None, grid_resolution=500, **kwargs):
        """Draw the smooth and step-function fits of a network on 1-D input.

        Parameters
        ----------
        estimator : SigmoidMLPRegressor, SigmoidMLPClassifier or Pipeline
            A fitted estimator with one input feature and
            ``activation='logistic'`` or ``'tanh'`` (a classifier must be
            binary; its curves are the probability of ``classes_[1]``), or a
            fitted ``Pipeline`` whose last step is one: the earlier steps
            transform X and the x axis stays in X's units. The thresholds
            are mapped back to those units exactly when the earlier steps
            are affine (``StandardScaler``, ...), else located on the grid
            where each unit's pre-activation changes sign.
        X : array-like of shape (n_samples, 1)
            The inputs, in the units the estimator is called with; the
            curves span their range.
        y : array-like of shape (n_samples,), default=None
            The targets, drawn as points when given.
        ax : matplotlib Axes, default=None
            Axes to draw into; a new figure when None.
        grid_resolution : int, default=500
            Number of grid points the curves are evaluated at.
        **kwargs : dict
            Passed to the ``plot`` call of the step-function fit (e.g.
            ``color``, ``linewidth``, ``linestyle``).

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
        fitted = _check_estimator(estimator, cls.__name__)
        mlp = fitted.mlp
        if mlp.activation not in STEP_LIMITS:
            raise ValueError(
                f"{cls.__name__} needs hidden units with a step limit: "
                "activation='logistic' or 'tanh'; this estimator has "
                f"activation={mlp.activation!r}, which has none.")
        _check_binary_or_regressor(mlp, cls.__name__)
        X, y = _check_data(estimator, X, y, cls.__name__, n_features=1)
        grid = _grid_1d(X, grid_resolution)
        layer = _first_layer_in_user_units(fitted, grid)
        if layer is None:  # earlier steps not affine: where the units switch, on the grid
            thresholds = _zero_crossings(grid, _first_layer_preactivations(fitted, grid))
        else:
            w, b = layer[0][0], layer[1]
            thresholds = -b[w != 0] / w[w != 0]
        display = cls(grid.ravel(), _response(mlp, fitted.to_mlp(grid)),
                      _response(mlp, fitted.to_mlp(grid), step=True), thresholds, X=X,
                      y=_numeric_targets(mlp, y))
        return display.plot(ax=ax, **kwargs)

    def plot(self, ax=None, **kwargs):
        """Draw the data, both fits and the thresholds.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw into; a new figure when None.
        **kwargs : dict
            Passed to the ``plot`` call of the step-function fit.

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
        (self.step_line_,) = ax.plot(grid, self.step_fit, **merge_style(
            {"color": "C3", "linewidth": 1.8, "drawstyle": "steps-mid",
             "label": "step-function fit"}, kwargs))
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
