"""Fashion-MNIST from the Debian package `dataset-fashion-mnist` (no download).

60,000 train + 10,000 test grayscale 28x28 images in 10 classes, zero-padded to 32x32.
Reference: Xiao, Rasul, Vollgraf 2017, "Fashion-MNIST".
"""

from __future__ import annotations

import os

import numpy as np

from zoo.data.errors import DatasetNotFoundError
from zoo.data.idx import read_idx

DEFAULT_DIR = "/usr/share/datasets/fashion-mnist"
ENV_VAR = "ZOO_FMNIST_DIR"
SPLITS = {"train": "train", "test": "t10k"}
NUM_CLASSES = 10
CLASS_NAMES = ("t-shirt/top", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag",
               "ankle boot")
INSTALL_HINT = ("Fashion-MNIST files not found in {dir}. Install them with `apt-get install dataset-fashion-mnist` "
                "(as root), or `apt-get download dataset-fashion-mnist && dpkg -x dataset-fashion-mnist_*.deb DIR` "
                "and set {env}=DIR/usr/share/datasets/fashion-mnist.")


def data_dir() -> str:
    return os.environ.get(ENV_VAR, DEFAULT_DIR)


def load_fmnist(split: str = "train", pad_to: int = 32, directory: str | None = None):
    """(images uint8 (N, pad_to, pad_to, 1), labels int64 (N,)) for split 'train' or 'test'."""
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
    if pad_to:
        p0 = (pad_to - images.shape[1]) // 2
        p1 = pad_to - images.shape[1] - p0
        if p0 < 0:
            raise ValueError(f"pad_to={pad_to} is smaller than the 28x28 images")
        images = np.pad(images, ((0, 0), (p0, p1), (p0, p1)))
    return images[..., None], labels
