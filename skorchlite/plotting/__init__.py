"""Plots that look inside a fitted sigmoid MLP, in scikit-learn's Display style.

Each display is a class with

- a constructor that only stores the computed arrays, so a display can be
  drawn (and redrawn) without an estimator;
- a class method ``from_estimator(estimator, ...)`` that checks the fitted
  estimator and its input, computes those arrays and calls ``plot``; the
  estimator may be a ``Pipeline`` ending in a skorchlite estimator, and the
  axes stay in the units of the ``X`` passed;
- ``plot(ax=None, **kwargs)``, which draws into ``ax`` (a new figure with
  constrained layout when None), passes ``kwargs`` to the matplotlib call of
  its main artists, stores ``ax_``, ``figure_`` and the drawn artists as
  attributes, and returns the display.

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
- :class:`TrainingAnimation`: the fit over training, from the
  :class:`~skorchlite.callbacks.Snapshots` of a fit.

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

from ._animation import TrainingAnimation
from ._decision import DecisionLinesDisplay
from ._hidden import HiddenSpaceDisplay, HiddenUnitsDisplay
from ._loss import LossCurveDisplay, RestartsDisplay
from ._step import StepFunctionDisplay

__all__ = [
    "HiddenUnitsDisplay",
    "StepFunctionDisplay",
    "DecisionLinesDisplay",
    "HiddenSpaceDisplay",
    "LossCurveDisplay",
    "RestartsDisplay",
    "TrainingAnimation",
]
