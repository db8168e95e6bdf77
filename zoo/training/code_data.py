"""The float-code pipeline of stage 2: a dataset's images encoded by a frozen stage-1 autoencoder and
normalised per channel (`zoo.models.latent2s.code_normalization`).

`code_data(folder, dataset, split, scale)` encodes once per process (cached): the loop's batches
(`code_arrays`) and the task builder (the statistics the published model stores) read the same result.
Encoding runs in inference mode in batches of 64, so the same folder and data give the same codes in every
run (with TF op determinism, which the loop enables): a resumed run trains on identical codes.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass

import numpy as np

from zoo.data import load_arrays
from zoo.models.latent2s import CodeAutoencoder
from zoo.models.latent2s.code_normalization import clipped_fraction, code_statistics, normalise
from zoo.models.parts import GENERATOR
from zoo.models.serialization import load_model_files

ENCODE_BATCH = 64


@dataclass(frozen=True)
class CodeData:
    """Normalised codes of a dataset split and what normalised them.

    codes: float32 [N, h, w, c] in [-1, 1]; labels: int [N]; mean, std: per code channel (of the raw codes);
    scale: the normalisation's scale; clipped: fraction of code values clipped to [-1, 1]."""

    codes: np.ndarray
    labels: np.ndarray
    mean: tuple
    std: tuple
    scale: float
    clipped: float


def load_autoencoder(folder: str) -> CodeAutoencoder:
    """The stage-1 autoencoder saved at the root of model folder `folder` (an autoencoder run's `export/`)."""
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"codes_from = {folder!r} is not a folder; expected the export/ of a stage-1 "
                                f"autoencoder run (zoo train recipes/<...>_stage1.py --workdir ...)")
    model = load_model_files(folder, GENERATOR)
    if not isinstance(model, CodeAutoencoder):
        raise ValueError(f"codes_from = {folder!r} holds a {type(model).__name__}, not a CodeAutoencoder; expected "
                         f"the export/ of an 'autoencoder' task run")
    return model


def encode_images(autoencoder, images: np.ndarray, batch_size: int = ENCODE_BATCH) -> np.ndarray:
    """float32 raw codes of uint8 images (inference mode, in batches)."""
    out = []
    for i in range(0, len(images), batch_size):
        x = np.asarray(images[i:i + batch_size], np.float32) / 127.5 - 1.0
        out.append(np.asarray(autoencoder.encode(x, training=False), np.float32))
    return np.concatenate(out, 0)


@functools.lru_cache(maxsize=4)
def code_data(folder: str, dataset: str, split: str, scale: float) -> CodeData:
    """Encode `dataset`/`split` with the autoencoder of `folder` and normalise the codes by their own per-channel
    statistics (see the module docstring)."""
    images, labels = load_arrays(dataset, split)
    autoencoder = load_autoencoder(folder)
    if tuple(images.shape[1:]) != tuple(autoencoder.image_shape):
        raise ValueError(f"{dataset}/{split} has images of shape {tuple(images.shape[1:])}, but the autoencoder in "
                         f"{folder} takes {tuple(autoencoder.image_shape)}")
    raw = encode_images(autoencoder, images)
    mean, std = code_statistics(raw)
    labels = np.zeros(len(images), np.int32) if labels is None else np.asarray(labels)
    return CodeData(normalise(raw, mean, std, scale), labels, tuple(mean), tuple(std), float(scale),
                    clipped_fraction(raw, mean, std, scale))


def recipe_code_data(recipe) -> CodeData:
    """`code_data` of a "latent_gan" recipe (its `task.codes_from` and `task.code_scale`)."""
    return code_data(recipe.task.codes_from, recipe.data.dataset, recipe.data.split, float(recipe.task.code_scale))


def code_arrays(recipe) -> dict:
    """{"codes": normalised float32 codes, "labels"}: the batch arrays of a "latent_gan" recipe."""
    data = recipe_code_data(recipe)
    return {"codes": data.codes, "labels": np.asarray(data.labels, np.int32)}
