"""The points of time-to-quality curves for video generators (used by `benchmarks/time_to_quality.py`).

For a snapshot of a video run it samples --num clips (seed --seed) and measures, against the first --num clips of
the reference split (moving Fashion-MNIST, `zoo.metrics.video_distance.reference_clips`):
- per-frame FID and KID: frames 0, k, 2k, ... (k = `frame_step`, default 5: frames 0, 5, 10, 15 of 16) of every
  clip through the FID Inception network;
- `fid_first_frame`, `fid_last_frame`: the FID of the first and of the last of those frame positions alone
  (n = the clips), so that later frames that degrade show (`zoo.metrics.video_distance.fid_by_frame`);
- ZVD and its KID: zoo's video Frechet distance on zoo-mfmnist-c3d features (not FVD: see
  `zoo.metrics.video_distance.ZVD_NOTE`).
The floor is the same metrics of --num real train clips (first --num of a seed --seed permutation) against the
same reference clips. Every Frechet distance uses the 'eigh' method (fewer samples than the 2,048 dimensions).
Cost on 2 cores: ~8 frames/s through Inception, so 100 clips x 4 frames is ~1 minute per point.
"""

from __future__ import annotations

import numpy as np

VIDEO_METRIC_KEYS = ("fid", "kid", "fid_first_frame", "fid_last_frame", "zvd", "zvd_kid")
VIDEO_DATASET = "mfmnist"
DEFAULT_FRAME_STEP = 5


def clip_split(split: str) -> str:
    """'mfmnist/test' -> 'test'; a video split of another dataset is refused (only moving Fashion-MNIST clips have
    a reference loader and a video feature network)."""
    dataset, _, name = split.partition("/")
    if dataset != VIDEO_DATASET or not name:
        raise SystemExit(f"video time-to-quality compares with {VIDEO_DATASET}/<split> clips, got {split!r}")
    return name


class VideoPoints:
    """Real features and floor of one (reference, train, n, seed, frame step), then `metrics_of(generator)`
    per snapshot: {fid, kid, fid_first_frame, fid_last_frame, zvd, zvd_kid}."""

    keys = VIDEO_METRIC_KEYS

    def __init__(self, reference: str, train: str, num: int, seed: int, frame_step: int = DEFAULT_FRAME_STEP,
                 frame_extractor=None, video_extractor=None):
        from zoo.metrics.evaluate import make_extractor
        from zoo.metrics.resize import DEFAULT_RESIZE
        from zoo.metrics.video_distance import reference_clips
        from zoo.metrics.video_features import ZooVideoFeatures

        self.num, self.seed, self.frame_step = int(num), int(seed), int(frame_step)
        self.frame_extractor = frame_extractor or make_extractor(None, DEFAULT_RESIZE)
        self.video_extractor = video_extractor or ZooVideoFeatures()
        self.real = self.features(reference_clips(self.num, clip_split(reference)))
        other = self.features(reference_clips(self.num, clip_split(train), permutation_seed=self.seed))
        self.floor = self.metrics(other)

    def features(self, clips) -> dict:
        """{"frames": Inception features of the kept frames (clip-major), "clips": video features, "per_clip"}."""
        from zoo.metrics.features import extract_features
        from zoo.metrics.video_distance import clip_frames

        clips = np.asarray(clips)
        frames = clip_frames(clips, self.frame_step)
        return {"frames": extract_features(frames, self.frame_extractor, progress=False),
                "clips": np.asarray(self.video_extractor(clips)), "per_clip": len(frames) // len(clips)}

    def metrics(self, fake: dict) -> dict:
        from zoo.metrics.video_distance import feature_distances, fid_by_frame

        frames = feature_distances(self.real["frames"], fake["frames"], self.seed, fid_method="eigh")
        by_position = fid_by_frame(self.real["frames"], fake["frames"], fake["per_clip"])
        clips = feature_distances(self.real["clips"], fake["clips"], self.seed, fid_method="eigh")
        return {"fid": float(frames["value"]), "kid": float(frames["kid"]),
                "fid_first_frame": float(by_position[0]), "fid_last_frame": float(by_position[-1]),
                "zvd": float(clips["value"]), "zvd_kid": float(clips["kid"])}

    def metrics_of(self, generator) -> dict:
        return self.metrics(self.features(generator.sample(self.num, seed=self.seed)))

    def settings(self) -> dict:
        """What besides the common settings makes a recorded point the same."""
        return {"frame_step": self.frame_step}


__all__ = ["DEFAULT_FRAME_STEP", "VIDEO_METRIC_KEYS", "VideoPoints", "clip_split"]
