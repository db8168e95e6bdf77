"""Moving Fashion-MNIST: deterministic video clips of 1-2 Fashion-MNIST items bouncing in a square (no download).

The Moving MNIST recipe of Srivastava, Mansimov, Salakhutdinov (ICML 2015, Sec. 3), with Fashion-MNIST items
(`zoo.data.fmnist`, the Debian package `dataset-fashion-mnist`): every clip has `frames` frames of
`resolution` x `resolution` x 1 on a black background; 1 or 2 items (28x28, unpadded) start at a uniform
position, move in a straight line at a uniform angle with a speed in [SPEED_MIN, SPEED_MAX) pixels per frame,
and bounce off the borders (the velocity component is reversed); overlapping items combine by maximum.

Clip i of split s is a pure function of (CLIP_SEED, s, i): its generator is `np.random.default_rng([CLIP_SEED,
split id, i])`, which draws the number of items, their source images (train clips use the fmnist train split,
test clips the fmnist test split), positions and velocities. So clip i is the same whatever the number of clips
requested, on every machine.

Labels: `labels` (N,) is the class of the first item (for class-conditional video models); `classes` (N, 2)
holds both items' classes, -1 where a clip has one item (the 3D-CNN feature network of `zoo.metrics` learns
them).

Splits: train (8,000 clips) and test (1,000 clips): `NUM_CLIPS`. The arrays are uint8 NTHWC (about 65 kB per
64x64x16 clip); they are cached as `.npz` under `${ZOO_CACHE:-~/.cache/zoo}/mfmnist/`.
"""

from __future__ import annotations

import os

import numpy as np

from zoo.data import cache
from zoo.data.fmnist import load_fmnist

CLIP_SEED = 20201  # fixed: changing it changes every published mfmnist model's training set
SPLIT_IDS = {"train": 0, "test": 1}
NUM_CLIPS = {"train": 8000, "test": 1000}
DEFAULT_FRAMES = 16
DEFAULT_RESOLUTION = 64
ITEM = 28
SPEED_MIN, SPEED_MAX = 2.0, 5.0
CACHE_FORMAT = 1  # bump when the generation changes


def _bounce(start: float, velocity: float, frames: int, limit: float) -> np.ndarray:
    """Positions (frames,) of a point moving from `start` at `velocity` per frame, reflected at 0 and `limit`."""
    raw = start + velocity * np.arange(frames)
    if limit <= 0:
        return np.zeros(frames)
    period = 2.0 * limit
    folded = np.mod(raw, period)
    return np.where(folded > limit, period - folded, folded)


def make_clip(rng: np.random.Generator, items: np.ndarray, item_labels: np.ndarray, frames: int,
              resolution: int) -> tuple[np.ndarray, np.ndarray]:
    """(clip uint8 (frames, resolution, resolution, 1), classes int64 (2,)) drawn from `rng` over the 28x28
    `items` (see the module docstring)."""
    count = 1 + int(rng.integers(2))
    clip = np.zeros((frames, resolution, resolution), np.uint8)
    classes = np.full((2,), -1, np.int64)
    limit = resolution - ITEM
    for k in range(count):
        idx = int(rng.integers(len(items)))
        classes[k] = item_labels[idx]
        y0, x0 = rng.uniform(0, limit, size=2)
        angle = rng.uniform(0, 2 * np.pi)
        speed = rng.uniform(SPEED_MIN, SPEED_MAX)
        ys = np.rint(_bounce(y0, speed * np.sin(angle), frames, limit)).astype(int)
        xs = np.rint(_bounce(x0, speed * np.cos(angle), frames, limit)).astype(int)
        for t in range(frames):
            window = clip[t, ys[t]:ys[t] + ITEM, xs[t]:xs[t] + ITEM]
            np.maximum(window, items[idx], out=window)
    return clip[..., None], classes


def generate(split: str, num: int, frames: int = DEFAULT_FRAMES, resolution: int = DEFAULT_RESOLUTION,
             fmnist_dir: str | None = None) -> dict:
    """{"video": uint8 (num, frames, resolution, resolution, 1), "labels": (num,), "classes": (num, 2)}: clips
    0 .. num-1 of `split`, without the cache."""
    if split not in SPLIT_IDS:
        raise ValueError(f"unknown mfmnist split {split!r}; known: {sorted(SPLIT_IDS)}")
    if resolution < ITEM or frames < 1:
        raise ValueError(f"mfmnist needs resolution >= {ITEM} and frames >= 1, got {resolution}, {frames}")
    items, item_labels = load_fmnist(split=split, pad_to=0, directory=fmnist_dir)
    items = items[..., 0]
    video = np.zeros((num, frames, resolution, resolution, 1), np.uint8)
    classes = np.zeros((num, 2), np.int64)
    for i in range(num):
        rng = np.random.default_rng([CLIP_SEED, SPLIT_IDS[split], i])
        video[i], classes[i] = make_clip(rng, items, item_labels, frames, resolution)
    return {"video": video, "labels": classes[:, 0].copy(), "classes": classes}


def load_mfmnist_clips(split: str = "train", frames: int = DEFAULT_FRAMES, resolution: int = DEFAULT_RESOLUTION,
                       num: int | None = None, fmnist_dir: str | None = None) -> dict:
    """`generate` of the split's `NUM_CLIPS` clips (or the first `num`), cached as `.npz`."""
    if split not in NUM_CLIPS:
        raise ValueError(f"unknown mfmnist split {split!r}; known: {sorted(NUM_CLIPS)}")
    total = NUM_CLIPS[split]
    num = total if num is None else int(num)
    if not 0 < num <= total:
        raise ValueError(f"mfmnist {split} has {total} clips; asked for {num}")
    path = os.path.join(cache.cache_dir("mfmnist"),
                        f"mfmnist-{split}-{total}x{frames}x{resolution}-v{CACHE_FORMAT}.npz")
    data = cache.load_npz(path)
    if data is None or set(data) != {"video", "labels", "classes"}:
        data = generate(split, total, frames, resolution, fmnist_dir)
        cache.save_npz(path, **data)
    return {k: v[:num] for k, v in data.items()}


def load_mfmnist(split: str = "train", frames: int = DEFAULT_FRAMES, resolution: int = DEFAULT_RESOLUTION,
                 num: int | None = None, fmnist_dir: str | None = None):
    """(clips uint8 NTHWC, labels int64 (N,): the first item's class), as `zoo.data.load_arrays` returns."""
    data = load_mfmnist_clips(split, frames, resolution, num, fmnist_dir)
    return data["video"], data["labels"]
