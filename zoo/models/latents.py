"""Latent and label sampling shared by every generator: NumPy only, so a seed means the same z everywhere."""

from __future__ import annotations

import numpy as np


MIN_TRUNCATION = 0.01  # a value is redrawn about 1 / (0.8 T) times: 125 rounds at T = 0.01, 1e9 at T = 1e-9


def check_truncation_threshold(threshold: float) -> float:
    """`threshold` as a float when it is a usable truncation-trick threshold (>= `MIN_TRUNCATION`); ValueError
    otherwise, before any redraw loop starts."""
    threshold = float(threshold)
    if not threshold > 0:
        raise ValueError(f"truncation must be > 0, got {threshold}")
    if threshold < MIN_TRUNCATION:
        raise ValueError(f"truncation must be >= {MIN_TRUNCATION} (the truncation trick redraws each value about "
                         f"1 / (0.8 T) times), got {threshold}")
    return threshold


def truncated_normal(rng: np.random.Generator, shape, threshold: float) -> np.ndarray:
    """Standard normal samples with every |z| > threshold redrawn until inside (BigGAN truncation trick);
    threshold >= `MIN_TRUNCATION`.

    Reference: Brock et al. 2019, "Large Scale GAN Training for High Fidelity Natural Image Synthesis", Sec. 3.1.
    """
    threshold = check_truncation_threshold(threshold)
    z = rng.standard_normal(shape, dtype=np.float32)
    bad = np.abs(z) > threshold
    while bad.any():
        z[bad] = rng.standard_normal(int(bad.sum()), dtype=np.float32)
        bad = np.abs(z) > threshold
    return z


def sample_latents(num: int, latent_dim: int, seed: int = 0, truncation: float | None = None) -> np.ndarray:
    """`num` latent vectors of size `latent_dim` from seed `seed`; truncated normal when `truncation` is set."""
    if int(num) < 1:
        raise ValueError(f"num must be >= 1, got {num}")
    rng = np.random.default_rng(int(seed))
    if truncation is None:
        return rng.standard_normal((int(num), int(latent_dim)), dtype=np.float32)
    return truncated_normal(rng, (int(num), int(latent_dim)), float(truncation))


def check_label_values(labels, batch, num_classes: int, owner: str = "model") -> None:
    """Raise a ValueError when `labels` (array or tensor) is not of shape (batch,) or, when its values are
    known (NumPy / eager), not in [0, num_classes). Symbolic tensors are checked for shape only."""
    shape = tuple(getattr(labels, "shape", np.shape(labels)))
    if len(shape) != 1 or (batch is not None and shape[0] is not None and shape[0] != batch):
        raise ValueError(f"{owner} expects labels of shape ({batch},) (one class id per sample), got {shape}")
    try:
        values = np.asarray(labels)
    except Exception:  # symbolic tensor inside a graph: values unknown here
        return
    if values.dtype == object or values.size == 0:
        return
    if values.min() < 0 or values.max() >= num_classes:
        raise ValueError(f"{owner}: labels must be in [0, {num_classes - 1}], got min {values.min()} "
                         f"max {values.max()}")


def check_labels(labels, num: int, num_classes: int) -> np.ndarray | None:
    """Validate class labels for a generator with `num_classes` classes (0 = unconditional) -> int32 array."""
    if num_classes == 0:
        if labels is not None:
            raise ValueError("this generator is unconditional: labels must be None")
        return None
    if labels is None:
        raise ValueError(f"this generator is class-conditional ({num_classes} classes): pass labels=[...] of length {num}")
    labels = np.asarray(labels)
    if labels.ndim == 0:
        labels = np.full((num,), int(labels))
    if labels.shape != (num,):
        raise ValueError(f"labels must have shape ({num},), got {labels.shape}")
    if not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"labels must be integers, got dtype {labels.dtype}")
    check_label_values(labels, num, num_classes, "this generator")
    return labels.astype(np.int32)
