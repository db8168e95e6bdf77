"""Rewrite model folders of the layout before `zoo.models.parts` in the current one, without retraining.

Old layout: `config.json` = {"generator": {"class", "config"}, "discriminator": {...}} beside
`generator.weights.h5` and `discriminator.weights.h5` (+ `masks.h5`). Current layout (`zoo.models.parts`):
one Keras model directory per part, the generator at the root (`config.json`, `model.weights.h5`,
`metadata.json`), the discriminator under `discriminator/`, `masks.h5` unchanged.

Each part is rebuilt from its old config, its old weights are loaded, and it is saved with Keras' own
directory saving; the migration asserts that every weight value is bit-identical, that the weight files hold
the same datasets, and (published folders) that the manifest's golden slice still passes with its own atol.
A published folder's manifest gets new `files` entries (sha256 + size of every file, now including the
metadata.json files and discriminator/); everything else in it (golden values, metrics, `hub.revision`) is
kept. Its model card is rewritten from the manifest.

The four shipped models were migrated with (from the repository root):

    python -m zoo.hub.migrate weights_manifest/sngan-fmnist-32 weights_manifest/sagan-fmnist-32 \\
        weights_manifest/biggan-fmnist-32 weights_manifest/biggan-fmnist10pct-32.lth
"""

from __future__ import annotations

import argparse
import json
import os

import numpy as np

from zoo.models.parts import GENERATOR, MASKS_FILE, weights_file


def h5_datasets(path: str) -> dict:
    """{dataset path: array} of every dataset in an HDF5 file."""
    import h5py

    out = {}
    with h5py.File(path, "r") as f:
        f.visititems(lambda name, obj: out.__setitem__(name, obj[()]) if isinstance(obj, h5py.Dataset) else None)
    return out


def assert_same_datasets(old_path: str, new_path: str) -> None:
    """The two weight files hold the same dataset paths with bit-identical values (AssertionError otherwise)."""
    old, new = h5_datasets(old_path), h5_datasets(new_path)
    if sorted(old) != sorted(new):
        raise AssertionError(f"{new_path} holds datasets {sorted(set(new) ^ set(old))} that {old_path} does not "
                             f"(or the reverse); expected the same weights")
    for key in old:
        np.testing.assert_array_equal(new[key], old[key], err_msg=f"{new_path}: {key}")


def assert_same_weights(old_model, new_model, where: str) -> None:
    """Same weight paths below the model and bit-identical values (AssertionError naming the weight)."""
    from zoo.models.serialization import weight_key

    old = {weight_key(v): v.numpy() for v in old_model.weights}
    new = {weight_key(v): v.numpy() for v in new_model.weights}
    if sorted(old) != sorted(new):
        raise AssertionError(f"{where}: weights {sorted(set(old) ^ set(new))} differ between the layouts")
    for key in old:
        np.testing.assert_array_equal(new[key], old[key], err_msg=f"{where}: {key}")


def convert_legacy_folder(source: str, target: str | None = None) -> list[str]:
    """Write the model of old-layout folder `source` into `target` (default: `source`, in place) in the
    current layout; returns the parts written. Asserts identical weights; in place, the old weight files are
    removed (the old config.json is replaced by the generator's Keras config). `masks.h5` is copied if
    `target` is another folder."""
    import shutil

    from zoo.models.serialization import (is_legacy_folder, legacy_weights_file, load_legacy_part, load_model_files,
                                          save_part, saved_parts)

    target = source if target is None else target
    if not is_legacy_folder(source):
        raise ValueError(f"{source} is not in the old layout (config.json keyed by part name); nothing to convert")
    parts = saved_parts(source)
    old = {part: load_legacy_part(source, part) for part in parts}  # before config.json is overwritten
    old_files = {part: os.path.join(source, legacy_weights_file(part)) for part in parts}
    kept = {}
    if target == source:  # keep the old weight files aside until the new ones are checked
        for part, path in old_files.items():
            kept[part] = path + ".old"
            os.replace(path, kept[part])
        old_files = kept
    for part in parts:
        save_part(target, part, old[part])
    masks = os.path.join(source, MASKS_FILE)
    if target != source and os.path.isfile(masks):
        shutil.copy2(masks, os.path.join(target, MASKS_FILE))
    for part in parts:
        assert_same_datasets(old_files[part], os.path.join(target, *weights_file(part).split("/")))
        assert_same_weights(old[part], load_model_files(target, part), f"{target} {part}")
    for path in kept.values():
        os.remove(path)
    return parts


def check_golden(folder: str, manifest: dict) -> float:
    """Max |difference| of the generator's golden window against the manifest's slice; AssertionError beyond
    the manifest's atol."""
    from zoo.hub.publish import golden_labels, golden_window
    from zoo.models.serialization import load_model_files

    golden = manifest["golden"]
    g = load_model_files(folder, GENERATOR)
    z = g.latents(golden["num"], seed=golden["seed"])
    window = golden_window(g(z, labels=golden_labels(g, golden["num"]), training=False))
    np.testing.assert_allclose(window, np.asarray(golden["slice"]), atol=golden["atol"], err_msg=folder)
    return float(np.abs(window - np.asarray(golden["slice"])).max())


def migrate_published(folder: str) -> dict:
    """Migrate a published `weights_manifest/<name>/` in place: verify the old files against the manifest,
    convert, check the golden slice, rewrite `files` in the manifest and the model card. Returns the manifest."""
    from zoo.hub.load import verify_files
    from zoo.hub.model_card import write_model_card
    from zoo.hub.publish import file_entries, save_manifest
    from zoo.hub.registry import read_manifest

    with open(os.path.join(folder, "manifest.json")) as f:
        manifest = json.load(f)
    verify_files(folder, manifest["files"])
    convert_legacy_folder(folder)
    diff = check_golden(folder, manifest)
    manifest["files"] = file_entries(folder)
    save_manifest(folder, manifest)
    write_model_card(folder, manifest)
    read_manifest(folder)  # the folder validates: every file listed
    verify_files(folder, manifest["files"])
    print(f"{folder}: migrated; golden slice max |diff| {diff:.3g} (atol {manifest['golden']['atol']}); "
          f"files {sorted(manifest['files'])}", flush=True)
    return manifest


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m zoo.hub.migrate", description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="+", help="published model folders (weights_manifest/<name>)")
    args = parser.parse_args(argv)
    for folder in args.folders:
        migrate_published(folder)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
