"""What a device can do, and every decision skorchlite makes from that.

Each decision (the dtype to compute in, where ``device="auto"`` trains, how
many rows a chunk holds, whether the training data fits) is a small pure
function of a :class:`DeviceCapabilities` record. :func:`device_capabilities`
asks torch for the record of a real device; tests pass the record of a CUDA
or MPS device by hand, so every GPU policy is checked on any machine
(``tests/test_devices.py``). The reasons behind the numbers are in
``docs/devices.rst``.
"""

import threading
import warnings
from dataclasses import dataclass

import numpy as np
import torch


@dataclass(frozen=True)
class DeviceCapabilities:
    """What skorchlite needs to know about a device.

    type : "cpu", "cuda" or "mps".
    index : the device index (None for the CPU).
    float64 : whether the device holds float64 tensors at all (MPS does not).
    fast_float64 : whether float64 arithmetic runs at a useful fraction (at
        least half) of float32's speed; consumer GPUs run it at 1/32-1/64.
    memory_bytes : memory free for tensors, or None when not checked (the
        CPU: the data is already in host memory when fit starts).
    name : the device's name, for messages.
    """

    type: str
    index: int = None
    float64: bool = True
    fast_float64: bool = True
    memory_bytes: int = None
    name: str = ""

    @property
    def device(self):
        """The ``torch.device`` (with its index, e.g. ``cuda:0``)."""
        return torch.device(self.type, self.index) if self.index is not None \
            else torch.device(self.type)


CPU = DeviceCapabilities("cpu", name="CPU")

# CUDA compute capabilities whose float64 rate is at least half the float32
# rate: P100 (6.0), V100 (7.0), A100/A30 (8.0), H100/H200 (9.0), B200 (10.0).
# Every other (GeForce, RTX, most workstation cards: 6.1, 7.5, 8.6, 8.9, 12.x)
# runs float64 at 1/32 to 1/64 of float32 (NVIDIA's architecture white papers).
FAST_FLOAT64_CUDA = frozenset({(6, 0), (7, 0), (8, 0), (9, 0), (10, 0)})


def device_capabilities(device):
    """The :class:`DeviceCapabilities` of ``device`` (a resolved ``torch.device``)."""
    if device.type == "cuda":
        index = device.index if device.index is not None else torch.cuda.current_device()
        props = torch.cuda.get_device_properties(index)
        free, _ = torch.cuda.mem_get_info(index)
        return DeviceCapabilities(
            "cuda", index, float64=True,
            fast_float64=(props.major, props.minor) in FAST_FLOAT64_CUDA,
            memory_bytes=int(free), name=props.name)
    if device.type == "mps":
        try:
            free = int(torch.mps.recommended_max_memory() - torch.mps.driver_allocated_memory())
        except (AttributeError, RuntimeError):
            free = None
        return DeviceCapabilities("mps", 0, float64=False, fast_float64=False,
                                  memory_bytes=free, name="Apple MPS")
    return CPU


# ---------------------------------------------------------------------------
# dtype
# ---------------------------------------------------------------------------


def compute_dtype(caps, dtype):
    """The numpy dtype the tensors use on this device, for parameters whose
    scikit-learn dtype is ``dtype``: the same, except float32 where the
    device has no float64 (MPS). The fitted ``coefs_`` keep ``dtype``."""
    dtype = np.dtype(dtype)
    if dtype == np.float64 and not caps.float64:
        return np.dtype(np.float32)
    return dtype


def dtype_advice(caps, dtype, stochastic):
    """The warning (or None) that computing parameters of ``dtype`` on this
    device deserves: float32 instead of float64 on MPS; float64 at a small
    fraction of float32's speed on a consumer GPU."""
    dtype = np.dtype(dtype)
    if dtype != np.float64:
        return None
    if not caps.float64:
        return (f"{caps.name or caps.type} has no float64: skorchlite computes in float32 "
                f"there (fitted coefs_ keep scikit-learn's float64 dtype), so results "
                "differ from a float64 CPU fit at float32 precision. Use device='cpu' "
                "for float64 arithmetic.")
    if caps.type != "cpu" and not caps.fast_float64:
        remedy = ("pass float32 data (X.astype(np.float32)) to train in float32"
                  if stochastic else
                  "lbfgs always computes in float64 (as scikit-learn's does): use "
                  "device='cpu' or 'auto' for lbfgs")
        return (f"{caps.name or caps.type} runs float64 arithmetic at 1/32 to 1/64 of its "
                f"float32 speed, and this fit computes in float64 (scikit-learn's dtype "
                f"for this data and solver); {remedy}.")
    return None


_warned = set()
_warned_lock = threading.Lock()


def warn_once(key, message, category=UserWarning, stacklevel=3):
    """Warn with ``message`` the first time ``key`` is seen in this process."""
    with _warned_lock:
        if key in _warned:
            return
        _warned.add(key)
    warnings.warn(message, category, stacklevel=stacklevel)


# ---------------------------------------------------------------------------
# device="auto"
# ---------------------------------------------------------------------------

# Multiply-adds per training step (rows per minibatch x weights x restarts)
# from which device="auto" trains adam and sgd on CUDA. Below it a step is
# cheaper on the CPU than the GPU's fixed cost per step: a step launches about
# 25 kernels (38 torch operations) at several microseconds each, 0.1-0.3 ms
# whatever the size, and the process pays for creating the CUDA context
# (around a second) once. A 1e6 step takes about 0.5 ms on one CPU core
# (measured: docs/devices.rst); the teaching problems (1-D inputs, tens of
# units, 4e3-1e5 per step, 0.06-0.4 ms) stay on the CPU.
AUTO_CUDA_WORK = 1_000_000


def auto_device(stochastic, work_per_step, cuda):
    """Where ``device="auto"`` trains.

    Parameters
    ----------
    stochastic : bool
        Whether the solver trains on minibatches (adam, sgd) or not (lbfgs).
    work_per_step : int
        Multiply-adds per training step (rows x weights x restarts per step).
    cuda : DeviceCapabilities or None
        The current CUDA device, or None when torch sees none.

    lbfgs stays on the CPU: each of its evaluations ends in two blocking
    device-to-host copies (loss and gradient) for scipy, its arithmetic is
    float64 (slow on consumer GPUs), and scipy's own work per iteration is
    the same on both. adam and sgd go to CUDA from :data:`AUTO_CUDA_WORK`
    multiply-adds per step.
    """
    if cuda is None or not stochastic or work_per_step < AUTO_CUDA_WORK:
        return CPU.device
    return cuda.device


# ---------------------------------------------------------------------------
# Memory
# ---------------------------------------------------------------------------

# Bytes of intermediate values (activations) one chunk of rows may take.
# 64 MiB stays in the CPU's caches' reach and is small on any GPU; on an
# accelerator a chunk may take up to 1/16 of the free memory (at most 1 GiB),
# so that big predictions need fewer launches.
CHUNK_BYTES = 64 * 2**20
MAX_CHUNK_BYTES = 2**30

# Share of the free device memory a fit may plan to use; the rest is left to
# torch's allocator (fragmentation, temporaries the estimate leaves out).
MEMORY_FRACTION = 0.8


def chunk_budget(caps):
    """Bytes of activations one chunk of rows may take on this device."""
    if caps.type == "cpu" or caps.memory_bytes is None:
        return CHUNK_BYTES
    return int(np.clip(caps.memory_bytes // 16, CHUNK_BYTES, MAX_CHUNK_BYTES))


def chunk_rows(caps, n_restarts, widest, itemsize, minimum=64):
    """Rows per chunk so that ``n_restarts`` x rows x ``widest`` values of
    ``itemsize`` bytes stay within :func:`chunk_budget` (at least ``minimum``)."""
    per_row = max(1, n_restarts * widest * itemsize)
    return max(minimum, chunk_budget(caps) // per_row)


def training_bytes(*, n_rows, n_columns, n_val_rows, n_params, n_restarts,
                   rows_per_step, hidden_units, itemsize, optimizer_slots):
    """An estimate of the device memory a fit needs, in bytes.

    The training table (``n_rows`` x ``n_columns``: X, Y and the sample
    weights side by side) and the validation rows; the parameters, their
    gradient and ``optimizer_slots`` more copies (adam: 2 moments and the
    early-stopping best, sgd: 1 velocity...) for every restart; and for a
    step, the hidden activations and their deltas (two values per hidden
    unit per row per restart).
    """
    table = (n_rows + n_val_rows) * n_columns
    params = (2 + optimizer_slots) * n_restarts * n_params
    step = 2 * n_restarts * rows_per_step * hidden_units
    return int((table + params + step) * itemsize)


def check_memory(caps, need_bytes, *, n_restarts, dtype):
    """Raise ``MemoryError`` with the remedies when a fit that needs
    ``need_bytes`` cannot fit in the device's free memory."""
    if caps.memory_bytes is None or need_bytes <= MEMORY_FRACTION * caps.memory_bytes:
        return
    remedies = []
    if np.dtype(dtype) == np.float64:
        remedies.append("pass float32 data (X.astype(np.float32)) to halve it "
                        "(adam and sgd)")
    if n_restarts > 1:
        remedies.append(f"use fewer restarts (now n_restarts={n_restarts})")
    remedies.append("train on the CPU (device='cpu')")
    remedies.append("or stream the data in parts with partial_fit")
    raise MemoryError(
        f"This fit needs about {need_bytes / 2**30:.2f} GiB on {caps.device} "
        f"({caps.name or caps.type}), which has {caps.memory_bytes / 2**30:.2f} GiB "
        f"free; skorchlite plans to use at most {MEMORY_FRACTION:.0%} of it. To fit: "
        + "; ".join(remedies) + ".")


# ---------------------------------------------------------------------------
# Where a fitted model predicts
# ---------------------------------------------------------------------------


def fallback_device(fitted, *, cuda_count, cuda_current, mps_available):
    """The device a model fitted on ``fitted`` predicts on here, and a
    warning message (or None).

    ``cuda_count`` is the number of CUDA devices torch sees, ``cuda_current``
    the index of the current one. A model fitted on a CUDA device this
    machine lacks (cuda:1 where only cuda:0 exists) uses the current CUDA
    device; without any CUDA device, or MPS where there is none, the CPU.
    """
    if fitted is None or fitted.type == "cpu":
        return CPU.device, None
    if fitted.type == "cuda" and cuda_count > 0:
        index = fitted.index if fitted.index is not None else cuda_current
        return torch.device("cuda", index if index < cuda_count else cuda_current), None
    if fitted.type == "mps" and mps_available:
        return torch.device("mps", 0), None
    return CPU.device, (f"This estimator was fitted on {fitted}, which is not available "
                        "here; predicting on the CPU instead.")


# ---------------------------------------------------------------------------
# Determinism
# ---------------------------------------------------------------------------


def determinism_problem(caps, deterministic, warn_only, workspace_config):
    """Why a fit on this device would fail under
    ``torch.use_deterministic_algorithms(True)``, or None.

    cuBLAS is deterministic only with a fixed workspace, which the
    environment variable ``CUBLAS_WORKSPACE_CONFIG`` (``":4096:8"`` or
    ``":16:8"``) sets; without it torch raises in the middle of the first
    matrix product. skorchlite says so before training starts.
    """
    if caps.type != "cuda" or not deterministic or warn_only:
        return None
    if workspace_config in (":4096:8", ":16:8"):
        return None
    return ("torch.use_deterministic_algorithms(True) is on, and deterministic matrix "
            f"products on CUDA need a fixed cuBLAS workspace, but CUBLAS_WORKSPACE_CONFIG "
            f"is {workspace_config!r}. Set the environment variable "
            "CUBLAS_WORKSPACE_CONFIG=:4096:8 (or :16:8) before the process first uses "
            "CUDA, or call torch.use_deterministic_algorithms(False), or use "
            "device='cpu'.")
