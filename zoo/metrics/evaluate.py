"""FID / KID / PRDC of a generator against a real reference split, and the real-data floor at the same sample size.

FID is biased upward at small n (Fashion-MNIST train vs test at n=10k: 2.41, measured by `zoo release` for sngan-fmnist-32;
shared/OFFLINE.md reports 36.6 at n=500), so every FID should be
reported with n and `real_floor` at the same n, and KID (unbiased) beside it.

'prdc' is improved precision and recall (k = 3) and density and coverage (k = 5) on the same Inception features
(`zoo.metrics.prdc`); they depend on n too, so `evaluate_prdc` measures them at one n (as many fakes as reals) with
their real-vs-real values (the floor) beside them.
"""

from __future__ import annotations

import time

import numpy as np

from zoo.metrics.features import ExtractorConfig, InceptionFeatures, check_images, extract_features
from zoo.metrics.fid_weights import FEATURE_EXTRACTOR
from zoo.metrics.frechet import activation_statistics, frechet_distance
from zoo.metrics.kid import kernel_inception_distance
from zoo.metrics.prdc import NAMES as PRDC_NAMES
from zoo.metrics.prdc import prdc
from zoo.metrics.reference_stats import reference_statistics
from zoo.metrics.resize import DEFAULT_RESIZE

METRICS = ("fid", "kid", "prdc")
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
    """{'value': FID}, {'value': KID mean, 'std': KID std, ...} or, for 'prdc', {'precision', 'recall', 'density',
    'coverage', 'precision_recall_k', 'density_coverage_k'} (`zoo.metrics.prdc.prdc` at its default k) of fake
    features against real statistics (a dict with 'mu', 'sigma', 'features')."""
    if check_metric(metric) == "fid":
        return {"value": frechet_distance(real["mu"], real["sigma"], *activation_statistics(fake_features),
                                          method=fid_method)}
    if metric == "prdc":
        values = prdc(real["features"], fake_features)
        return {k: v for k, v in values.items() if k not in ("num_real", "num_fake")}
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

    Returns: {'metric', 'value' (+ 'std', 'subsets', 'subset_size' for KID; PRDC: the keys of `metric_value`
    instead), 'num_fake', 'num_real', 'reference', 'feature_extractor', 'resize', 'seed', 'truncation', 'seconds'}.
    `fid_method='eigh'` computes the FID trace term by symmetric eigendecompositions (same value, ~4-10x faster
    than the default `scipy.linalg.sqrtm`). PRDC beside its real-vs-real value at one n: `evaluate_prdc`.
    """
    start = time.perf_counter()
    check_metric(metric)
    extractor = make_extractor(batch_size, resize)
    fake_features = generated_features(generator, num, seed, truncation, extractor, progress)
    real = reference_statistics(reference, num_real or num, extractor=extractor, allow_fewer=num_real is None,
                                progress=progress)
    values = metric_value(metric, real, fake_features, seed, kid_subsets, kid_subset_size, fid_method)
    return metric_result(metric, values, len(fake_features), real["num"], reference, extractor, seed, start,
                         truncation=truncation)


def generated_features(generator, num: int, seed: int, truncation, extractor, progress: bool = True) -> np.ndarray:
    """Features of `generator.sample(num, seed=seed, labels=sample_labels(...), truncation=truncation)` (uint8
    NHWC images; ValueError otherwise), through `extractor`."""
    labels = sample_labels(num, getattr(generator, "num_classes", 0), seed)
    fake = np.asarray(generator.sample(int(num), seed=seed, labels=labels, truncation=truncation))
    check_images(fake)
    return extract_features(fake, extractor, progress=progress, desc="features generated")


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


def floor_description(train: str, reference: str, num: int, seed: int) -> str:
    """Which real images a floor compares: "<train> (n=..., permutation seed s) vs <reference> (n=...)"."""
    return f"{train} (n={num}, permutation seed {seed}) vs {reference} (n={num})"


def evaluate_prdc(generator, num: int = 10000, reference: str = "fmnist/test", train: str = "fmnist/train",
                  seed: int = 0, batch_size: int | None = None, resize: str = DEFAULT_RESIZE,
                  truncation: float | None = None, progress: bool = True) -> dict:
    """Improved precision / recall (Kynkaanniemi et al., NeurIPS 2019, k = 3) and density / coverage (Naeem et
    al., ICML 2020, k = 5) of `num` samples of `generator` against the first `num` `reference` images, beside the
    same four of `num` `train` images (the first `num` of `RandomState(seed).permutation`, as `real_floor`) against
    those reference images: real vs real at the same n, what a perfect generator scores.

    Both sides have exactly `num` images (the metrics depend on n): a split with fewer raises ValueError before
    any sampling. For emojione's two fixed halves: `num=847, reference="emojione/rest_b", train="emojione/rest_a"`.

    Returns: {'metric': 'prdc', 'precision', 'recall', 'density', 'coverage', 'precision_recall_k',
    'density_coverage_k', 'real_vs_real': {the same four}, 'num_fake', 'num_real', 'reference', 'train',
    'floor_reference', 'feature_extractor', 'resize', 'seed', 'truncation', 'seconds'}.
    """
    start = time.perf_counter()
    extractor = make_extractor(batch_size, resize)
    sides = {}
    for role, split, permutation_seed in (("reference", reference, None), ("train", train, seed)):
        try:  # the real sets first: a wrong n fails before minutes of sampling
            sides[role] = reference_statistics(split, num, extractor=extractor, permutation_seed=permutation_seed,
                                               progress=progress)
        except ValueError as e:
            raise ValueError(f"{role} {split}: {e} (PRDC compares num generated images with num images of each "
                             f"real split; emojione's halves: reference emojione/rest_b, train emojione/rest_a, "
                             f"num <= 847)") from e
    real, other = sides["reference"], sides["train"]
    fake_features = generated_features(generator, num, seed, truncation, extractor, progress)
    values = metric_value("prdc", real, fake_features)
    floor = metric_value("prdc", real, other["features"])
    return metric_result("prdc", values, len(fake_features), real["num"], reference, extractor, seed, start,
                         truncation=truncation, train=train, real_vs_real={k: floor[k] for k in PRDC_NAMES},
                         floor_reference=floor_description(train, reference, int(real["num"]), seed))
