"""The fit over training, as a matplotlib animation of recorded snapshots."""

import numpy as np
from sklearn.base import is_classifier

from ._common import (_DATA, _check_binary_or_regressor, _estimator_input, _grid_1d,
                      _grid_2d, _numeric_targets, _response, merge_style)
from ._decision import _line_in_box

_UNIT_COLORS = [f"C{k}" for k in (0, 1, 2, 4, 5, 6, 7, 8, 9)]  # C3 is the fit


def _check_snapshots(snapshots, restart):
    from ..callbacks import Snapshots

    if not isinstance(snapshots, Snapshots):
        raise ValueError(
            "TrainingAnimation.from_snapshots expects a skorchlite.callbacks.Snapshots; "
            f"got {type(snapshots).__name__}.")
    if not hasattr(snapshots, "estimator_"):
        raise ValueError(
            "These Snapshots have recorded no fit: set them on the estimator with "
            "est.set_callbacks(snapshots) and call est.fit(X, y) before animating.")
    n_restarts = len(snapshots.epochs_)
    if restart is None:
        return snapshots.best_restart_
    if (isinstance(restart, bool) or not isinstance(restart, (int, np.integer))
            or not 0 <= restart < n_restarts):
        raise ValueError(f"restart must be an int in [0, {n_restarts - 1}] (the fit had "
                         f"{n_restarts} restart(s)); got restart={restart!r}.")
    return int(restart)


class TrainingAnimation:
    """An animation of a network's fit over training.

    One frame per recorded snapshot: on the left the data and the fit (for
    one input feature: the fitted curve and, on a twin axis, the units of the
    first hidden layer; for two input features: the predicted regions and
    the first layer's lines ``w . x + b = 0``), on the right the training
    loss with the current epoch marked, and the epoch counter in the title.
    Use :meth:`from_snapshots` to create one.

    Parameters
    ----------
    epochs : ndarray of shape (n_frames,)
        The epoch (or iteration) of each frame.
    losses : ndarray of shape (n_frames,)
        The training loss of each frame (NaN where unknown, e.g. epoch 0).
    grid : list of ndarray
        Where the fit is drawn: ``[x]`` (1-D, shape (n_points,)) or
        ``[xx0, xx1]`` (2-D, as from ``numpy.meshgrid``).
    responses : ndarray of shape (n_frames, \\*grid[0].shape)
        The fit on the grid in each frame: a regressor's prediction, a
        binary classifier's probability of ``classes[1]`` (1-D), or the
        index into ``classes`` of the predicted class (2-D).
    units : ndarray of shape (n_frames, n_points, n_units), default=None
        1-D: the activations of the first hidden layer on the grid.
    weights : ndarray of shape (n_frames, 2, n_units), default=None
        2-D: the first layer's weights in each frame.
    biases : ndarray of shape (n_frames, n_units), default=None
        2-D: the first layer's biases in each frame.
    X : ndarray of shape (n_samples, n_features), default=None
        The data drawn under the fit.
    y : ndarray of shape (n_samples,), default=None
        Its targets (1-D: on the scale of ``responses``) or classes.
    classes : ndarray of shape (n_classes,), default=None
        2-D classifiers: the class labels ``responses`` indexes.
    epoch_name : str, default="epoch"
        What a step of training is called ("epoch" or "iteration").
    interval : int, default=200
        Milliseconds between frames.

    Attributes
    ----------
    animation_ : matplotlib.animation.FuncAnimation
        The animation; in a notebook, show it with
        ``IPython.display.HTML(anim.animation_.to_jshtml())``.
    figure_ : matplotlib Figure
        Its figure (showing the last frame until the animation runs).
    ax_ : matplotlib Axes
        The axes of the fit.
    ax_loss_ : matplotlib Axes
        The axes of the loss curve.
    fit_line_ : matplotlib Line2D or None
        1-D: the fitted curve.
    unit_lines_ : list of matplotlib Line2D
        1-D: the hidden units' curves (on a twin axis).
    mesh_ : matplotlib QuadMesh or None
        2-D: the shaded regions.
    lines_ : list of matplotlib Line2D
        2-D: the first layer's lines (hidden when outside the plotted area).
    title_ : matplotlib Text
        The epoch counter.

    See Also
    --------
    skorchlite.callbacks.Snapshots : Records what is animated.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from skorchlite.plotting import TrainingAnimation
    >>> x = np.linspace(0, 1, 5)
    >>> responses = np.array([0 * x, x ** 2, x])
    >>> anim = TrainingAnimation([0, 1, 2], [np.nan, 0.5, 0.1], [x], responses)
    >>> anim = anim.plot()
    >>> anim.title_.get_text()
    'epoch 2'
    """

    def __init__(self, epochs, losses, grid, responses, *, units=None, weights=None,
                 biases=None, X=None, y=None, classes=None, epoch_name="epoch",
                 interval=200):
        self.epochs = epochs
        self.losses = losses
        self.grid = grid
        self.responses = responses
        self.units = units
        self.weights = weights
        self.biases = biases
        self.X = X
        self.y = y
        self.classes = classes
        self.epoch_name = epoch_name
        self.interval = interval

    @classmethod
    def from_snapshots(cls, snapshots, X, y=None, *, restart=None, grid_resolution=100,
                       interval=200):
        """Animate the recorded training of one restart.

        Parameters
        ----------
        snapshots : skorchlite.callbacks.Snapshots
            Snapshots of a fit (set on the estimator with ``set_callbacks``
            before ``fit``). Each one becomes a frame: record with
            ``Snapshots(every=k)`` to keep the animation short.
        X : array-like of shape (n_samples, 1) or (n_samples, 2)
            The data, with the one or two features the estimator was fitted
            on; the plot spans its range.
        y : array-like of shape (n_samples,), default=None
            Its targets (or classes); no data is drawn when None.
        restart : int, default=None
            The restart to animate; None means the one the estimator kept.
        grid_resolution : int, default=100
            Grid points along each input axis.
        interval : int, default=200
            Milliseconds between frames.

        Returns
        -------
        animation : TrainingAnimation
            The drawn animation, with ``animation_`` and ``figure_``.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import numpy as np
        >>> from skorchlite import SigmoidMLPRegressor
        >>> from skorchlite.callbacks import Snapshots
        >>> from skorchlite.plotting import TrainingAnimation
        >>> X = np.linspace(-3, 3, 40).reshape(-1, 1)
        >>> y = np.sin(X).ravel()
        >>> snapshots = Snapshots(every=10)
        >>> reg = SigmoidMLPRegressor((3,), solver="lbfgs", max_iter=30, random_state=0)
        >>> reg = reg.set_callbacks(snapshots).fit(X, y)
        >>> anim = TrainingAnimation.from_snapshots(snapshots, X, y, grid_resolution=30)
        >>> len(anim.epochs), len(anim.unit_lines_)
        (4, 3)
        >>> anim.save("fit.gif")  # doctest: +SKIP
        """
        from sklearn.utils import check_array, check_consistent_length

        restart = _check_snapshots(snapshots, restart)
        estimator = snapshots.estimator_
        X = check_array(X, dtype=np.float64, input_name="X")
        n_features = estimator.n_features_in_
        if n_features not in (1, 2) or X.shape[1] != n_features:
            raise ValueError(
                "TrainingAnimation draws networks of 1 or 2 input features, with X of "
                f"that many columns; the estimator has {n_features} feature(s) and X "
                f"has shape {X.shape}.")
        if y is not None:
            y = np.asarray(y)
            check_consistent_length(X, y)
        n_frames = len(snapshots.epochs_[restart])
        frames = [snapshots.estimator_at(i, restart=restart) for i in range(n_frames)]
        has_hidden = len(estimator.coefs_) > 1
        common = {"X": X, "epoch_name": "iteration" if estimator.solver == "lbfgs"
                  else "epoch", "interval": interval}
        epochs, losses = snapshots.epochs_[restart], snapshots.losses_[restart]
        if n_features == 1:
            _check_binary_or_regressor(estimator, cls.__name__)
            rows = _grid_1d(X, grid_resolution)
            responses = np.array([_response(est, rows) for est in frames])
            units = (np.array([est.hidden_activations(_estimator_input(est, rows))[0]
                               for est in frames]) if has_hidden else None)
            return cls(epochs, losses, [rows.ravel()], responses, units=units,
                       y=_numeric_targets(estimator, y), **common).plot()
        xx0, xx1 = _grid_2d(X, grid_resolution)
        rows = np.column_stack([xx0.ravel(), xx1.ravel()])
        classes = None
        responses = []
        for est in frames:
            prediction = est.predict(_estimator_input(est, rows))
            if is_classifier(est):
                if prediction.ndim != 1:
                    raise ValueError(f"{cls.__name__} cannot shade multilabel predictions; "
                                     "use a binary or multiclass classifier.")
                classes = est.classes_
                prediction = np.searchsorted(classes, prediction)
            elif prediction.ndim != 1:
                prediction = prediction[:, 0]
            responses.append(prediction.reshape(xx0.shape))
        first = snapshots.coefs_[restart][0] if has_hidden else None
        return cls(epochs, losses, [xx0, xx1], np.array(responses), weights=first,
                   biases=snapshots.intercepts_[restart][0] if has_hidden else None,
                   y=y, classes=classes, **common).plot()

    def plot(self):
        """Make the figure and the animation.

        Returns
        -------
        animation : TrainingAnimation
            The animation, with ``animation_``, ``figure_``, ``ax_``,
            ``ax_loss_`` and the artists set.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import numpy as np
        >>> from skorchlite.plotting import TrainingAnimation
        >>> xx0, xx1 = np.meshgrid(np.linspace(-1, 1, 10), np.linspace(-1, 1, 10))
        >>> responses = np.array([xx0 > 0, xx0 + xx1 > 0]).astype(int)
        >>> weights = np.array([[[1.0], [0.0]], [[1.0], [1.0]]])
        >>> anim = TrainingAnimation([0, 5], [np.nan, 0.3], [xx0, xx1], responses,
        ...                          weights=weights, biases=np.zeros((2, 1)),
        ...                          classes=np.array([0, 1])).plot()
        >>> len(anim.lines_)
        1
        """
        import matplotlib.pyplot as plt
        from matplotlib.animation import FuncAnimation

        self.figure_, (self.ax_, self.ax_loss_) = plt.subplots(
            1, 2, figsize=(10, 4), width_ratios=(3, 2), layout="constrained")
        self.fit_line_, self.unit_lines_, self.mesh_, self.lines_ = None, [], None, []
        if len(self.grid) == 1:
            self._setup_1d()
        else:
            self._setup_2d()
        self._setup_loss()
        self.title_ = self.figure_.suptitle("")
        last = len(self.epochs) - 1
        self._draw(last)
        self.animation_ = FuncAnimation(self.figure_, self._draw, frames=len(self.epochs),
                                        interval=self.interval, repeat_delay=1000)
        return self

    def save(self, path, *, fps=None, dpi=80):
        """Write the animation to a file: a GIF (with matplotlib's PillowWriter)
        for a ``.gif`` path, else whatever matplotlib writes for the suffix.

        Parameters
        ----------
        path : str or path-like
            Where to write, e.g. ``"fit.gif"``.
        fps : float, default=None
            Frames per second; None means ``1000 / interval``.
        dpi : float, default=80
            Resolution of the frames.

        Returns
        -------
        animation : TrainingAnimation
            The animation itself.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import numpy as np
        >>> from skorchlite.plotting import TrainingAnimation
        >>> x = np.linspace(0, 1, 5)
        >>> anim = TrainingAnimation([0, 1], [np.nan, 0.1], [x], np.array([0 * x, x])).plot()
        >>> anim.save("fit.gif")  # doctest: +SKIP
        """
        from matplotlib.animation import PillowWriter

        fps = 1000 / self.interval if fps is None else fps
        if str(path).lower().endswith(".gif"):
            self.animation_.save(path, writer=PillowWriter(fps=fps), dpi=dpi)
        else:
            self.animation_.save(path, fps=fps, dpi=dpi)
        return self

    # -- drawing --------------------------------------------------------------

    def _setup_1d(self):
        ax = self.ax_
        x = np.asarray(self.grid[0])
        if self.X is not None and self.y is not None:
            ax.scatter(np.ravel(self.X), self.y, **merge_style(_DATA, {"label": "data"}))
        (self.fit_line_,) = ax.plot(x, self.responses[0], color="C3", linewidth=2.5,
                                    label="fit", zorder=3)
        low = np.nanmin([np.nanmin(self.responses)] + (
            [] if self.y is None else [np.nanmin(self.y)]))
        high = np.nanmax([np.nanmax(self.responses)] + (
            [] if self.y is None else [np.nanmax(self.y)]))
        pad = 0.05 * (high - low if high > low else 1.0)
        ax.set(xlim=(x.min(), x.max()), ylim=(low - pad, high + pad), xlabel="x",
               ylabel="y")
        handles = ax.get_legend_handles_labels()
        if self.units is not None:
            twin = ax.twinx()
            n_units = self.units.shape[2]
            self.unit_lines_ = [twin.plot(x, self.units[0][:, i], linewidth=1, alpha=0.7,
                                          color=_UNIT_COLORS[i % 9], linestyle="--",
                                          label="hidden units" if i == 0 else None)[0]
                                for i in range(n_units)]
            u_low, u_high = np.nanmin(self.units), np.nanmax(self.units)
            u_pad = 0.05 * (u_high - u_low if u_high > u_low else 1.0)
            twin.set(ylim=(u_low - u_pad, u_high + u_pad),
                     ylabel="hidden unit activation (dashed)")
            twin_handles = twin.get_legend_handles_labels()
            handles = (handles[0] + twin_handles[0], handles[1] + twin_handles[1])
        ax.legend(*handles, loc="upper left", fontsize="small", framealpha=0.8)

    def _setup_2d(self):
        from matplotlib.colors import BoundaryNorm, ListedColormap

        ax = self.ax_
        xx0, xx1 = (np.asarray(g) for g in self.grid)
        if self.classes is not None:
            n = len(self.classes)
            style = {"cmap": ListedColormap([f"C{k % 10}" for k in range(n)]),
                     "norm": BoundaryNorm(np.arange(n + 1) - 0.5, n), "alpha": 0.25}
        else:
            style = {"cmap": "viridis", "vmin": np.nanmin(self.responses),
                     "vmax": np.nanmax(self.responses), "alpha": 0.35}
        self.mesh_ = ax.pcolormesh(xx0, xx1, self.responses[0], shading="auto", **style)
        if self.X is not None and self.y is not None:
            X, y = np.asarray(self.X), np.asarray(self.y)
            dots = {"s": 10, "edgecolors": "white", "linewidths": 0.3}
            if self.classes is None:
                ax.scatter(X[:, 0], X[:, 1], c=y, cmap="viridis", **dots)
            else:
                for k, c in enumerate(self.classes):
                    ax.scatter(X[y == c, 0], X[y == c, 1], color=f"C{k % 10}",
                               label=f"class {c}", **dots)
        if self.weights is not None:
            self.lines_ = [ax.plot([], [], color="k", linewidth=1.5, linestyle="--",
                                   label="first-layer lines" if i == 0 else None)[0]
                           for i in range(np.shape(self.weights)[2])]
        ax.set(xlim=(xx0.min(), xx0.max()), ylim=(xx1.min(), xx1.max()), xlabel="x0",
               ylabel="x1")
        ax.legend(loc="upper right", fontsize="small", framealpha=0.8)

    def _setup_loss(self):
        ax = self.ax_loss_
        epochs = np.asarray(self.epochs)
        losses = np.asarray(self.losses, dtype=float)
        known = np.isfinite(losses)
        ax.plot(epochs[known], losses[known], color="0.4", linewidth=1.5)
        (self._loss_marker,) = ax.plot([], [], "o", color="C3", markersize=7)
        self._loss_cursor = ax.axvline(epochs[0], color="C3", linewidth=0.8, alpha=0.6)
        ax.set(xlabel=self.epoch_name, ylabel="training loss", title="loss")
        if (known.any() and (losses[known] > 0).all()
                and losses[known].max() > 10 * losses[known].min()):
            ax.set_yscale("log")  # losses spanning decades

    def _draw(self, frame):
        epoch = int(self.epochs[frame])
        if self.fit_line_ is not None:
            self.fit_line_.set_ydata(self.responses[frame])
            for i, line in enumerate(self.unit_lines_):
                line.set_ydata(self.units[frame][:, i])
        if self.mesh_ is not None:
            self.mesh_.set_array(np.asarray(self.responses[frame]).ravel())
            xx0, xx1 = (np.asarray(g) for g in self.grid)
            box = ((xx0.min(), xx0.max()), (xx1.min(), xx1.max()))
            for i, line in enumerate(self.lines_):
                segment = _line_in_box(self.weights[frame][:, i], self.biases[frame][i], *box)
                if segment is None:
                    line.set_data([], [])
                else:
                    line.set_data(segment[:, 0], segment[:, 1])
        loss = float(self.losses[frame])
        self._loss_marker.set_data([epoch] if np.isfinite(loss) else [],
                                   [loss] if np.isfinite(loss) else [])
        self._loss_cursor.set_xdata([epoch, epoch])
        self.title_.set_text(f"{self.epoch_name} {epoch}")
        return []
