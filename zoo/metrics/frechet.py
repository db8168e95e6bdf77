"""Activation statistics and the Frechet distance between two Gaussians (the maths of FID).

FID = ||mu_1 - mu_2||^2 + Tr(S_1 + S_2 - 2 (S_1 S_2)^{1/2}),
the Frechet (2-Wasserstein) distance between N(mu_1, S_1) and N(mu_2, S_2) fitted to Inception pool3 features of
real and generated images. Reference: Heusel et al. 2017, "GANs Trained by a Two Time-Scale Update Rule Converge to
a Local Nash Equilibrium", Eq. 6; Dowson & Landau 1982.
"""

from __future__ import annotations

import numpy as np


def activation_statistics(features) -> tuple:
    """(mu, sigma) in float64: the mean (d,) and the unbiased sample covariance (d, d) of features (n, d), n >= 2.

    mu = (1/n) sum_i f_i,  sigma = 1/(n-1) sum_i (f_i - mu)(f_i - mu)^T.
    """
    f = np.asarray(features, dtype=np.float64)
    if f.ndim != 2 or f.shape[0] < 2:
        raise ValueError(f"activation_statistics expects features of shape (n >= 2, d), got {f.shape}")
    mu = f.mean(axis=0)
    centered = f - mu
    sigma = centered.T @ centered / (f.shape[0] - 1)
    return mu, sigma


def _sqrtm_product(sigma1, sigma2):
    from scipy.linalg import sqrtm

    return sqrtm(sigma1 @ sigma2)


def trace_sqrt_product_eigh(sigma1, sigma2) -> float:
    """Tr((sigma1 sigma2)^{1/2}) = sum_i sqrt(lambda_i(A sigma2 A)), A = sigma1^{1/2} (symmetric PSD, via eigh).

    sigma1 sigma2 is similar to A sigma2 A, whose eigenvalues are real and >= 0 (rounding negatives are clipped).
    Two symmetric eigendecompositions: about 10x faster than `scipy.linalg.sqrtm` at d = 2048.
    """
    w, v = np.linalg.eigh(sigma1)
    root = (v * np.sqrt(np.clip(w, 0, None))) @ v.T
    eigenvalues = np.linalg.eigvalsh(root @ sigma2 @ root)
    return float(np.sqrt(np.clip(eigenvalues, 0, None)).sum())


def frechet_distance(mu1, sigma1, mu2, sigma2, eps: float = 1e-6, imag_atol: float = 1e-3,
                     method: str = "sqrtm") -> float:
    """||mu1 - mu2||^2 + Tr(sigma1) + Tr(sigma2) - 2 Tr((sigma1 sigma2)^{1/2}).

    method 'sqrtm' (default, as TF-GAN / pytorch-fid): the matrix square root is `scipy.linalg.sqrtm`; when it is
    not finite (singular product), both covariances get `eps` * I added and it is recomputed; a complex result
    whose diagonal has an imaginary part above `imag_atol` raises ValueError, otherwise the real part is used.
    method 'eigh': the trace term by `trace_sqrt_product_eigh` (same value to ~1e-6 relative, much faster).
    """
    if method not in ("sqrtm", "eigh"):
        raise ValueError(f"unknown method {method!r}; expected 'sqrtm' or 'eigh'")
    mu1, mu2 = np.atleast_1d(np.asarray(mu1, np.float64)), np.atleast_1d(np.asarray(mu2, np.float64))
    sigma1, sigma2 = np.atleast_2d(np.asarray(sigma1, np.float64)), np.atleast_2d(np.asarray(sigma2, np.float64))
    d = mu1.shape[0]
    if mu2.shape != (d,) or sigma1.shape != (d, d) or sigma2.shape != (d, d):
        raise ValueError(f"frechet_distance expects mu (d,) and sigma (d, d) for both sets, got mu1 {mu1.shape}, "
                         f"sigma1 {sigma1.shape}, mu2 {mu2.shape}, sigma2 {sigma2.shape}")
    diff = mu1 - mu2
    if method == "eigh":
        tr_covmean = trace_sqrt_product_eigh(sigma1, sigma2)
        return float(diff @ diff + np.trace(sigma1) + np.trace(sigma2) - 2.0 * tr_covmean)
    covmean = _sqrtm_product(sigma1, sigma2)
    if not np.isfinite(covmean).all():
        offset = np.eye(d) * eps
        covmean = _sqrtm_product(sigma1 + offset, sigma2 + offset)
    if np.iscomplexobj(covmean):
        max_imag = np.max(np.abs(np.diagonal(covmean).imag))
        if max_imag > imag_atol:
            raise ValueError(f"sqrtm(sigma1 sigma2) has an imaginary diagonal component {max_imag:.3g} > "
                             f"{imag_atol}: the covariances are numerically unstable (too few samples for d={d}?)")
        covmean = covmean.real
    return float(diff @ diff + np.trace(sigma1) + np.trace(sigma2) - 2.0 * np.trace(covmean))


def fid_from_features(real_features, fake_features) -> float:
    """FID between two feature sets (n, d): `frechet_distance` of their `activation_statistics`."""
    return frechet_distance(*activation_statistics(real_features), *activation_statistics(fake_features))
