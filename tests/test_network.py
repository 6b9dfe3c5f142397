"""The torch layer: hand-derived gradients and loss definitions."""

import numpy as np
import pytest
import torch
from sklearn.neural_network._base import LOSS_FUNCTIONS  # reference values only

from skorchlite._init import glorot_uniform
from skorchlite._network import BatchedMLP, to_numpy, to_tensor

CASES = [  # (out_activation, loss, targets)
    ("identity", "squared_error", "real"),
    ("exp", "poisson", "counts"),
    ("logistic", "binary_log_loss", "binary"),
    ("softmax", "log_loss", "onehot"),
]


def _problem(target, n=13, d=3, o=2, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, d)
    if target == "real":
        Y = rng.randn(n, o)
    elif target == "counts":
        Y = rng.poisson(2.0, (n, o)).astype(float)
    elif target == "binary":
        Y = (rng.rand(n, o) > 0.5).astype(float)
    else:
        Y = np.eye(o)[rng.randint(o, size=n)]
    return X, Y


def _net(out_activation, loss, activation, layer_units, n_restarts=2, seed=0):
    coefs, intercepts = glorot_uniform(np.random.RandomState(seed), layer_units,
                                       n_restarts, activation, np.float64)
    return BatchedMLP(coefs, intercepts, activation, out_activation, loss,
                      torch.device("cpu"), torch.float64)


@pytest.mark.parametrize("activation", ["logistic", "tanh", "relu", "identity"])
@pytest.mark.parametrize("out_activation, loss, target", CASES)
@pytest.mark.parametrize("weighted", [False, True])
def test_gradient_matches_finite_differences(activation, out_activation, loss, target,
                                             weighted):
    """The hand-derived backward pass (what lbfgs and adam use) is the
    gradient of the objective, for every activation, output and loss."""
    X, Y = _problem(target, o=3 if target == "onehot" else 2)
    net = _net(out_activation, loss, activation, [3, 4, 3, Y.shape[1]])
    sw = np.random.RandomState(1).uniform(0.5, 2.0, len(X)) if weighted else None
    Xt, Yt = to_tensor(X, net.device), to_tensor(Y, net.device)
    swt = None if sw is None else to_tensor(sw, net.device)
    weight_sum = float(len(X) if sw is None else sw.sum())
    alpha = 0.3

    net.loss_and_grad(Xt, Yt, swt, alpha, weight_sum)
    analytic = to_numpy(net.grad).copy()
    flat0 = net.flat.clone()
    numeric = np.zeros_like(analytic)
    h = 1e-6
    for r in range(net.n_restarts):
        for j in range(net.n_params):
            values = []
            for step in (h, -h):
                net.flat.copy_(flat0)
                net.flat[r, j] += step
                values.append(to_numpy(net.loss_and_grad(Xt, Yt, swt, alpha, weight_sum))[r])
            numeric[r, j] = (values[0] - values[1]) / (2 * h)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("out_activation, loss, target", CASES)
def test_loss_values_are_scikit_learns(out_activation, loss, target):
    """Per-restart loss equals scikit-learn's loss function plus its L2 term."""
    X, Y = _problem(target, o=1 if loss == "binary_log_loss" else 3)
    layer_units = [3, 5, Y.shape[1]]
    net = _net(out_activation, loss, "logistic", layer_units, n_restarts=3)
    sw = np.random.RandomState(2).uniform(0.1, 1.0, len(X))
    alpha = 0.1
    losses = to_numpy(net.loss_and_grad(to_tensor(X, net.device), to_tensor(Y, net.device),
                                        to_tensor(sw, net.device), alpha, float(sw.sum())))
    P = to_numpy(net.predict(to_tensor(X, net.device)))
    coefs, _ = net.get_params()
    for r in range(3):
        expected = LOSS_FUNCTIONS[loss](Y, P[r], sw)
        expected += 0.5 * alpha * sum((c[r] ** 2).sum() for c in coefs) / sw.sum()
        assert losses[r] == pytest.approx(expected, rel=1e-10)


def test_restarts_are_independent():
    """Row r of a batched network computes exactly what a network holding
    only restart r computes."""
    X, Y = _problem("real")
    net = _net("identity", "squared_error", "tanh", [3, 4, 2], n_restarts=3)
    Xt, Yt = to_tensor(X, net.device), to_tensor(Y, net.device)
    losses = to_numpy(net.loss_and_grad(Xt, Yt, None, 0.01, float(len(X))))
    grads = to_numpy(net.grad).copy()
    for r in range(3):
        one = net.restart(r)
        loss_r = to_numpy(one.loss_and_grad(Xt, Yt, None, 0.01, float(len(X))))
        assert loss_r[0] == pytest.approx(losses[r], rel=1e-12)
        np.testing.assert_allclose(to_numpy(one.grad)[0], grads[r], rtol=1e-12)
