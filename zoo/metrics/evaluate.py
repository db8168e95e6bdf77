"""FID / KID of a generator against a real reference split, and the real-data floor at the same sample size.

FID is biased upward at small n (Fashion-MNIST train vs test at n=10k: 2.41, measured by `zoo release` for sngan-fmnist-32;
shared/OFFLINE.md reports 36.6 at n=500), so every FID should be
reported with n and `real_floor` at the same n, and KID (unbiased) beside it.
"""

from __future__ import annotations

import time

import numpy as np

from zoo.metrics.features import ExtractorConfig, InceptionFeatures, check_images, extract_features
from zoo.metrics.fid_weights import FEATURE_EXTRACTOR
from zoo.metrics.frechet import activation_statistics, frechet_distance
from zoo.metrics.kid import kernel_inception_distance
from zoo.metrics.reference_stats import reference_statistics
from zoo.metrics.resize import DEFAULT_RESIZE

METRICS = ("fid", "kid")
LABEL_STREAM = 0x1ABE1  # second seed word: labels use a stream independent of z


def check_metric(metric: str) -> str:
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; expected one of {METRICS}")
    return metric


def sample_labels(num: int, num_classes: int, seed: int = 0) -> np.ndarray | None:
    """Uniform class labels for a class-conditional generator (None when unconditional), from
    `np.random.RandomState([seed, LABEL_STREAM])` so they are independent of the generator's z."""
    if not num_classes:
        return None
    return np.random.RandomState([int(seed), LABEL_STREAM]).randint(0, num_classes, size=int(num)).astype(np.int32)


def metric_value(metric: str, real: dict, fake_features: np.ndarray, seed: int = 0, kid_subsets: int = 100,
                 kid_subset_size: int = 1000, fid_method: str = "sqrtm") -> dict:
    """{'value': FID} or {'value': KID mean, 'std': KID std} of fake features against real statistics."""
    if check_metric(metric) == "fid":
        return {"value": frechet_distance(real["mu"], real["sigma"], *activation_statistics(fake_features),
                                          method=fid_method)}
    mean, std = kernel_inception_distance(real["features"], fake_features, num_subsets=kid_subsets,
                                          subset_size=kid_subset_size, seed=seed)
    return {"value": mean, "std": std, "subsets": int(kid_subsets),
            "subset_size": int(min(kid_subset_size, len(real["features"]), len(fake_features)))}


def metric_result(metric, values, num_fake, num_real, reference, extractor, seed, start, **extra) -> dict:
    """The result dict of `evaluate_generator` / `real_floor`: `values` (from `metric_value`) with n, reference,
    feature extractor, resize, seed, any `extra` keys and the seconds since `start` (a `time.perf_counter()`)."""
    return {"metric": metric, **values, "num_fake": int(num_fake), "num_real": int(num_real),
            "reference": reference, "feature_extractor": FEATURE_EXTRACTOR, "resize": extractor.resize,
            "seed": int(seed), **extra, "seconds": round(time.perf_counter() - start, 2)}


def make_extractor(batch_size: int | None, resize: str) -> InceptionFeatures:
    """The FID Inception feature extractor with `resize`, at `batch_size` (None: the fastest measured)."""
    config = ExtractorConfig() if batch_size is None else ExtractorConfig(batch_size=int(batch_size))
    return InceptionFeatures(resize=resize, config=config)


def evaluate_generator(generator, metric: str = "fid", num: int = 10000, reference: str = "fmnist/test",
                       seed: int = 0, batch_size: int | None = None, num_real: int | None = None,
                       resize: str = DEFAULT_RESIZE, truncation: float | None = None, kid_subsets: int = 100,
                       kid_subset_size: int = 1000, fid_method: str = "sqrtm", progress: bool = True) -> dict:
    """FID or KID of `num` samples of `generator` (a `zoo.models.base.GANGenerator`) vs real `reference` images.

    Samples are `generator.sample(num, seed=seed, labels=..., truncation=truncation)`; class-conditional generators
    get uniform labels from `sample_labels(num, num_classes, seed)`. The real set is the first `num_real` images of
    the reference split (default: `num`, or the whole split if smaller), its features cached (see
    `zoo.metrics.reference_stats`).

    Returns: {'metric', 'value' (+ 'std', 'subsets', 'subset_size' for KID), 'num_fake', 'num_real', 'reference',
    'feature_extractor', 'resize', 'seed', 'truncation', 'seconds'}. `fid_method='eigh'` computes the FID trace
    term by symmetric eigendecompositions (same value, ~4-10x faster than the default `scipy.linalg.sqrtm`).
    """
    start = time.perf_counter()
    check_metric(metric)
    extractor = make_extractor(batch_size, resize)
    labels = sample_labels(num, getattr(generator, "num_classes", 0), seed)
    fake = generator.sample(int(num), seed=seed, labels=labels, truncation=truncation)
    fake = np.asarray(fake)
    check_images(fake)
    fake_features = extract_features(fake, extractor, progress=progress, desc="features generated")
    real = reference_statistics(reference, num_real or num, extractor=extractor, allow_fewer=num_real is None,
                                progress=progress)
    values = metric_value(metric, real, fake_features, seed, kid_subsets, kid_subset_size, fid_method)
    return metric_result(metric, values, len(fake), real["num"], reference, extractor, seed, start,
                         truncation=truncation)


def real_floor(reference: str = "fmnist/test", train: str = "fmnist/train", num: int = 10000, metric: str = "fid",
               seed: int = 0, batch_size: int | None = None, resize: str = DEFAULT_RESIZE, kid_subsets: int = 100,
               kid_subset_size: int = 1000, fid_method: str = "sqrtm", progress: bool = True) -> dict:
    """The metric between `num` real `train` images (first `num` of `RandomState(seed).permutation`) and the first
    `num` `reference` images: the best a perfect generator can score at this n, reported beside every FID.

    Returns the same keys as `evaluate_generator`, plus 'train'.
    """
    start = time.perf_counter()
    check_metric(metric)
    extractor = make_extractor(batch_size, resize)
    fake = reference_statistics(train, num, extractor=extractor, permutation_seed=seed, progress=progress)
    real = reference_statistics(reference, num, extractor=extractor, progress=progress)
    values = metric_value(metric, real, fake["features"], seed, kid_subsets, kid_subset_size, fid_method)
    return metric_result(metric, values, fake["num"], real["num"], reference, extractor, seed, start, train=train)
