"""Where a fit runs: device resolution and the CPU thread rule."""

import functools
import re
import threading
import warnings
from contextlib import contextmanager

import torch

_DEVICE_FORMS = "'auto', 'cpu', 'cuda', 'cuda:N', 'mps' or a torch.device"

# Below this many multiply-adds per training step (rows per step x weights x
# restarts), torch's intra-op threads cost more than they give: a step is a
# few microseconds of arithmetic and thread wake-ups dominate. Measured on
# 2 cores, see docs/performance.rst.
SINGLE_THREAD_WORK = 1_000_000


def resolve_device(spec):
    """The ``torch.device`` that ``spec`` (the ``device`` parameter) names.

    Raises ``ValueError`` for a malformed spec or a device that is not there.
    """
    if isinstance(spec, torch.device):
        device = spec
    elif isinstance(spec, str):
        if spec == "auto":
            return torch.device("cuda" if torch.cuda.is_available() else "cpu")
        if not re.fullmatch(r"cpu|mps|cuda(:\d+)?", spec):
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
    elif device.type == "mps":
        if not torch.backends.mps.is_available():
            raise ValueError(
                f"device={str(spec)!r} was requested but torch sees no MPS "
                "device; use device='cpu' or 'auto'.")
    elif device.type != "cpu":
        raise ValueError(f"device must be {_DEVICE_FORMS}; got {spec!r}.")
    return device


def as_device(name):
    """``torch.device(name)``, for state loaded from a file."""
    return torch.device(name)


def prediction_device(fitted_device):
    """The device to predict on: the fitted one, or the CPU with a warning
    when the estimator was fitted on an accelerator this machine lacks."""
    if fitted_device is None or fitted_device.type == "cpu":
        return torch.device("cpu")
    try:
        return resolve_device(fitted_device)
    except ValueError:
        warnings.warn(
            f"This estimator was fitted on {fitted_device}, which is not "
            "available here; predicting on the CPU instead.", UserWarning)
        return torch.device("cpu")


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
