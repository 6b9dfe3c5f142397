"""Seeded generators of the toy problems skorchlite is taught with.

Each returns ``X`` of shape (n_samples, n_features) and ``y`` of shape
(n_samples,), draws its noise from ``random_state`` (None, an int or a
``numpy.random.RandomState``), and documents its formula.
"""

import numpy as np
from sklearn.utils import check_random_state

__all__ = ["make_noisy_sine", "make_damped_sine", "make_rings", "make_quadratic", "make_line"]


def _check_count(name, value, minimum=1):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) \
            or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}; got {value!r}.")


def _check_noise(noise):
    if not np.isscalar(noise) or not np.isfinite(noise) or noise < 0:
        raise ValueError(f"noise must be a finite float >= 0; got {noise!r}.")


def make_noisy_sine(*, noise=0.1, random_state=None):
    """A noisy sine: x on [0, 2*pi) in steps of 0.01, y = sin(x) + noise * N(0, 1).

    Parameters
    ----------
    noise : float, default=0.1
        Standard deviation of the Gaussian noise added to y.
    random_state : int, RandomState instance or None, default=None
        Seed of the noise.

    Returns
    -------
    X : ndarray of shape (629, 1)
        The inputs x = 0, 0.01, ..., 6.28.
    y : ndarray of shape (629,)
        The noisy targets.

    Examples
    --------
    >>> from skorchlite.datasets import make_noisy_sine
    >>> X, y = make_noisy_sine(random_state=0)
    >>> X.shape, y.shape
    ((629, 1), (629,))
    """
    _check_noise(noise)
    rng = check_random_state(random_state)
    x = np.arange(0, 2 * np.pi, 0.01)
    y = np.sin(x) + noise * rng.standard_normal(x.shape[0])
    return x.reshape(-1, 1), y


def make_damped_sine(*, noise=0.0, random_state=None):
    """A damped sine: x on [-10, 10) in steps of 0.1, y = sin(3x) * exp(-x / 8).

    The amplitude grows from about 0.29 at x = 10 to about 3.5 at x = -10,
    so under squared error the left side dominates the fit.

    Parameters
    ----------
    noise : float, default=0.0
        Standard deviation of Gaussian noise added to y.
    random_state : int, RandomState instance or None, default=None
        Seed of the noise (unused when ``noise=0``).

    Returns
    -------
    X : ndarray of shape (200, 1)
        The inputs x = -10, -9.9, ..., 9.9.
    y : ndarray of shape (200,)
        The targets.

    Examples
    --------
    >>> from skorchlite.datasets import make_damped_sine
    >>> X, y = make_damped_sine()
    >>> X.shape, round(float(y.max()), 2)
    ((200, 1), 3.45)
    """
    _check_noise(noise)
    rng = check_random_state(random_state)
    x = np.arange(-100, 100) / 10.0
    y = np.sin(3 * x) * np.exp(-x / 8)
    if noise:
        y = y + noise * rng.standard_normal(x.shape[0])
    return x.reshape(-1, 1), y


def make_rings(n_samples=1000, *, noise=0.0, random_state=None):
    """Two concentric rings in 2-D, one class each.

    Class 0 lies at radius r ~ U(0, 1), class 1 at radius 3 + U(0, 1), both
    at angle U(0, 2*pi): x = (r cos(angle), r sin(angle)). No straight line
    separates them; three sigmoid units (a triangle of lines) do.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of points in each class (the data set has twice as many).
    noise : float, default=0.0
        Standard deviation of Gaussian noise added to both coordinates.
    random_state : int, RandomState instance or None, default=None
        Seed of the radii, angles and noise.

    Returns
    -------
    X : ndarray of shape (2 * n_samples, 2)
        The points, class 0 first.
    y : ndarray of shape (2 * n_samples,)
        The class, 0 (inner disc) or 1 (outer ring).

    Examples
    --------
    >>> from skorchlite.datasets import make_rings
    >>> X, y = make_rings(random_state=0)
    >>> X.shape, y.sum()
    ((2000, 2), np.int64(1000))
    """
    _check_count("n_samples", n_samples)
    _check_noise(noise)
    rng = check_random_state(random_state)
    radius = np.concatenate([rng.uniform(0, 1, n_samples), 3 + rng.uniform(0, 1, n_samples)])
    angle = rng.uniform(0, 2 * np.pi, 2 * n_samples)
    X = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    if noise:
        X = X + noise * rng.standard_normal(X.shape)
    y = np.repeat(np.array([0, 1]), n_samples)
    return X, y


def make_quadratic(n_samples=100, *, noise=0.2, random_state=None):
    """A noisy parabola: x = linspace(-1, 1, n_samples), y = x**2 + noise * U(0, 1).

    Parameters
    ----------
    n_samples : int, default=100
        Number of points (at least 2).
    noise : float, default=0.2
        Scale of the uniform noise added to y (it shifts y up by noise / 2
        on average).
    random_state : int, RandomState instance or None, default=None
        Seed of the noise.

    Returns
    -------
    X : ndarray of shape (n_samples, 1)
        The inputs.
    y : ndarray of shape (n_samples,)
        The targets.

    Examples
    --------
    >>> from skorchlite.datasets import make_quadratic
    >>> X, y = make_quadratic(random_state=0)
    >>> X.shape, bool(y.min() >= 0)
    ((100, 1), True)
    """
    _check_count("n_samples", n_samples, minimum=2)
    _check_noise(noise)
    rng = check_random_state(random_state)
    x = np.linspace(-1, 1, n_samples)
    y = x**2 + noise * rng.uniform(0, 1, n_samples)
    return x.reshape(-1, 1), y


def make_line(n_samples=10, *, noise=0.5, random_state=None):
    """Points near a line: x ~ U(0, 5), y = 0.5 * (x + N(0, noise**2)) + 1.

    The noiseless line has slope 0.5 and intercept 1.

    Parameters
    ----------
    n_samples : int, default=10
        Number of points.
    noise : float, default=0.5
        Standard deviation of the Gaussian noise added to x inside the line
        (y's noise has standard deviation noise / 2).
    random_state : int, RandomState instance or None, default=None
        Seed of x and the noise.

    Returns
    -------
    X : ndarray of shape (n_samples, 1)
        The inputs.
    y : ndarray of shape (n_samples,)
        The targets.

    Examples
    --------
    >>> from skorchlite.datasets import make_line
    >>> X, y = make_line(random_state=0)
    >>> X.shape, y.shape
    ((10, 1), (10,))
    """
    _check_count("n_samples", n_samples)
    _check_noise(noise)
    rng = check_random_state(random_state)
    x = rng.uniform(0, 5, n_samples)
    y = 0.5 * (x + noise * rng.standard_normal(n_samples)) + 1
    return x.reshape(-1, 1), y
