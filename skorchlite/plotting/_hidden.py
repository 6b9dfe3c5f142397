"""Displays of hidden units: their curves over a 1-D input, and the data in
the space of three of them."""

import numbers

import numpy as np
from sklearn.base import is_classifier
from sklearn.utils import check_array, check_consistent_length

from .._params import check_bool
from ._common import (
    _check_3d_ax, _check_binary_or_regressor, _check_data, _check_estimator, _check_layer,
    _get_ax, _grid_1d, _legend, _numeric_targets, _response, _scatter_1d, merge_style)

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
        Whether ``activations`` are scaled by the outgoing weights (used in
        labels). Either way the units get their own right-hand axis, so the
        data and the fit keep a readable scale.

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
        The axes of the units: a twin of ``ax_`` with its scale on the
        right.
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
                       grid_resolution=500, **kwargs):
        """Draw the units of a hidden layer of a network fitted on 1-D input.

        Parameters
        ----------
        estimator : SigmoidMLPRegressor, SigmoidMLPClassifier or Pipeline
            A fitted estimator with one input feature (a classifier must be
            binary; its curve is the probability of ``classes_[1]``), or a
            fitted ``Pipeline`` whose last step is one: the earlier steps
            transform X, the x axis stays in X's units.
        X : array-like of shape (n_samples, 1)
            The inputs, in the units the estimator is called with; the
            curves span their range.
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
        **kwargs : dict
            Passed to the ``plot`` call of every unit's curve (e.g.
            ``linewidth``, ``linestyle``, ``alpha``).

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
        check_bool(scaled, "scaled")
        fitted = _check_estimator(estimator, cls.__name__)
        mlp = fitted.mlp
        _check_binary_or_regressor(mlp, cls.__name__)
        X, y = _check_data(estimator, X, y, cls.__name__, n_features=1)
        layer = _check_layer(mlp, layer)
        grid = _grid_1d(X, grid_resolution)
        activations = mlp.hidden_activations(fitted.to_mlp(grid))[layer]
        if scaled:
            activations = activations * mlp.coefs_[layer + 1][:, 0]
        display = cls(grid.ravel(), activations, _response(mlp, fitted.to_mlp(grid)), X=X,
                      y=_numeric_targets(mlp, y), layer=layer, scaled=scaled)
        return display.plot(ax=ax, **kwargs)

    def plot(self, ax=None, **kwargs):
        """Draw the data, the fit and the units.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw into; a new figure when None.
        **kwargs : dict
            Passed to the ``plot`` call of every unit's curve.

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
        >>> disp.plot(linestyle="--").ax_units_.get_ylabel()
        'activation × outgoing weight'
        >>> disp.lines_[0].get_linestyle()
        '--'
        """
        ax, self.figure_ = _get_ax(ax)
        grid = np.ravel(self.grid)
        self.data_scatter_ = _scatter_1d(ax, self.X, self.y)
        (self.fit_line_,) = ax.plot(grid, self.fit, color="black", linewidth=2.5,
                                    label="network fit", zorder=3)
        self.ax_units_ = ax.twinx()
        self.lines_ = [
            self.ax_units_.plot(grid, values,
                                **merge_style({"linewidth": 1.3, "label": f"unit {i}"}, kwargs))[0]
            for i, values in enumerate(np.asarray(self.activations).T)]
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        if self.scaled:
            self.ax_units_.set_ylabel("activation × outgoing weight")
            ax.set_title(f"hidden layer {self.layer}, scaled by outgoing weights")
        else:
            self.ax_units_.set_ylabel(f"activation of layer {self.layer} units")
            ax.set_title(f"hidden layer {self.layer}")
        # the data and the fit above the units, the legend above all
        ax.set_zorder(self.ax_units_.get_zorder() + 1)
        ax.patch.set_visible(False)
        _legend(ax, ax, self.ax_units_, fontsize="small", framealpha=0.85)
        self.ax_ = ax
        return self


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
    def from_estimator(cls, estimator, X, y=None, *, layer=0, units=(0, 1, 2), ax=None,
                       **kwargs):
        """Draw the data in the space of three hidden units.

        Parameters
        ----------
        estimator : SigmoidMLPClassifier, SigmoidMLPRegressor or Pipeline
            A fitted estimator, or a fitted ``Pipeline`` whose last step is
            one (the earlier steps transform X).
        X : array-like of shape (n_samples, n_features)
            The data to map, in the units the estimator is called with.
        y : array-like of shape (n_samples,), default=None
            Classes (for a classifier) or targets to colour the points by.
        layer : int, default=0
            Index of the hidden layer; it needs at least 3 units.
        units : tuple of 3 int, default=(0, 1, 2)
            Three distinct unit indices within the layer.
        ax : mpl_toolkits.mplot3d.Axes3D, default=None
            3-D axes (``projection="3d"``) to draw into; a new figure when
            None.
        **kwargs : dict
            Passed to every ``scatter`` call (e.g. ``s``, ``alpha``,
            ``marker``).

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
        fitted = _check_estimator(estimator, cls.__name__)
        mlp = fitted.mlp
        layer = _check_layer(mlp, layer)
        n_units = mlp.coefs_[layer].shape[1]
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
        activations = mlp.hidden_activations(fitted.to_mlp(X))[layer]
        classes = mlp.classes_ if is_classifier(mlp) and y is not None else None
        display = cls(activations[:, list(units)], y=y, classes=classes,
                      units=tuple(int(u) for u in units), layer=layer)
        return display.plot(ax=ax, **kwargs)

    def plot(self, ax=None, **kwargs):
        """Draw the 3-D scatter.

        Parameters
        ----------
        ax : mpl_toolkits.mplot3d.Axes3D, default=None
            3-D axes to draw into; a new figure when None.
        **kwargs : dict
            Passed to every ``scatter`` call.

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
        style = {"s": 6, "depthshade": False}
        if self.classes is not None:
            y = np.asarray(self.y)
            self.scatter_ = [
                ax.scatter(*A[y == c].T, **merge_style(
                    {**style, "color": f"C{k % 10}", "label": f"class {c}"}, kwargs))
                for k, c in enumerate(self.classes)]
            ax.legend(fontsize="small", loc="upper left")
        elif self.y is not None:
            self.scatter_ = [ax.scatter(*A.T, **merge_style(
                {**style, "c": self.y, "cmap": "viridis"}, kwargs))]
            self.colorbar_ = self.figure_.colorbar(self.scatter_[0], ax=ax, shrink=0.6,
                                                   pad=0.1, label="y")
        else:
            self.scatter_ = [ax.scatter(*A.T, **merge_style({**style, "color": "C0"}, kwargs))]
        ax.set_xlabel(f"unit {self.units[0]}")
        ax.set_ylabel(f"unit {self.units[1]}")
        ax.set_zlabel(f"unit {self.units[2]}")
        # a slightly smaller box leaves room for the axis labels, which
        # constrained layout does not reserve for 3-D axes
        ax.set_box_aspect(None, zoom=0.75)
        ax.set_title(f"data in hidden layer {self.layer}")
        self.ax_ = ax
        return self
