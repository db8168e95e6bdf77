"""Helpers shared by CLI subcommands: turning a model name or a training work dir into a generator."""

from __future__ import annotations

import os

from zoo.models.serialization import CONFIG_FILE, load_model_files


def command_line() -> str:
    """This invocation as a shell command: `zoo <arguments, shell-quoted>`."""
    import shlex
    import sys

    return "zoo " + shlex.join(sys.argv[1:])


def model_folder(path: str) -> str | None:
    """The folder holding config.json for a work dir (its `export/`) or a model folder; None if neither."""
    for candidate in (os.path.join(path, "export"), path):
        if os.path.isfile(os.path.join(candidate, CONFIG_FILE)):
            return candidate
    return None


def dataset_of(name_or_workdir: str) -> str:
    """The training dataset name of a published model, a model folder or a training work dir."""
    import json

    if os.path.isdir(name_or_workdir):
        for path, key in ((os.path.join(name_or_workdir, "recipe.json"), None),
                          (os.path.join(name_or_workdir, "manifest.json"), "dataset")):
            if os.path.isfile(path):
                with open(path) as f:
                    data = json.load(f)
                if key is None:
                    from zoo.training.recipe import data_section

                    return data_section(data)["dataset"]
                return data["dataset"]["name"]
        raise FileNotFoundError(f"{name_or_workdir} has neither recipe.json nor manifest.json: dataset unknown")
    from zoo.hub.registry import get_entry

    return get_entry(name_or_workdir).manifest["dataset"]["name"]


def resolve_generator(name_or_workdir: str, part: str = "generator"):
    """A published model name -> `zoo.hub.load(name)`; a training work dir or model folder -> its model."""
    if os.path.isdir(name_or_workdir):
        folder = model_folder(name_or_workdir)
        if folder is None:
            raise FileNotFoundError(f"{name_or_workdir} has no {CONFIG_FILE} (nor export/{CONFIG_FILE}); "
                                    f"a work dir gets export/ when its training run finishes")
        return load_model_files(folder, part)
    import zoo.hub

    return zoo.hub.load(name_or_workdir, part=part)
