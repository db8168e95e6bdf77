"""Per-channel normalisation of stage-1 codes into the [-1, 1] range a GAN generator's tanh output covers.

    normalised = clip((code - mean_c) / (scale * std_c), -1, 1)        code = normalised * scale * std_c + mean_c

mean_c and std_c are per code channel over the training set's codes (`code_statistics`); with scale = 3 a code
within 3 standard deviations of its channel's mean is kept exactly, and the rest (`clipped_fraction`, stored
in the published model's config as `code_clipped`) is clipped. The reconstruction ceiling is measured through the same
normalise / clip / denormalise path (`round_trip`), so it includes the clipping.
"""

from __future__ import annotations

import numpy as np


def code_statistics(codes: np.ndarray) -> tuple[list, list]:
    """([mean_c], [std_c]) of float codes [N, h, w, c] per channel, in float64 (std floored at 1e-6)."""
    codes = np.asarray(codes, np.float64)
    if codes.ndim != 4:
        raise ValueError(f"codes must be [N, h, w, c], got shape {codes.shape}")
    flat = codes.reshape(-1, codes.shape[-1])
    return [float(v) for v in flat.mean(0)], [float(max(v, 1e-6)) for v in flat.std(0)]


def check_statistics(mean, std, scale) -> None:
    if len(mean) != len(std) or not len(mean):
        raise ValueError(f"code_mean and code_std need one entry per code channel, got {len(mean)} and {len(std)}")
    if min(std) <= 0 or not scale > 0:
        raise ValueError(f"code_std entries and code_scale must be positive, got {std} and {scale}")


def normalise(codes, mean, std, scale: float) -> np.ndarray:
    """float32 normalised codes in [-1, 1] (see the module docstring)."""
    check_statistics(mean, std, scale)
    x = (np.asarray(codes, np.float32) - np.float32(mean)) / (np.float32(scale) * np.float32(std))
    return np.clip(x, -1.0, 1.0).astype(np.float32)


def clipped_fraction(codes, mean, std, scale: float) -> float:
    """Fraction of code values outside +-scale standard deviations of their channel's mean (clipped)."""
    x = (np.asarray(codes, np.float64) - np.asarray(mean)) / (scale * np.asarray(std))
    return float(np.mean(np.abs(x) > 1.0))


def denormalise(normalised, mean, std, scale: float):
    """Codes from normalised codes (NumPy or TF tensors): normalised * scale * std_c + mean_c."""
    check_statistics(mean, std, scale)
    return normalised * (np.float32(scale) * np.asarray(std, np.float32)) + np.asarray(mean, np.float32)


def round_trip(codes, mean, std, scale: float) -> np.ndarray:
    """denormalise(normalise(codes)): the codes a perfect stage-2 generator could produce (clipping included)."""
    return np.asarray(denormalise(normalise(codes, mean, std, scale), mean, std, scale), np.float32)
