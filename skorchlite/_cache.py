"""The device cache: torch objects built from an estimator's numpy state.

The numpy ``coefs_``/``intercepts_`` (and the training state) are the fitted
state; a network on the device is only a copy of them. Building that copy
costs an allocation and an upload per layer, which a GPU pays as blocking
host-to-device copies, on every ``predict`` and every ``partial_fit`` call.
A :class:`DeviceCache` keeps the copy between calls, under a key that holds
a fingerprint of the *contents* of the numpy arrays it was built from, so
that any change to them (a user editing ``coefs_`` in place, assigning new
arrays, ``set_params`` of a training parameter, a different device or
dtype) makes the next call rebuild it from numpy. The cache never travels:
pickles and copies drop it, and the first call after loading rebuilds it.
"""

import zlib

import numpy as np


def fingerprint(arrays):
    """A cheap digest of the contents of numpy arrays (shape, dtype and two
    32-bit checksums of the bytes each: about 3 GB/s, so microseconds for
    the networks skorchlite trains)."""
    digest = []
    for array in arrays:
        array = np.asarray(array)
        data = np.ascontiguousarray(array).view(np.uint8).reshape(-1)
        digest.append((array.shape, array.dtype.str, zlib.crc32(data), zlib.adler32(data)))
    return tuple(digest)


class DeviceCache:
    """Torch objects by role (``"predict"``, ``"train"``), each kept with the
    key of the numpy state it was built from."""

    def __init__(self):
        self._entries = {}

    def get(self, role, key):
        """The object kept for ``role`` if it was built from ``key``, else None."""
        entry = self._entries.get(role)
        return entry[1] if entry is not None and entry[0] == key else None

    def take(self, role, key):
        """Like :meth:`get`, but the entry leaves the cache: for objects that
        the caller changes (a network being trained), which come back with
        :meth:`put` only once the numpy state matches them again."""
        value = self.get(role, key)
        self._entries.pop(role, None)
        return value

    def put(self, role, key, value):
        self._entries[role] = (key, value)

    def __len__(self):
        return len(self._entries)

    def __deepcopy__(self, memo):
        return DeviceCache()  # a copy of an estimator builds its own
