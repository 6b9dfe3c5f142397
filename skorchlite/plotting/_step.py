"""The step-function display: a network's smooth fit, its plain step limit, the
refitted step network and the passage between them; regions for 2-D inputs."""

import numbers

import numpy as np
from sklearn.base import clone, is_classifier
from sklearn.frozen import FrozenEstimator
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from .._network import STEP_LIMITS
from .._step import REFITS, StepFunctionClassifier, StepFunctionRegressor, _BaseStepFunction
from ._common import (
    _check_binary_or_regressor, _check_data, _check_estimator, _estimator_input, _Fitted,
    _first_layer_in_user_units, _first_layer_preactivations, _get_ax, _grid_1d, _grid_2d,
    _numeric_targets, _scatter_1d, _zero_crossings, merge_style)
from ._decision import DecisionLinesDisplay


def _sharpness_label(s):
    return "sharpness inf (steps)" if np.isinf(s) else f"sharpness {s:g}"


def _check_sharpness(sharpness, display):
    if sharpness is None:
        return ()
    values = [sharpness] if isinstance(sharpness, numbers.Real) else list(sharpness)
    if not values or not all(isinstance(s, numbers.Real) and not isinstance(s, bool)
                             and s > 0 for s in values):
        raise ValueError(
            f"{display}: sharpness must be None or a sequence of positive numbers "
            f"(np.inf for steps), e.g. (1, 4, 16, np.inf); got {sharpness!r}.")
    return tuple(float(s) for s in values)


def _resolve(estimator, refit, display):
    """The checked pieces of what the user passed: ``(fitted, step, refit)``,
    with ``fitted`` the :class:`_Fitted` view of the smooth network (``to_mlp``
    maps the user's rows to the network's input) and ``step`` the fitted step
    network given (directly or as a Pipeline's last step), or None."""
    last = estimator[-1] if isinstance(estimator, Pipeline) else estimator
    if isinstance(last, _BaseStepFunction):
        check_is_fitted(last)
        step = last
        inner = step.estimator_
        smooth = inner.estimator if isinstance(inner, FrozenEstimator) else inner
        if last is estimator:
            fitted = _Fitted(estimator, smooth, lambda rows: _estimator_input(step, rows))
        else:
            check_is_fitted(estimator)
            head = estimator[:-1]
            fitted = _Fitted(estimator, smooth,
                             lambda rows: head.transform(_estimator_input(estimator, rows)))
        if refit is not None and refit != step.refit:
            raise ValueError(
                f"{display}: refit={refit!r} was given with a step network fitted with "
                f"refit={step.refit!r}; leave refit=None to draw it as it is, or pass "
                "the smooth network to refit it another way.")
        refit = step.refit
    else:
        fitted, step = _check_estimator(estimator, display), None
        refit = "output" if refit is None else refit
        if refit not in REFITS:
            raise ValueError(f"{display}: refit must be one of "
                             f"{', '.join(map(repr, REFITS))}; got {refit!r}.")
    if fitted.mlp.activation not in STEP_LIMITS:
        raise ValueError(
            f"{display} needs hidden units with a step limit: "
            "activation='logistic' or 'tanh'; this estimator has "
            f"activation={fitted.mlp.activation!r}, which has none.")
    return fitted, step, refit


def _fit_steps(smooth, step, refit, Z, y, sharpness):
    """The step network (fitted on the network's input Z and y unless given)
    and one per sharpness."""
    frozen = FrozenEstimator(smooth)
    if step is None:
        Step = StepFunctionClassifier if is_classifier(smooth) else StepFunctionRegressor
        step = Step(frozen, refit=refit).fit(Z, y)
    passage = {s: clone(step).set_params(estimator=frozen, sharpness=s).fit(Z, y)
               for s in sharpness}
    return step, passage


def _user_units_layer(fitted, step, rows):
    """The step network's first layer in the user's units: ``(weights,
    biases)``, or None (with the pre-activations at ``rows``) when the
    Pipeline's earlier steps are not affine."""
    view = _Fitted(fitted.est, step, fitted.to_mlp)  # the step network's first layer
    layer = _first_layer_in_user_units(view, rows)
    return layer, (None if layer is not None else _first_layer_preactivations(view, rows))


def _curve(estimator, rows, step=False):
    """Prediction of a regressor (first output) or probability of classes_[1],
    at ``rows`` given in the network's input."""
    if is_classifier(estimator):
        proba = estimator.predict_proba_step(rows) if step else estimator.predict_proba(rows)
        return proba[:, 1]
    y_pred = estimator.predict_step(rows) if step else estimator.predict(rows)
    return y_pred if y_pred.ndim == 1 else y_pred[:, 0]


def _surface(estimator, rows, shape):
    """What a 2-D display shades: class indices of a classifier's prediction,
    or a regressor's (first) prediction."""
    prediction = estimator.predict(rows)
    if is_classifier(estimator):
        if prediction.ndim != 1:
            raise ValueError("StepFunctionDisplay cannot shade multilabel predictions; "
                             "use a binary or multiclass classifier.")
        prediction = np.searchsorted(estimator.classes_, prediction)
    elif prediction.ndim != 1:
        prediction = prediction[:, 0]
    return prediction.reshape(shape)


class StepFunctionDisplay:
    """A sigmoid network, its step-function limit and the step network that fits.

    On a 1-D input: the smooth fit, the plain limit (every hidden unit
    replaced by its step, output weights untouched: ``predict_step``), the
    refitted step network (:class:`~skorchlite.StepFunctionRegressor` /
    :class:`~skorchlite.StepFunctionClassifier`) with its thresholds, and
    optionally the networks of growing sharpness in between. On a 2-D
    input: the regions of the step network, the lines of its first-layer
    units and the smooth network's contours. Use :meth:`from_estimator` to
    create one.

    Parameters
    ----------
    grid : ndarray of shape (n_grid,) or tuple of two ndarray of shape (n_rows, n_cols)
        The sorted input values (1-D), or the two inputs on a grid as from
        ``numpy.meshgrid`` (2-D).
    fit : ndarray of shape (n_grid,) or (n_rows, n_cols), or None
        The smooth network's prediction on the grid (2-D: the index of the
        predicted class, or the prediction); None draws no smooth fit.
    step_fit : ndarray of shape (n_grid,) or (n_rows, n_cols)
        The step network's prediction on the grid (2-D: as ``fit``).
    thresholds : array-like of shape (n_thresholds,), or tuple (weights, biases)
        1-D: the input values where first-layer units switch; only those
        inside the grid's range are drawn. 2-D: the first layer's weights
        (2, n_units) and biases (n_units,): unit i switches on the line
        ``weights[:, i] . x + biases[i] = 0``.
    limit_fit : ndarray of shape (n_grid,), default=None
        1-D: the plain limit's prediction, drawn dashed; None draws none.
    sharpness_fits : dict of float to ndarray of shape (n_grid,), default=None
        1-D: the prediction of the network at each sharpness, drawn from
        light to dark as the sharpness grows.
    X : ndarray of shape (n_samples, n_features), default=None
        The data inputs, drawn with ``y``.
    y : ndarray of shape (n_samples,), default=None
        The data targets (2-D: the classes or targets); no data is drawn
        when None.
    classes : ndarray of shape (n_classes,), default=None
        2-D classifiers: the class labels that ``fit`` and ``step_fit``
        index.
    refit : str, default="output"
        How the step network was refitted, for the legend.
    preactivations : ndarray of shape (n_rows, n_cols, n_units), default=None
        2-D, when no straight lines describe the units (a Pipeline with
        non-affine earlier steps): each first-layer unit's pre-activation on
        the grid; its zero level line is drawn (``thresholds`` is then
        ``(None, None)``).

    Attributes
    ----------
    fit_line_ : matplotlib Line2D or None
        1-D: the smooth fit.
    limit_line_ : matplotlib Line2D or None
        1-D: the plain limit.
    step_line_ : matplotlib Line2D or None
        1-D: the step network (drawn with a steps draw style).
    sharpness_lines_ : dict of float to matplotlib Line2D
        1-D: one line per sharpness.
    threshold_lines_ : list of matplotlib Line2D
        1-D: one vertical line per drawn threshold.
    thresholds_ : ndarray of shape (n_drawn,) or None
        1-D: the drawn thresholds, sorted.
    regions_ : matplotlib QuadContourSet or None
        2-D: the shaded regions of the step network.
    unit_lines_ : list of (matplotlib Line2D or None)
        2-D: the line of each first-layer unit (None where it misses the
        plot).
    fit_contours_ : matplotlib QuadContourSet or None
        2-D: the smooth network's class boundaries (or level lines).
    data_scatter_ : matplotlib PathCollection or list or None
        The data, when ``y`` was given.
    ax_ : matplotlib Axes
        The axes drawn into.
    figure_ : matplotlib Figure
        The figure of ``ax_``.

    See Also
    --------
    skorchlite.StepFunctionRegressor : The step network of a regressor.
    skorchlite.StepFunctionClassifier : The step network of a classifier.

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

    def __init__(self, grid, fit, step_fit, thresholds, *, limit_fit=None,
                 sharpness_fits=None, X=None, y=None, classes=None, refit="output",
                 preactivations=None):
        self.grid = grid
        self.fit = fit
        self.step_fit = step_fit
        self.thresholds = thresholds
        self.limit_fit = limit_fit
        self.sharpness_fits = sharpness_fits
        self.X = X
        self.y = y
        self.classes = classes
        self.refit = refit
        self.preactivations = preactivations

    @classmethod
    def from_estimator(cls, estimator, X, y=None, *, refit=None, sharpness=None, ax=None,
                       grid_resolution=None, **kwargs):
        """Draw a network's smooth fit, its plain step limit and its step network.

        Parameters
        ----------
        estimator : SigmoidMLPRegressor, SigmoidMLPClassifier, StepFunction network or Pipeline
            A fitted network with one or two input features and
            ``activation='logistic'`` or ``'tanh'`` (1-D classifiers must be
            binary: the curves are the probability of ``classes_[1]``); or a
            fitted :class:`~skorchlite.StepFunctionRegressor` /
            :class:`~skorchlite.StepFunctionClassifier`, drawn as it is
            together with its ``estimator_``; or a fitted ``Pipeline`` whose
            last step is one of these: the earlier steps transform X, the
            axes stay in X's units (thresholds and lines mapped back exactly
            through affine steps, else found where the units switch).
        X : array-like of shape (n_samples, 1) or (n_samples, 2)
            The inputs, in the units the estimator is called with; the plot
            spans their range.
        y : array-like of shape (n_samples,), default=None
            The targets the network was fitted on: the step network is
            refitted on (X, y), and they are drawn. Needed unless a fitted
            step network is given without ``sharpness``.
        refit : {'none', 'output', 'thresholds'}, default=None
            How to refit the step network of a smooth ``estimator``
            (None: 'output'); see :class:`~skorchlite.StepFunctionRegressor`.
            A step network is drawn with its own ``refit``.
        sharpness : sequence of float, default=None
            1-D only: also draw the network with hidden units
            ``unit(s * z)`` for each ``s`` (``np.inf``: steps), its output
            layer refitted as the step network's, e.g. ``(1, 4, 16, np.inf)``:
            the passage from the smooth fit to the step network.
        ax : matplotlib Axes, default=None
            Axes to draw into; a new figure when None.
        grid_resolution : int, default=None
            Grid points along each axis: 500 for 1-D, 200 for 2-D when None.
        **kwargs : dict
            Passed to the ``plot`` call of the step network (1-D) or of every
            first-layer unit's line (2-D), e.g. ``color``, ``linewidth``.

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
        >>> disp = StepFunctionDisplay.from_estimator(reg, X, y, sharpness=(1, 4, np.inf))
        >>> len(disp.thresholds_) <= 3, sorted(disp.sharpness_lines_)
        (True, [1.0, 4.0, inf])
        """
        name = cls.__name__
        sharpness = _check_sharpness(sharpness, name)
        fitted, step, refit = _resolve(estimator, refit, name)
        smooth = fitted.mlp
        n_features = getattr(fitted.est, "n_features_in_", smooth.n_features_in_)
        if n_features not in (1, 2):
            raise ValueError(f"{name} draws networks of 1 or 2 input features; this one "
                             f"was fitted on {n_features}.")
        if n_features == 2 and sharpness:
            raise ValueError(f"{name} draws the passage over sharpness for 1-D inputs "
                             "only; leave sharpness=None for 2-D inputs.")
        if n_features == 1:
            _check_binary_or_regressor(smooth, name)
        X, y = _check_data(fitted.est, X, y, name, n_features=n_features)
        if (step is None or sharpness) and y is None:
            raise ValueError(
                f"{name} refits the step network on the data: pass y (the targets the "
                "network was fitted on).")
        step, passage = _fit_steps(smooth, step, refit, fitted.to_mlp(X), y, sharpness)
        if n_features == 2:
            xx0, xx1 = _grid_2d(X, grid_resolution or 200)
            rows = np.column_stack([xx0.ravel(), xx1.ravel()])
            Z = fitted.to_mlp(rows)
            layer, preactivations = _user_units_layer(fitted, step, rows)
            weights, biases = (None, None) if layer is None else layer
            display = cls((xx0, xx1), _surface(smooth, Z, xx0.shape),
                          _surface(step, Z, xx0.shape), (weights, biases), X=X, y=y,
                          classes=smooth.classes_ if is_classifier(smooth) else None,
                          refit=step.refit, preactivations=None if preactivations is None
                          else preactivations.reshape(*xx0.shape, -1))
            return display.plot(ax=ax, **kwargs)
        grid = _grid_1d(X, grid_resolution or 500)
        Z = fitted.to_mlp(grid)
        layer, preactivations = _user_units_layer(fitted, step, grid)
        if layer is None:  # earlier steps not affine: where the units switch, on the grid
            thresholds = _zero_crossings(grid, preactivations)
        else:
            w, b = layer[0][0], layer[1]
            thresholds = -b[w != 0] / w[w != 0]
        limit = None if step.refit == "none" else _curve(smooth, Z, step=True)
        display = cls(grid.ravel(), _curve(smooth, Z), _curve(step, Z), thresholds,
                      limit_fit=limit,
                      sharpness_fits={s: _curve(net, Z) for s, net in passage.items()},
                      X=X, y=_numeric_targets(smooth, y), refit=step.refit)
        return display.plot(ax=ax, **kwargs)

    def plot(self, ax=None, **kwargs):
        """Draw the display.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw into; a new figure when None.
        **kwargs : dict
            Passed to the ``plot`` call of the step network (1-D) or of every
            first-layer unit's line (2-D).

        Returns
        -------
        display : StepFunctionDisplay
            The display, with ``ax_``, ``figure_`` and the drawn artists set.

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
        for name in ("fit_line_", "limit_line_", "step_line_", "thresholds_", "regions_",
                     "fit_contours_"):
            setattr(self, name, None)
        self.sharpness_lines_, self.threshold_lines_, self.unit_lines_ = {}, [], []
        if isinstance(self.grid, (tuple, list)):
            self._plot_2d(ax, kwargs)
        else:
            self._plot_1d(ax, kwargs)
        self.ax_ = ax
        return self

    def _plot_1d(self, ax, kwargs):
        import matplotlib as mpl

        grid = np.ravel(self.grid)
        self.data_scatter_ = _scatter_1d(ax, self.X, self.y)
        shown = [c for c in (self.fit, self.step_fit) if c is not None]
        if self.y is not None:
            shown.append(np.asarray(self.y, dtype=float))
        fits = self.sharpness_fits or {}
        colors = mpl.colormaps["viridis"](np.linspace(0.85, 0.15, max(len(fits), 1)))
        for color, s in zip(colors, sorted(fits)):
            (self.sharpness_lines_[s],) = ax.plot(
                grid, fits[s], color=color, linewidth=1.2, label=_sharpness_label(s),
                drawstyle="steps-mid" if np.isinf(s) else "default")
            shown.append(fits[s])
        if self.fit is not None:
            (self.fit_line_,) = ax.plot(grid, self.fit, color="black", linewidth=2,
                                        label="smooth network")
        if self.limit_fit is not None:
            (self.limit_line_,) = ax.plot(grid, self.limit_fit, color="C1", linewidth=1.2,
                                          linestyle="--", drawstyle="steps-mid",
                                          label="plain limit (predict_step)")
        (self.step_line_,) = ax.plot(grid, self.step_fit, **merge_style(
            {"color": "C3", "linewidth": 2, "drawstyle": "steps-mid",
             "label": f'step network (refit="{self.refit}")'}, kwargs))
        thresholds = np.sort(np.asarray(self.thresholds, dtype=float).ravel())
        self.thresholds_ = thresholds[(thresholds >= grid.min()) & (thresholds <= grid.max())]
        self.threshold_lines_ = [
            ax.axvline(t, color="C0", linestyle=":", linewidth=1,
                       label="thresholds -b/w" if i == 0 else None)
            for i, t in enumerate(self.thresholds_)]
        # the plain limit may jump far outside the data: keep the view on the rest
        low = min(float(np.min(c)) for c in shown)
        high = max(float(np.max(c)) for c in shown)
        if self.limit_fit is not None and (np.min(self.limit_fit) < low
                                           or np.max(self.limit_fit) > high):
            margin = 0.1 * (high - low or 1.0)
            ax.set_ylim(low - margin, high + margin)
            self.limit_line_.set_label("plain limit (predict_step), clipped")
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        ax.legend(fontsize="small", framealpha=0.8)

    def _plot_2d(self, ax, kwargs):
        xx0, xx1 = self.grid
        weights, biases = self.thresholds
        lines = DecisionLinesDisplay(xx0, xx1, self.step_fit, weights, biases, X=self.X,
                                     y=self.y, classes=self.classes,
                                     preactivations=self.preactivations).plot(ax=ax, **kwargs)
        self.regions_, self.unit_lines_ = lines.surface_, lines.lines_
        self.data_scatter_ = lines.scatter_ or None
        if self.fit is not None:
            n_classes = 0 if self.classes is None else len(self.classes)
            if n_classes:  # the smooth network's class boundaries
                style = {"levels": np.arange(n_classes - 1) + 0.5, "linewidths": 1.2}
            else:  # its level lines
                style = {"levels": 7, "linewidths": 0.7, "alpha": 0.6}
            self.fit_contours_ = ax.contour(xx0, xx1, self.fit, colors="black",
                                            linestyles="solid", **style)
            ax.plot([], [], color="black", linewidth=style["linewidths"],
                    label="smooth network" + ("" if n_classes else " (level lines)"))
            ax.legend(fontsize="small", framealpha=0.8, loc="upper right")
        ax.set_title(f'regions of the step network (refit="{self.refit}")', fontsize="medium")
