"""Tasks register themselves as records (`zoo.training.tasks.registry`), `validate()` asks them, and recipes
written before the per-task settings sections still load, validate and resume (`upgrade_recipe_dict`)."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil

import pytest

from tests.conftest import REPO
from tests.training.helpers import tiny_recipe
from zoo.models import AUTOENCODERS, FAMILIES, family_task
from zoo.training.loop import train
from zoo.training.recipe import RecipeError, TrainRecipe, load_recipe
from zoo.training.tasks import TASKS, GANSettings, StyleGAN2Settings

LEGACY = json.load(open(os.path.join(REPO, "tests", "training", "data", "legacy_recipes.json")))


def test_every_record_is_complete_and_every_family_has_a_task():
    for kind, record in TASKS.items():
        assert record.settings.kind == kind and dataclasses.is_dataclass(record.settings)
        assert record.networks and record.batch_keys and callable(record.builder)
    tasks_of_families = {family_task(f) for f in (*FAMILIES, *AUTOENCODERS)}
    assert tasks_of_families <= {r.family_task for r in TASKS.values()}


def test_stylegan2_with_the_gan_task_is_refused_in_one_line_before_any_data(monkeypatch, tmp_path):
    import zoo.training.loop as loop

    monkeypatch.setattr(loop, "load_arrays", lambda *a: pytest.fail("data loaded before the recipe check"))
    recipe = load_recipe(os.path.join(REPO, "recipes", "stylegan2_emoji64.py"))
    wrong = recipe.replace(task=GANSettings(loss="non_saturating", n_dis=1, ema_decay=0.999, ema_start=0))
    with pytest.raises(RecipeError, match=r"family 'stylegan2' does not fit task 'gan': stylegan2 is trained by "
                                          r"task 'stylegan2'") as info:
        train(wrong, str(tmp_path / "run"))
    assert "\n" not in str(info.value)
    sngan = tiny_recipe()
    with pytest.raises(RecipeError, match="family 'sngan' does not fit task 'stylegan2'"):
        sngan.replace(task=StyleGAN2Settings(loss="hinge", n_dis=1, ema_kimg=10.0, ema_rampup=0.0,
                                             style_mixing=0.9)).validate()


# recipes that changed since the earlier format was written: where that recipe lives now, and the changes back to it
# (stylegan2_emoji64 became release 2's recipe; release 1's is pilot 0, with the pilots' run settings)
MOVED = {"stylegan2_emoji64": ("pilots/stylegan2_emoji64_p0", dict(
    name="stylegan2-emoji-64", steps=750, checkpoint_every=250, sample_every=500, snapshot_every=0))}


@pytest.mark.parametrize("name", sorted(LEGACY["recipes"]))
def test_recipes_in_the_earlier_format_convert_to_the_same_recipe(name):
    legacy = LEGACY["recipes"][name]
    assert "codes_from" in legacy["data"] and "l1_weight" in legacy["task"]  # really the earlier format
    path, changes = MOVED.get(name, (name, {}))
    now = load_recipe(os.path.join(REPO, "recipes", f"{path}.py")).replace(**changes)
    assert TrainRecipe.from_dict(legacy) == now


def test_a_setting_the_conversion_would_lose_is_refused():
    legacy = json.loads(json.dumps(LEGACY["recipes"]["sngan_fmnist32"]))
    legacy["task"]["style_mixing"] = 0.9
    with pytest.raises(RecipeError, match=r"task.style_mixing = 0.9 is not a setting of task 'gan'"):
        TrainRecipe.from_dict(legacy)


def test_a_run_started_in_the_earlier_format_resumes(half_run, tmp_path):
    """A copy of the session's `half_run` (`train(tiny_recipe(), workdir, steps=2)`), its recipe.json rewritten."""
    recipe = tiny_recipe()
    workdir = str(tmp_path / "run")
    shutil.copytree(half_run, workdir)
    legacy = LEGACY["smoke"]["sngan_fmnist32"]
    assert TrainRecipe.from_dict(legacy) == recipe
    with open(os.path.join(workdir, "recipe.json"), "w") as f:  # as the earlier zoo wrote it
        json.dump(legacy, f)
    state = train(recipe, workdir, resume=True)
    assert state["step"] == recipe.run.steps
    with open(os.path.join(workdir, "recipe.json")) as f:
        assert json.load(f) == recipe.to_dict()  # rewritten in today's format
    with pytest.raises(ValueError, match=r"trained with a different recipe \(fields \['task.loss'\] differ\)"):
        train(recipe.replace(loss="non_saturating"), workdir, steps=recipe.run.steps + 1, resume=True)
