"""Preparing a model folder for publication (manifest, samples, model card) and uploading it to the Hub.

A folder becomes publishable in three steps, all offline (`folder_from_workdir` does them for a training run):

    save_model_files(folder, g, d)      # Keras model directories: generator at the root, discriminator/ (zoo.models.parts)
    write_manifest(folder, dataset=..., license=..., repo_id=..., recipe=..., metrics=[...])
    write_samples(folder); write_class_grid(folder); write_style_mixing(folder)
    write_model_card(folder, read_manifest(folder))
    write_truncation_plot(folder, manifest); add_to_card(folder, manifest)   # zoo.hub.truncation_plot

`publish(name, repo_id)` then uploads `weights_manifest/<name>` (needs network and a Hub token with write
access) and pins the uploaded commit in the local manifest's `hub.revision`.
"""

from __future__ import annotations

import json
import os
import shutil

import numpy as np

from zoo.hub.manifest import MANIFEST_FILE, UNLISTED_FILES, payload_files, sha256_file, validate_manifest
from zoo.models.parts import CONFIG_FILE, DISCRIMINATOR, GENERATOR, MASKS_FILE, MASKS_SCOPE
from zoo.provenance import git_commit  # noqa: F401  (re-exported)

GOLDEN_WINDOW = 4  # golden slice: a 4x4 window at the image centre, first channel (corners are background)


def golden_window(images):
    """The golden window of float images NHWC (video NTHWC): `[..., c-2:c+2, c-2:c+2, :1]` at the centre."""
    images = np.asarray(images)
    h, w = images.shape[-3], images.shape[-2]
    y, x = h // 2 - GOLDEN_WINDOW // 2, w // 2 - GOLDEN_WINDOW // 2
    return images[..., y:y + GOLDEN_WINDOW, x:x + GOLDEN_WINDOW, :1]


def file_entries(folder: str) -> dict:
    """{path relative to `folder`: {"sha256", "size"}} of its model files: the Keras files of every part (the
    discriminator's under discriminator/) and every *.h5 (masks.h5)."""
    paths = {f: os.path.join(folder, *f.split("/")) for f in payload_files(folder)}
    return {f: {"sha256": sha256_file(path), "size": os.path.getsize(path)} for f, path in paths.items()}


def library_versions() -> dict:
    import keras
    import tensorflow as tf

    from zoo.version import __version__

    return {"zoo": __version__, "tensorflow": tf.__version__, "keras": keras.__version__}


def count_params(model) -> int:
    """Trainable parameters (the count papers quote); batch-norm statistics and SN vectors are not counted."""
    return int(sum(int(np.prod(v.shape)) for v in model.trainable_weights))


def golden_labels(generator, num: int):
    """Labels of the golden / sample grid for class-conditional generators: 0, 1, 2, ... modulo classes."""
    return (np.arange(num) % generator.num_classes).astype(np.int32) if generator.num_classes else None


def golden_slice(generator, seed: int = 0, num: int = 2) -> list:
    """`golden_window(generator(z, labels, training=False))` as nested lists, z = `generator.latents(num, seed)`
    (the z of `generator.sample(num, seed=seed)`: `sample_latents(num, latent_dim, seed)` for the families that
    draw z from a normal, the family's own z otherwise, e.g. U(-1, 1) for TGANv2)."""
    z = generator.latents(num, seed=seed)
    images = np.asarray(generator(z, labels=golden_labels(generator, num), training=False))
    window = golden_window(images)
    return window.astype(np.float64).tolist()


def truncation_space(generator) -> str:
    """What `generator.sample(..., truncation=t)` truncates (the manifest's `truncation_space`): the class's own
    `truncation_space` attribute if it declares one; else "z" when the family truncates z (`truncates_in_call`
    False: the truncation trick), "none" when its `latents` refuses any truncation with a ValueError (TGANv2:
    z ~ U(-1, 1)), "w" when it truncates inside `call` with a mapping network that truncates towards its
    average w (psi in w-space, StyleGAN2), "call" for any other truncation inside `call`."""
    declared = getattr(type(generator), "truncation_space", None)
    if isinstance(declared, str):
        return declared
    if not generator.truncates_in_call:
        try:
            generator.latents(1, seed=0, truncation=1.0)
        except ValueError:
            return "none"
        return "z"
    return "w" if callable(getattr(getattr(generator, "mapping", None), "truncate", None)) else "call"


def write_manifest(folder: str, *, dataset: dict, license: str, repo_id: str, recipe: dict,
                   metrics: list | tuple = (), name: str | None = None, golden_seed: int = 0, golden_num: int = 2,
                   golden_atol: float = 1e-4, hub_revision: str | None = None, generator=None,
                   previous: dict | None = None) -> dict:
    """Write `<folder>/manifest.json` for the model saved in `folder`; returns the validated manifest.

    Filled in from the folder: architecture, config, resolution, params (trainable, generator), files
    (sha256 + size of every part's Keras files and masks.h5, `file_entries`), golden slice, versions,
    `truncation_space` (`truncation_space`), `sparsity` when the folder holds a lottery ticket's `masks.h5`,
    and `recipe.git_commit` from `git rev-parse HEAD` when the recipe does not carry one.

    Args:
        folder: a folder written by `zoo.models.serialization.save_model_files`, named after the model.
        dataset: {"name", "split", "num_examples"}.
        license: SPDX-style id as the Hub uses it, e.g. "apache-2.0".
        repo_id: "<org>/<name>" on the Hugging Face Hub.
        recipe: {"path", "steps", "wall_clock_s", "hardware"[, "git_commit", "command"]}.
        metrics: metric dicts (see the schema in zoo.hub.manifest).
        name: the model name (default: the folder's name).
        golden_seed, golden_num, golden_atol: the fixed-seed reference slice checked by the tests.
        hub_revision: the uploaded commit, if already known (publish() records it).
        generator: the generator saved in `folder`, if already loaded from it (default: loaded here).
        previous: the release this one replaces (`previous_release` of its manifest), kept as `previous`.

    Example:
        >>> write_manifest("weights_manifest/sngan-fmnist-32", dataset={"name": "fmnist", "split": "train",
        ...     "num_examples": 60000}, license="apache-2.0", repo_id="zoo-gan/sngan-fmnist-32",
        ...     recipe={"path": "recipes/sngan_fmnist32.py", "steps": 20000, "wall_clock_s": 7200,
        ...             "hardware": "2 CPU cores"})
    """
    from zoo.models.serialization import load_masks, load_model_files, masks_sparsity, part_spec

    name = name or os.path.basename(os.path.normpath(folder))
    spec = part_spec(folder, GENERATOR)
    generator = generator or load_model_files(folder, GENERATOR)
    recipe = dict(recipe)
    if recipe.get("git_commit") is None:
        recipe["git_commit"] = git_commit()
    manifest = {
        "name": name,
        "architecture": spec["class"],
        "config": spec["config"],
        "dataset": dict(dataset),
        "resolution": [int(r) for r in generator.image_shape[:-1]],
        "params": count_params(generator),
        "files": file_entries(folder),
        "hub": {"repo_id": repo_id, "revision": hub_revision},
        "metrics": [dict(m) for m in metrics],
        "recipe": recipe,
        "golden": {"seed": int(golden_seed), "num": int(golden_num), "atol": float(golden_atol),
                   "slice": golden_slice(generator, golden_seed, golden_num)},
        "versions": library_versions(),
        "license": license,
        "truncation_space": truncation_space(generator),
    }
    labels = golden_labels(generator, golden_num)
    if labels is not None:
        manifest["golden"]["labels"] = labels.tolist()
    if os.path.isfile(os.path.join(folder, MASKS_FILE)):
        manifest["sparsity"] = {**masks_sparsity(load_masks(os.path.join(folder, MASKS_FILE))[0]),
                                "scope": MASKS_SCOPE}
    if previous is not None:
        manifest["previous"] = previous
    validate_manifest(manifest, folder=folder)
    save_manifest(folder, manifest)
    return manifest


def previous_release(manifest: dict) -> dict:
    """What a re-release keeps of the release it replaces (its manifest's `previous`): the Hub revision (null if
    it was never uploaded), the sha256 of each model file, the parameter count, the metrics and the recipe entry
    (without the resolved recipe). One level: the replaced release's own `previous` is not carried on."""
    recipe = {k: v for k, v in manifest["recipe"].items() if k != "resolved"}
    if "stage1" in recipe:
        recipe["stage1"] = {k: v for k, v in recipe["stage1"].items() if k != "resolved"}
    return {"revision": manifest["hub"]["revision"],
            "files": {name: entry["sha256"] for name, entry in manifest["files"].items()},
            "params": manifest["params"], "metrics": [dict(m) for m in manifest["metrics"]], "recipe": recipe}


def save_manifest(folder: str, manifest: dict) -> str:
    """Write a (validated) manifest as pretty, key-sorted JSON; returns the path."""
    validate_manifest(manifest)
    path = os.path.join(folder, MANIFEST_FILE)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
        f.write("\n")
    os.replace(tmp, path)
    return path


def write_samples(folder: str, generator=None, num: int = 64, seed: int = 0) -> str:
    """Write the card's sample grid (`samples.png`; video: `samples.gif`) for the model in `folder`."""
    from zoo.images import save_image_grid, save_video_grid
    from zoo.models.serialization import load_model_files

    generator = generator or load_model_files(folder, GENERATOR)
    images = generator.sample(num, seed=seed, labels=golden_labels(generator, num))
    if generator.output_kind == "video":
        return save_video_grid(images, os.path.join(folder, "samples.gif"))
    return save_image_grid(images, os.path.join(folder, "samples.png"))


def write_class_grid(folder: str, generator=None, per_class: int = 10, seed: int = 0) -> str | None:
    """Write `classes.png` for a class-conditional model: one row per class (label 0 at the top), `per_class`
    samples per row, z from `seed` (the same z in every row, so rows differ by the label only). None for
    unconditional or video generators."""
    from zoo.images import save_image_grid
    from zoo.models.latents import sample_latents
    from zoo.models.serialization import load_model_files

    generator = generator or load_model_files(folder, GENERATOR)
    if not generator.num_classes or generator.output_kind != "image":
        return None
    z = np.tile(sample_latents(per_class, generator.latent_dim, seed=seed), (generator.num_classes, 1))
    labels = np.repeat(np.arange(generator.num_classes, dtype=np.int32), per_class)
    images = generator.generate(z, labels)
    from zoo.images import to_uint8

    return save_image_grid(to_uint8(images), os.path.join(folder, "classes.png"), ncols=per_class)


def write_style_mixing(folder: str, generator=None, rows: int | None = None, cols: int | None = None,
                       seed_a: int | None = None, seed_b: int | None = None) -> list[str]:
    """Write `style_mixing_<group>.png` (coarse, middle, fine: those the generator has layers for) for a model
    that mixes styles (`zoo.hub.style_mixing.supports_style_mixing`); returns the paths ([] for any other model).
    Rows: source A (`seed_a`), columns: source B (`seed_b`), constant noise (`zoo.hub.style_mixing`)."""
    from zoo.hub import style_mixing as sm
    from zoo.models.serialization import load_model_files

    generator = generator or load_model_files(folder, GENERATOR)
    if not sm.supports_style_mixing(generator) or generator.output_kind != "image":
        return []
    options = dict(rows=sm.ROWS if rows is None else rows, cols=sm.COLS if cols is None else cols,
                   seed_a=sm.SEED_A if seed_a is None else seed_a, seed_b=sm.SEED_B if seed_b is None else seed_b)
    from PIL import Image

    paths = []
    for group in sm.style_ranges(generator.resolutions, int(generator.num_ws)):
        grid = sm.style_mixing_grid(generator, group, **options)
        path = os.path.join(folder, sm.FILE_PATTERN.format(group=group))
        Image.fromarray(grid[..., 0] if grid.shape[-1] == 1 else grid).save(path)
        paths.append(path)
    return paths


def upload_patterns(folder: str, manifest: dict) -> list[str]:
    """The files that go to the Hub: the payload files, the manifest and the documentation present."""
    docs = [f for f in UNLISTED_FILES if not f.startswith(".") and os.path.isfile(os.path.join(folder, f))]
    return sorted({*manifest["files"], *docs})


def publish(name: str, repo_id: str, token: str | None = None, commit_message: str | None = None) -> str:
    """Upload `weights_manifest/<name>` to the Hub repo `repo_id` and pin the upload; returns the commit id.

    Needs network access to the Hugging Face Hub and a token with write access (`token`, else the one from
    `huggingface-cli login` / `HF_TOKEN`). Steps: verify every file's sha256; set `hub.repo_id`; write
    README.md if the folder has none; `HfApi.create_repo(exist_ok=True)`; `HfApi.upload_folder`; write the
    returned commit id into the local manifest's `hub.revision` (the uploaded manifest still holds the previous
    revision: a commit cannot contain its own id). Commit the updated manifest afterwards.

    Example:
        >>> publish("sngan-fmnist-32", "zoo-gan/sngan-fmnist-32")
        '3f0c...'
    """
    from huggingface_hub import HfApi

    from zoo.hub.load import verify_files
    from zoo.hub.model_card import write_model_card
    from zoo.hub.registry import get_entry
    from zoo.version import __version__

    entry = get_entry(name)
    folder, manifest = entry.folder, json.loads(json.dumps(entry.manifest))
    if repo_id.split("/")[-1] != name or repo_id.count("/") != 1:
        raise ValueError(f"repo_id {repo_id!r} must be '<org>/{name}': the model name is also the Hub repo name")
    verify_files(folder, manifest["files"])
    manifest["hub"]["repo_id"] = repo_id
    save_manifest(folder, manifest)
    if not os.path.isfile(os.path.join(folder, "README.md")):
        write_model_card(folder, manifest)

    api = HfApi(token=token)
    api.create_repo(repo_id, repo_type="model", exist_ok=True, token=token)
    info = api.upload_folder(repo_id=repo_id, folder_path=folder, repo_type="model", token=token,
                             allow_patterns=upload_patterns(folder, manifest),
                             commit_message=commit_message or f"{name} (zoo {__version__})")
    manifest["hub"]["revision"] = info.oid
    save_manifest(folder, manifest)
    return info.oid


def metric_entry(result: dict, weights: str = "ema", floor: dict | float | None = None) -> dict:
    """A manifest metric from a `zoo.metrics.evaluate.evaluate_generator` result (and `real_floor`'s, if given).

    Args:
        result: {'metric', 'value', 'num_fake', 'num_real', 'reference', 'feature_extractor', 'seed', ...}.
        weights: which generator weights were measured: "ema" or "raw".
        floor: the real-data floor at the same n, as a number or a `real_floor` result.
    """
    entry = {"name": result["metric"], "value": float(result["value"]), "num_fake": int(result["num_fake"]),
             "reference": result["reference"], "num_real": int(result["num_real"]),
             "feature_extractor": result["feature_extractor"], "weights": weights,
             "truncation": result.get("truncation"), "seed": int(result["seed"])}
    if floor is not None:
        entry["floor"] = float(floor["value"] if isinstance(floor, dict) else floor)
    for key in ("std", "resize"):
        if result.get(key) is not None:
            entry[key] = result[key]
    return entry


def copy_model_files(source: str, target: str) -> list[str]:
    """Copy the model files of folder `source` into `target` (the layout of `zoo.models.parts`); a `source` in
    the layout before it (an old training run's export/) is rewritten in the current layout on the way (same
    weights). Returns the paths written, relative to `target`."""
    from zoo.models.serialization import is_legacy_folder, load_legacy_part, save_model_files, saved_parts

    if is_legacy_folder(source):
        models = {part: load_legacy_part(source, part) for part in saved_parts(source)}
        save_model_files(target, models[GENERATOR], models.get(DISCRIMINATOR))
        if os.path.isfile(os.path.join(source, MASKS_FILE)):
            shutil.copy2(os.path.join(source, MASKS_FILE), os.path.join(target, MASKS_FILE))
        return payload_files(target)
    copied = payload_files(source)
    for relative in copied:
        path = os.path.join(target, *relative.split("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        shutil.copy2(os.path.join(source, *relative.split("/")), path)
    return copied


def run_entry(state: dict, recipe_path: str, *, command: str | None = None, git_commit: str | None = None,
              resolved: dict | None = None) -> dict:
    """The manifest's recipe entry of one `zoo train` run, from its work dir's train_state.json (`state`): steps,
    wall clock, hardware, and the command (`command`, else the one `zoo train` recorded, else
    `zoo train <recipe_path>`); `git_commit` as given (None: `write_manifest` fills in HEAD); `resolved`: the
    run's whole resolved recipe (its recipe.json, `TrainRecipe.to_dict`), stored as `resolved`."""
    entry = {"path": recipe_path, "steps": int(state["step"]), "wall_clock_s": float(state["wall_clock_s"]),
             "hardware": state.get("hardware", "unknown"),
             "command": command or state.get("command") or f"zoo train {recipe_path}", "git_commit": git_commit}
    if resolved is not None:
        entry["resolved"] = resolved
    return entry


def folder_from_workdir(workdir: str, *, recipe_path: str, license: str, repo_id: str, num_examples: int,
                        metrics: list | tuple = (), command: str | None = None, git_commit: str | None = None,
                        weights_root: str | None = None, overwrite: bool = False, stage1: dict | None = None) -> dict:
    """Turn a finished training run into `weights_manifest/<name>/`: files, manifest, samples, model card.

    Reads `<workdir>/export/` (the model files, `zoo.models.parts`), `<workdir>/recipe.json` (name, dataset, split;
    the whole resolved recipe goes into the manifest as `recipe.resolved`) and `<workdir>/train_state.json` (step,
    wall clock, hardware). Offline; `publish` uploads afterwards.

    Args:
        workdir: the run directory of `zoo train`.
        recipe_path: the recipe file the run used, e.g. "recipes/sngan_fmnist32.py".
        license, repo_id: as in `write_manifest`.
        num_examples: size of the training split.
        metrics: manifest metric dicts (see `metric_entry`).
        command: the exact command(s) of the run (default: the one `zoo train` recorded in train_state.json,
            else `zoo train <recipe_path>`).
        git_commit: the commit the run was trained at (default: the checkout's HEAD now).
        weights_root: the weights_manifest folder (default: `zoo.hub.registry.weights_dir()`).
        overwrite: replace an existing model folder; its manifest's release is kept as `previous`
            (`previous_release`: revision, file hashes, metrics, recipe), a re-release under the same name.
        stage1: a two-stage model's first run (`zoo.models.latent2s`), a recipe entry of the same form
            ({"path", "steps", "wall_clock_s", "hardware", "git_commit"[, "command"]}), stored as `recipe.stage1`.

    Example:
        >>> folder_from_workdir("runs/sngan-fmnist-32", recipe_path="recipes/sngan_fmnist32.py",
        ...     license="apache-2.0", repo_id="zoo-gan/sngan-fmnist-32", num_examples=60000,
        ...     metrics=[metric_entry(fid_result, floor=floor_result)])
    """
    from zoo.hub.model_card import write_model_card
    from zoo.hub.registry import read_manifest, weights_dir
    from zoo.hub.truncation_plot import add_to_card, write_truncation_plot
    from zoo.models.serialization import load_model_files

    with open(os.path.join(workdir, "recipe.json")) as f:
        recipe = json.load(f)
    with open(os.path.join(workdir, "train_state.json")) as f:
        state = json.load(f)
    export = os.path.join(workdir, "export")
    if not os.path.isfile(os.path.join(export, CONFIG_FILE)):
        raise FileNotFoundError(f"{export}/{CONFIG_FILE} is missing; expected a finished run (zoo train writes "
                                f"export/ at the end)")
    folder = os.path.join(weights_root or weights_dir(), recipe["name"])
    previous = None
    if os.path.exists(folder):
        if not overwrite:
            raise FileExistsError(f"{folder} already exists; pass overwrite=True to replace it")
        if os.path.isfile(os.path.join(folder, MANIFEST_FILE)):  # a re-release: keep what it replaces
            previous = previous_release(read_manifest(folder))
        shutil.rmtree(folder)
    os.makedirs(folder)
    copy_model_files(export, folder)
    generator = load_model_files(folder, GENERATOR)  # once, for the manifest and every picture
    data = recipe.get("data", recipe)  # recipe.json's data section (flat in runs trained before 2026-11-30)
    manifest = write_manifest(
        folder, dataset={"name": data["dataset"], "split": data["split"], "num_examples": int(num_examples)},
        license=license, repo_id=repo_id, metrics=metrics,
        recipe={**run_entry(state, recipe_path, command=command, git_commit=git_commit, resolved=recipe),
                **({"stage1": stage1} if stage1 else {})}, generator=generator, previous=previous)
    write_samples(folder, generator)
    write_class_grid(folder, generator)
    write_style_mixing(folder, generator)
    write_model_card(folder, manifest)
    if write_truncation_plot(folder, manifest):  # a truncation curve was measured: its plot in the card
        add_to_card(folder, manifest)
    return manifest
