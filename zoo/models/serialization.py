"""Save / load a generator (and optionally its discriminator) as plain files: config.json + *.weights.h5.

No pickle anywhere: the config is JSON, the weights are Keras' HDF5 weight files, and only classes under
`zoo.` can be named in a config. This is the on-disk layout shared by training work dirs (`<workdir>/export/`)
and published folders (`weights_manifest/<name>/`).
"""

from __future__ import annotations

import json
import os

from zoo.models import class_path, import_class

CONFIG_FILE = "config.json"
WEIGHT_FILES = {"generator": "generator.weights.h5", "discriminator": "discriminator.weights.h5"}


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


def save_model_files(directory: str, generator, discriminator=None) -> dict:
    """Write config.json and the weight files into `directory`; returns {filename: path}."""
    os.makedirs(directory, exist_ok=True)
    config = {"generator": model_config(generator)}
    written = {}
    generator.save_weights(os.path.join(directory, WEIGHT_FILES["generator"]))
    written[WEIGHT_FILES["generator"]] = os.path.join(directory, WEIGHT_FILES["generator"])
    if discriminator is not None:
        config["discriminator"] = model_config(discriminator)
        discriminator.save_weights(os.path.join(directory, WEIGHT_FILES["discriminator"]))
        written[WEIGHT_FILES["discriminator"]] = os.path.join(directory, WEIGHT_FILES["discriminator"])
    with open(os.path.join(directory, CONFIG_FILE), "w") as f:
        json.dump(config, f, indent=2, sort_keys=True)
    written[CONFIG_FILE] = os.path.join(directory, CONFIG_FILE)
    return written


def load_model_files(directory: str, part: str = "generator"):
    """Rebuild `part` ('generator' or 'discriminator') from a folder written by `save_model_files`.

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
    return model
