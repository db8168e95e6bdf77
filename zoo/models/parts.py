"""The parts of a saved model and the files each part is stored in: the one place these names are defined.

A model folder (a published `weights_manifest/<name>/`, a training run's `export/`, a lottery ticket's
rewind folder) holds every part in Keras' own model-directory layout, the one `keras.saving.save_model(model,
path, zipped=False)` writes and `keras.saving.load_model(path)` reads:

    config.json              the sampler ("generator"), at the folder root, so that
    model.weights.h5         `keras.saving.load_model(folder)` (and "hf://ORG/NAME") returns it
    metadata.json
    discriminator/           the discriminator, for fine-tuning, in the same layout
        config.json
        model.weights.h5
        metadata.json
    masks.h5                 a lottery ticket's 0/1 pruning masks, one HDF5 group per part (/generator,
                             /discriminator); see `zoo.models.serialization.save_masks`

The part names are also the group names of `masks.h5` and the names `zoo.load(name, part=...)` accepts. They
are written into every saved folder and manifest: never rename them.

Example:
    >>> part_dir("weights_manifest/sngan-fmnist-32", DISCRIMINATOR)
    'weights_manifest/sngan-fmnist-32/discriminator'
    >>> part_files(DISCRIMINATOR)
    ('discriminator/config.json', 'discriminator/model.weights.h5', 'discriminator/metadata.json')
"""

from __future__ import annotations

import os

GENERATOR = "generator"  # the sampler: what `zoo.load(name)` and `keras.saving.load_model(folder)` return
DISCRIMINATOR = "discriminator"
PARTS = (GENERATOR, DISCRIMINATOR)

# Keras' model-directory layout (keras.saving.save_model(..., zipped=False)), per part
CONFIG_FILE = "config.json"
WEIGHTS_FILE = "model.weights.h5"
METADATA_FILE = "metadata.json"
KERAS_FILES = (CONFIG_FILE, WEIGHTS_FILE, METADATA_FILE)

MASKS_FILE = "masks.h5"  # lottery-ticket masks, at the folder root, one group per part
# which weights a ticket's masks cover (the rule of zoo.training.pruning), recorded as `sparsity.scope`
MASKS_SCOPE = ("kernels of every convolution and dense layer of G and D (attention projections included); "
               "dense: biases, normalization parameters, embeddings and ConditionalBatchNorm's class-conditional "
               "gain / bias projections (they produce batch-norm scales and shifts; the reference code of Chen et "
               "al. 2021 prunes those too)")

# the subfolder of each part inside a model folder ("" = the folder itself)
PART_SUBDIRS = {GENERATOR: "", DISCRIMINATOR: "discriminator"}


def check_part(part: str) -> str:
    """`part` itself, or a ValueError naming the known parts."""
    if part not in PART_SUBDIRS:
        raise ValueError(f"part must be one of {sorted(PART_SUBDIRS)}, got {part!r}")
    return part


def part_subdir(part: str) -> str:
    """The folder of `part` relative to the model folder: "" for the sampler, e.g. "discriminator" otherwise."""
    return PART_SUBDIRS[check_part(part)]


def part_dir(folder: str, part: str) -> str:
    """The directory holding `part`'s Keras files inside model folder `folder`."""
    subdir = part_subdir(part)
    return os.path.join(folder, subdir) if subdir else folder


def part_file(part: str, filename: str) -> str:
    """The path of `filename` of `part` relative to the model folder, with "/" separators (manifest keys)."""
    subdir = part_subdir(part)
    return f"{subdir}/{filename}" if subdir else filename


def part_files(part: str) -> tuple[str, ...]:
    """The Keras files of `part` relative to the model folder: config.json, model.weights.h5, metadata.json."""
    return tuple(part_file(part, f) for f in KERAS_FILES)


def weights_file(part: str) -> str:
    """The weight file of `part` relative to the model folder (e.g. "discriminator/model.weights.h5")."""
    return part_file(part, WEIGHTS_FILE)


def part_of_file(relative_path: str) -> str | None:
    """The part a file (path relative to the model folder, "/" separators) belongs to; None for other files
    (masks.h5, the manifest, the model card, pictures)."""
    subdir, _, name = relative_path.rpartition("/")
    if name not in KERAS_FILES:
        return None
    return next((part for part, d in PART_SUBDIRS.items() if d == subdir), None)
