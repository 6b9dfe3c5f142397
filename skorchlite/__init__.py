"""skorchlite: scikit-learn compatible sigmoid MLPs on PyTorch.

``SigmoidMLPRegressor`` and ``SigmoidMLPClassifier`` are drop-in replacements
for scikit-learn's ``MLPRegressor`` and ``MLPClassifier`` that train on the CPU
or a GPU with torch, keep the best of several restarts, and expose their
hidden units.
"""

from ._classifier import SigmoidMLPClassifier
from ._params import InvalidParameterError
from ._regressor import SigmoidMLPRegressor

__version__ = "0.1.0"

__all__ = ["SigmoidMLPClassifier", "SigmoidMLPRegressor", "InvalidParameterError",
           "__version__"]
