"""`Generator.from_preset(preset)`, keras-hub's way of loading a pretrained model, for zoo's generators.

A preset is one of (as keras-hub's `Backbone.from_preset` takes a name, an `hf://` handle or a folder):

- a published name, "sngan-fmnist-32": `zoo.load(name)`, every file checked against the registry's manifest;
- "hf://org/name" or "hf://org/name@revision": that Hugging Face repo's snapshot (offline: from the HF cache),
  every file checked against its manifest.json, and against the local registry's manifest too when the
  registry has a model published to that repo;
- a folder holding a published model (its manifest.json and files): every file checked against that manifest.

A folder without manifest.json (a training work dir's export/) has nothing to verify against and is refused:
`keras.saving.load_model(folder)` loads it unchecked. The class asks for a family: `SNGANGenerator.from_preset`
refuses a BigGAN preset with an error naming both, checked on the manifest before anything is built; the base
class, `zoo.models.Generator` (`GANGenerator`), takes any family.
"""

from __future__ import annotations

import importlib
import json
import os

from zoo.hub.load import HF_PREFIX, check_config_matches, load, pretrained_folder, verify_files
from zoo.hub.manifest import MANIFEST_FILE
from zoo.hub.registry import registry
from zoo.models.parts import GENERATOR


def architecture_class(architecture: str):
    """The class of a manifest's `architecture` ('zoo.models.sngan.SNGANGenerator'); ValueError if unknown."""
    module, _, name = architecture.rpartition(".")
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        raise ValueError(f"the manifest names architecture {architecture!r}, which this zoo version does not have; "
                         f"expected a class such as 'zoo.models.sngan.SNGANGenerator'") from None


def family_of(cls) -> str:
    """'sngan' for a class defined in zoo.models.sngan.*; the class name for one defined elsewhere."""
    parts = cls.__module__.split(".")
    return parts[2] if parts[:2] == ["zoo", "models"] and len(parts) > 2 else cls.__name__


def check_family(cls, manifest: dict, preset: str) -> None:
    """ValueError naming both when the preset's generator is not a `cls` (a preset of another family)."""
    found = architecture_class(manifest["architecture"])
    if not issubclass(found, cls):
        raise ValueError(f"{cls.__name__}.from_preset({preset!r}): that preset is a {found.__name__} (family "
                         f"{family_of(found)}), not a {cls.__name__} (family {family_of(cls)}); use "
                         f"{found.__name__}.from_preset or zoo.models.Generator.from_preset, which takes any family")


def read_folder_manifest(folder: str, preset: str) -> dict:
    path = os.path.join(folder, MANIFEST_FILE)
    if not os.path.isfile(path):
        raise ValueError(f"from_preset({preset!r}): the folder has no {MANIFEST_FILE}, so its weights cannot be "
                         f"verified; keras.saving.load_model(folder) loads it unchecked")
    with open(path) as f:
        return json.load(f)


def load_preset(cls, preset: str):
    """`cls.from_preset(preset)` (see the module docstring): the generator, its files sha256-verified, with
    `zoo_name` and `manifest` set as `zoo.load` sets them."""
    from zoo.models.serialization import load_model_files

    if not isinstance(preset, str) or not preset:
        raise ValueError(f"from_preset: expected a published name, 'hf://org/name[@revision]' or a folder, "
                         f"got {preset!r}")
    if not preset.startswith(HF_PREFIX) and not os.path.isdir(preset):
        entries = registry()
        if preset in entries:
            check_family(cls, entries[preset].manifest, preset)
        return load(preset)  # an unknown name: KeyError naming the close names
    if preset.startswith(HF_PREFIX):
        folder, _ = pretrained_folder(preset)  # checks the repo's files against its manifest.json
        manifest = read_folder_manifest(folder, preset)
        repo_id = preset[len(HF_PREFIX):].partition("@")[0]
        for entry in registry().values():  # a model of the local registry: its manifest is the trusted one
            if entry.manifest["hub"]["repo_id"] == repo_id:
                verify_files(folder, entry.manifest["files"])
    else:
        folder = preset
        manifest = read_folder_manifest(folder, preset)
        verify_files(folder, manifest["files"])
    check_family(cls, manifest, preset)
    check_config_matches(folder, manifest)  # the config.json that decides the class is the manifest's
    model = load_model_files(folder, GENERATOR)
    object.__setattr__(model, "zoo_name", manifest.get("name"))
    object.__setattr__(model, "manifest", manifest)
    return model
