"""Stochastic optimizers over the flat ``(R, P)`` parameter buffer.

Both follow scikit-learn's definitions exactly (``sklearn.neural_network``'s
``SGDOptimizer`` and ``AdamOptimizer``), so a skorchlite fit and a
scikit-learn fit from the same initial weights take the same steps. Each
restart (row of the buffer) has its own learning rate, and rows whose
training has stopped are frozen through ``scale`` (1 for active rows, 0 for
stopped ones). An optimizer owns its learning-rate schedule: the training
loop tells it when an epoch ends (:meth:`end_epoch`) and which restarts
stalled (:meth:`stalled`), and it decides what that does to the rates.
"""

import math

import numpy as np
import torch

from ._network import to_numpy, to_tensor


class SGD:
    """Stochastic gradient descent with momentum and Nesterov's momentum.

    ``learning_rate`` is the ndarray of shape (R,) of every restart's current
    rate (the training state keeps it across ``partial_fit`` calls); the
    ``"invscaling"`` and ``"adaptive"`` schedules update it in place.
    """

    def __init__(self, flat, learning_rate, *, learning_rate_init, schedule, power_t,
                 momentum, nesterov, state=None):
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.schedule = schedule
        self.power_t = power_t
        self.momentum = momentum
        self.nesterov = nesterov
        if state is None:
            self.velocity = torch.zeros_like(flat)
        else:
            self.velocity = to_tensor(state["velocity"], flat.device, flat.dtype)
        self.sync()

    @classmethod
    def from_options(cls, flat, options, learning_rate, state=None):
        return cls(flat, learning_rate, learning_rate_init=options.learning_rate_init,
                   schedule=options.learning_rate, power_t=options.power_t,
                   momentum=options.momentum, nesterov=options.nesterovs_momentum,
                   state=state)

    def use_learning_rate(self, learning_rate):
        """Schedule ``learning_rate`` (the training state's (R,) array) from now on."""
        self.learning_rate = learning_rate
        self.sync()

    def sync(self):
        """Send the current per-restart rates to the device (only when a
        schedule changed them: a constant rate is uploaded once)."""
        self._lr = to_tensor(np.asarray(self.learning_rate), self.velocity.device,
                             self.velocity.dtype)[:, None]

    def end_epoch(self, t, active):
        """``"invscaling"``: the active restarts' rate becomes
        ``learning_rate_init / (t + 1) ** power_t`` (``t`` samples seen)."""
        if self.schedule == "invscaling":
            self.learning_rate[active] = self.learning_rate_init / (t + 1) ** self.power_t
            self.sync()

    def stalled(self, stalled):
        """``"adaptive"``: divide by 5 the rate of the stalled restarts whose
        rate is still above 1e-6. Returns which restarts got a lower rate
        (they keep training); the other stalled restarts stop."""
        if self.schedule != "adaptive":
            return np.zeros_like(stalled)
        decrease = stalled & (self.learning_rate > 1e-6)
        if decrease.any():
            self.learning_rate[decrease] /= 5.0
            self.sync()
        return decrease

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


def fused_adam_kernel():
    """torch's fused Adam kernel, or None where this torch has none.

    ``torch._fused_adam_`` is what ``torch.optim.Adam(fused=True)`` runs: one
    kernel instead of six per step. It is private to torch, so it is looked
    up here only, and :class:`Adam` falls back to public tensor operations
    where it is missing.
    """
    return getattr(torch, "_fused_adam_", None)


def step_dtype(fused):
    """The dtype of Adam's step-counter tensor, as ``torch.optim.Adam`` picks
    it (``torch.optim.optimizer._get_scalar_dtype``): float32 for the fused
    kernel, which reads the counter as float32 whatever the default dtype
    (a float64 counter would be read as the wrong bits on CUDA); otherwise
    float64 under ``torch.set_default_dtype(torch.float64)``, else float32.
    Whole numbers up to 2**24 steps are exact in float32."""
    if fused or torch.get_default_dtype() != torch.float64:
        return torch.float32
    return torch.float64


class Adam:
    """Adam (Kingma & Ba), with scikit-learn's placement of epsilon.

    scikit-learn steps by ``lr * sqrt(1 - beta_2**t) / (1 - beta_1**t) * m /
    (sqrt(v) + eps)``; torch's fused kernel by ``lr / (1 - beta_1**t) * m /
    (sqrt(v) / sqrt(1 - beta_2**t) + eps')``. The two are equal with
    ``eps' = eps / sqrt(1 - beta_2**t)``, which is what the fused path passes.
    The step size follows Adam's own bias correction, so the learning-rate
    schedules do not apply (as in scikit-learn).

    ``fused=None`` uses the fused kernel where torch has one for the device;
    ``fused=False`` always runs the public tensor operations.
    """

    def __init__(self, flat, *, learning_rate_init, beta_1, beta_2, epsilon, state=None,
                 fused=None):
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
        kernel = fused_adam_kernel() if fused is not False else None
        self._fused = kernel if flat.device.type in ("cpu", "cuda") else None
        self._step = torch.full((), float(self.t), device=flat.device,
                                dtype=step_dtype(self._fused is not None))

    @classmethod
    def from_options(cls, flat, options, learning_rate, state=None):
        return cls(flat, learning_rate_init=options.learning_rate_init, beta_1=options.beta_1,
                   beta_2=options.beta_2, epsilon=options.epsilon, state=state)

    def use_learning_rate(self, learning_rate):
        """Nothing to schedule: Adam's rate is fixed."""

    def end_epoch(self, t, active):
        """No schedule."""

    def stalled(self, stalled):
        """No schedule: every stalled restart stops."""
        return np.zeros_like(stalled)

    def step(self, flat, grad, scale=None):
        self.t += 1
        self._step += 1
        if self._fused is not None and scale is None:
            self._fused([flat], [grad], [self.m], [self.v], [], [self._step],
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


OPTIMIZERS = {"sgd": SGD, "adam": Adam}
"""The stochastic optimizers by solver name."""


def make_optimizer(name, flat, options, learning_rate, state=None):
    """The optimizer ``name`` for the buffer ``flat``, configured from the
    :class:`~skorchlite._state.SolverOptions` ``options``; ``learning_rate``
    is the (R,) array of per-restart rates it schedules, ``state`` what an
    earlier optimizer's ``state()`` returned (to continue its moments)."""
    if name not in OPTIMIZERS:
        raise ValueError(
            f"Unknown stochastic optimizer {name!r}; skorchlite has "
            f"{', '.join(repr(n) for n in OPTIMIZERS)}.")
    return OPTIMIZERS[name].from_options(flat, options, learning_rate, state)
