"""Save / load a generator (and optionally its discriminator) in Keras' own model-directory layout.

The layout (file and part names: `zoo.models.parts`), shared by training work dirs (`<workdir>/export/`),
lottery-ticket rewind folders and published folders (`weights_manifest/<name>/`):

    config.json, model.weights.h5, metadata.json      the generator (the sampler), at the root
    discriminator/config.json, model.weights.h5, ...  the discriminator
    masks.h5                                          a lottery ticket's pruning masks (optional)

Each part is what `keras.saving.save_model(model, path, zipped=False)` writes, so `keras.saving.load_model(
folder)` returns the generator with its weights (after `import zoo`, which registers the zoo classes).

No pickle anywhere: configs are JSON, weights are Keras' HDF5 weight files. `load_model_files` checks that a
config names a zoo class (registered name "zoo>...", module "zoo....") before Keras deserializes anything,
and loads with `safe_mode=True`.

A pruned model (lottery ticket, `zoo.training`) also has `masks.h5`: one 0/1 uint8 dataset per pruned kernel
at `/<part>/<kernel path below the model>` (e.g. `/generator/block1/conv1/kernel`). The weight files
already hold zeros at pruned positions; `load_model_files` multiplies by the masks again, so a loaded ticket
is exactly sparse whatever wrote its weights, and the masks are what fine-tuning a ticket needs. Keeping them
in their own file leaves each part loadable by Keras alone (no mask layer in the architecture).

The layout before `zoo.models.parts` (config.json = {"generator": {"class", "config"}, "discriminator": ...}
beside generator.weights.h5 and discriminator.weights.h5; training work dirs of earlier versions) is still
read by `load_model_files`; `zoo.hub.migrate` rewrites such a folder in the current layout.
"""

from __future__ import annotations

import json
import os

from zoo.models import class_path, import_class
from zoo.models.parts import (CONFIG_FILE, DISCRIMINATOR, GENERATOR, KERAS_FILES, MASKS_FILE, PARTS, check_part,
                              part_dir, part_file)

__all__ = ["CONFIG_FILE", "MASKS_FILE", "apply_masks", "build_model", "is_legacy_folder", "legacy_weights_file",
           "load_legacy_part", "load_masks", "load_model_files", "masks_sparsity", "model_config", "part_spec",
           "read_json", "save_masks", "save_model_files", "save_part", "saved_parts", "weight_key", "zoo_class"]

ASSETS_DIR = "assets"  # Keras' directory layout may hold an assets/ folder; zoo models have no assets


def weight_key(variable) -> str:
    """A weight's path below its model, e.g. "block1/conv1/kernel": the same in every process (Keras numbers
    the model's own name per process: sngan_generator_2/...)."""
    return variable.path.split("/", 1)[-1]


def save_masks(path: str, masks: dict, attrs: dict | None = None) -> str:
    """Write {part: {kernel key: 0/1 array}} to an HDF5 masks file (uint8, gzip); `attrs` go to the root."""
    import h5py
    import numpy as np

    with h5py.File(path, "w", track_order=True) as f:
        for part, part_masks in masks.items():
            if part not in PARTS:
                raise ValueError(f"masks part must be one of {sorted(PARTS)}, got {part!r}")
            group = f.create_group(part, track_order=True)
            for key, mask in part_masks.items():
                mask = np.asarray(mask)
                if not np.isin(mask, (0, 1)).all():
                    raise ValueError(f"mask {part}/{key} holds values other than 0 and 1")
                group.create_dataset(key, data=mask.astype(np.uint8), compression="gzip", track_times=False)
        for name, value in (attrs or {}).items():
            f.attrs[name] = value
    return path


def load_masks(path: str) -> tuple[dict, dict]:
    """({part: {kernel key: float32 0/1 array}}, root attributes) of a masks file written by `save_masks`."""
    import h5py
    import numpy as np

    masks = {}
    with h5py.File(path, "r") as f:
        for part, group in f.items():
            entries = {}
            group.visititems(lambda name, obj: entries.__setitem__(name, obj[()].astype(np.float32))
                             if isinstance(obj, h5py.Dataset) else None)
            masks[part] = entries
        attrs = {k: (v.item() if hasattr(v, "item") else v) for k, v in f.attrs.items()}
    return masks, attrs


def masks_sparsity(masks: dict) -> dict:
    """{part: fraction of its masked (prunable) weights that are pruned, 6 decimals} of {part: {key: 0/1}}."""
    import numpy as np

    out = {}
    for part, part_masks in masks.items():
        total = sum(int(np.size(m)) for m in part_masks.values())
        kept = sum(float(np.sum(m)) for m in part_masks.values())
        out[part] = round(1.0 - kept / total, 6) if total else 0.0
    return out


def apply_masks(model, masks: dict) -> None:
    """kernel <- kernel * mask for every {kernel key: mask} of `model` (cross-replica / eager context).

    Raises ValueError naming the key when a mask has no kernel of that path and shape in `model`.
    """
    weights = {weight_key(v): v for v in model.weights}
    for key, mask in masks.items():
        variable = weights.get(key)
        if variable is None or tuple(variable.shape) != tuple(mask.shape):
            found = None if variable is None else tuple(variable.shape)
            raise ValueError(f"mask {key!r} of shape {tuple(mask.shape)} does not fit {type(model).__name__} "
                             f"(its weight of that path: {found}); expected masks written for this architecture")
        variable.assign(variable * mask)


def model_config(model) -> dict:
    """{"class": "zoo.models....", "config": get_config()} of a model."""
    return {"class": class_path(model), "config": model.get_config()}


def build_model(spec: dict):
    """Instantiate a model from {"class", "config"} (zoo classes only); generators are also built on a dummy
    batch."""
    from zoo.models.base import GANGenerator

    model = import_class(spec["class"]).from_config(dict(spec["config"]))
    if isinstance(model, GANGenerator):
        model.build_for_inputs()
    return model


def legacy_weights_file(part: str) -> str:
    """The weight file of `part` in the layout before `zoo.models.parts`, e.g. "generator.weights.h5"."""
    return f"{check_part(part)}.weights.h5"


def read_json(path: str) -> dict:
    """The JSON object in `path`; FileNotFoundError / ValueError naming the file otherwise."""
    try:
        with open(path) as f:
            return json.load(f)
    except json.JSONDecodeError as e:
        raise ValueError(f"{path} is not valid JSON ({e}); expected a Keras model config") from None


def is_legacy_folder(directory: str) -> bool:
    """True when `directory` holds the layout before `zoo.models.parts` (config.json keyed by part name)."""
    path = os.path.join(directory, CONFIG_FILE)
    if not os.path.isfile(path):
        return False
    config = read_json(path)
    return GENERATOR in config and "class_name" not in config


def zoo_class(config: dict, where: str):
    """The registered zoo model class a Keras config names; ValueError unless it is a zoo `keras.Model`.

    Checked before Keras deserializes anything: the registered name must be "zoo>ClassName" and the module a
    zoo module, which is imported (that registers the class) only after this check.
    """
    import importlib

    import keras

    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"{where} is not a Keras model config; expected what keras.saving.save_model writes "
                         f"(keys module, class_name, registered_name, config)")
    module, name, registered = config.get("module"), config.get("class_name"), config.get("registered_name")
    if not (isinstance(module, str) and module.startswith("zoo.") and registered == f"zoo>{name}"):
        raise ValueError(f"{where} names {module}.{name} (registered as {registered!r}); refusing to load it: "
                         f"only zoo model classes (registered as 'zoo>ClassName') can be loaded")
    importlib.import_module(module)
    cls = keras.saving.get_registered_object(registered)
    if not (isinstance(cls, type) and issubclass(cls, keras.Model) and cls.__module__ == module):
        raise ValueError(f"{where} names {registered!r} from {module}, which is not a registered zoo model class")
    return cls


def part_spec(directory: str, part: str = GENERATOR) -> dict:
    """{"class": "zoo.models....", "config": get_config()} of `part` in a model folder (either layout), read
    from its config.json without building anything: what a manifest's `architecture` / `config` record."""
    check_part(part)
    if is_legacy_folder(directory):
        config = read_json(os.path.join(directory, CONFIG_FILE))
        if part not in config:
            raise FileNotFoundError(f"{directory}/{CONFIG_FILE} has no {part!r} entry: the folder holds no {part}")
        return {"class": config[part]["class"], "config": config[part]["config"]}
    path = os.path.join(part_dir(directory, part), CONFIG_FILE)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{path} is missing: {directory} holds no {part} (expected "
                                f"{part_file(part, CONFIG_FILE)}, the layout of zoo.models.parts)")
    config = read_json(path)
    return {"class": class_path(zoo_class(config, path)), "config": config["config"]}


def saved_parts(directory: str) -> list[str]:
    """The parts a model folder (either layout) holds, in `PARTS` order."""
    if is_legacy_folder(directory):
        config = read_json(os.path.join(directory, CONFIG_FILE))
        return [p for p in PARTS if p in config]
    return [p for p in PARTS if os.path.isfile(os.path.join(part_dir(directory, p), CONFIG_FILE))]


def remove_empty_dir(path: str) -> None:
    if os.path.isdir(path) and not os.listdir(path):
        os.rmdir(path)


def save_part(directory: str, part: str, model) -> dict:
    """Write `model` as `part` of the model folder `directory` with `keras.saving.save_model(zipped=False)`;
    returns {path relative to `directory`: path} of its files."""
    import keras

    if not model.built or not model.weights:
        raise ValueError(f"{type(model).__name__} is not built; call it once (or build_for_inputs) before saving")
    path = part_dir(directory, part)
    os.makedirs(path, exist_ok=True)
    remove_empty_dir(os.path.join(path, ASSETS_DIR))  # Keras refuses to save over an existing assets/
    keras.saving.save_model(model, path, zipped=False)
    remove_empty_dir(os.path.join(path, ASSETS_DIR))  # ... and leaves an empty one behind
    return {part_file(part, f): os.path.join(path, f) for f in KERAS_FILES}


def remove_stale_files(directory: str, parts: tuple, masks: bool) -> None:
    """Delete what a previous save left in `directory` that the coming one will not rewrite: the files of the
    old layout, parts not saved now, and masks.h5 when no masks are given (they belong to another model)."""
    stale = [legacy_weights_file(p) for p in PARTS]
    stale += [part_file(p, f) for p in PARTS if p not in parts and p != GENERATOR for f in KERAS_FILES]
    if not masks:
        stale.append(MASKS_FILE)
    for relative in stale:
        path = os.path.join(directory, relative)
        if os.path.isfile(path):
            os.remove(path)
    for p in PARTS:
        if p != GENERATOR and p not in parts:
            remove_empty_dir(part_dir(directory, p))


def save_model_files(directory: str, generator, discriminator=None, masks: dict | None = None) -> dict:
    """Write the generator (and discriminator) into `directory` in the layout of `zoo.models.parts`; returns
    {path relative to `directory`: path} of every file written.

    `masks` ({part: {kernel key: 0/1 array}}, a lottery ticket's) are written to `masks.h5`. Files of an
    earlier save that this one does not rewrite (old-layout weight files, a discriminator or masks.h5 when
    none is given now) are removed, so the folder always describes one model.
    """
    os.makedirs(directory, exist_ok=True)
    models = {GENERATOR: generator, DISCRIMINATOR: discriminator}
    parts = tuple(p for p in PARTS if models[p] is not None)
    remove_stale_files(directory, parts, masks is not None)
    written = {}
    for part in parts:
        written.update(save_part(directory, part, models[part]))
    if masks is not None:
        written[MASKS_FILE] = save_masks(os.path.join(directory, MASKS_FILE), masks)
    return written


def load_legacy_part(directory: str, part: str):
    """`part` of a folder in the layout before `zoo.models.parts` (config.json keyed by part name)."""
    spec = part_spec(directory, part)
    model = import_class(spec["class"]).from_config(dict(spec["config"]))
    if part == DISCRIMINATOR:
        g_spec = part_spec(directory, GENERATOR)
        model.build_for_inputs(import_class(g_spec["class"]).from_config(dict(g_spec["config"])).image_shape)
    else:
        model.build_for_inputs()
    model.load_weights(os.path.join(directory, legacy_weights_file(part)))
    return model


def load_model_files(directory: str, part: str = GENERATOR):
    """Rebuild `part` ('generator' or 'discriminator') from a folder written by `save_model_files` (or in the
    layout before it); with a `masks.h5` in the folder, the part's masks are applied (pruned weights are
    exactly zero).

    Only zoo classes are loaded (checked before deserializing, then `keras.saving.load_model(...,
    safe_mode=True)`). Does not verify checksums: `zoo.hub` does that before calling this.
    """
    import keras

    check_part(part)
    if not os.path.isfile(os.path.join(directory, CONFIG_FILE)):
        raise FileNotFoundError(f"{directory}/{CONFIG_FILE} is missing; expected a model folder written by "
                                f"zoo.models.serialization.save_model_files")
    if is_legacy_folder(directory):
        model = load_legacy_part(directory, part)
    else:
        part_spec(directory, part)  # refuses a missing part or a non-zoo class before Keras reads anything
        model = keras.saving.load_model(part_dir(directory, part), compile=False, safe_mode=True)
    masks_path = os.path.join(directory, MASKS_FILE)
    if os.path.isfile(masks_path):
        apply_masks(model, load_masks(masks_path)[0].get(part, {}))
    return model
