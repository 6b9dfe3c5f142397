"""Where a fit runs: device resolution and the CPU thread rule."""

import re
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


@contextmanager
def thread_limits(device, work_per_step):
    """Run a fit with the thread counts its size calls for.

    On the CPU, steps smaller than :data:`SINGLE_THREAD_WORK` multiply-adds
    run torch on one thread. BLAS (used by scipy's L-BFGS-B on vectors of a
    few thousand numbers at most) always runs on one thread during a fit, so
    that it cannot compete with torch's pool. Previous settings are restored
    on exit.
    """
    from threadpoolctl import threadpool_limits

    previous = torch.get_num_threads()
    single = device.type != "cpu" or work_per_step < SINGLE_THREAD_WORK
    try:
        if single and previous != 1:
            torch.set_num_threads(1)
        with threadpool_limits(limits=1, user_api="blas"):
            yield
    finally:
        if torch.get_num_threads() != previous:
            torch.set_num_threads(previous)
