"""Toy datasets: shapes, labels, reproducibility from a seed, and the geometry each one promises."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from nn.data import DATASETS, blobs, circles, make_dataset, moons, n_classes, spirals, xor


@pytest.mark.parametrize("name", list(DATASETS))
def test_every_dataset_is_n_points_in_2d_with_int_labels_and_reproducible(name):
    X, y = make_dataset(name, n=60, seed=3)
    assert X.shape == (60, 2) and X.dtype == np.float64
    assert y.shape == (60,) and y.dtype == np.int64 and y.min() == 0
    X2, y2 = make_dataset(name, n=60, seed=3)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    assert not np.array_equal(X, make_dataset(name, n=60, seed=4)[0])


def test_moons_without_noise_lie_on_two_unit_half_circles():
    X, y = moons(50, noise=0.0, seed=0)
    top, bottom = X[y == 0], X[y == 1]
    np.testing.assert_allclose(np.hypot(top[:, 0], top[:, 1]), 1.0, rtol=1e-12)
    assert np.all(top[:, 1] >= -1e-12)
    np.testing.assert_allclose(np.hypot(bottom[:, 0] - 1.0, bottom[:, 1] - 0.5), 1.0, rtol=1e-12)
    assert np.all(bottom[:, 1] <= 0.5 + 1e-12)
    assert len(top) == len(bottom) == 25


def test_circles_without_noise_have_radius_one_and_factor():
    X, y = circles(40, noise=0.0, factor=0.3, seed=0)
    radius = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(radius[y == 0], 1.0, rtol=1e-12)
    np.testing.assert_allclose(radius[y == 1], 0.3, rtol=1e-12)


def test_spirals_have_k_balanced_classes_within_the_unit_disc():
    X, y = spirals(100, classes=4, seed=0)
    assert n_classes(y) == 4 and sorted(np.bincount(y)) == [25, 25, 25, 25]
    assert np.all(np.hypot(X[:, 0], X[:, 1]) <= 1.0 + 1e-12)


def test_xor_labels_are_one_where_exactly_one_coordinate_is_positive():
    X, y = xor(200, seed=0)
    np.testing.assert_array_equal(y, (X[:, 0] > 0) != (X[:, 1] > 0))
    assert np.all(np.abs(X) <= 1.0)


def test_blobs_cluster_around_their_own_centres():
    X, y = blobs(600, centers=3, std=0.5, seed=0)
    assert n_classes(y) == 3
    for c in range(3):
        points = X[y == c]
        assert points.std(axis=0) == pytest.approx([0.5, 0.5], rel=0.2)  # 200 draws per axis: ~5% s.e.


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: moons(0), "n must be an int ≥ 2"),
        (lambda: moons(10, noise=-1), "noise must be a finite number ≥ 0"),
        (lambda: circles(10, factor=1.5), r"factor must be a number in \(0, 1\)"),
        (lambda: spirals(10, classes=1), "classes must be an int ≥ 2"),
        (lambda: blobs(10, std=0), "std must be a positive number"),
        (lambda: make_dataset("iris"), "unknown dataset 'iris': choose one of moons, circles, spirals, xor, blobs"),
    ],
)
def test_bad_dataset_arguments_are_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_digits_are_the_uci_images_as_scikit_learn_ships_them():
    sklearn = pytest.importorskip("sklearn.datasets", reason="scikit-learn ships the UCI digits")
    from nn.data import digits

    X, y = digits()
    raw = sklearn.load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float64 and y.dtype == np.int64
    np.testing.assert_array_equal(X * 16.0, raw.data)
    np.testing.assert_array_equal(y, raw.target)
    assert X.min() == 0.0 and X.max() == 1.0


def test_digits_without_scikit_learn_says_how_to_install_it(monkeypatch):
    from nn.data import digits

    for name in ("sklearn", "sklearn.datasets"):
        monkeypatch.setitem(sys.modules, name, None)  # `import sklearn` now fails
    with pytest.raises(ModuleNotFoundError, match=r"pip install 'deltagrad\[digits\]'"):
        digits()
