"""Prediction in fixed pieces of rows, which no thread setting can change.

torch splits an elementwise operation over its intra-op threads once the
tensor holds more than ``GRAIN_SIZE`` elements, and computes each piece with
vector instructions plus a scalar tail, so the last bit of a result can
depend on how many threads torch has at that moment (one row in a few
thousand differs). Prediction therefore runs the network over pieces of rows
small enough that no operation is split (rows x widest layer <=
``GRAIN_SIZE``), each piece computed start to end by one thread, and spreads
the pieces over a pool of worker threads of its own, as many as
``torch.get_num_threads()`` (read, never set). Every row's result is then the
same whatever the thread settings and whatever other threads do, and
prediction changes no process-wide setting.
"""

import os
import threading
from concurrent.futures import ThreadPoolExecutor

import torch

# torch's at::internal::GRAIN_SIZE: smaller elementwise operations run on the
# calling thread only.
GRAIN_SIZE = 32768

_pool = {"executor": None}
_pool_lock = threading.Lock()


def grain_rows(widest, device):
    """Rows per piece for a network whose widest layer (input included) has
    ``widest`` units; on a GPU (deterministic whatever the host threads do)
    one piece is the whole chunk."""
    if device.type != "cpu":
        return 2**62
    return max(1, GRAIN_SIZE // widest)


def _executor():
    with _pool_lock:
        if _pool["executor"] is None:
            _pool["executor"] = ThreadPoolExecutor(
                max_workers=os.cpu_count() or 1, thread_name_prefix="skorchlite-predict")
        return _pool["executor"]


def _forget_pool():
    """A forked child has the pool object but none of its threads."""
    _pool["executor"] = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool)


def run_chunks(n_rows, rows, work, device):
    """Call ``work(start, stop)`` for every piece of ``rows`` rows out of
    ``n_rows``: on a GPU, or for a single piece, on the calling thread; else
    spread over ``torch.get_num_threads()`` threads of the shared pool, each
    taking a contiguous block of pieces."""
    starts = range(0, n_rows, rows)
    workers = 1 if device.type != "cpu" else min(torch.get_num_threads(), len(starts))
    if workers <= 1:
        for start in starts:
            work(start, min(start + rows, n_rows))
        return

    def block(first, last):
        for start in starts[first:last]:
            work(start, min(start + rows, n_rows))

    bounds = [len(starts) * k // workers for k in range(workers + 1)]
    futures = [_executor().submit(block, a, b) for a, b in zip(bounds[:-1], bounds[1:])]
    for future in futures:
        future.result()
