"""Where a fit runs: device resolution and the CPU thread rule."""

import functools
import os
import re
import threading
import warnings
from contextlib import contextmanager

import torch

from ._capabilities import (
    AUTO_CUDA_WORK,
    auto_device,
    check_memory,
    chunk_rows,
    compute_dtype,
    determinism_problem,
    device_capabilities,
    dtype_advice,
    fallback_device,
    training_bytes,
    warn_once,
)

_DEVICE_FORMS = "'auto', 'cpu', 'cuda', 'cuda:N', 'mps', 'mps:0' or a torch.device"

# Below this many multiply-adds per training step (rows per step x weights x
# restarts), torch's intra-op threads cost more than they give: a step is a
# few microseconds of arithmetic and thread wake-ups dominate. Measured on
# 2 cores, see docs/performance.rst.
SINGLE_THREAD_WORK = 1_000_000


def resolve_device(spec, *, stochastic=True, work_per_step=AUTO_CUDA_WORK):
    """The ``torch.device`` that ``spec`` (the ``device`` parameter) names,
    with its index (``cuda:0``, not ``cuda``).

    ``"auto"`` chooses by the solver (``stochastic`` or not) and
    ``work_per_step`` (multiply-adds per training step), see :func:`skorchlite._capabilities.auto_device`.
    Raises ``ValueError`` for a malformed spec or a device that is not there.
    """
    if isinstance(spec, torch.device):
        device = spec
    elif isinstance(spec, str):
        if spec == "auto":
            cuda = (device_capabilities(torch.device("cuda"))
                    if stochastic and work_per_step >= AUTO_CUDA_WORK
                    and torch.cuda.is_available() else None)
            return auto_device(stochastic, work_per_step, cuda)
        if not re.fullmatch(r"cpu|(mps|cuda)(:\d+)?", spec):
            raise ValueError(
                f"device must be {_DEVICE_FORMS}; got {spec!r}.")
        device = torch.device(spec)
    else:
        raise ValueError(
            f"device must be {_DEVICE_FORMS}; got {spec!r} of type "
            f"{type(spec).__name__}.")

    if device.type == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(
                f"device={str(spec)!r} was requested but torch sees no CUDA "
                "device; use device='cpu' or 'auto'.")
        count = torch.cuda.device_count()
        if device.index is not None and device.index >= count:
            raise ValueError(
                f"device={str(spec)!r} was requested but torch sees only "
                f"{count} CUDA device(s) (cuda:0 to cuda:{count - 1}).")
        return with_index(device, torch.cuda.current_device())
    if device.type == "mps":
        if not torch.backends.mps.is_available():
            raise ValueError(
                f"device={str(spec)!r} was requested but torch sees no MPS "
                "device; use device='cpu' or 'auto'.")
        if device.index not in (None, 0):
            raise ValueError(f"device={str(spec)!r} was requested but there is only "
                             "one MPS device, mps:0.")
        return with_index(device, 0)
    if device.type != "cpu":
        raise ValueError(f"device must be {_DEVICE_FORMS}; got {spec!r}.")
    return device


def plan_training(spec, stochastic, work_per_step, dtype, data, layer_units, n_restarts,
                  rows_per_step):
    """Where a fit trains and the dtype its tensors use.

    Resolves ``spec`` (``"auto"`` by solver and work per step), warns once
    per process where the device changes or slows the dtype (float32 on MPS,
    float64 on a consumer GPU), and raises ``MemoryError`` with the remedies
    when the training data, parameters and one step's activations cannot fit
    in the device's free memory (before anything is uploaded), or a
    ``RuntimeError`` where deterministic algorithms are asked for on CUDA
    without the cuBLAS workspace setting they need.
    """
    device = resolve_device(spec, stochastic=stochastic, work_per_step=work_per_step)
    caps = device_capabilities(device)
    problem = determinism_problem(
        caps, torch.are_deterministic_algorithms_enabled(),
        torch.is_deterministic_algorithms_warn_only_enabled(),
        os.environ.get("CUBLAS_WORKSPACE_CONFIG"))
    if problem:
        raise RuntimeError(problem)
    advice = dtype_advice(caps, dtype, stochastic)
    if advice:
        warn_once(advice, advice, stacklevel=5)
    compute = compute_dtype(caps, dtype)
    n_columns = data.X.shape[1] + data.Y.shape[1] + (data.sample_weight is not None)
    need = training_bytes(
        n_rows=data.X.shape[0], n_columns=n_columns,
        n_val_rows=0 if data.X_val is None else data.X_val.shape[0],
        n_params=sum((i + 1) * o for i, o in zip(layer_units[:-1], layer_units[1:])),
        n_restarts=n_restarts, rows_per_step=rows_per_step,
        hidden_units=sum(layer_units[1:]), itemsize=compute.itemsize,
        optimizer_slots=3 if stochastic else 0)
    check_memory(caps, need, n_restarts=n_restarts, dtype=dtype)
    return device, compute


def with_index(device, current):
    """``device`` with an explicit index: ``current`` where it has none."""
    return device if device.index is not None else torch.device(device.type, current)


def as_device(name):
    """``torch.device(name)``, for state loaded from a file."""
    return torch.device(name)


def prediction_device(fitted_device):
    """The device to predict on: the fitted one; the current GPU when the
    fitted CUDA device is not here but another is; the CPU with a warning
    when this machine lacks that kind of accelerator."""
    cuda = fitted_device is not None and fitted_device.type == "cuda" \
        and torch.cuda.is_available()
    device, message = fallback_device(
        fitted_device,
        cuda_count=torch.cuda.device_count() if cuda else 0,
        cuda_current=torch.cuda.current_device() if cuda else 0,
        mps_available=(fitted_device is not None and fitted_device.type == "mps"
                       and torch.backends.mps.is_available()))
    if message:
        warnings.warn(message, UserWarning, stacklevel=3)
    return device


def plan_prediction(fitted_device, dtype):
    """Where a fitted model predicts, and the dtype its tensors use there
    for results of ``dtype``. Warns once per process where the device has
    no float64 (MPS: float32 there)."""
    device = prediction_device(fitted_device)
    caps = device_capabilities(device)
    compute = compute_dtype(caps, dtype)
    if compute != dtype:
        advice = dtype_advice(caps, dtype, True)
        warn_once(advice, advice, stacklevel=5)
    return device, compute


def validation_chunk_rows(net):
    """Rows per chunk when every restart of ``net`` scores the validation
    set: one chunk's widest layer for all restarts within the device's chunk
    budget (64 MiB on the CPU)."""
    widest = max(max(fan_in, fan_out) for fan_in, fan_out in net.shapes)
    itemsize = torch.empty((), dtype=net.dtype).element_size()
    return chunk_rows(device_capabilities(net.device), net.n_restarts, widest, itemsize)


_thread_lock = threading.Lock()


@functools.lru_cache(maxsize=1)
def _blas_controller():
    """One threadpoolctl controller for the process: building one scans the
    loaded libraries (about 3 ms), too slow to repeat for every small fit."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()

_thread_state = {"depth": 0, "torch": None, "blas": None}


@contextmanager
def thread_limits(device, work_per_step):
    """Run a fit or a prediction with the thread counts its size calls for.

    On the CPU, steps smaller than :data:`SINGLE_THREAD_WORK` multiply-adds
    run torch on one thread. BLAS (numpy's and scipy's OpenBLAS, used by
    scipy's L-BFGS-B on vectors of a few thousand numbers at most; torch's
    own MKL is not affected) runs on one thread, so that it cannot compete
    with torch's pool. The settings are process-wide, so calls from several
    threads at once are counted: the first to enter saves the previous
    settings and the last to leave restores them.
    """
    single = device.type != "cpu" or work_per_step < SINGLE_THREAD_WORK
    with _thread_lock:
        entered_with = torch.get_num_threads()
        if _thread_state["depth"] == 0:
            _thread_state["torch"] = torch.get_num_threads()
            _thread_state["blas"] = _blas_controller().limit(limits=1, user_api="blas")
        _thread_state["depth"] += 1
        if single and torch.get_num_threads() != 1:
            torch.set_num_threads(1)
    try:
        yield
    finally:
        with _thread_lock:
            _thread_state["depth"] -= 1
            if _thread_state["depth"] == 0:
                _thread_state["blas"].restore_original_limits()
                if torch.get_num_threads() != _thread_state["torch"]:
                    torch.set_num_threads(_thread_state["torch"])
            elif torch.get_num_threads() != entered_with:
                # a prediction nested in a fit (a callback scoring the model)
                # hands the fit back the threads it had
                torch.set_num_threads(entered_with)
