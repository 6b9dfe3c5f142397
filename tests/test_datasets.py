"""The teaching data sets: shapes, formulas, seeds."""

import numpy as np
import pytest

from skorchlite import datasets


def test_noisy_sine():
    X, y = datasets.make_noisy_sine(random_state=0)
    assert X.shape == (629, 1) and y.shape == (629,)
    np.testing.assert_allclose(np.diff(X[:, 0]), 0.01, rtol=1e-9)
    assert X[0, 0] == 0 and X[-1, 0] < 2 * np.pi
    residual = y - np.sin(X[:, 0])
    assert 0.08 < residual.std() < 0.12
    X0, y0 = datasets.make_noisy_sine(noise=0)
    np.testing.assert_array_equal(y0, np.sin(X0[:, 0]))


def test_damped_sine():
    X, y = datasets.make_damped_sine()
    assert X.shape == (200, 1)
    np.testing.assert_allclose(X[[0, -1], 0], [-10, 9.9])
    np.testing.assert_allclose(y, np.sin(3 * X[:, 0]) * np.exp(-X[:, 0] / 8))


def test_rings():
    X, y = datasets.make_rings(random_state=0)
    assert X.shape == (2000, 2) and (np.bincount(y) == 1000).all()
    radius = np.hypot(X[:, 0], X[:, 1])
    assert radius[y == 0].max() <= 1 and radius[y == 1].min() >= 3
    assert radius[y == 1].max() <= 4
    assert datasets.make_rings(50, random_state=1)[0].shape == (100, 2)


def test_quadratic():
    X, y = datasets.make_quadratic(random_state=0)
    np.testing.assert_allclose(X[:, 0], np.linspace(-1, 1, 100))
    residual = y - X[:, 0] ** 2
    assert residual.min() >= 0 and residual.max() <= 0.2


def test_line():
    X, y = datasets.make_line(1000, random_state=0)
    assert X.min() >= 0 and X.max() <= 5
    slope, intercept = np.polyfit(X[:, 0], y, 1)
    assert slope == pytest.approx(0.5, abs=0.05) and intercept == pytest.approx(1, abs=0.1)
    assert datasets.make_line(random_state=0)[0].shape == (10, 1)


@pytest.mark.parametrize("make", [datasets.make_noisy_sine, datasets.make_damped_sine,
                                  datasets.make_rings, datasets.make_quadratic,
                                  datasets.make_line])
def test_seeded(make):
    a = make(random_state=3, noise=0.1)
    b = make(random_state=3, noise=0.1)
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    with pytest.raises(ValueError, match="noise must be a finite float >= 0; got -1"):
        make(noise=-1)


@pytest.mark.parametrize("make", [datasets.make_rings, datasets.make_quadratic,
                                  datasets.make_line])
def test_bad_n_samples(make):
    with pytest.raises(ValueError, match="n_samples must be an int >= "):
        make(0)
