"""Smoke variants of multi-stage recipes: a stage-2 recipe (the latent GAN) trains on the export of its stage-1
recipe, so its smoke run first trains the stage-1 recipe's smoke.

A stage-2 recipe file names its first stage with `STAGE1_RECIPE = "<file>.py"` (next to it, in `recipes/`) and
defines `smoke(stage1_folder)`; `smoke_recipe(path, scratch)` trains the stage-1 smoke run into
`<scratch>/stage1` (once: an existing export is reused) and returns `smoke(<scratch>/stage1/export)`. Plain
recipes return `load_recipe(path, smoke=True)`.
"""

from __future__ import annotations

import os

from zoo.training.recipe import load_recipe, recipe_module

STAGE1_DIR = "stage1"


def stage1_recipe_path(module, path: str) -> str | None:
    """The path of the stage-1 recipe that recipe file `path` (executed: `module`) names, or None."""
    name = getattr(module, "STAGE1_RECIPE", None)
    return os.path.join(os.path.dirname(os.path.abspath(path)), name) if name else None


def smoke_recipe(path: str, scratch: str, stream=None, strategy: str = "default", steps: int | None = None):
    """The smoke variant of recipe file `path`, its stage-1 smoke run trained first into `scratch` when it has
    one (see the module docstring); `steps` (default: the smoke's) and `strategy` apply to that stage-1 run."""
    from zoo.training.loop import train

    module = recipe_module(path)
    stage1 = stage1_recipe_path(module, path)
    if stage1 is None:
        return load_recipe(path, smoke=True)
    workdir = os.path.join(scratch, STAGE1_DIR)
    export = os.path.join(workdir, "export")
    if not os.path.isfile(os.path.join(export, "config.json")):
        train(load_recipe(stage1, smoke=True), workdir, steps=steps, strategy=strategy, stream=stream)
    return module.smoke(export).validate()
