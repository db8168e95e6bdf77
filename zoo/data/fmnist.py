"""Fashion-MNIST from the Debian package `dataset-fashion-mnist` (no download).

60,000 train + 10,000 test grayscale 28x28 images in 10 classes, zero-padded to 32x32.

Small-data subsets (`load_fmnist(percent=10)`, dataset names 'fmnist10pct' and 'fmnist1pct'): the same
percentage of every class of the train split, chosen by a fixed seeded permutation per class
(`subset_indices`, seed `SUBSET_SEED` = 0): 600 / 60 images per class, 6,000 / 600 in all. The subsets are
nested (the 1% subset is inside the 10% one) and the test split is never subsampled, so FID is measured
against the full test split as in the data-efficient GAN papers.

Reference: Xiao, Rasul, Vollgraf 2017, "Fashion-MNIST"; subsets as in Chen et al., "Data-Efficient GAN
Training Beyond (Just) Augmentations: A Lottery Ticket Perspective", NeurIPS 2021, Sec. 4 (10% / 1% of the
training data).
"""

from __future__ import annotations

import os

import numpy as np

from zoo.data.errors import DatasetNotFoundError
from zoo.data.idx import read_idx

DEFAULT_DIR = "/usr/share/datasets/fashion-mnist"
ENV_VAR = "ZOO_FMNIST_DIR"
SPLITS = {"train": "train", "test": "t10k"}
SUBSETS = {"fmnist10pct": 10, "fmnist1pct": 1}  # dataset name -> percent of every class of the train split
SUBSET_SEED = 0  # fixed: changing it changes every published fmnist<N>pct model's training set
NUM_CLASSES = 10
CLASS_NAMES = ("t-shirt/top", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag",
               "ankle boot")
INSTALL_HINT = ("Fashion-MNIST files not found in {dir}. Install them with `apt-get install dataset-fashion-mnist` "
                "(as root), or `apt-get download dataset-fashion-mnist && dpkg -x dataset-fashion-mnist_*.deb DIR` "
                "and set {env}=DIR/usr/share/datasets/fashion-mnist.")


def data_dir() -> str:
    return os.environ.get(ENV_VAR, DEFAULT_DIR)


def subset_indices(labels, percent: float, seed: int = SUBSET_SEED) -> np.ndarray:
    """Sorted indices of a per-class subset of `labels`: for every class c, the first round(n_c * percent / 100)
    positions of `np.random.default_rng([seed, c]).permutation(n_c)` over that class's indices.

    The same fraction of every class (balanced whenever the full split is); a smaller percentage gives a
    subset of a larger one; the result depends only on (labels, percent, seed).

    Example:
        >>> idx = subset_indices(labels, 10)      # fmnist train: 600 per class
    """
    if not 0 < percent <= 100:
        raise ValueError(f"percent must be in (0, 100], got {percent}")
    labels = np.asarray(labels)
    chosen = []
    for c in np.unique(labels):
        members = np.flatnonzero(labels == c)
        keep = int(round(len(members) * percent / 100))
        chosen.append(members[np.random.default_rng([int(seed), int(c)]).permutation(len(members))[:keep]])
    return np.sort(np.concatenate(chosen)) if chosen else np.zeros((0,), np.int64)


def load_fmnist(split: str = "train", pad_to: int = 32, directory: str | None = None, percent: float = 100):
    """(images uint8 (N, pad_to, pad_to, 1), labels int64 (N,)) for split 'train' or 'test'.

    `percent` < 100 keeps that percentage of every class of the train split (`subset_indices`); the test split
    is always returned whole.
    """
    if split not in SPLITS:
        raise ValueError(f"unknown fmnist split {split!r}; known: {sorted(SPLITS)}")
    directory = directory or data_dir()
    prefix = SPLITS[split]
    img_path = os.path.join(directory, f"{prefix}-images-idx3-ubyte.gz")
    lab_path = os.path.join(directory, f"{prefix}-labels-idx1-ubyte.gz")
    if not (os.path.exists(img_path) and os.path.exists(lab_path)):
        raise DatasetNotFoundError(INSTALL_HINT.format(dir=directory, env=ENV_VAR))
    images = read_idx(img_path)
    labels = read_idx(lab_path).astype(np.int64)
    if images.ndim != 3 or len(images) != len(labels):
        raise ValueError(f"inconsistent fmnist files: images {images.shape}, labels {labels.shape}")
    if split == "train" and percent != 100:
        keep = subset_indices(labels, percent)
        images, labels = images[keep], labels[keep]
    if pad_to:
        p0 = (pad_to - images.shape[1]) // 2
        p1 = pad_to - images.shape[1] - p0
        if p0 < 0:
            raise ValueError(f"pad_to={pad_to} is smaller than the 28x28 images")
        images = np.pad(images, ((0, 0), (p0, p1), (p0, p1)))
    return images[..., None], labels
