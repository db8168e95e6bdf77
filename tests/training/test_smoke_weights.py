"""Nothing that works changes its numbers: the weights of every recipe's `smoke()` run after 20 steps, under the
default strategy and MirroredStrategy, are bit-identical to the digests recorded on the code before the
training-core refactor (`tests/training/data/smoke_weights.json`, written by `benchmarks/smoke_weights.py`).

The fast suite checks the richest path, class-conditional BigGAN with orthogonal regularization, DiffAugment
and AdvAug (default strategy); `make test-slow` checks all 30 (MirroredStrategy and one-stage included). The
StyleGAN2 recipes' digests were recorded when the family was added (commit 3d534f5: lazy R1 and path length,
style mixing, noise, EMA by half-life within the 20 steps); the TGANv2 recipe's when it was added (commit
e56699c's code: three levels, the summed real gradient penalty, linear lr decay); the two-stage latent GAN's
three recipes' when they were added (stage 1: the autoencoder's and the patch D's weights; stage 2: trained on
the codes of the stage-1 smoke run, `zoo.training.stages`)."""

import importlib.util
import json
import os

import pytest

from tests.conftest import REPO

RECORDED = json.load(open(os.path.join(REPO, "tests", "training", "data", "smoke_weights.json")))
FAST = ("biggan_fmnist10pct32_lth_diffaug_advaug/default",)


def _script():
    spec = importlib.util.spec_from_file_location("smoke_weights", os.path.join(REPO, "benchmarks", "smoke_weights.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _check(case):
    name, strategy = case.split("/")
    digests = _script().run(os.path.join(REPO, "recipes", f"{name}.py"), strategy, RECORDED["steps"])
    assert digests == RECORDED["digests"][case], f"{case}: weights differ from the recorded run"


def test_every_recipe_has_recorded_digests():
    recipes = sorted(f[:-3] for f in os.listdir(os.path.join(REPO, "recipes")) if f.endswith(".py"))
    assert sorted({case.split("/")[0] for case in RECORDED["digests"]}) == recipes
    assert set(FAST) <= set(RECORDED["digests"])


@pytest.mark.parametrize("case", FAST)
def test_smoke_weights_are_bit_identical(case):
    _check(case)


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(set(RECORDED["digests"]) - set(FAST)))
def test_smoke_weights_are_bit_identical_all_recipes(case):
    _check(case)
