"""Helpers shared by CLI subcommands: a model name or a training work dir -> a generator; UsageError (exit 2)."""

from __future__ import annotations

import os

from zoo.models.parts import CONFIG_FILE


class UsageError(Exception):
    """Bad user input found after parsing, e.g. an unknown model name: a one-line error, exit code 2
    (`zoo.cli.main`)."""


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
    return registry_entry(name_or_workdir).manifest["dataset"]["name"]


def registry_entry(name: str):
    """The registry entry of a published model name; a UsageError (exit code 2) naming the close names when
    unknown, and saying so when the name looks like a path that does not exist."""
    from zoo.hub.registry import get_entry

    try:
        return get_entry(name)
    except KeyError as e:
        message = e.args[0] if e.args else str(e)
        if os.sep in name or name.startswith("."):
            message = f"{name} is not a directory, nor a pretrained model name: {message}"
        raise UsageError(message) from None


def resolve_generator(name_or_workdir: str, part: str = "generator"):
    """A published model name -> `zoo.hub.load(name)`; a training work dir or model folder -> its model."""
    if os.path.isdir(name_or_workdir):
        folder = model_folder(name_or_workdir)
        if folder is None:
            raise FileNotFoundError(f"{name_or_workdir} has no {CONFIG_FILE} (nor export/{CONFIG_FILE}); "
                                    f"a work dir gets export/ when its training run finishes")
        from zoo.models.serialization import load_model_files

        return load_model_files(folder, part)
    registry_entry(name_or_workdir)  # an unknown name is a usage error, found before TensorFlow loads
    import zoo.hub

    return zoo.hub.load(name_or_workdir, part=part)
