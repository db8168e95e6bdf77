"""Video metrics for the model cards of video generators: per-frame FID and zoo's video Frechet distance ZVD.

- `per_frame_fid`: FID (and KID) of the frames of the clips, each frame a uint8 image through the standard FID
  Inception network (`zoo.metrics.features`, same resize and weights as every image FID in zoo). Frames of one
  clip are correlated, so report both n: clips and frames. `frame_step` k keeps frames 0, k, 2k, ... of each clip
  (default 1: every frame); cost ~8 images/s on 2 CPU cores, i.e. 1,000 clips x 16 frames is ~35 minutes per set.
- `video_frechet_distance`: ZVD, "zoo's video Frechet distance": the Frechet distance (`zoo.metrics.frechet`) and
  the KID (`zoo.metrics.kid`) of the 128-d features of zoo-mfmnist-c3d, zoo's own small 3D CNN trained on moving
  Fashion-MNIST (`zoo.metrics.video_features`). ZVD is NOT FVD (no I3D, no Kinetics): never compare it with
  published FVD numbers, nor with ZVD of another feature network (the result names the network and its sha256).
  Clips must be (16, 64, 64, 1). ~100 clips/s on one core. Its KID is on unnormalised 128-d features: its scale
  is not that of image KID. Measured with the shipped network, 200 train clips against the first 200 test clips
  (fid_method 'eigh'): ZVD 11.5 (the floor); the same train clips reversed in time 11.8 (reversal is a valid clip
  of this dataset), with one frame repeated 180, two frames swapped 498, frames shuffled 1883.

`fid_by_frame` splits the per-frame FID by frame position (frame 0, k, 2k, ...: n = the clips), so that a
generator whose later frames degrade shows it; `zoo release` records it as one `frame_fid` entry per position.

Both are biased upward at small n, so a model card shows each beside its floor, real against real at the same n:

    from zoo.metrics.video_distance import reference_clips, video_metrics, video_real_floors
    real = reference_clips(n)                # the first n mfmnist test clips
    fake = generator.sample(n, seed=0)       # uint8 (n, 16, 64, 64, 1)
    video_metrics(fake, real)                # {'per_frame_fid': {...}, 'zvd': {...}}
    video_real_floors(n)                     # the same keys: n train clips against the same n test clips

Every result dict holds 'value' (FID or ZVD), 'kid', 'kid_std', the n, the feature extractor and the seconds.
"""

from __future__ import annotations

import time

import numpy as np

from zoo.metrics.frechet import activation_statistics

METRICS = ("per_frame_fid", "zvd")
ZVD_NOTE = ("ZVD: zoo's video Frechet distance on features of zoo-mfmnist-c3d, zoo's own 3D CNN trained on moving "
            "Fashion-MNIST; not FVD, never compare with published FVD numbers")


def check_video(clips, name: str = "clips") -> np.ndarray:
    """`clips` as a uint8 array NTHWC with 1 or 3 channels; ValueError otherwise."""
    clips = np.asarray(clips)
    if clips.dtype != np.uint8 or clips.ndim != 5 or clips.shape[-1] not in (1, 3):
        raise ValueError(f"{name}: expected uint8 clips NTHWC with 1 or 3 channels, got dtype {clips.dtype} "
                         f"shape {clips.shape}")
    return clips


def clip_frames(clips, frame_step: int = 1) -> np.ndarray:
    """uint8 images (N * ceil(T / frame_step), H, W, C): frames 0, frame_step, ... of every clip, clip by clip."""
    clips = check_video(clips)
    if int(frame_step) < 1:
        raise ValueError(f"frame_step must be >= 1, got {frame_step}")
    frames = clips[:, ::int(frame_step)]
    return frames.reshape((-1,) + frames.shape[2:])


def feature_distances(real_features, fake_features, seed: int = 0, kid_subsets: int = 100,
                      kid_subset_size: int = 1000, fid_method: str = "sqrtm") -> dict:
    """{'value': Frechet distance, 'kid', 'kid_std', 'kid_subset_size'} of two feature sets, computed by
    `zoo.metrics.evaluate.metric_value` (the same maths as image FID / KID)."""
    from zoo.metrics.evaluate import metric_value

    mu, sigma = activation_statistics(real_features)
    real = {"mu": mu, "sigma": sigma, "features": real_features}
    fid = metric_value("fid", real, fake_features, fid_method=fid_method)
    kid = metric_value("kid", real, fake_features, seed, kid_subsets, kid_subset_size)
    return {"value": fid["value"], "kid": kid["value"], "kid_std": kid["std"], "kid_subsets": kid["subsets"],
            "kid_subset_size": kid["subset_size"]}


def fid_by_frame(real_features, fake_features, frames_per_clip: int, fid_method: str = "eigh") -> list:
    """[FID of frame position 0, of position 1, ...]: the FID (Heusel et al., NeurIPS 2017, Eq. 6) of the features
    of one frame position of every fake clip against the same position of every real clip, so that quality that
    decays along the clip shows (first frame vs last). `real_features`, `fake_features`: (clips x frames_per_clip,
    d) in the clip-major order of `clip_frames` (and `extract_features` of its frames); the n of each FID is the
    number of clips. Default `fid_method` 'eigh' (`zoo.metrics.frechet.frechet_distance`): ~10x faster than
    `scipy.linalg.sqrtm` at d = 2048 with fewer clips than dimensions (one FID per position)."""
    from zoo.metrics.evaluate import metric_value

    per_clip = int(frames_per_clip)
    sets = {}
    for name, features in (("real_features", real_features), ("fake_features", fake_features)):
        features = np.asarray(features)
        if per_clip < 1 or features.ndim != 2 or len(features) % per_clip:
            raise ValueError(f"{name}: expected (clips x {frames_per_clip} frames, d) features in clip-major order, "
                             f"got shape {features.shape}")
        sets[name] = features.reshape(len(features) // per_clip, per_clip, features.shape[1])
    out = []
    for position in range(per_clip):
        mu, sigma = activation_statistics(sets["real_features"][:, position])
        real = {"mu": mu, "sigma": sigma}
        out.append(metric_value("fid", real, sets["fake_features"][:, position], fid_method=fid_method)["value"])
    return out


def per_frame_fid(fake_clips, real_clips, extractor=None, frame_step: int = 1, seed: int = 0,
                  kid_subsets: int = 100, kid_subset_size: int = 1000, fid_method: str = "sqrtm",
                  progress: bool = False) -> dict:
    """FID and KID of the frames of `fake_clips` against those of `real_clips` (uint8 NTHWC, any size: the FID
    network resizes every frame to 299x299, by default with the legacy TF-GAN bilinear resize).

    Args:
        extractor: the FID feature extractor (default `zoo.metrics.evaluate.make_extractor(None, DEFAULT_RESIZE)`,
            the standard Inception network); anything with `.batch(images)`, `.config.batch_size`, `.resize`.
        frame_step: keep frames 0, frame_step, 2 frame_step, ... of each clip (1: every frame).

    Returns: {'metric': 'per_frame_fid', 'value' (FID), 'kid', 'kid_std', 'kid_subsets', 'kid_subset_size',
    'num_fake_clips', 'num_real_clips', 'num_fake_frames', 'num_real_frames', 'frame_step', 'feature_extractor',
    'resize', 'seed', 'seconds'}.
    """
    from zoo.metrics.evaluate import make_extractor
    from zoo.metrics.features import InceptionFeatures, extract_features
    from zoo.metrics.fid_weights import FEATURE_EXTRACTOR
    from zoo.metrics.resize import DEFAULT_RESIZE

    start = time.perf_counter()
    fake_clips, real_clips = check_video(fake_clips, "fake_clips"), check_video(real_clips, "real_clips")
    fake, real = clip_frames(fake_clips, frame_step), clip_frames(real_clips, frame_step)
    extractor = extractor or make_extractor(None, DEFAULT_RESIZE)
    fake_features = extract_features(fake, extractor, progress=progress, desc="frames generated")
    real_features = extract_features(real, extractor, progress=progress, desc="frames real")
    name = FEATURE_EXTRACTOR if isinstance(extractor, InceptionFeatures) else getattr(
        extractor, "name", type(extractor).__name__)
    return {"metric": "per_frame_fid",
            **feature_distances(real_features, fake_features, seed, kid_subsets, kid_subset_size, fid_method),
            "num_fake_clips": len(fake_clips), "num_real_clips": len(real_clips), "num_fake_frames": len(fake),
            "num_real_frames": len(real), "frame_step": int(frame_step), "feature_extractor": name,
            "resize": extractor.resize, "seed": int(seed), "seconds": round(time.perf_counter() - start, 2)}


def video_frechet_distance(fake_clips, real_clips, extractor=None, seed: int = 0, kid_subsets: int = 100,
                           kid_subset_size: int = 1000, fid_method: str = "sqrtm") -> dict:
    """ZVD, zoo's video Frechet distance (not FVD: see `ZVD_NOTE`), and the KID of the same features, of
    `fake_clips` against `real_clips` (uint8 (N, 16, 64, 64, 1)).

    Args:
        extractor: a callable clips -> (N, d) features with a `.name` (default: `ZooVideoFeatures()`, the shipped
            zoo-mfmnist-c3d weights, sha256-checked).

    Returns: {'metric': 'zvd', 'value' (ZVD), 'kid', 'kid_std', 'kid_subsets', 'kid_subset_size', 'num_fake',
    'num_real', 'feature_extractor', 'note', 'seed', 'seconds'}.
    """
    from zoo.metrics.video_features import ZooVideoFeatures

    start = time.perf_counter()
    extractor = extractor or ZooVideoFeatures()
    fake_features = extractor(check_video(fake_clips, "fake_clips"))
    real_features = extractor(check_video(real_clips, "real_clips"))
    return {"metric": "zvd",
            **feature_distances(real_features, fake_features, seed, kid_subsets, kid_subset_size, fid_method),
            "num_fake": len(fake_features), "num_real": len(real_features), "feature_extractor": extractor.name,
            "note": ZVD_NOTE, "seed": int(seed), "seconds": round(time.perf_counter() - start, 2)}


def video_metrics(fake_clips, real_clips, metrics=METRICS, frame_extractor=None, video_extractor=None,
                  frame_step: int = 1, seed: int = 0, kid_subsets: int = 100, kid_subset_size: int = 1000,
                  fid_method: str = "sqrtm", progress: bool = False) -> dict:
    """{'per_frame_fid': `per_frame_fid(...)`, 'zvd': `video_frechet_distance(...)`} (the subset in `metrics`)."""
    unknown = set(metrics) - set(METRICS)
    if unknown:
        raise ValueError(f"unknown video metrics {sorted(unknown)}; expected some of {METRICS}")
    common = {"seed": seed, "kid_subsets": kid_subsets, "kid_subset_size": kid_subset_size, "fid_method": fid_method}
    out = {}
    if "per_frame_fid" in metrics:
        out["per_frame_fid"] = per_frame_fid(fake_clips, real_clips, frame_extractor, frame_step,
                                             progress=progress, **common)
    if "zvd" in metrics:
        out["zvd"] = video_frechet_distance(fake_clips, real_clips, video_extractor, **common)
    return out


def reference_clips(num: int, split: str = "test", permutation_seed: int | None = None) -> np.ndarray:
    """uint8 (num, 16, 64, 64, 1) moving Fashion-MNIST clips of `split`: the first `num`, or with
    `permutation_seed` the first `num` of `np.random.RandomState(seed).permutation` (as `real_floor` picks)."""
    from zoo.data.mfmnist import load_mfmnist_clips
    from zoo.metrics.reference_stats import select_indices

    video = load_mfmnist_clips(split)["video"]
    return video[np.sort(select_indices(len(video), num, permutation_seed))]


def video_real_floors(num: int, reference: str = "test", train: str = "train", seed: int = 0,
                      metrics=METRICS, frame_extractor=None, video_extractor=None, frame_step: int = 1,
                      kid_subsets: int = 100, kid_subset_size: int = 1000, fid_method: str = "sqrtm",
                      progress: bool = False) -> dict:
    """The floors of `video_metrics` at n = `num`: `num` mfmnist `train` clips (first `num` of
    `RandomState(seed).permutation`) as 'fake' against the first `num` `reference` clips: the best a perfect
    generator can score at this n. Same keys as `video_metrics`, each result with 'train' and 'reference' added."""
    fake = reference_clips(num, train, permutation_seed=seed)
    real = reference_clips(num, reference)
    out = video_metrics(fake, real, metrics, frame_extractor, video_extractor, frame_step, seed, kid_subsets,
                        kid_subset_size, fid_method, progress)
    for result in out.values():
        result.update(train=f"mfmnist/{train}", reference=f"mfmnist/{reference}")
    return out


__all__ = ["METRICS", "ZVD_NOTE", "check_video", "clip_frames", "feature_distances", "fid_by_frame",
           "per_frame_fid", "reference_clips", "video_frechet_distance", "video_metrics", "video_real_floors"]
