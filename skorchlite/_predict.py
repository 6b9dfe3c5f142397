"""Prediction: a fitted network run over numpy rows, chunk by chunk.

Takes the numpy weights of one network and numpy (or scipy sparse) rows,
returns numpy arrays; torch stays inside. Rows are processed in chunks so
that the activations of one chunk stay within ``working_memory`` MiB (the
estimators pass scikit-learn's ``working_memory`` setting), and only the
arrays asked for are kept. On the CPU each chunk is computed in pieces small
enough that torch never splits an operation over its threads, spread over a
worker pool (:mod:`skorchlite._chunks`): no thread setting is changed and the
result does not depend on the thread count.
"""

import numpy as np
import scipy.sparse as sp

from ._chunks import grain_rows, run_chunks
from ._network import BatchedMLP, to_numpy, to_tensor, torch_dtype

MIN_CHUNK_ROWS = 1024
"""Fewer rows per chunk cost more in per-call overhead than they save."""


def chunk_rows(n_features, widths, working_memory):
    """Rows per chunk: ``working_memory`` MiB of float64 activations in the
    widest layer (input included), at least :data:`MIN_CHUNK_ROWS`."""
    row_bytes = 8 * max(n_features, *widths)
    return max(MIN_CHUNK_ROWS, int(working_memory * 2**20) // row_bytes)


def prediction_network(coefs, intercepts, activation, out_activation, device, dtype):
    """One network's numpy weights as a :class:`BatchedMLP` of one restart on
    ``device``, with tensors of numpy ``dtype``."""
    return BatchedMLP([c[None] for c in coefs], [b[None] for b in intercepts], activation,
                      out_activation, None, device, torch_dtype(dtype))


def forward(coefs, intercepts, activation, out_activation, X, *, device, working_memory,
            step=False, layers=None, compute_dtype=None, net=None):
    """Run one network over the rows of X.

    Parameters
    ----------
    coefs, intercepts : list of ndarray
        The network's weights ``(fan_in, fan_out)`` and biases ``(fan_out,)``.
    activation, out_activation : str
        Hidden and output activations (keys of the ``_network`` registries).
    X : ndarray or sparse matrix of shape (n_samples, n_features)
        Float rows; computed in the wider of X's and the weights' dtypes.
    device : torch.device
    working_memory : float
        MiB of activations one chunk may use.
    step : bool, default=False
        Replace every hidden unit by its step limit.
    layers : list of int, default=None
        Hidden layers whose activations to return instead of the output.
    compute_dtype : numpy dtype, default=None
        The dtype of the tensors on ``device`` (float32 on a device without
        float64); None: the dtype of the result.
    net : BatchedMLP, default=None
        These weights already on the device (:func:`prediction_network`),
        reused instead of built.

    Returns
    -------
    ndarray of shape (n_samples, n_outputs), or with ``layers`` a list of
    ndarray of shape (n_samples, units), one per requested layer.
    """
    dtype = np.result_type(X.dtype, coefs[0].dtype)
    if net is None:
        net = prediction_network(coefs, intercepts, activation, out_activation, device,
                                 compute_dtype or dtype)
    widths = [c.shape[1] for c in coefs]
    chunk = chunk_rows(X.shape[1], widths, working_memory)
    n = X.shape[0]
    results = ([np.empty((n, widths[layer]), dtype=dtype) for layer in layers]
               if layers is not None else [np.empty((n, widths[-1]), dtype=dtype)])
    piece = grain_rows(max(X.shape[1], *widths), device)
    for start in range(0, n, chunk):
        rows = X[start:start + chunk]
        rows = to_tensor(rows.toarray() if sp.issparse(rows) else rows, device, net.dtype)

        def work(first, last, rows=rows, start=start):
            out, hidden = net.evaluate(rows[first:last], step)
            chosen = [hidden[layer] for layer in layers] if layers is not None else [out]
            for result, values in zip(results, chosen):
                result[start + first:start + last] = to_numpy(values[0])
        run_chunks(rows.shape[0], piece, work, device)
    return results if layers is not None else results[0]
