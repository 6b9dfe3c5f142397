"""Initial weights, numpy only (no torch): the estimators draw them, the
network is built from them."""

import math

import numpy as np


def glorot_uniform(random_state, layer_units, n_restarts, activation, dtype):
    """Draw initial weights for ``n_restarts`` networks, as numpy arrays.

    Each restart draws, layer by layer, its weights and then its biases from
    U(-b, b) with b = sqrt(f / (fan_in + fan_out)), f = 2 for logistic units
    and 6 otherwise (Glorot & Bengio). Restart 0 therefore gets exactly the
    initial weights scikit-learn's MLP draws from the same random state.

    Returns
    -------
    coefs : list of ndarray of shape (n_restarts, fan_in, fan_out)
    intercepts : list of ndarray of shape (n_restarts, fan_out)
    """
    factor = 2.0 if activation == "logistic" else 6.0
    shapes = list(zip(layer_units[:-1], layer_units[1:]))
    coefs = [np.empty((n_restarts, i, o), dtype=dtype) for i, o in shapes]
    intercepts = [np.empty((n_restarts, o), dtype=dtype) for _, o in shapes]
    for r in range(n_restarts):
        for layer, (fan_in, fan_out) in enumerate(shapes):
            bound = math.sqrt(factor / (fan_in + fan_out))
            coefs[layer][r] = random_state.uniform(-bound, bound, (fan_in, fan_out))
            intercepts[layer][r] = random_state.uniform(-bound, bound, fan_out)
    return coefs, intercepts
