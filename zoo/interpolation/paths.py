"""Paths between two latents: spherical interpolation (slerp) for Gaussian z, linear (lerp) for w and class
embeddings. NumPy only; the endpoints are returned exactly (t = 0 gives `a`, t = 1 gives `b`, bit for bit)."""

from __future__ import annotations

import numpy as np


def check_pair(a, b) -> tuple[np.ndarray, np.ndarray]:
    a, b = np.asarray(a, np.float32), np.asarray(b, np.float32)
    if a.shape != b.shape or a.ndim < 1:
        raise ValueError(f"interpolation needs two arrays of the same shape (N, ...), got {a.shape} and {b.shape}")
    return a, b


def lerp(a, b, t: float) -> np.ndarray:
    """(1 - t) a + t b, computed in float64, float32 out (w-space and class embeddings)."""
    a, b = check_pair(a, b)
    t = float(t)
    return ((1.0 - t) * a.astype(np.float64) + t * b.astype(np.float64)).astype(np.float32)


def slerp(a, b, t: float) -> np.ndarray:
    """Spherical interpolation of each row pair (a[i], b[i]) (every axis after the first is one vector):
    sin((1 - t) theta) / sin(theta) a + sin(t theta) / sin(theta) b, theta the angle between a[i] and b[i].

    Two vectors of the same norm stay on the sphere of that norm (a straight line between two Gaussian z cuts
    through the low-density centre: its midpoint has ~0.71x the norm for orthogonal z); otherwise the norm moves
    between the two norms. Nearly parallel rows (theta < 1e-6) fall back to `lerp`.

    Reference: Shoemake, "Animating rotation with quaternion curves", SIGGRAPH 1985; White, "Sampling
    Generative Networks", arXiv 1609.04468 (slerp for GAN latents).
    """
    a, b = check_pair(a, b)
    t = float(t)
    x, y = a.reshape(len(a), -1).astype(np.float64), b.reshape(len(b), -1).astype(np.float64)
    norms = np.linalg.norm(x, axis=1) * np.linalg.norm(y, axis=1)
    cos = np.clip(np.sum(x * y, axis=1) / np.maximum(norms, 1e-300), -1.0, 1.0)
    theta = np.arccos(cos)[:, None]
    sin = np.sin(theta)
    curved = theta[:, 0] > 1e-6
    wa = np.where(curved[:, None], np.sin((1.0 - t) * theta) / np.where(curved[:, None], sin, 1.0), 1.0 - t)
    wb = np.where(curved[:, None], np.sin(t * theta) / np.where(curved[:, None], sin, 1.0), t)
    return (wa * x + wb * y).astype(np.float32).reshape(a.shape)


def fractions(frames: int) -> np.ndarray:
    """`frames` evenly spaced t in [0, 1], both ends included (frames >= 2)."""
    if int(frames) < 2:
        raise ValueError(f"a walk needs at least 2 frames (its two endpoints), got {frames}")
    return np.linspace(0.0, 1.0, int(frames))
