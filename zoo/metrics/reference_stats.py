"""Cached Inception features and statistics of real data splits (`fmnist/test`, `fmnist/train`, ...).

A reference is '<dataset>/<split>' read with `zoo.data.load_arrays(dataset, split)`. The real set is the first `num`
images of the split, or, with `permutation_seed`, the first `num` of `np.random.RandomState(seed).permutation(N)`.

Cache: `${ZOO_CACHE:-~/.cache/zoo}/fid_stats/<dataset>_<split>_<selection>_n<num>_<resize>_<weights sha12>.npz`
holding `features` (num, 2048) float32 (KID needs them), `mu` (2048,) and `sigma` (2048, 2048) float64, `num`, and
the feature extractor / resize strings; a sidecar `<file>.sha256` holds the file's sha256, checked on every load.
A file whose checksum does not match is recomputed (or, with `strict=True`, raises `CacheChecksumError`).
A smaller `num` of the same selection is a prefix of a larger one, so it is served from the smallest larger cache.
Files are read with `np.load(allow_pickle=False)`.
"""

from __future__ import annotations

import os
import re
import tempfile
import warnings

import numpy as np

from zoo.checksums import sha256_file
from zoo.metrics.fid_weights import FEATURE_EXTRACTOR, FID_WEIGHTS_SHA256
from zoo.metrics.frechet import activation_statistics

CACHE_ENV = "ZOO_CACHE"


class CacheChecksumError(ValueError):
    """A cached statistics file does not match its sidecar sha256."""


def cache_dir() -> str:
    """`${ZOO_CACHE:-~/.cache/zoo}/fid_stats`."""
    root = os.environ.get(CACHE_ENV) or os.path.join(os.path.expanduser("~"), ".cache", "zoo")
    return os.path.join(root, "fid_stats")


def parse_reference(reference: str) -> tuple:
    """'fmnist/test' -> ('fmnist', 'test'); raises ValueError for anything else."""
    parts = str(reference).split("/")
    if len(parts) != 2 or not all(parts):
        raise ValueError(f"reference must look like '<dataset>/<split>' (e.g. 'fmnist/test'), got {reference!r}")
    return parts[0], parts[1]


def select_indices(total: int, num: int | None, permutation_seed: int | None = None) -> np.ndarray:
    """Indices of the real subset: the first `num` of range(total), or of a RandomState(seed) permutation."""
    num = total if num is None else int(num)
    if not 2 <= num <= total:
        raise ValueError(f"need 2 <= num <= {total} real images, got num={num}")
    order = np.arange(total) if permutation_seed is None else np.random.RandomState(permutation_seed).permutation(
        total)
    return order[:num]


def cache_path(reference: str, num: int | str, resize: str, permutation_seed: int | None = None) -> str:
    """The cache file of `num` images of `reference` (num='*' gives the glob pattern of every size)."""
    dataset, split = parse_reference(reference)
    selection = "first" if permutation_seed is None else f"perm{int(permutation_seed)}"
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", f"{dataset}_{split}")
    return os.path.join(cache_dir(), f"{safe}_{selection}_n{num}_{resize}_{FID_WEIGHTS_SHA256[:12]}.npz")


def _larger_cached_features(reference, num, resize, permutation_seed):
    """The first `num` features of the smallest intact cache of the same selection with more images, or None."""
    pattern = cache_path(reference, "*", resize, permutation_seed)
    head, tail = os.path.basename(pattern).split("*")
    sizes = []
    for name in os.listdir(os.path.dirname(pattern)) if os.path.isdir(os.path.dirname(pattern)) else []:
        middle = name[len(head):len(name) - len(tail)] if name.startswith(head) and name.endswith(tail) else ""
        if middle.isdigit() and int(middle) > num:
            sizes.append(int(middle))
    for size in sorted(sizes):
        try:
            return load_stats(cache_path(reference, size, resize, permutation_seed))["features"][:num]
        except (CacheChecksumError, KeyError, ValueError) as e:
            warnings.warn(f"ignoring cache of {size} images: {e}")
    return None


def save_stats(path: str, stats: dict) -> str:
    """Write `stats` as .npz atomically, then its sidecar sha256; returns `path`."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".npz.tmp")
    os.close(fd)
    try:
        with open(tmp, "wb") as f:
            np.savez(f, **{k: np.asarray(v) for k, v in stats.items()})
        digest = sha256_file(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    with open(path + ".sha256", "w") as f:
        f.write(digest + "\n")
    return path


def load_stats(path: str) -> dict:
    """Read a cache file after checking its sidecar sha256 (CacheChecksumError when missing or different)."""
    sidecar = path + ".sha256"
    if not os.path.isfile(sidecar):
        raise CacheChecksumError(f"{path} has no checksum file {sidecar}")
    with open(sidecar) as f:
        expected = f.read().strip()
    actual = sha256_file(path)
    if actual != expected:
        raise CacheChecksumError(f"{path} has sha256 {actual} but {sidecar} says {expected}: the cache was "
                                 f"modified; delete both files to recompute")
    with np.load(path, allow_pickle=False) as data:
        return {k: data[k] for k in data.files}


def _stats_from_features(features: np.ndarray, resize: str) -> dict:
    mu, sigma = activation_statistics(features)
    return {"features": features.astype(np.float32), "mu": mu, "sigma": sigma, "num": len(features),
            "feature_extractor": FEATURE_EXTRACTOR, "resize": resize}


def reference_statistics(reference: str = "fmnist/test", num: int | None = None, extractor=None,
                         resize: str | None = None, permutation_seed: int | None = None, strict: bool = False,
                         allow_fewer: bool = False, progress: bool = True) -> dict:
    """{'features', 'mu', 'sigma', 'num', 'feature_extractor', 'resize'} of `num` real images of `reference`
    (default: the whole split), from the cache when present and intact, else computed and cached.

    Args:
        reference: '<dataset>/<split>'.
        num: how many images (first `num`, or first `num` of the permutation).
        extractor: an `InceptionFeatures` (built on demand only when the cache misses).
        resize: resize method; default the extractor's, or 'tf1_bilinear'.
        permutation_seed: select by a seeded permutation instead of the first images.
        strict: raise `CacheChecksumError` on a tampered cache instead of recomputing it.
        allow_fewer: when the split has fewer than `num` images, use them all instead of raising.
        progress: tqdm progress bar while computing.
    """
    from zoo.data import load_arrays
    from zoo.metrics.features import InceptionFeatures, extract_features
    from zoo.metrics.resize import DEFAULT_RESIZE

    resize = resize or (extractor.resize if extractor is not None else DEFAULT_RESIZE)
    if extractor is not None and extractor.resize != resize:
        raise ValueError(f"extractor resizes with {extractor.resize!r} but resize={resize!r} was asked")
    dataset, split = parse_reference(reference)
    images, _ = load_arrays(dataset, split)
    if allow_fewer and num is not None:
        num = min(int(num), len(images))
    indices = select_indices(len(images), num, permutation_seed)
    path = cache_path(reference, len(indices), resize, permutation_seed)
    if os.path.isfile(path):
        try:
            stats = load_stats(path)
            if int(stats["num"]) == len(indices) and str(stats["resize"]) == resize:
                return stats
            warnings.warn(f"{path} does not hold {len(indices)} images resized with {resize}; recomputing")
        except CacheChecksumError as e:
            if strict:
                raise
            warnings.warn(f"{e}; recomputing")
    features = _larger_cached_features(reference, len(indices), resize, permutation_seed)
    if features is None:
        extractor = extractor or InceptionFeatures(resize=resize)
        features = extract_features(images[indices], extractor, progress=progress, desc=f"features {reference}")
    stats = _stats_from_features(features, resize)
    save_stats(path, stats)
    return stats
