"""FID maths against a straightforward NumPy/SciPy reference, with identity features (TF-GAN style)."""

import numpy as np
import pytest
import scipy.linalg

from zoo.metrics.frechet import activation_statistics, fid_from_features, frechet_distance


def reference_fid(x, y):
    """The textbook formula, written out independently: np.cov + scipy sqrtm."""
    mu1, mu2 = x.mean(0), y.mean(0)
    s1, s2 = np.cov(x, rowvar=False), np.cov(y, rowvar=False)
    covmean = scipy.linalg.sqrtm(s1 @ s2).real
    return np.sum((mu1 - mu2) ** 2) + np.trace(s1 + s2 - 2 * covmean)


def gaussian(n, d, seed, shift=0.0, scale=1.0):
    rng = np.random.RandomState(seed)
    a = rng.normal(size=(d, d)) / np.sqrt(d)
    return (rng.normal(size=(n, d)) @ a) * scale + shift


def test_statistics_match_numpy():
    x = gaussian(200, 7, 0)
    mu, sigma = activation_statistics(x.astype(np.float32))
    assert mu.dtype == np.float64 and sigma.dtype == np.float64
    np.testing.assert_allclose(mu, x.mean(0), rtol=1e-6)
    np.testing.assert_allclose(sigma, np.cov(x, rowvar=False), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("shift,scale", [(0.0, 1.0), (0.5, 1.0), (0.0, 2.0), (1.5, 0.3)])
def test_fid_matches_reference(shift, scale):
    x, y = gaussian(500, 16, 1), gaussian(400, 16, 2, shift, scale)
    np.testing.assert_allclose(fid_from_features(x, y), reference_fid(x, y), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("n", [500, 20])
def test_eigh_method_matches_sqrtm(n):
    x, y = gaussian(n, 16, 6), gaussian(n, 16, 7, 0.3, 1.4)
    a, b = activation_statistics(x), activation_statistics(y)
    assert frechet_distance(*a, *b, method="eigh") == pytest.approx(frechet_distance(*a, *b), rel=1e-6, abs=1e-6)


def test_fid_of_identical_sets_is_zero():
    x = gaussian(300, 32, 3)
    assert abs(fid_from_features(x, x)) < 1e-6


def test_fid_closed_form_for_diagonal_gaussians():
    # N(m1, diag(s1^2)) vs N(m2, diag(s2^2)): ||m1 - m2||^2 + sum (s1 - s2)^2
    m1, m2 = np.array([0.0, 1.0, -2.0]), np.array([1.0, 1.0, 0.0])
    s1, s2 = np.array([1.0, 2.0, 0.5]), np.array([3.0, 1.0, 0.5])
    expected = np.sum((m1 - m2) ** 2) + np.sum((s1 - s2) ** 2)
    assert frechet_distance(m1, np.diag(s1 ** 2), m2, np.diag(s2 ** 2)) == pytest.approx(expected, rel=1e-10)


def test_singular_covariances_use_the_eps_offset():
    # fewer samples than dimensions: singular covariances, the result must still be finite and non-negative
    x, y = gaussian(10, 40, 4), gaussian(10, 40, 5, 0.2)
    value = fid_from_features(x, y)
    assert np.isfinite(value) and value > 0


def test_shape_errors_name_the_expected_shapes():
    with pytest.raises(ValueError, match=r"\(d,\) and sigma \(d, d\)"):
        frechet_distance(np.zeros(3), np.eye(3), np.zeros(4), np.eye(4))
    with pytest.raises(ValueError, match="expected 'sqrtm' or 'eigh'"):
        frechet_distance(np.zeros(3), np.eye(3), np.zeros(3), np.eye(3), method="newton")
    with pytest.raises(ValueError, match="n >= 2"):
        activation_statistics(np.zeros((1, 3)))
