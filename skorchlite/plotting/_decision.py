"""The first layer's lines over 2-D data, on the predicted regions."""

import numpy as np
from sklearn.base import is_classifier

from ._common import (
    _check_data, _check_estimator, _first_layer_in_user_units, _first_layer_preactivations,
    _get_ax, _grid_2d, merge_style)

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


def _regions(ax, xx0, xx1, response, n_classes):
    """Shade the predicted regions with scikit-learn's ``DecisionBoundaryDisplay``:
    class indices (``n_classes`` > 0) in the colours C0, C1, ..., or a
    regressor's prediction on a viridis scale."""
    from matplotlib.colors import ListedColormap
    from sklearn.inspection import DecisionBoundaryDisplay

    colors = [f"C{k % 10}" for k in range(n_classes)]
    if n_classes == 0:  # a regressor: scikit-learn's convention is n_classes=2
        style = {"cmap": "viridis", "alpha": 0.3}
    elif n_classes == 2:  # drawn as given: fix the colours and levels here
        style = {"cmap": ListedColormap(colors), "levels": np.arange(3) - 0.5, "alpha": 0.2}
    else:  # scikit-learn sets one level per class itself
        style = {"alpha": 0.2}
    regions = DecisionBoundaryDisplay(xx0=xx0, xx1=xx1, n_classes=max(n_classes, 2),
                                      response=response, multiclass_colors=colors or None)
    return regions.plot(plot_method="contourf", ax=ax, **style).surface_


def _zero_level_line(xx0, xx1, values):
    """The zero level set of ``values`` on the grid as one polyline per piece,
    pieces joined by NaN rows (so that one Line2D draws them all), or None."""
    import contourpy

    pieces = contourpy.contour_generator(xx0, xx1, values).lines(0.0)
    if not pieces:
        return None
    gap = np.full((1, 2), np.nan)
    return np.vstack([part for piece in pieces for part in (piece, gap)][:-1])


class DecisionLinesDisplay:
    """The lines of the first layer's units over 2-D data.

    Each first-layer unit ``i`` switches on the line
    ``w . x + b = 0`` (``w = coefs_[0][:, i]``, ``b = intercepts_[0][i]``);
    the network's regions are built from the half-planes these lines cut.
    Use :meth:`from_estimator` to create one.

    For a ``Pipeline`` the plot stays in the user's units: when the earlier
    steps are affine on the data (``StandardScaler``, ``MinMaxScaler``,
    ``PCA``, ...) each unit's line is mapped back to a straight line in
    those units; otherwise (``PolynomialFeatures``, a log transform, ...)
    the unit switches along a curve, drawn as the zero level set of its
    pre-activation on the grid.

    Parameters
    ----------
    xx0 : ndarray of shape (n_rows, n_cols)
        The first input on the grid, as from ``numpy.meshgrid``.
    xx1 : ndarray of shape (n_rows, n_cols)
        The second input on the grid.
    response : ndarray of shape (n_rows, n_cols)
        What is shaded on the grid: the index into ``classes`` of the
        predicted class, or (without ``classes``) the prediction.
    weights : ndarray of shape (2, n_units) or None
        The first layer's weights ``coefs_[0]``, as a function of the
        plotted inputs (for a Pipeline with affine earlier steps, mapped
        back to the user's units); None when ``preactivations`` is given.
    biases : ndarray of shape (n_units,) or None
        The first layer's biases ``intercepts_[0]``, likewise.
    X : ndarray of shape (n_samples, 2), default=None
        The data, drawn with ``y``.
    y : ndarray of shape (n_samples,), default=None
        The data's classes (or targets); no data is drawn when None.
    classes : ndarray of shape (n_classes,), default=None
        The class labels, in the order ``response`` indexes them; None for
        a regressor.
    preactivations : ndarray of shape (n_rows, n_cols, n_units), default=None
        Each unit's pre-activation ``w . z + b`` on the grid; when given,
        the units are drawn as its zero level sets (curves) instead of from
        ``weights`` and ``biases``.

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

    def __init__(self, xx0, xx1, response, weights, biases, *, X=None, y=None, classes=None,
                 preactivations=None):
        self.xx0 = xx0
        self.xx1 = xx1
        self.response = response
        self.weights = weights
        self.biases = biases
        self.X = X
        self.y = y
        self.classes = classes
        self.preactivations = preactivations

    @classmethod
    def from_estimator(cls, estimator, X, y, *, ax=None, grid_resolution=200, **kwargs):
        """Draw the first layer's lines over the data and the predicted regions.

        Parameters
        ----------
        estimator : SigmoidMLPClassifier, SigmoidMLPRegressor or Pipeline
            A fitted estimator with two input features, or a fitted
            ``Pipeline`` whose last step is one: the earlier steps transform
            X, the axes stay in X's units (see the class notes for how the
            lines are mapped back).
        X : array-like of shape (n_samples, 2)
            The data, in the units the estimator is called with; the plot
            spans its range plus a 5% margin.
        y : array-like of shape (n_samples,)
            The classes (or, for a regressor, the targets) of X.
        ax : matplotlib Axes, default=None
            Axes to draw into; a new figure when None.
        grid_resolution : int, default=200
            Number of grid points along each axis for the regions.
        **kwargs : dict
            Passed to the ``plot`` call of every unit's line (e.g.
            ``linewidth``, ``linestyle``, ``color``).

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
        fitted = _check_estimator(estimator, cls.__name__)
        mlp = fitted.mlp
        X, y = _check_data(estimator, X, y, cls.__name__, n_features=2)
        xx0, xx1 = _grid_2d(X, grid_resolution)
        rows = np.column_stack([xx0.ravel(), xx1.ravel()])
        prediction = mlp.predict(fitted.to_mlp(rows))
        classes = None
        if is_classifier(mlp):
            if prediction.ndim != 1:
                raise ValueError(f"{cls.__name__} cannot shade multilabel predictions; "
                                 "use a binary or multiclass classifier.")
            classes = mlp.classes_
            prediction = np.searchsorted(classes, prediction)
        elif prediction.ndim != 1:
            prediction = prediction[:, 0]
        layer = _first_layer_in_user_units(fitted, rows)
        if layer is None:  # earlier steps not affine: the units switch along curves
            weights = biases = None
            preactivations = _first_layer_preactivations(fitted, rows).reshape(*xx0.shape, -1)
        else:
            (weights, biases), preactivations = layer, None
        display = cls(xx0, xx1, prediction.reshape(xx0.shape), weights, biases, X=X, y=y,
                      classes=classes, preactivations=preactivations)
        return display.plot(ax=ax, **kwargs)

    def plot(self, ax=None, **kwargs):
        """Draw the regions, the data and the units' lines.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw into; a new figure when None.
        **kwargs : dict
            Passed to the ``plot`` call of every unit's line.

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
        ax, self.figure_ = _get_ax(ax)
        n_classes = 0 if self.classes is None else len(self.classes)
        self.surface_ = _regions(ax, self.xx0, self.xx1, self.response, n_classes)
        self.scatter_ = self._scatter(ax)
        xlim = (self.xx0.min(), self.xx0.max())
        ylim = (self.xx1.min(), self.xx1.max())
        if self.preactivations is None:
            segments = [_line_in_box(w, b, xlim, ylim) for w, b in
                        zip(np.asarray(self.weights).T, np.ravel(self.biases))]
        else:
            segments = [_zero_level_line(self.xx0, self.xx1, values)
                        for values in np.moveaxis(np.asarray(self.preactivations), -1, 0)]
        self.lines_ = []
        for i, segment in enumerate(segments):
            style = merge_style({"linewidth": 2, "linestyle": "--",
                                 "color": f"C{(n_classes + i) % 10}", "label": f"unit {i}"},
                                kwargs)
            self.lines_.append(None if segment is None
                               else ax.plot(segment[:, 0], segment[:, 1], **style)[0])
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
