"""Every recipe file: a complete TrainRecipe (every field written out), a known family / preset / loss, and a
smoke variant that trains; the paper-setting recipes (n_dis > 1, ortho_reg) and the DiffAugment + AdvAug
recipe train a few steps."""

from __future__ import annotations

import dataclasses
import glob
import os

import pytest

from tests.conftest import REPO
from zoo.losses import LOSSES
from zoo.models import get_family
from zoo.training.loop import train
from zoo.training.recipe import TrainRecipe, load_recipe

RECIPES = sorted(glob.glob(os.path.join(REPO, "recipes", "*.py")))


@pytest.mark.parametrize("path", RECIPES, ids=os.path.basename)
def test_recipe_is_complete(path):
    recipe = load_recipe(path)
    text = open(path).read()
    missing = [f.name for f in dataclasses.fields(TrainRecipe) if f"    {f.name}=" not in text]
    assert not missing, f"{path} does not write out {missing}"
    assert recipe.preset in get_family(recipe.family).PRESETS
    assert recipe.loss in LOSSES
    doc = text.split('"""')[1]
    assert "Reproduces" in doc and "Command" in doc
    assert load_recipe(path, smoke=True).steps <= 4


@pytest.mark.parametrize("name", ["biggan_cifar10.py", "sagan_cifar10.py", "biggan_fmnist10pct32_lth_diffaug_advaug.py"])
def test_paper_setting_recipes_train_in_smoke_form(name, tmp_path):
    recipe = load_recipe(os.path.join(REPO, "recipes", name), smoke=True).replace(steps=2)
    train(recipe, str(tmp_path / "run"))
    assert os.path.isfile(tmp_path / "run" / "export" / "model.weights.h5")
