"""Many adam/sgd fits in one batched network.

Every captured problem (one single fit: its restarts, training rows, options
and random state, see :mod:`skorchlite._prefit`) becomes a block of rows of
one :class:`PaddedMLP`. Members of one group share depth, activations, loss,
solver, dtype and device; widths may differ: narrower members are padded with
zero weights, and a mask keeps every padded parameter at exactly 0 (its
gradient is zeroed before the optimizer sees it, so Adam's moments stay 0
too).

The loop is the single fit's (``skorchlite._solvers.fit_stochastic``), run
for all members at once:

- each problem draws its own shuffles from its own random state, once per
  epoch while it trains, so its minibatches are the single fit's (a problem
  whose epoch is one minibatch of all its rows skips the shuffle: the order
  would change nothing but the rounding);
- one global step serves minibatch ``k`` of every problem: rows are gathered
  from one device table with per-member index matrices; a problem with
  smaller or fewer minibatches gets weight-0 padding rows and is frozen in
  the steps it does not have (its Adam step count ``t`` does not move);
- the objective of each member is divided by its own minibatch weight sum,
  with its own ``alpha``; learning rate, momentum, betas, epsilon, ``tol``,
  ``n_iter_no_change``, ``max_iter`` and the schedules are per member;
- stopping (``n_iter_no_change``, early stopping on the member's own
  validation rows, divergence) freezes a member while the others go on.

The results are what each single fit's solver would have returned, one
``(FitResult, TrainingState)`` per problem.
"""

import copy
import math
import os
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed

import numpy as np
import torch

from .._callbacks import STOPPED_MESSAGE
from .._device import thread_limits
from .._network import ACTIVATION_BACKWARD, LOSSES, BatchedMLP, to_numpy, to_tensor
from .._optim import fused_adam_kernel, step_dtype
from .._solvers import _shuffled
from .._state import FitResult, TrainingState

# Below this many multiply-adds per step a batch trains on one thread: its
# elementwise operations are too small to gain from more, and on a loaded
# machine every parallel region waits for a descheduled thread.
_MULTI_THREAD_WORK = 16_000_000
# The fixed cost of one training step (some forty tensor operations), in
# units of the cost of one element of a per-row tensor: members of different
# widths share a batch while the padding costs less than the steps it saves.
# On a GPU a step costs its kernel launches, whatever the sizes.
_STEP_OVERHEAD = {"cpu": 300_000, "cuda": 10_000_000}
# Batches on the CPU train side by side, one thread each (torch releases the
# GIL in its kernels), when their steps hold at least this many multiply-adds:
# below it the Python between the kernels (some forty operations a step)
# holds the GIL most of the time, and two threads are slower than one.
_PARALLEL_WORK = 100_000


def group_key(problem):
    """Problems with equal keys can share one padded network."""
    net, options = problem.net, problem.options
    return (net.device.type, net.device.index, str(net.dtype), len(net.shapes),
            net.shapes[0][0], net.shapes[-1][1], net.activation, net.out_activation,
            net.loss, options.solver, options.score,
            problem.data.X_val is not None,
            bool(options.nesterovs_momentum) if options.solver == "sgd" else None)


def member_bytes(problem, shapes, batch_rows):
    """Bytes one restart of ``problem`` takes in a network padded to ``shapes``."""
    itemsize = torch.empty((), dtype=problem.net.dtype).element_size()
    return itemsize * _row_elements(shapes, batch_rows, memory=True)


def _row_elements(shapes, batch_rows, memory=False):
    """What one row of a padded network costs per step (in tensor elements
    touched) or holds in memory (in elements)."""
    n_params = sum(i * o + o for i, o in shapes)
    units = sum(o for _, o in shapes) + shapes[0][0]
    if memory:
        # flat, grad, mask, two optimizer buffers, best weights, temporaries;
        # activations, deltas and upstream gradients, the gathered minibatch
        return 8 * n_params + 4 * batch_rows * units
    return batch_rows * (4 * units + sum(i * o for i, o in shapes)) + 10 * n_params


def cheap_to_add(problems):
    """Whether adding ``problems`` to the batches costs less per step than
    a couple of steps' fixed cost: then training them along saves their
    own sequential fits (the refit of a search on small data)."""
    if not problems:
        return False
    overhead = _STEP_OVERHEAD.get(problems[0].net.device.type, _STEP_OVERHEAD["cpu"])
    work = sum(p.net.n_restarts * _row_elements(p.net.shapes, p.options.batch_size)
               for p in problems)
    return work <= 2 * overhead


def padded_shapes(problems):
    depth = len(problems[0].net.shapes)
    return [(max(p.net.shapes[layer][0] for p in problems),
             max(p.net.shapes[layer][1] for p in problems)) for layer in range(depth)]


def plan_batches(problems, budget_bytes, workers=1):
    """Cut a group's problems into batches (lists of indices) that fit in
    ``budget_bytes`` and train fastest: problems of equal widths and batch
    size stay together; neighbours in size join while the padding costs
    less than the steps saved (a dynamic programme over the sorted sizes).
    With ``workers`` > 1 the batches train side by side, and the plan that
    ends first on that many threads is kept."""
    kinds = {}
    for i, p in enumerate(problems):
        kinds.setdefault((tuple(o for _, o in p.net.shapes), p.options.batch_size),
                         []).append(i)
    # one kind that does not fit on its own is cut into parts that do
    items = []
    for (_, batch), members in sorted(kinds.items()):
        shapes = padded_shapes([problems[i] for i in members])
        per_problem = [problems[i].net.n_restarts * member_bytes(problems[i], shapes, batch)
                       for i in members]
        part, used = [], 0
        for i, need in zip(members, per_problem):
            if part and used + need > budget_bytes:
                items.append(part)
                part, used = [], 0
            part.append(i)
            used += need
        items.append(part)
    overhead = _STEP_OVERHEAD.get(problems[0].net.device.type, _STEP_OVERHEAD["cpu"])
    itemsize = torch.empty((), dtype=problems[0].net.dtype).element_size()
    summary = []  # per item: padded shapes, minibatch rows, network rows
    for item in items:
        chosen = [problems[i] for i in item]
        summary.append((padded_shapes(chosen), chosen[0].options.batch_size,
                        sum(p.net.n_restarts for p in chosen)))

    if workers == 1:
        return _cut(items, summary, overhead, overhead, itemsize, budget_bytes)[0]
    # side by side on ``workers`` threads: a few wide batches balance badly;
    # among the plans that assume a smaller fixed cost per step (more,
    # narrower batches), keep the one that ends first
    plans = [_cut(items, summary, overhead / scale, overhead, itemsize, budget_bytes)
             for scale in (1, 3, 10, 30)]
    return min(plans, key=lambda plan: _makespan(plan[1], workers))[0]


def _cut(items, summary, assumed_overhead, overhead, itemsize, budget_bytes):
    """The cheapest cut of the sorted items into batches when a step costs
    ``assumed_overhead`` plus its elements (a dynamic programme); returns the
    batches and their per-step costs at the true ``overhead``."""
    n = len(items)
    best = [0.0] + [np.inf] * n
    cut = [0] * (n + 1)
    true_cost = [0.0] * (n + 1)  # the cost at ``overhead`` of the batch ending at last
    for last in range(1, n + 1):
        shapes, batch, rows = summary[last - 1]
        for first in range(last - 1, -1, -1):
            if first < last - 1:  # widen the chunk by one item
                other, other_batch, other_rows = summary[first]
                shapes = [(max(a, c), max(b, d)) for (a, b), (c, d) in zip(shapes, other)]
                batch, rows = max(batch, other_batch), rows + other_rows
                if rows * itemsize * _row_elements(shapes, batch, memory=True) > budget_bytes:
                    break
            elements = rows * _row_elements(shapes, batch)
            if best[first] + assumed_overhead + elements < best[last]:
                best[last], cut[last] = best[first] + assumed_overhead + elements, first
                true_cost[last] = overhead + elements
    batches, costs, last = [], [], n
    while last > 0:
        first = cut[last]
        batches.append([i for item in items[first:last] for i in item])
        costs.append(true_cost[last])
        last = first
    return batches[::-1], costs[::-1]


def _makespan(costs, workers):
    """When the last of ``workers`` threads ends, each taking the costliest
    batch left (longest processing time first)."""
    loads = [0.0] * workers
    for cost in sorted(costs, reverse=True):
        loads[loads.index(min(loads))] += cost
    return max(loads)


class PaddedMLP(BatchedMLP):
    """The restarts of several problems (same depth, widths may differ) in
    one :class:`~skorchlite._network.BatchedMLP`, narrower ones zero-padded.

    ``mask`` (same shape as ``flat``) is 1 on every real parameter and 0 on
    padding; gradients are multiplied by it, so padding stays exactly 0.
    """

    def __init__(self, problems, shapes):
        first = problems[0].net
        M = sum(p.net.n_restarts for p in problems)
        coefs = [np.zeros((M, i, o)) for i, o in shapes]
        intercepts = [np.zeros((M, o)) for _, o in shapes]
        masks_c = [np.zeros((M, i, o)) for i, o in shapes]
        masks_b = [np.zeros((M, o)) for _, o in shapes]
        self.slices = []
        start = 0
        for p in problems:
            own_c, own_b = p.net.get_params()
            stop = start + p.net.n_restarts
            for layer, (i, o) in enumerate(p.net.shapes):
                coefs[layer][start:stop, :i, :o] = own_c[layer]
                intercepts[layer][start:stop, :o] = own_b[layer]
                masks_c[layer][start:stop, :i, :o] = 1
                masks_b[layer][start:stop, :o] = 1
            self.slices.append(slice(start, stop))
            start = stop
        super().__init__(coefs, intercepts, first.activation, first.out_activation,
                         first.loss, first.device, first.dtype)
        self.padded = any(p.net.shapes != [tuple(s) for s in shapes] for p in problems)
        self.mask = torch.zeros_like(self.flat)
        mask_c, mask_b = self.views(self.mask)
        for view, array in zip(mask_c, masks_c):
            view.copy_(to_tensor(array, self.device, self.dtype))
        for view, array in zip(mask_b, masks_b):
            view.copy_(to_tensor(array, self.device, self.dtype).unsqueeze(1))

    def rows(self, part):
        """The rows ``part`` (a slice) as a network sharing this one's memory."""
        sub = copy.copy(self)
        sub.flat, sub.grad = self.flat[part], self.grad[part]
        sub.n_restarts = sub.flat.shape[0]
        sub._make_views()
        return sub

    def loss_and_grad(self, X, Y, weights, delta_scale, reg, half_alpha):
        """Objective of every row (before the division by its minibatch
        weight sum) and its gradient, written into ``self.grad``.

        ``X`` (M, B, d) and ``Y`` (M, B, o) are each row's minibatch,
        ``weights`` (M, B) its sample weights (0 on padding rows),
        ``delta_scale`` (M, B, 1) the weights divided by the minibatch weight
        sum, ``reg`` (M, 1, 1) ``alpha`` divided by that sum and
        ``half_alpha`` (M,) or None: the single fit's objective, row by row.
        """
        P, hidden = self.forward(X)
        loss, delta = LOSSES[self.loss](P, Y, weights)
        delta.mul_(delta_scale)
        if half_alpha is not None:
            loss = torch.addcmul(loss, torch.linalg.vecdot(self.weights, self.weights),
                                 half_alpha)
        backward = ACTIVATION_BACKWARD[self.activation]
        inputs = [X.transpose(1, 2)] + [A.transpose(1, 2) for A in hidden]
        for layer in range(len(self.shapes) - 1, -1, -1):
            W = self.coefs[layer]
            if W.shape[2] == 1 and layer > 0:
                # one output unit: a dot product over the minibatch per input
                # beats bmm's per-row matrix products (about 1.5x)
                grad_view = self.coef_grads[layer].squeeze(2)
                torch.linalg.vecdot(inputs[layer], delta.transpose(1, 2), out=grad_view)
                if half_alpha is not None:
                    grad_view.addcmul_(W.squeeze(2), reg.squeeze(2))
            elif half_alpha is None:
                torch.bmm(inputs[layer], delta, out=self.coef_grads[layer])
            else:
                torch.baddbmm(W * reg, inputs[layer], delta, out=self.coef_grads[layer])
            torch.sum(delta, dim=1, keepdim=True, out=self.intercept_grads[layer])
            if layer > 0:
                upstream = (delta * W.transpose(1, 2) if W.shape[2] == 1
                            else torch.bmm(delta, W.transpose(1, 2)))
                delta = backward(upstream, hidden[layer - 1])
        if self.padded:
            self.grad.mul_(self.mask)
        return loss

    def unpad(self, flat, part, problem):
        """A (R, P) buffer of ``problem``'s own layout from rows ``part``."""
        coefs, intercepts = self.views(flat)
        pieces = [to_numpy(W[part, :i, :o]).reshape(part.stop - part.start, -1)
                  for W, (i, o) in zip(coefs, problem.net.shapes)]
        pieces += [to_numpy(b[part, 0, :o]) for b, (_, o) in zip(intercepts, problem.net.shapes)]
        return np.concatenate(pieces, axis=1)

    def params_of(self, part, problem):
        coefs = [to_numpy(W[part, :i, :o]).copy()
                 for W, (i, o) in zip(self.coefs, problem.net.shapes)]
        intercepts = [to_numpy(b[part, 0, :o]).copy()
                      for b, (_, o) in zip(self.intercepts, problem.net.shapes)]
        return coefs, intercepts


def _option(problems, counts, name, dtype=float):
    """A per-problem option repeated for each of the problem's rows."""
    return np.repeat(np.array([getattr(p.options, name) for p in problems], dtype=dtype), counts)


@torch.inference_mode()
def train_batch(problems, verbose=0, label="", monitor=None, cancelled=None):
    """Train ``problems`` (one group, one batch) together; returns
    ``{problem.key: (FitResult, TrainingState)}``. ``monitor`` (a
    :class:`~skorchlite._callbacks.BatchMonitor`, or None) sees every epoch;
    when a callback asks to stop, every member still training stops.
    ``cancelled`` (a :class:`threading.Event`, or None): once set, training
    ends at the next epoch with :class:`Cancelled`."""
    return _BatchTraining(problems, verbose, label, monitor, cancelled).run()


class Cancelled(Exception):
    """A batch training side by side stopped because another one failed or
    the search was interrupted."""


class _BatchTraining:
    """``fit_stochastic``'s epoch loop for the rows of several problems.

    Host-side arrays are per row (M,) or per problem (P,); each epoch lays
    out the minibatches of every running problem as (K, P, B) (step, problem,
    slot) index and weight arrays, expanded to the rows on the device.
    """

    def __init__(self, problems, verbose, label, monitor=None, cancelled=None):
        self.problems, self.verbose, self.label = problems, verbose, label
        self.monitor, self.cancelled = monitor, cancelled
        self.net = net = PaddedMLP(problems, padded_shapes(problems))
        self.solver = problems[0].options.solver
        self.early_stopping = problems[0].data.X_val is not None
        self.P = P = len(problems)
        counts = np.array([p.net.n_restarts for p in problems])
        self.M = M = int(counts.sum())
        self.row_problem = np.repeat(np.arange(P), counts)
        self.expand = None if M == P else to_tensor(self.row_problem, net.device)
        # every problem with the same number of restarts: rows expand by a copy
        self.restarts = int(counts[0]) if (counts == counts[0]).all() else None

        # the training rows: one table of the distinct data sets
        tables, self.offsets, seen, start = [], [], {}, 0
        for p in problems:
            key = p.key[2][:2]
            if key not in seen:
                seen[key] = start
                tables.append(np.hstack([p.data.X, p.data.Y]))
                start += p.data.X.shape[0]
            self.offsets.append(seen[key])
        self.table = net.to_device(np.vstack(tables))
        self.d = problems[0].data.X.shape[1]
        self.n_samples = np.array([p.data.X.shape[0] for p in problems])
        batch_size = np.array([p.options.batch_size for p in problems])
        self.n_batches = -(-self.n_samples // batch_size)
        self.B = int(batch_size.max())
        self.orders = [np.arange(n) for n in self.n_samples]
        # where position j of a problem's order goes: step j // b, slot j % b
        self.positions = [(np.arange(n) // b, np.arange(n) % b)
                          for n, b in zip(self.n_samples, batch_size)]
        self.weights = [None if p.data.sample_weight is None
                        else p.data.sample_weight.astype(np.float64) for p in problems]
        self.weighted = any(w is not None for w in self.weights)

        # per-row options
        alpha = _option(problems, counts, "alpha")
        self.alpha = alpha
        self.half_alpha = net.to_device(0.5 * alpha) if alpha.any() else None
        self.lr_init = _option(problems, counts, "learning_rate_init")
        self.tol = _option(problems, counts, "tol")
        self.patience = _option(problems, counts, "n_iter_no_change", int)
        self.max_iter = np.array([p.options.max_iter for p in problems])
        self.shuffle = [bool(p.options.shuffle) for p in problems]
        self.schedule = np.repeat(np.array([p.options.learning_rate for p in problems]),
                                  counts)
        self.power_t = _option(problems, counts, "power_t")
        if self.solver == "adam":
            self.beta_1 = _option(problems, counts, "beta_1")
            self.beta_2 = _option(problems, counts, "beta_2")
            self.eps = net.to_device(_option(problems, counts, "epsilon"))[:, None]
            self.m, self.v = torch.zeros_like(net.flat), torch.zeros_like(net.flat)
            self.adam_t = np.zeros(M, dtype=np.int64)
            # torch's fused Adam kernel (as the single fit uses it) serves the
            # steps where every row moves with the same settings and count
            uniform = all(len(np.unique(a)) == 1 for a in (
                self.lr_init, self.beta_1, self.beta_2, to_numpy(self.eps)))
            kernel = fused_adam_kernel() if net.device.type in ("cpu", "cuda") else None
            self.fused = uniform and kernel is not None
            self.kernel = kernel
            self.fused_step = torch.zeros((), device=net.device, dtype=step_dtype(True))
            self.fused_args = (float(self.lr_init[0]), float(self.beta_1[0]),
                               float(self.beta_2[0]), float(to_numpy(self.eps)[0, 0]))
        else:
            self.momentum = _option(problems, counts, "momentum")
            self.nesterov = bool(problems[0].options.nesterovs_momentum)
            self.velocity = torch.zeros_like(net.flat)

        # bookkeeping, as fit_stochastic's TrainingState and FitResult
        self.learning_rate = self.lr_init.copy()
        self.losses = np.full(M, np.nan)
        self.initial_losses = None
        self.n_iter = np.zeros(M, dtype=int)
        self.converged = np.zeros(M, dtype=bool)
        self.diverged = np.zeros(M, dtype=bool)
        self.messages = [""] * M
        self.best_loss = np.full(M, np.inf)
        self.best_val = np.full(M, -np.inf)
        self.no_improvement = np.zeros(M, dtype=int)
        self.t_samples = np.zeros(P, dtype=np.int64)
        self.epochs = np.zeros(P, dtype=int)
        self.history = np.empty((int(self.max_iter.max()), M))
        if self.early_stopping:
            self.val_history = np.empty((int(self.max_iter.max()), M))
            self.n_val = np.zeros(M, dtype=int)
            self.best_flat = net.flat.clone()
            self.validation = [[net.to_device(a) for a in (p.data.X_val, p.data.Y_val,
                                                           p.data.sample_weight_val)]
                               for p in problems]
            self.subnets = [net.rows(part) for part in net.slices]
        self.active = np.ones(M, dtype=bool)
        self.running = self.max_iter > 0
        self._layout_for = None

    def _rows(self, tensor):
        """A (K, P, ...) device tensor expanded to (K, M, ...)."""
        if self.expand is None:
            return tensor
        if self.restarts is not None:  # a broadcast copy, cheaper than a gather
            K, P, *rest = tensor.shape
            return tensor.unsqueeze(2).expand(K, P, self.restarts, *rest).reshape(
                K, P * self.restarts, *rest)
        return tensor[:, self.expand]

    def _layout(self):
        """The epoch's static layout: which slots hold rows; cached while the
        set of running problems does not change."""
        key = self.running.tobytes()
        if self._layout_for == key:
            return
        self._layout_for = key
        running = np.flatnonzero(self.running)
        K, P, B = int(self.n_batches[running].max()), self.P, self.B
        self.K = K
        self.dest = np.concatenate([k * P * B + p * B + slot for p in running
                                    for k, slot in [self.positions[p]]])
        self.source_offset = np.concatenate([np.full(self.n_samples[p], self.offsets[p])
                                             for p in running])
        valid = np.zeros(K * P * B)
        valid[self.dest] = 1.0
        self.valid = valid.reshape(K, P, B)
        self.rows_per_step = self.valid.sum(axis=2)            # (K, P)
        self.stepping = (self.rows_per_step > 0)[:, self.row_problem]  # (K, M)
        self._coefficients_for = None

    def _epoch_batches(self):
        """Shuffle every running problem's rows; the epoch's index and weight
        tensors, (K, M, B), and per-step row weight sums (K, M)."""
        running = np.flatnonzero(self.running)
        shuffled = False
        for p in running:
            # one minibatch of all rows: its order changes nothing but the
            # rounding, and the random state serves nothing after training
            if self.shuffle[p] and self.n_batches[p] > 1:
                self.orders[p] = _shuffled(self.orders[p], self.problems[p].random_state)
                shuffled = True
        layout = self._layout_for
        self._layout()
        if not shuffled and layout == self._layout_for:
            return  # the same minibatches as the last epoch
        K, P, B, net = self.K, self.P, self.B, self.net
        index = np.zeros(K * P * B, dtype=np.int64)
        index[self.dest] = np.concatenate([self.orders[p] for p in running]) + self.source_offset
        if self.weighted:
            weight = np.zeros(K * P * B)
            weight[self.dest] = np.concatenate([
                self.orders[p] * 0 + 1.0 if self.weights[p] is None
                else self.weights[p][self.orders[p]] for p in running])
            weight = weight.reshape(K, P, B)
        else:
            weight = self.valid
        # each problem's minibatch weight sums (1 where it has no step k)
        problem_sum = np.where(self.rows_per_step > 0, weight.sum(axis=2), 1.0)  # (K, P)
        self.weight_sum = weight_sum = problem_sum[:, self.row_problem]            # (K, M)
        weight_t = net.to_device(weight)
        self.batch_index = self._rows(to_tensor(index.reshape(K, P, B), net.device))
        self.batch_weight = self._rows(weight_t)
        self.delta_scale = self._rows(weight_t / net.to_device(problem_sum)[..., None])[..., None]
        self.reg = net.to_device(self.alpha / weight_sum)[..., None, None]
        count = np.where(self.stepping, self.rows_per_step[:, self.row_problem], 0.0)
        # the epoch loss: each step's objective divided by its weight sum, times its rows
        self.loss_factor = net.to_device(count / weight_sum)

    def _optimizer_coefficients(self):
        """Per-step, per-row factors of the optimizer for this epoch.

        A row whose problem has step k moves its optimizer state (as the
        single fit's stopped restarts do); only an active row moves its
        weights.
        """
        net, stepping = self.net, self.stepping
        moving = stepping & self.active
        key = (self._layout_for, self.active.tobytes(), self.learning_rate.tobytes())
        if self.solver == "adam":
            steps = self.adam_t + np.cumsum(stepping, axis=0)
            self.adam_t = steps[-1]
            # the steps the fused kernel can take: all rows move, at one count
            if self.fused:
                self.fused_at = (moving.all(axis=1)
                                 & (steps == steps[:, :1]).all(axis=1)).tolist()
            else:
                self.fused_at = [False] * len(steps)
            if not all(self.fused_at):  # the other steps' bias-corrected rates
                step_lr = np.where(moving, self.lr_init * np.sqrt(1 - self.beta_2 ** steps)
                                   / (1 - self.beta_1 ** steps), 0.0)
                self.step_lr = net.to_device(step_lr)[..., None]
            self.steps = steps
            if self._coefficients_for != key:
                self._coefficients_for = key
                self.w1 = net.to_device(np.where(stepping, 1 - self.beta_1, 0.0))[..., None]
                self.b2 = net.to_device(np.where(stepping, self.beta_2, 1.0))[..., None]
                self.w2 = net.to_device(np.where(stepping, 1 - self.beta_2, 0.0))[..., None]
        elif self._coefficients_for != key:
            self._coefficients_for = key
            self.sgd_lr = net.to_device(np.where(moving, self.learning_rate, 0.0))[..., None]
            self.sgd_mom = net.to_device(np.where(stepping, self.momentum, 1.0))[..., None]
            self.sgd_move = net.to_device(moving.astype(float))[..., None]

    def _step(self, k, total):
        net, d = self.net, self.d
        index = self.batch_index[k].reshape(-1)
        batch = torch.index_select(self.table, 0, index).view(self.M, self.B, -1)
        loss = net.loss_and_grad(batch[..., :d], batch[..., d:], self.batch_weight[k],
                                 self.delta_scale[k], self.reg[k], self.half_alpha)
        if self.initial_losses is None:  # every problem's starting weights
            self.initial_losses = to_numpy(loss).astype(np.float64) / self.weight_sum[0]
        total.addcmul_(loss, self.loss_factor[k])
        grad = net.grad
        if self.solver == "adam" and self.fused_at[k]:
            t = int(self.steps[k][0])
            self.fused_step.fill_(t)
            lr, b1, b2, eps = self.fused_args
            self.kernel([net.flat], [grad], [self.m], [self.v], [], [self.fused_step],
                        lr=lr, beta1=b1, beta2=b2, weight_decay=0.0,
                        eps=eps / math.sqrt(1 - b2 ** t), amsgrad=False, maximize=False)
        elif self.solver == "adam":
            self.m.lerp_(grad, self.w1[k])
            self.v.mul_(self.b2[k]).addcmul_(grad, grad * self.w2[k])
            net.flat.addcdiv_(self.m * self.step_lr[k], self.v.sqrt().add_(self.eps),
                              value=-1)
        else:
            lr = self.sgd_lr[k]
            self.velocity.mul_(self.sgd_mom[k]).addcmul_(grad, lr, value=-1)
            if self.nesterov:
                update = torch.addcmul(self.velocity * self.sgd_mom[k], grad, lr, value=-1)
                net.flat.addcmul_(update, self.sgd_move[k])
            else:
                net.flat.addcmul_(self.velocity, self.sgd_move[k])

    def run(self):
        while self.running.any():
            if self.cancelled is not None and self.cancelled.is_set():
                raise Cancelled(self.label)
            if self.monitor is not None:
                self.monitor.begin_epoch()
            self._epoch_batches()
            self._optimizer_coefficients()
            total = torch.zeros(self.M, device=self.net.device, dtype=self.net.dtype)
            for k in range(self.K):
                self._step(k, total)
            self._end_epoch(to_numpy(total).astype(np.float64)
                            / self.n_samples[self.row_problem])
        if self.early_stopping:
            self.net.flat.copy_(self.best_flat)
        return self._results()

    def _end_epoch(self, epoch_loss):
        """fit_stochastic's end-of-epoch bookkeeping, for every row."""
        rp, running, active = self.row_problem, self.running, self.active
        live = active & running[rp]
        self.t_samples[running] += self.n_samples[running]
        self.losses[live] = epoch_loss[live]
        live_rows = np.flatnonzero(live)
        self.history[self.n_iter[live], live_rows] = epoch_loss[live]
        self.n_iter[live] += 1
        diverged = live & ~np.isfinite(epoch_loss)
        if self.early_stopping:
            scores = np.full(self.M, np.nan)
            for p in np.flatnonzero(running):
                scores[self.net.slices[p]] = to_numpy(self.subnets[p].score(
                    self.problems[p].options.score, *self.validation[p]))
            # a diverged row's nan score is recorded too, as the single fit does
            self.val_history[self.n_val[live], live_rows] = scores[live]
            self.n_val[live] += 1
            worse = scores < self.best_val + self.tol
            improved = live & (scores > self.best_val)
            self.best_val[improved] = scores[improved]
            if improved.any():
                torch.where(to_tensor(improved, self.net.device)[:, None], self.net.flat,
                            self.best_flat, out=self.best_flat)
        else:
            worse = epoch_loss > self.best_loss - self.tol
            self.best_loss[live] = np.fmin(self.best_loss, epoch_loss)[live]
        self.no_improvement[live & worse] += 1
        self.no_improvement[live & ~worse] = 0
        if self.solver == "sgd":
            inv = live & (self.schedule == "invscaling")
            self.learning_rate[inv] = (self.lr_init[inv] / (self.t_samples[rp][inv] + 1)
                                       ** self.power_t[inv])
        stalled = live & ~diverged & (self.no_improvement > self.patience)
        stopping = stalled.copy()
        if self.solver == "sgd":
            decrease = stalled & (self.schedule == "adaptive") & (self.learning_rate > 1e-6)
            self.learning_rate[decrease] /= 5.0
            self.no_improvement[decrease] = 0
            stopping &= ~decrease
        for r in np.flatnonzero(stopping):
            options = self.problems[rp[r]].options
            self.messages[r] = (
                "%s did not improve more than tol=%f for %d consecutive epochs."
                % ("Validation score" if self.early_stopping else "Training loss",
                   options.tol, options.n_iter_no_change))
        for r in np.flatnonzero(diverged):
            self.messages[r] = f"loss became {epoch_loss[r]} at iteration {self.n_iter[r]}"
        if self.monitor is not None and self.monitor.end_epoch():
            # a callback stops the batch: each member as its single fit stops
            # when a callback asks it to at this epoch
            asked = live & ~diverged
            stopping |= asked
            for r in np.flatnonzero(asked):
                self.messages[r] = STOPPED_MESSAGE
        self.converged |= stopping
        self.diverged |= diverged
        self.active &= ~(stopping | diverged)
        self.epochs[running] += 1
        still = np.bincount(rp, weights=self.active, minlength=self.P) > 0
        self.running &= still & (self.epochs < self.max_iter)
        if self.verbose > 1:
            print("%s epoch %d, %d of %d networks training, best loss = %.8f"
                  % (self.label, self.epochs.max(), (self.active & self.running[rp]).sum(),
                     self.M, np.nanmin(self.losses)))

    def _results(self):
        out = {}
        net = self.net
        for p, (problem, part) in enumerate(zip(self.problems, net.slices)):
            coefs, intercepts = net.params_of(part, problem)
            rows = range(part.start, part.stop)
            result = FitResult(coefs, intercepts, self.losses[part].copy(),
                               self.n_iter[part].copy(), self.converged[part].copy(),
                               list(self.messages[part]), self.diverged[part].copy(),
                               initial_losses=(None if self.initial_losses is None
                                               else self.initial_losses[part].copy()))
            curves = [[float(x) for x in self.history[:self.n_iter[r], r]] for r in rows]
            scores = None
            if self.early_stopping:
                scores = [[float(x) for x in self.val_history[:self.n_val[r], r]]
                          for r in rows]
            if self.solver == "adam":
                optimizer = {"m": net.unpad(self.m, part, problem),
                             "v": net.unpad(self.v, part, problem),
                             "t": int(self.adam_t[part.start])}
            else:
                optimizer = {"velocity": net.unpad(self.velocity, part, problem)}
            state = TrainingState(
                problem.net.n_restarts, self.early_stopping,
                learning_rate=self.learning_rate[part].copy(), loss_curves=curves,
                validation_scores=scores, best_loss=self.best_loss[part].copy(),
                best_validation_score=self.best_val[part].copy(),
                no_improvement=self.no_improvement[part].copy(),
                t=int(self.t_samples[p]), optimizer=optimizer)
            out[problem.key] = (result, state)
        return out


def budget_bytes(device):
    """Memory one batch of members may take: scikit-learn's ``working_memory``
    (default 1 GiB) on the CPU; on a GPU, half of what is free."""
    if device.type == "cuda":
        free, _ = torch.cuda.mem_get_info(device)
        return free // 2
    from sklearn import get_config

    return int(get_config()["working_memory"] * 2**20)


def _cores():
    """The cores a search may use: the machine's, capped by torch's thread
    count (what the user set with ``torch.set_num_threads``, or what joblib
    leaves each worker of ``n_jobs`` through ``OMP_NUM_THREADS``)."""
    return min(os.cpu_count() or 1, torch.get_num_threads())


def _side_by_side(groups, monitor):
    """How many batches may train at once: one per CPU core when every
    batch is on the CPU, no callback watches (its tasks come in order), and
    some batch's step holds enough arithmetic (``_PARALLEL_WORK``) that the
    Python between its kernels (which holds the GIL) is a small part."""
    cores = _cores()
    if monitor is not None or cores < 2:
        return 1
    problems = [p for members in groups for p in members]
    if any(p.net.device.type != "cpu" for p in problems):
        return 1
    return cores


def _work(problems):
    """Multiply-adds of one step of a batch of ``problems``."""
    shapes = padded_shapes(problems)
    return (sum(p.net.n_restarts for p in problems)
            * max(p.options.batch_size for p in problems) * sum(i * o for i, o in shapes))


def _heavy(plans):
    """How many planned batches are worth a thread of their own: enough
    arithmetic per step, but not so much that the step uses every core."""
    works = [_work([members[i] for i in batch])
             for members, _, batches in plans for batch in batches]
    return sum(_PARALLEL_WORK <= work < _MULTI_THREAD_WORK for work in works)


def train_problems(problems, verbose=0, monitor=None):
    """Train every adam/sgd problem, grouped and batched; returns
    ``{key: (FitResult, TrainingState)}``. ``monitor`` (a
    :class:`~skorchlite._callbacks.BatchedTrainingMonitor`, or None) gets a
    task per batch."""
    groups = {}
    for problem in problems:
        groups.setdefault(group_key(problem), []).append(problem)
    plans = []  # every group's batches, planned before any trains
    for members in groups.values():
        budget = budget_bytes(members[0].net.device)
        plans.append((members, budget, plan_batches(members, budget)))
    workers = _side_by_side(groups.values(), monitor)
    if workers > 1 and _heavy(plans) >= 1:
        # batches side by side, each in its share of the memory
        side_by_side = [(members, budget // workers,
                         plan_batches(members, budget // workers, workers))
                        for members, budget, _ in plans]
        if _heavy(side_by_side) >= 2:
            plans = side_by_side
        else:
            workers = 1
    else:
        workers = 1
    jobs = []  # (label, problems, work per step, group, batch, batches in group)
    for g, (members, budget, batches) in enumerate(plans):
        for b, batch in enumerate(batches):
            chosen = [members[i] for i in batch]
            if len(chosen) == 1:
                need = chosen[0].net.n_restarts * member_bytes(
                    chosen[0], chosen[0].net.shapes, chosen[0].options.batch_size)
                if chosen[0].net.device.type == "cuda" and need > budget:
                    raise MemoryError(
                        f"One member of the search needs about {need / 2**20:.0f} MiB on "
                        f"{chosen[0].net.device}, which has {budget / 2**20:.0f} MiB to "
                        "spare; use smaller hidden_layer_sizes or batch_size, fewer "
                        "n_restarts, or device='cpu'.")
            label = f"[group {g + 1}/{len(groups)}, batch {b + 1}/{len(batches)}]"
            jobs.append((label, chosen, _work(chosen), g, b, len(batches)))
    if monitor is not None:
        monitor.begin(len(jobs))

    cancelled = threading.Event() if workers > 1 else None

    def train(job):
        label, chosen, work, g, b, n_batches = job
        shapes = padded_shapes(chosen)
        rows = sum(p.net.n_restarts for p in chosen)
        if verbose:
            print("%s %d networks (%d fits x their restarts), solver=%s, padded "
                  "hidden widths %s" % (label, rows, len(chosen), chosen[0].options.solver,
                                        [o for _, o in shapes[:-1]]))
        batch_monitor = None if monitor is None else monitor.begin_batch(
            g + 1, len(groups), b + 1, n_batches, rows,
            max(p.options.max_iter for p in chosen))
        with thread_limits(chosen[0].net.device,
                           work if work >= _MULTI_THREAD_WORK else 0):
            out = train_batch(chosen, verbose, label, batch_monitor, cancelled)
        if batch_monitor is not None:
            batch_monitor.end()
        return out

    results = {}
    if workers > 1:
        # longest first, so that the last batch to start is a short one
        order = sorted(jobs, key=lambda job: -job[2] * max(p.options.max_iter for p in job[1]))
        # one thread each for the whole time: this outer limit is entered
        # first and left last, so no batch ending hands threads back while
        # another still trains
        with thread_limits(torch.device("cpu"), 0), ThreadPoolExecutor(workers) as pool:
            futures = [pool.submit(train, job) for job in order]
            try:
                for future in as_completed(futures):
                    results.update(future.result())
            except BaseException:
                # an error or Ctrl-C: the other batches stop at their next
                # epoch instead of training to the end
                cancelled.set()
                raise
    else:
        for job in jobs:
            results.update(train(job))
    if monitor is not None:
        monitor.end()
    return results
