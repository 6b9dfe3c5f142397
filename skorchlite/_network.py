"""Batched multilayer perceptrons in torch.

One :class:`BatchedMLP` holds ``R`` networks of the same architecture (the
restarts of one fit). Every parameter of every restart lives in one flat
``(R, P)`` tensor; the weight matrices ``(R, fan_in, fan_out)`` and biases
``(R, 1, fan_out)`` are views into it, so optimizers update all parameters of
all restarts with a handful of tensor operations.

The backward pass is derived by hand: the architecture is fixed (dense layers,
one elementwise activation, an output link that is canonical for its loss), so
``d loss / d z`` of the output layer is ``prediction - target`` and the rest is
the chain rule through ``baddbmm``. This is several times cheaper than
autograd on the small networks skorchlite is built for.

This module knows nothing of scikit-learn: numpy arrays cross into torch in
:func:`to_tensor` and leave in :func:`to_numpy`, nowhere else.
"""

import copy

import numpy as np
import torch

# ---------------------------------------------------------------------------
# The numpy/torch boundary
# ---------------------------------------------------------------------------


def to_tensor(array, device, dtype=None):
    """Move a numpy array to ``device`` as a tensor (zero-copy where possible)."""
    array = np.asarray(array)
    if not array.flags.writeable or not array.flags.c_contiguous:
        # torch refuses to share read-only memory (memmaps, broadcast views).
        array = np.array(array, order="C")
    tensor = torch.from_numpy(array)
    if device.type == "cpu" and (dtype is None or dtype == tensor.dtype):
        return tensor
    return tensor.to(device=device, dtype=dtype or tensor.dtype)


def torch_dtype(dtype):
    """The torch dtype of a numpy float dtype (float32 or float64)."""
    return {np.dtype(np.float32): torch.float32,
            np.dtype(np.float64): torch.float64}[np.dtype(dtype)]


def to_numpy(tensor):
    """A tensor as a numpy array on the host (sharing memory on the CPU)."""
    if tensor.device.type == "cpu":
        return tensor.numpy()
    return tensor.cpu().numpy()


# ---------------------------------------------------------------------------
# Registries: hidden activations, their derivatives, output links, losses
# ---------------------------------------------------------------------------


def _identity(z):
    return z


HIDDEN_ACTIVATIONS = {
    "logistic": torch.sigmoid_,
    "tanh": torch.tanh_,
    "relu": torch.relu_,
    "identity": _identity,
}


def _identity_backward(delta, activation):
    return delta


# Public-API versions of the backward kernels below, for a torch without them.
def _sigmoid_backward(delta, activation):
    return delta * (1 - activation) * activation


def _tanh_backward(delta, activation):
    return delta * (1 - activation * activation)


def _threshold_backward(delta, activation, threshold):
    return torch.where(activation > threshold, delta, 0.0)


def aten_backward(name, fallback):
    """``torch.ops.aten.<name>.default``, or ``fallback`` where this torch lacks it.

    The aten backward kernels (what autograd itself runs) are one fused
    kernel each, but torch does not promise them as public API; the
    fallbacks compute the same derivative with public tensor operations.
    """
    try:
        return getattr(torch.ops.aten, name).default
    except (AttributeError, RuntimeError):
        return fallback


_THRESHOLD_BACKWARD = aten_backward("threshold_backward", _threshold_backward)


def _relu_backward(delta, activation):
    return _THRESHOLD_BACKWARD(delta, activation, 0)


# Each maps (d loss / d activation, activation) to d loss / d pre-activation.
ACTIVATION_BACKWARD = {
    "logistic": aten_backward("sigmoid_backward", _sigmoid_backward),
    "tanh": aten_backward("tanh_backward", _tanh_backward),
    "relu": _relu_backward,
    "identity": _identity_backward,
}


# The limit of each unit as its input weights grow without bound: logistic
# units become 0/1 steps at z = 0 and tanh units -1/+1 steps. relu and
# identity have no such limit.
def _heaviside(z):
    return (z > 0).to(z.dtype)


def _sign_step(z):
    return torch.where(z > 0, 1.0, -1.0).to(z.dtype)


STEP_LIMITS = {"logistic": _heaviside, "tanh": _sign_step}


OUTPUT_ACTIVATIONS = {
    "identity": _identity,
    "exp": torch.exp_,
    "logistic": torch.sigmoid_,
    "softmax": lambda z: torch.softmax(z, dim=-1),
}


def _clip_probability(p):
    eps = torch.finfo(p.dtype).eps
    return p.clamp(eps, 1 - eps)


# Each loss maps (output activation P of shape (R, n, o), target Y of shape
# (n, o) or (R, n, o), sample weights sw of shape (n,) or (R, n) or None) to
# the weighted *sum* of
# the per-sample losses of every restart (R,) and d loss_i / d z of the output
# layer for each sample (R, n, o), unweighted. The definitions are
# scikit-learn's; the caller divides by the weight sum.
def _weighted_sum(per_entry, sw):
    """Sum over samples and outputs of (R, n, o) entries, weighted by sw of
    shape (n,) or, one row of weights per network, (R, n)."""
    if sw is None:
        return per_entry.sum(dim=(1, 2))
    if sw.dim() == 2:
        return torch.linalg.vecdot(per_entry.sum(dim=2), sw)
    return per_entry.sum(dim=2) @ sw


def _squared_error(P, Y, sw):
    residual = P - Y
    n_outputs = Y.shape[-1]
    if sw is None:
        flat = residual.flatten(1)
        total = torch.linalg.vecdot(flat, flat)
    else:
        total = _weighted_sum(residual.square(), sw)
    if n_outputs > 1:
        residual = residual.div_(n_outputs)
    return total.mul_(0.5 / n_outputs), residual


def _poisson(P, Y, sw):
    return _weighted_sum(torch.xlogy(Y, Y / P) - Y + P, sw), P - Y


def _log_loss(P, Y, sw):
    return -_weighted_sum(torch.xlogy(Y, _clip_probability(P)), sw), P - Y


def _binary_log_loss(P, Y, sw):
    # Y holds 0/1 labels, so xlogy(Y, p) + xlogy(1 - Y, 1 - p) is log(p)
    # where Y is 1 and log(1 - p) where it is 0: one vectorised log instead
    # of two xlogy (about 2x cheaper; values agree to the last bit or two)
    p = _clip_probability(P)
    return -_weighted_sum(torch.log(torch.where(Y > 0.5, p, 1 - p)), sw), P - Y


LOSSES = {
    "squared_error": _squared_error,
    "poisson": _poisson,
    "log_loss": _log_loss,
    "binary_log_loss": _binary_log_loss,
}


# Validation scores of every restart: (R, n, o) outputs against (n, o)
# targets, weighted by sw (n,) or None. Same definitions as scikit-learn's
# accuracy_score and r2_score (uniform average over outputs). Each score is a
# sum over rows, taken chunk by chunk, and a final step on the whole target.
def _squared_residuals(P, Y, sw, softmax):
    """Sum over rows of the (weighted) squared residuals, (R, o)."""
    squares = (Y - P).square()
    return squares.sum(dim=1) if sw is None else (squares * sw[:, None]).sum(dim=1)


def _r2(ss_res, Y, sw):
    if sw is None:
        ss_tot = (Y - Y.mean(dim=0)).square().sum(dim=0)
    else:
        w = sw[:, None]
        mean = (Y * w).sum(dim=0) / sw.sum()
        ss_tot = ((Y - mean).square() * w).sum(dim=0)
    # scikit-learn: a constant target scores 1 if predicted exactly, else 0
    r2 = torch.where(ss_tot > 0, 1 - ss_res / ss_tot.clamp_min(torch.finfo(Y.dtype).tiny), 0.0)
    r2 = torch.where((ss_tot == 0) & (ss_res == 0), 1.0, r2)
    return r2.mean(dim=-1)


def _correct(P, Y, sw, softmax):
    """(Weighted) number of rows predicted right, (R,)."""
    if softmax:
        correct = P.argmax(dim=-1) == Y.argmax(dim=-1)
    else:  # binary and multilabel: every label right (subset accuracy)
        correct = ((P > 0.5) == (Y > 0.5)).all(dim=-1)
    correct = correct.to(P.dtype)
    return correct.sum(dim=1) if sw is None else correct @ sw


def _accuracy(n_correct, Y, sw):
    return n_correct / (Y.shape[0] if sw is None else sw.sum())


# name: (sum over a chunk of rows, score from the total and the whole target)
SCORES = {"accuracy": (_correct, _accuracy), "r2": (_squared_residuals, _r2)}


# ---------------------------------------------------------------------------
# The batched network
# ---------------------------------------------------------------------------


class BatchedMLP:
    """``R`` multilayer perceptrons of one architecture in one flat tensor.

    Parameters
    ----------
    coefs : list of ndarray of shape (R, fan_in, fan_out)
    intercepts : list of ndarray of shape (R, fan_out)
    activation : str
        Hidden activation, a key of :data:`HIDDEN_ACTIVATIONS`.
    out_activation : str
        Output activation, a key of :data:`OUTPUT_ACTIVATIONS`.
    loss : str or None
        Training loss, a key of :data:`LOSSES` (None for prediction only).
    device : torch.device
    dtype : torch.dtype
    """

    def __init__(self, coefs, intercepts, activation, out_activation, loss,
                 device, dtype):
        self.activation = activation
        self.out_activation = out_activation
        self.loss = loss
        self.device = device
        self.dtype = dtype
        self.n_restarts = coefs[0].shape[0]
        self.shapes = [c.shape[1:] for c in coefs]
        sizes = [i * o for i, o in self.shapes] + [o for _, o in self.shapes]
        self.n_params = sum(sizes)
        self.n_coefs = sum(i * o for i, o in self.shapes)
        # scikit-learn's packing order: all weights, then all biases
        self.flat = torch.empty((self.n_restarts, self.n_params), device=device,
                                dtype=dtype)
        self.grad = torch.zeros_like(self.flat)
        self.optimizer = None  # the optimizer that trains it, kept with it between calls
        self._make_views()
        self.set_params(coefs, intercepts)

    def _make_views(self):
        self.coefs, self.intercepts = self.views(self.flat)
        self.coef_grads, self.intercept_grads = self.views(self.grad)
        self.weights = self.flat[:, :self.n_coefs]  # all weights, no biases
        # 2-D views of restart 0, for the single-restart fast path
        self._one = [(W[0], b[0], gW[0], gb[0]) for W, b, gW, gb in zip(
            self.coefs, self.intercepts, self.coef_grads, self.intercept_grads)]

    def views(self, flat):
        """Weight and bias views into a flat ``(R, P)`` buffer."""
        coefs, intercepts, start = [], [], 0
        for fan_in, fan_out in self.shapes:
            stop = start + fan_in * fan_out
            coefs.append(flat[:, start:stop].view(-1, fan_in, fan_out))
            start = stop
        for _, fan_out in self.shapes:
            intercepts.append(flat[:, start:start + fan_out].view(-1, 1, fan_out))
            start += fan_out
        return coefs, intercepts

    def restart(self, r):
        """Restart ``r`` as a one-row network that shares this one's memory."""
        one = copy.copy(self)
        one.n_restarts = 1
        one.flat, one.grad = self.flat[r:r + 1], self.grad[r:r + 1]
        one._make_views()
        return one

    def set_params(self, coefs, intercepts):
        """Copy numpy weights ``(R, fan_in, fan_out)`` and biases into the buffer."""
        for view, array in zip(self.coefs, coefs):
            view.copy_(to_tensor(array, self.device, self.dtype))
        for view, array in zip(self.intercepts, intercepts):
            view.copy_(to_tensor(array, self.device, self.dtype).unsqueeze(1))

    def get_params(self):
        """Numpy weights ``(R, fan_in, fan_out)`` and biases ``(R, fan_out)``."""
        return ([to_numpy(c) for c in self.coefs],
                [to_numpy(b).squeeze(1) for b in self.intercepts])

    def to_device(self, array):
        """A numpy array (or None) as a tensor on this network's device and dtype."""
        return None if array is None else to_tensor(array, self.device, self.dtype)

    # -- forward ------------------------------------------------------------

    def _layer(self, A, layer):
        W, b = self.coefs[layer], self.intercepts[layer]
        if W.shape[1] == 1:
            # one input unit: an outer product; broadcasting beats a batched
            # matrix product with an inner dimension of 1 (3x on small data)
            return torch.addcmul(b, A, W)
        if W.shape[0] == 1:
            # one restart: plain matrix products (cheaper than batched ones)
            W, b = self._one[layer][:2]
            return torch.addmm(b, A if A.dim() == 2 else A[0], W).unsqueeze(0)
        if A.dim() == 2:  # the input, shared by every restart
            A = A.expand(W.shape[0], *A.shape)
        elif layer > 0 and W.shape[2] == 1 and W.shape[1] >= 4:
            # one output unit fed by a (contiguous) hidden layer: a dot
            # product per row beats bmm's per-restart matrix products (1.3x
            # to 3x on 2 cores; not on the strided input, nor on few units)
            return torch.linalg.vecdot(A, W.transpose(1, 2)).unsqueeze(2).add_(b)
        return torch.baddbmm(b, A, W)

    def forward(self, X, step=False):
        """Outputs of every restart, shape (R, n, n_outputs), and the hidden
        activations (list of (R, n, units)).

        With ``step=True`` every hidden unit is replaced by its step limit
        (:data:`STEP_LIMITS`), each layer fed the step codes of the one
        before; the output layer is unchanged.
        """
        hidden = []
        A = X
        act = STEP_LIMITS[self.activation] if step else HIDDEN_ACTIVATIONS[self.activation]
        for layer in range(len(self.shapes) - 1):
            A = act(self._layer(A, layer))
            hidden.append(A)
        out = OUTPUT_ACTIVATIONS[self.out_activation](self._layer(A, len(self.shapes) - 1))
        return out, hidden

    # -- objective ----------------------------------------------------------

    def loss_and_grad(self, X, Y, sample_weight, alpha, weight_sum):
        """Objective of every restart and its gradient, written into ``self.grad``.

        The objective is scikit-learn's: the (weighted) mean per-sample loss
        plus ``0.5 * alpha * ||W||^2 / weight_sum``, where ``weight_sum`` is
        the number of rows of ``X`` or the sum of ``sample_weight`` (given
        by the caller as a float, so that no device sync is needed).

        Returns
        -------
        loss : tensor of shape (R,)
        """
        P, hidden = self.forward(X)
        loss, delta = LOSSES[self.loss](P, Y, sample_weight)
        if sample_weight is None:
            delta = delta.div_(weight_sum)
        else:
            delta = delta.mul_(sample_weight[:, None] / weight_sum)
        if alpha:
            # the weights come first in each row of the flat buffer
            loss = loss.add_(torch.linalg.vecdot(self.weights, self.weights),
                             alpha=0.5 * alpha)
        loss = loss.div_(weight_sum)

        backward = ACTIVATION_BACKWARD[self.activation]
        if self.n_restarts == 1:
            self._backward_one(X, hidden, delta, alpha / weight_sum, backward)
            return loss
        inputs = [X.T.expand(self.n_restarts, *X.T.shape)]
        inputs += [A.transpose(1, 2) for A in hidden]
        for layer in range(len(self.shapes) - 1, -1, -1):
            W = self.coefs[layer]
            if W.shape[2] == 1 and layer > 0:
                # one output unit: a dot product over the rows per input unit
                # beats bmm's per-restart matrix products (about 1.5x)
                grad_view = self.coef_grads[layer].squeeze(2)
                torch.linalg.vecdot(inputs[layer], delta.transpose(1, 2), out=grad_view)
                if alpha:
                    grad_view.add_(W.squeeze(2), alpha=alpha / weight_sum)
            else:
                torch.baddbmm(W, inputs[layer], delta, beta=alpha / weight_sum,
                              out=self.coef_grads[layer])
            torch.sum(delta, dim=1, keepdim=True, out=self.intercept_grads[layer])
            if layer > 0:
                # one output unit: broadcasting again beats bmm (6x)
                upstream = (delta * W.transpose(1, 2) if W.shape[2] == 1
                            else torch.bmm(delta, W.transpose(1, 2)))
                delta = backward(upstream, hidden[layer - 1])
        return loss

    def _backward_one(self, X, hidden, delta, reg, backward):
        """The backward pass of a single restart with 2-D matrix products."""
        inputs = [X] + [A[0] for A in hidden]
        delta = delta[0]
        for layer in range(len(self.shapes) - 1, -1, -1):
            W, _, coef_grad, intercept_grad = self._one[layer]
            torch.addmm(W, inputs[layer].T, delta, beta=reg, out=coef_grad)
            torch.sum(delta, dim=0, keepdim=True, out=intercept_grad)
            if layer > 0:
                upstream = delta * W.T if W.shape[1] == 1 else torch.mm(delta, W.T)
                delta = backward(upstream, inputs[layer])

    @torch.no_grad()
    def predict(self, X):
        """Outputs of every restart, shape (R, n, n_outputs)."""
        return self.forward(X)[0]

    @torch.no_grad()
    def evaluate(self, X, step=False):
        """Outputs and hidden activations of every restart, without gradients."""
        return self.forward(X, step)

    @torch.no_grad()
    def score(self, name, X, Y, sample_weight, chunk_rows=None):
        """Validation score of every restart, shape (R,): ``"accuracy"`` (``Y``
        label-binarised) or ``"r2"``; NaN where an output is not finite.

        The rows go through the network ``chunk_rows`` at a time (all at once
        when None), so only one chunk's activations of every restart are
        held at a time.
        """
        partial, final = SCORES[name]
        softmax = self.out_activation == "softmax"
        n = X.shape[0]
        step = n if chunk_rows is None else max(1, int(chunk_rows))
        total, finite = 0, torch.ones(self.n_restarts, dtype=torch.bool, device=X.device)
        for start in range(0, n, step):
            rows = slice(start, start + step)
            P = self.predict(X[rows])
            sw = None if sample_weight is None else sample_weight[rows]
            total = total + partial(P, Y[rows], sw, softmax)
            finite &= torch.isfinite(P).flatten(1).all(dim=1)
        return torch.where(finite, final(total, Y, sample_weight), torch.nan)
