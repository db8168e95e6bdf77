"""Kernel Inception Distance: the unbiased squared MMD with a cubic polynomial kernel, averaged over subsets.

k(x, y) = (x . y / d + 1)^3, and for subsets X, Y of m features each

MMD^2_u = 1/(m(m-1)) sum_{i != j} k(x_i, x_j) + 1/(m(m-1)) sum_{i != j} k(y_i, y_j) - 2/m^2 sum_{i, j} k(x_i, y_j).

KID is the mean of MMD^2_u over `num_subsets` random subsets (drawn without replacement within a subset); its std
over the subsets is reported beside it. Unlike FID it is unbiased in the sample size.
Reference: Binkowski, Sutherland, Arbel, Gretton 2018, "Demystifying MMD GANs", Sec. 4 and Appendix D.
"""

from __future__ import annotations

import numpy as np


def polynomial_kernel(x, y, degree: int = 3, coef0: float = 1.0) -> np.ndarray:
    """k(x, y) = (x . y / d + coef0)^degree for rows x (n, d), y (m, d) -> (n, m), float64."""
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    return (x @ y.T / x.shape[1] + coef0) ** degree


def mmd2_unbiased(x, y, kernel=polynomial_kernel) -> float:
    """The unbiased estimate MMD^2_u of two equally sized samples x, y (m, d), m >= 2 (formula in the module)."""
    m = x.shape[0]
    if y.shape[0] != m or m < 2:
        raise ValueError(f"mmd2_unbiased expects two samples of the same size m >= 2, got {x.shape}, {y.shape}")
    k_xx, k_yy, k_xy = kernel(x, x), kernel(y, y), kernel(x, y)
    sum_xx = k_xx.sum() - np.trace(k_xx)
    sum_yy = k_yy.sum() - np.trace(k_yy)
    return float((sum_xx + sum_yy) / (m * (m - 1)) - 2.0 * k_xy.sum() / (m * m))


def kernel_inception_distance(real_features, fake_features, num_subsets: int = 100, subset_size: int = 1000,
                              seed: int = 0) -> tuple:
    """(mean, std) of `mmd2_unbiased` over `num_subsets` subsets of min(subset_size, n_real, n_fake) features each.

    Subsets are drawn with `np.random.RandomState(seed)` (stable across NumPy versions). When both sets have at most
    `subset_size` features every subset is the whole set, so the std is 0: use more features than `subset_size`
    (the usual 10,000 vs 1,000) for a meaningful spread.
    """
    real = np.asarray(real_features, np.float64)
    fake = np.asarray(fake_features, np.float64)
    if real.ndim != 2 or fake.ndim != 2 or real.shape[1] != fake.shape[1]:
        raise ValueError(f"kernel_inception_distance expects features (n, d) with the same d, "
                         f"got {real.shape} and {fake.shape}")
    m = min(int(subset_size), real.shape[0], fake.shape[0])
    if m < 2:
        raise ValueError(f"KID needs at least 2 features per set, got {real.shape[0]} real and {fake.shape[0]} fake")
    rng = np.random.RandomState(seed)
    values = np.array([mmd2_unbiased(real[rng.choice(real.shape[0], m, replace=False)],
                                     fake[rng.choice(fake.shape[0], m, replace=False)])
                       for _ in range(int(num_subsets))])
    return float(values.mean()), float(values.std())
