"""skorchlite: scikit-learn compatible sigmoid MLPs on PyTorch.

``SigmoidMLPRegressor`` and ``SigmoidMLPClassifier`` are drop-in replacements
for scikit-learn's ``MLPRegressor`` and ``MLPClassifier`` that train on the CPU
or a GPU with torch, keep the best of several restarts, and expose their
hidden units. ``StepFunctionRegressor`` and ``StepFunctionClassifier`` give
the network of step functions that explains such a fit.
"""

from ._classifier import SigmoidMLPClassifier
from ._params import InvalidParameterError
from ._regressor import SigmoidMLPRegressor
from ._step import StepFunctionClassifier, StepFunctionRegressor

__version__ = "0.1.0"

__all__ = ["SigmoidMLPClassifier", "SigmoidMLPRegressor", "StepFunctionClassifier",
           "StepFunctionRegressor", "InvalidParameterError", "__version__"]
