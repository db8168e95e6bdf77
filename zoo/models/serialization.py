"""Save / load a generator (and optionally its discriminator) as plain files: config.json + *.weights.h5.

No pickle anywhere: the config is JSON, the weights are Keras' HDF5 weight files, and only classes under
`zoo.` can be named in a config. This is the on-disk layout shared by training work dirs (`<workdir>/export/`)
and published folders (`weights_manifest/<name>/`).

A pruned model (lottery ticket, `zoo.training.lottery_ticket`) also has `masks.h5`: one 0/1 uint8 dataset per
pruned kernel at `/<part>/<kernel path below the model>` (e.g. `/generator/block1/conv1/kernel`), with
`part` in {generator, discriminator}. The weight files already hold zeros at pruned positions;
`load_model_files` multiplies by the masks again, so a loaded ticket is exactly sparse whatever wrote its
weights, and the masks are what fine-tuning a ticket needs. Keeping them in their own file leaves the weight
files loadable by any Keras model of the same config (no extra mask layer in the architecture).
"""

from __future__ import annotations

import json
import os

from zoo.models import class_path, import_class

CONFIG_FILE = "config.json"
WEIGHT_FILES = {"generator": "generator.weights.h5", "discriminator": "discriminator.weights.h5"}
MASKS_FILE = "masks.h5"


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
            if part not in WEIGHT_FILES:
                raise ValueError(f"masks part must be one of {sorted(WEIGHT_FILES)}, got {part!r}")
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
    """Instantiate (and build) a model from {"class", "config"}; generators are built on a dummy batch."""
    cls = import_class(spec["class"])
    model = cls.from_config(dict(spec["config"]))
    if hasattr(model, "build_for_inputs"):
        model.build_for_inputs()
    return model


def save_model_files(directory: str, generator, discriminator=None, masks: dict | None = None) -> dict:
    """Write config.json and the weight files into `directory`; returns {filename: path}.

    `masks` ({part: {kernel key: 0/1 array}}, a lottery ticket's) are written to `masks.h5`.
    """
    os.makedirs(directory, exist_ok=True)
    config = {"generator": model_config(generator)}
    written = {}
    generator.save_weights(os.path.join(directory, WEIGHT_FILES["generator"]))
    written[WEIGHT_FILES["generator"]] = os.path.join(directory, WEIGHT_FILES["generator"])
    if discriminator is not None:
        config["discriminator"] = model_config(discriminator)
        discriminator.save_weights(os.path.join(directory, WEIGHT_FILES["discriminator"]))
        written[WEIGHT_FILES["discriminator"]] = os.path.join(directory, WEIGHT_FILES["discriminator"])
    if masks is not None:
        written[MASKS_FILE] = save_masks(os.path.join(directory, MASKS_FILE), masks)
    with open(os.path.join(directory, CONFIG_FILE), "w") as f:
        json.dump(config, f, indent=2, sort_keys=True)
    written[CONFIG_FILE] = os.path.join(directory, CONFIG_FILE)
    return written


def load_model_files(directory: str, part: str = "generator"):
    """Rebuild `part` ('generator' or 'discriminator') from a folder written by `save_model_files`; with a
    `masks.h5` beside the weights, the part's masks are applied (pruned weights are exactly zero).

    Does not verify checksums: `zoo.hub` does that before calling this.
    """
    if part not in WEIGHT_FILES:
        raise ValueError(f"part must be one of {sorted(WEIGHT_FILES)}, got {part!r}")
    with open(os.path.join(directory, CONFIG_FILE)) as f:
        config = json.load(f)
    if part not in config:
        raise FileNotFoundError(f"{directory}/{CONFIG_FILE} has no {part!r} entry")
    model = build_model(config[part])
    if part == "discriminator":
        import numpy as np

        g_spec = config["generator"]["config"]
        shape = import_class(config["generator"]["class"]).from_config(dict(g_spec)).image_shape
        labels = np.zeros((1,), np.int32) if model.num_classes else None
        model(np.zeros((1, *shape), np.float32), labels=labels, training=False)
    model.load_weights(os.path.join(directory, WEIGHT_FILES[part]))
    masks_path = os.path.join(directory, MASKS_FILE)
    if os.path.isfile(masks_path):
        apply_masks(model, load_masks(masks_path)[0].get(part, {}))
    return model
