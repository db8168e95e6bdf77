"""`zoo release`: measure a finished training run and turn it into `weights_manifest/<name>/`.

One command produces every number of a published model: FID and KID of `num` EMA-generator samples
(seed `seed`) against the first `num` images of the reference split, the same metrics for `num` real
training images (the real-data floor at that n), the golden slice, the sample grid and the model card.
The fake features are extracted once and used for both metrics.
"""

from __future__ import annotations

import json
import os
import time

import numpy as np


def measure(generator, *, num: int, reference: str, train: str, seed: int = 0, batch_size: int | None = None,
            progress: bool = True, command: str | None = None, truncations=(), curve_num: int | None = None
            ) -> list[dict]:
    """[FID entry, KID entry] in manifest form (each with its floor), from one pass of the feature network;
    then, for each threshold in `truncations`, an FID entry of `curve_num` (default `num`) samples with z
    from the truncated normal (the FID-vs-truncation curve; floor at that n attached)."""
    from zoo.hub.publish import metric_entry
    from zoo.metrics.evaluate import make_extractor, metric_result, metric_value, sample_labels
    from zoo.metrics.features import extract_features
    from zoo.metrics.reference_stats import reference_statistics
    from zoo.metrics.resize import DEFAULT_RESIZE

    start = time.perf_counter()
    extractor = make_extractor(batch_size, DEFAULT_RESIZE)
    labels = sample_labels(num, generator.num_classes, seed)
    fake = np.asarray(generator.sample(int(num), seed=seed, labels=labels))
    fake_features = extract_features(fake, extractor, progress=progress, desc="features generated")
    real = reference_statistics(reference, num, extractor=extractor, progress=progress)
    floor_set = reference_statistics(train, num, extractor=extractor, permutation_seed=seed, progress=progress)

    def entry(metric, features, real, floor_set, floor_value, start, truncation=None):
        values = metric_value(metric, real, features, seed)
        result = metric_result(metric, values, len(features), real["num"], reference, extractor, seed, start,
                               truncation=truncation)
        out = metric_entry(result, weights="ema", floor=floor_value)
        out["floor_reference"] = f"{train} (n={floor_set['num']}, permutation seed {seed})"
        if command:
            out["command"] = command
        return out

    entries = [entry(metric, fake_features, real, floor_set,
                     metric_value(metric, real, floor_set["features"], seed)["value"], start)
               for metric in ("fid", "kid")]
    if not truncations:
        return entries
    curve_num = int(curve_num or num)
    if curve_num != num:
        real = reference_statistics(reference, curve_num, extractor=extractor, progress=progress)
        floor_set = reference_statistics(train, curve_num, extractor=extractor, permutation_seed=seed,
                                         progress=progress)
    floor = metric_value("fid", real, floor_set["features"], seed)["value"]
    labels = sample_labels(curve_num, generator.num_classes, seed)
    for t in truncations:
        start = time.perf_counter()
        fake = np.asarray(generator.sample(curve_num, seed=seed, labels=labels, truncation=float(t)))
        features = extract_features(fake, extractor, progress=progress, desc=f"features truncation {t:g}")
        entries.append(entry("fid", features, real, floor_set, floor, start, truncation=float(t)))
    return entries


def release(workdir: str, *, recipe_path: str, repo_id: str, license: str, num: int, reference: str, train: str,
            seed: int = 0, batch_size: int | None = None, overwrite: bool = False, command: str | None = None,
            git_commit: str | None = None, truncations=(), curve_num: int | None = None,
            train_command: str | None = None) -> dict:
    """Measure `workdir`'s exported EMA generator and write its published folder; returns the manifest.

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
                      command=command, truncations=truncations, curve_num=curve_num)
    info = dataset_info(recipe["dataset"])
    return folder_from_workdir(workdir, recipe_path=recipe_path, license=license, repo_id=repo_id,
                               num_examples=int(info["num_examples"][recipe["split"]]), metrics=metrics,
                               git_commit=git_commit or state.get("git_commit"), overwrite=overwrite,
                               command=train_command)
