"""Stochastic optimizers over the flat ``(R, P)`` parameter buffer.

Both follow scikit-learn's definitions exactly (``sklearn.neural_network``'s
``SGDOptimizer`` and ``AdamOptimizer``), so a skorchlite fit and a
scikit-learn fit from the same initial weights take the same steps. Each
restart (row of the buffer) has its own learning rate, and rows whose
training has stopped are frozen through ``scale`` (1 for active rows, 0 for
stopped ones).
"""

import math

import numpy as np
import torch

from ._network import to_numpy, to_tensor


class SGD:
    """Stochastic gradient descent with momentum and Nesterov's momentum.

    ``learning_rate`` is an ndarray of shape (R,) that the training loop
    updates for the ``"invscaling"`` and ``"adaptive"`` schedules.
    """

    def __init__(self, flat, learning_rate_init, momentum, nesterov, state=None):
        self.momentum = momentum
        self.nesterov = nesterov
        self.learning_rate_init = learning_rate_init
        if state is None:
            self.velocity = torch.zeros_like(flat)
        else:
            self.velocity = to_tensor(state["velocity"], flat.device, flat.dtype)
        self._lr = None

    def set_learning_rate(self, learning_rate):
        self._lr = to_tensor(np.asarray(learning_rate), self.velocity.device,
                             self.velocity.dtype)[:, None]

    def step(self, flat, grad, scale=None):
        lr = self._lr if scale is None else self._lr * scale
        # v <- momentum * v - lr * g
        self.velocity.mul_(self.momentum).addcmul_(grad, lr, value=-1)
        if self.nesterov:
            # update = momentum * v - lr * g
            update = torch.addcmul(self.velocity * self.momentum, grad, lr, value=-1)
        else:
            update = self.velocity
        flat.add_(update if scale is None else update * scale)

    def state(self):
        return {"velocity": to_numpy(self.velocity).copy()}


# torch's fused Adam kernel (what ``torch.optim.Adam(fused=True)`` runs): one
# kernel instead of six per step. It is a private torch function, so it is
# looked up once here and the plain tensor ops below stand in where it is
# missing.
_FUSED_ADAM = getattr(torch, "_fused_adam_", None)


class Adam:
    """Adam (Kingma & Ba), with scikit-learn's placement of epsilon.

    scikit-learn steps by ``lr * sqrt(1 - beta_2**t) / (1 - beta_1**t) * m /
    (sqrt(v) + eps)``; torch's fused kernel by ``lr / (1 - beta_1**t) * m /
    (sqrt(v) / sqrt(1 - beta_2**t) + eps')``. The two are equal with
    ``eps' = eps / sqrt(1 - beta_2**t)``, which is what the fused path passes.
    """

    def __init__(self, flat, learning_rate_init, beta_1, beta_2, epsilon, state=None):
        self.learning_rate_init = learning_rate_init
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon
        if state is None:
            self.m = torch.zeros_like(flat)
            self.v = torch.zeros_like(flat)
            self.t = 0
        else:
            self.m = to_tensor(state["m"], flat.device, flat.dtype)
            self.v = to_tensor(state["v"], flat.device, flat.dtype)
            self.t = int(state["t"])
        self._step = torch.full((), float(self.t), device=flat.device)
        self._fused = _FUSED_ADAM is not None and flat.device.type in ("cpu", "cuda")

    def set_learning_rate(self, learning_rate):
        """Adam's step size follows its own bias correction; nothing to do."""

    def step(self, flat, grad, scale=None):
        self.t += 1
        self._step += 1
        if self._fused and scale is None:
            _FUSED_ADAM([flat], [grad], [self.m], [self.v], [], [self._step],
                        lr=self.learning_rate_init, beta1=self.beta_1, beta2=self.beta_2,
                        weight_decay=0.0,
                        eps=self.epsilon / math.sqrt(1 - self.beta_2 ** self.t),
                        amsgrad=False, maximize=False)
            return
        self.m.lerp_(grad, 1 - self.beta_1)
        self.v.mul_(self.beta_2).addcmul_(grad, grad, value=1 - self.beta_2)
        lr = (self.learning_rate_init * math.sqrt(1 - self.beta_2 ** self.t)
              / (1 - self.beta_1 ** self.t))
        m = self.m if scale is None else self.m * scale
        flat.addcdiv_(m, self.v.sqrt().add_(self.epsilon), value=-lr)

    def state(self):
        return {"m": to_numpy(self.m).copy(), "v": to_numpy(self.v).copy(), "t": self.t}


def make_optimizer(name, flat, options, state=None):
    """The optimizer ``name`` ("sgd" or "adam") for the buffer ``flat``."""
    if name == "sgd":
        return SGD(flat, options["learning_rate_init"], options["momentum"],
                   options["nesterovs_momentum"], state)
    return Adam(flat, options["learning_rate_init"], options["beta_1"],
                options["beta_2"], options["epsilon"], state)
