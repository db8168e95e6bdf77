"""Shared bits for training tests: the tiny recipe and weight comparison."""

import os

import h5py
import numpy as np

from tests.conftest import REPO
from zoo.models.parts import PARTS, weights_file
from zoo.training.recipe import load_recipe

RECIPE_PATH = os.path.join(REPO, "recipes", "sngan_fmnist32.py")


def tiny_recipe(**changes):
    recipe = load_recipe(RECIPE_PATH, smoke=True)
    return recipe.replace(**changes) if changes else recipe


def read_weights(path):
    out = {}
    with h5py.File(path, "r") as f:
        f.visititems(lambda name, obj: out.__setitem__(name, obj[()]) if isinstance(obj, h5py.Dataset) else None)
    return out


def assert_same_export(dir_a, dir_b):
    for part in PARTS:
        a = read_weights(os.path.join(dir_a, "export", weights_file(part)))
        b = read_weights(os.path.join(dir_b, "export", weights_file(part)))
        assert a.keys() == b.keys() and len(a) > 10
        for k in a:
            np.testing.assert_array_equal(a[k], b[k], err_msg=f"{part}: {k}")


def tiny_task(strategy=None, recipe=None, augment=None, **changes):
    """The GAN task of the tiny recipe (or `recipe`), built for 32x32x1 images under `strategy`."""
    import tensorflow as tf

    from zoo.training.tasks import build_task

    recipe = recipe if recipe is not None else tiny_recipe(**changes)
    return build_task(recipe, strategy or tf.distribute.get_strategy(), {"images": (32, 32, 1), "labels": ()},
                      augment=augment)


def rng(step=0, seed=0):
    """The randomness of step `step` (completed steps before it) of a run with base seed `seed`."""
    from zoo.training.randomness import StepRandomness

    return StepRandomness(seed, step)
