"""KID maths: unbiased MMD^2 with the cubic kernel vs an explicit double loop; subset averaging."""

import numpy as np
import pytest

from zoo.metrics.kid import kernel_inception_distance, mmd2_unbiased, polynomial_kernel


def loop_mmd2(x, y):
    """MMD^2_u written as the sums in Binkowski et al. 2018, with an explicit kernel."""
    d = x.shape[1]

    def k(a, b):
        return (a @ b / d + 1.0) ** 3

    m = len(x)
    xx = sum(k(x[i], x[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
    yy = sum(k(y[i], y[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
    xy = sum(k(x[i], y[j]) for i in range(m) for j in range(m)) / (m * m)
    return xx + yy - 2 * xy


def test_kernel_formula():
    x, y = np.array([[1.0, 2.0]]), np.array([[3.0, -1.0], [0.0, 0.0]])
    np.testing.assert_allclose(polynomial_kernel(x, y), [[(1 / 2 + 1) ** 3, 1.0]])


def test_mmd2_matches_loop():
    rng = np.random.RandomState(0)
    x, y = rng.normal(size=(12, 5)), rng.normal(0.3, 1.2, size=(12, 5))
    assert mmd2_unbiased(x, y) == pytest.approx(loop_mmd2(x, y), rel=1e-10)


def test_kid_averages_subsets_like_the_reference():
    rng = np.random.RandomState(1)
    real, fake = rng.normal(size=(40, 6)), rng.normal(0.5, 1.0, size=(30, 6))
    mean, std = kernel_inception_distance(real, fake, num_subsets=5, subset_size=10, seed=3)
    draw = np.random.RandomState(3)
    values = [loop_mmd2(real[draw.choice(40, 10, replace=False)], fake[draw.choice(30, 10, replace=False)])
              for _ in range(5)]
    assert mean == pytest.approx(np.mean(values), rel=1e-9)
    assert std == pytest.approx(np.std(values), rel=1e-9)


def test_kid_is_unbiased_near_zero_for_one_distribution_and_positive_otherwise():
    rng = np.random.RandomState(2)
    a, b = rng.normal(size=(400, 8)), rng.normal(size=(400, 8))
    same, same_std = kernel_inception_distance(a, b, num_subsets=20, subset_size=200)
    shifted, _ = kernel_inception_distance(a, b + 1.0, num_subsets=20, subset_size=200)
    assert abs(same) < 3 * same_std + 1e-3
    assert shifted > 0.1


def test_kid_of_identical_sets_is_slightly_negative():
    # X = Y: MMD^2_u = 2(S - T)/(m(m-1)) - 2S/m^2 with S = sum k, T = trace k: of order -2 mean(diag k) / m
    x = np.random.RandomState(4).normal(size=(100, 4))
    mean, _ = kernel_inception_distance(x, x, num_subsets=3, subset_size=100)
    diag = np.diag(polynomial_kernel(x, x)).mean()
    assert -2 * diag / 100 < mean <= 0


def test_kid_errors():
    with pytest.raises(ValueError, match="same d"):
        kernel_inception_distance(np.zeros((5, 3)), np.zeros((5, 4)))
    with pytest.raises(ValueError, match="at least 2"):
        kernel_inception_distance(np.zeros((1, 3)), np.zeros((5, 3)))
