"""Displays of training: the loss curves of all restarts and their final losses."""

import numpy as np

from ._common import _FADED, _check_estimator, _get_ax, merge_style

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
    solver : str, default=None
        The solver that trained the network; it names the x axis: "epoch"
        for ``'adam'`` and ``'sgd'`` (one point per pass over the data),
        "iteration" for ``'lbfgs'`` or None.

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

    def __init__(self, loss_curves, best_restart, *, validation_scores=None, solver=None):
        self.loss_curves = loss_curves
        self.best_restart = best_restart
        self.validation_scores = validation_scores
        self.solver = solver

    @classmethod
    def from_estimator(cls, estimator, *, ax=None, yscale="log", **kwargs):
        """Draw the loss curves of a fitted estimator's restarts.

        Parameters
        ----------
        estimator : SigmoidMLPRegressor, SigmoidMLPClassifier or Pipeline
            A fitted estimator, or a fitted ``Pipeline`` whose last step is
            one.
        ax : matplotlib Axes, default=None
            Axes to draw into; a new figure when None.
        yscale : {'log', 'linear'}, default='log'
            Scale of the loss axis.
        **kwargs : dict
            Passed to the ``plot`` call of every restart's loss curve (e.g.
            ``color``, ``linestyle``, ``marker``); they override the
            display's own style.

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
        mlp = _check_estimator(estimator, cls.__name__).mlp
        return cls(mlp.restart_loss_curves_, mlp.best_restart_,
                   validation_scores=mlp.restart_validation_scores_, solver=mlp.solver).plot(
                       ax=ax, yscale=yscale, **kwargs)

    def plot(self, ax=None, *, yscale="log", **kwargs):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw into; a new figure when None.
        yscale : {'log', 'linear'}, default='log'
            Scale of the loss axis. A log scale separates restarts whose
            losses differ by small amounts near the end of training.
        **kwargs : dict
            Passed to the ``plot`` call of every restart's loss curve.

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
        self.lines_ = self._curves(ax, self.loss_curves, "loss", "C0", "-", kwargs)
        self.best_line_ = self.lines_[self.best_restart]
        xlabel = "epoch" if self.solver in ("adam", "sgd") else "iteration"
        ax.set(xlabel=xlabel, ylabel="loss", yscale=yscale)
        ax.set_title(f"loss curves of {len(self.lines_)} restart(s), kept: {self.best_restart}")
        handles = self._legend_handles(self.lines_)
        self.ax_validation_ = self.validation_lines_ = None
        if self.validation_scores is not None:
            self.ax_validation_ = ax.twinx()
            self.validation_lines_ = self._curves(self.ax_validation_, self.validation_scores,
                                                  "validation score", "C1", "--", {})
            self.ax_validation_.set_ylabel("validation score")
            handles += self._legend_handles(self.validation_lines_)
        (self.ax_validation_ or ax).legend(handles=handles, fontsize="small", framealpha=0.85,
                                           loc="best" if self.ax_validation_ is None
                                           else "center right")
        self.ax_ = ax
        return self

    def _curves(self, ax, curves, what, color, linestyle, kwargs):
        """One line per restart, faded but for the kept one; ``kwargs`` win."""
        lines = []
        for i, curve in enumerate(curves):
            if i == self.best_restart:
                style = {"color": color, "linewidth": 2, "zorder": 3,
                         "label": f"{what}, kept restart {i}"}
            else:
                style = merge_style(_FADED, {"label": f"{what}, other restarts"})
            style = merge_style({**style, "linestyle": linestyle}, kwargs)
            lines += ax.plot(np.arange(1, len(curve) + 1), curve, **style)
        return lines

    def _legend_handles(self, lines):
        """The kept restart's line, then one of the others (if any)."""
        others = [line for i, line in enumerate(lines) if i != self.best_restart]
        return [lines[self.best_restart], *others[:1]]


class RestartsDisplay:
    """Every restart's final loss, sorted, against its rank.

    Restarts that end in the same local minimum have the same final loss,
    so distinct minima show as plateaus; the kept restart is marked. The
    loss axis starts at 0 (when no loss is negative), so that the gaps
    between minima are seen at their true size. Use :meth:`from_estimator`
    to create one.

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
    def from_estimator(cls, estimator, *, ax=None, **kwargs):
        """Draw the sorted final losses of a fitted estimator's restarts.

        Parameters
        ----------
        estimator : SigmoidMLPRegressor, SigmoidMLPClassifier or Pipeline
            A fitted estimator, or a fitted ``Pipeline`` whose last step is
            one.
        ax : matplotlib Axes, default=None
            Axes to draw into; a new figure when None.
        **kwargs : dict
            Passed to the ``plot`` call of the restarts' markers (e.g.
            ``color``, ``marker``, ``markersize``).

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
        mlp = _check_estimator(estimator, cls.__name__).mlp
        return cls(mlp.restart_losses_, mlp.best_restart_).plot(ax=ax, **kwargs)

    def plot(self, ax=None, **kwargs):
        """Draw the sorted losses.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw into; a new figure when None.
        **kwargs : dict
            Passed to the ``plot`` call of the restarts' markers.

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
        (self.markers_,) = ax.plot(ranks, self.sorted_losses_, **merge_style(
            {"marker": "o", "linestyle": "none", "color": "C0", "label": "restarts"}, kwargs))
        best_rank = int(np.flatnonzero(order == self.best_restart)[0]) + 1
        (self.best_marker_,) = ax.plot([best_rank], [losses[self.best_restart]], "*",
                                       color="C3", markersize=16,
                                       label=f"kept restart {self.best_restart}")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("rank (restarts sorted by final loss)")
        ax.set_ylabel("final training loss")
        finite = self.sorted_losses_[np.isfinite(self.sorted_losses_)]
        if finite.size and finite.min() >= 0:
            ax.set_ylim(bottom=0)
        ax.set_title(f"final losses of {len(losses)} restart(s)")
        ax.legend(fontsize="small", framealpha=0.8)
        self.ax_ = ax
        return self
