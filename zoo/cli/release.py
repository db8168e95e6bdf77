"""`zoo release`: measure a finished training run and turn it into `weights_manifest/<name>/`.

One command produces every number of a published model: FID and KID of `num` EMA-generator samples
(seed `seed`) against real reference images, each with its real-data floor, the optional FID-vs-truncation
curve, the golden slice, the sample grid (plus the per-class grid and the style-mixing grids for the
generators that have them) and the model card. The fake features are extracted once and used for both metrics.

The real set and the floor, two protocols (every manifest metric states `num_fake`, `num_real`, and its floor's
n and images in `floor_num` / `floor_reference`):

- default, e.g. Fashion-MNIST: the first `num` images of the reference split (`num_real` changes that n, 'all'
  takes the whole split); the floor is the metric between those reference images and as many `train` images
  (the first n of `RandomState(seed).permutation`), i.e. a perfect generator's score at the same n.
- few-shot, e.g. emoji (`floor_reference` given): FID / KID against the whole data set (`--reference
  emoji/all --num-real all`: 3,926 images), as few-shot papers report; the floor is the metric between the whole
  `floor_reference` split and as many `floor_train` images (`emoji/test` (392) vs 392 `emoji/train` images):
  one floor at n = the size of the floor reference, the same for every figure.
"""

from __future__ import annotations

import json
import os
import time

import numpy as np

ALL = "all"  # num_real: the whole reference split


def check_num_real(num_real):
    """None, 'all' or an int >= 2 (ValueError otherwise)."""
    if num_real is None or num_real == ALL:
        return num_real
    if isinstance(num_real, bool) or not isinstance(num_real, (int, np.integer)) or num_real < 2:
        raise ValueError(f"num_real must be an integer >= 2 or {ALL!r} (the whole reference split), got {num_real!r}")
    return int(num_real)


def measure(generator, *, num: int, reference: str, train: str, seed: int = 0, batch_size: int | None = None,
            progress: bool = True, command: str | None = None, truncations=(), curve_num: int | None = None,
            num_real: int | str | None = None, floor_reference: str | None = None,
            floor_train: str | None = None) -> list[dict]:
    """[FID entry, KID entry] in manifest form (each with its floor), from one pass of the feature network;
    then, for each value in `truncations`, an FID entry of `curve_num` (default `num`) samples of
    `generator.sample(..., truncation=t)` (the FID-vs-truncation curve: z truncated at +-t for z-space families,
    psi in w-space for StyleGAN2; see `zoo.models.base.GANGenerator.truncates_in_call`), each with its floor.

    Args:
        num: generated images of the FID / KID entries.
        reference: the real images, '<dataset>/<split>'.
        train: the real images of the default floor (the training split).
        num_real: real `reference` images: the first `num_real`, or 'all' (the whole split); default: as many
            as generated (`num`, `curve_num` for the curve).
        floor_reference, floor_train: the few-shot floor (see the module docstring): the metric between the whole
            `floor_reference` split and as many `floor_train` (default `train`) images. Default (None): the
            floor pairs each figure's reference images with as many `train` images.
        seed: sampling seed (z, labels), train-image permutation and KID subsets.
    """
    from zoo.hub.publish import metric_entry
    from zoo.metrics.evaluate import make_extractor, metric_result, metric_value, sample_labels
    from zoo.metrics.features import extract_features
    from zoo.metrics.reference_stats import reference_statistics
    from zoo.metrics.resize import DEFAULT_RESIZE

    num_real = check_num_real(num_real)
    if floor_train and not floor_reference:
        raise ValueError(f"floor_train ({floor_train}) is the other side of floor_reference, which is not given; "
                         f"without floor_reference the floor uses train ({train})")
    start = time.perf_counter()
    extractor = make_extractor(batch_size, DEFAULT_RESIZE)
    stats = {}  # (split, n or None, permutation seed) -> statistics, each computed once

    def statistics(split, n=None, permutation_seed=None):
        key = (split, n, permutation_seed)
        if key not in stats:
            stats[key] = reference_statistics(split, n, extractor=extractor, permutation_seed=permutation_seed,
                                              progress=progress)
        return stats[key]

    def real_set(n_fake):
        try:
            return statistics(reference, None if num_real == ALL else (num_real or int(n_fake)))
        except ValueError as e:
            if num_real is not None:
                raise
            raise ValueError(f"{reference}: {e}; the real images are as many as the generated ones unless "
                             f"num_real (--num-real N|all) says otherwise") from e

    def floor_of(real):
        """(real statistics, train statistics, description) of the floor of a figure against `real`."""
        if floor_reference:
            floor_real = statistics(floor_reference)
            other = floor_train or train
        else:
            floor_real, other = real, train
        n = int(floor_real["num"])
        floor_fake = statistics(other, n, seed)
        where = floor_reference or reference
        return floor_real, floor_fake, f"{other} (n={n}, permutation seed {seed}) vs {where} (n={n})"

    floors = {}

    def entry(metric, features, real, start, truncation=None):
        values = metric_value(metric, real, features, seed)
        result = metric_result(metric, values, len(features), real["num"], reference, extractor, seed, start,
                               truncation=truncation)
        floor_real, floor_fake, description = floor_of(real)
        if (metric, description) not in floors:
            floors[metric, description] = metric_value(metric, floor_real, floor_fake["features"], seed)["value"]
        out = metric_entry(result, weights="ema", floor=floors[metric, description])
        out["floor_num"] = int(floor_fake["num"])
        out["floor_reference"] = description
        if command:
            out["command"] = command
        return out

    real = real_set(num)  # the real sets first: a wrong n fails before minutes of sampling
    floor_of(real)
    labels = sample_labels(num, generator.num_classes, seed)
    fake = np.asarray(generator.sample(int(num), seed=seed, labels=labels))
    fake_features = extract_features(fake, extractor, progress=progress, desc="features generated")
    entries = [entry(metric, fake_features, real, start) for metric in ("fid", "kid")]
    if not truncations:
        return entries
    curve_num = int(curve_num or num)
    real = real_set(curve_num)
    floor_of(real)
    labels = sample_labels(curve_num, generator.num_classes, seed)
    for t in truncations:
        start = time.perf_counter()
        fake = np.asarray(generator.sample(curve_num, seed=seed, labels=labels, truncation=float(t)))
        features = extract_features(fake, extractor, progress=progress, desc=f"features truncation {t:g}")
        entries.append(entry("fid", features, real, start, truncation=float(t)))
    return entries


def release(workdir: str, *, recipe_path: str, repo_id: str, license: str, num: int, reference: str, train: str,
            seed: int = 0, batch_size: int | None = None, overwrite: bool = False, command: str | None = None,
            git_commit: str | None = None, truncations=(), curve_num: int | None = None,
            train_command: str | None = None, num_real: int | str | None = None, floor_reference: str | None = None,
            floor_train: str | None = None) -> dict:
    """Measure `workdir`'s exported EMA generator and write its published folder; returns the manifest.

    `num`, `reference`, `train`, `seed`, `truncations`, `curve_num`, `num_real`, `floor_reference` and
    `floor_train` are those of `measure`.

    `command` (this release command) is stored with each metric; `git_commit` is the commit the run was
    trained at (default: the one `zoo train` recorded in train_state.json, else HEAD); `train_command` the
    command(s) that trained it, for the model card (default: the one `zoo train` recorded, else
    `zoo train <recipe_path>`).
    """
    from zoo.cli.support import resolve_generator
    from zoo.data import dataset_info
    from zoo.hub.publish import folder_from_workdir

    from zoo.training.recipe import data_section

    with open(os.path.join(workdir, "recipe.json")) as f:
        recipe = data_section(json.load(f))
    with open(os.path.join(workdir, "train_state.json")) as f:
        state = json.load(f)
    generator = resolve_generator(workdir)
    metrics = measure(generator, num=num, reference=reference, train=train, seed=seed, batch_size=batch_size,
                      command=command, truncations=truncations, curve_num=curve_num, num_real=num_real,
                      floor_reference=floor_reference, floor_train=floor_train)
    info = dataset_info(recipe["dataset"])
    return folder_from_workdir(workdir, recipe_path=recipe_path, license=license, repo_id=repo_id,
                               num_examples=int(info["num_examples"][recipe["split"]]), metrics=metrics,
                               git_commit=git_commit or state.get("git_commit"), overwrite=overwrite,
                               command=train_command)
