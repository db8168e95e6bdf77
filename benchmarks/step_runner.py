"""The timed training step every benchmark in this folder measures: one recipe's task on random data.

`make_runner(recipe, strategy, jit, weights)` -> (run, weights): `run(steps)` performs `steps` training steps
and returns the elapsed seconds (after the last step's losses are on the host); `weights` are
(G weights, D weights), so a second runner can start from the same initialisation. The data are random uint8
images of the preset's shape and random labels (used by class-conditional families, ignored otherwise); the
input pipeline is the real one.
"""

from __future__ import annotations

import time

import keras
import numpy as np
import tensorflow as tf

from zoo.data.pipeline import image_arrays, make_train_dataset
from zoo.models import build_from_preset
from zoo.training.loop import make_step_fn
from zoo.training.tasks import build_task


def make_runner(recipe, strategy=None, jit: bool = False, weights=None):
    strategy = strategy or tf.distribute.get_strategy()
    rng = np.random.default_rng(0)
    shape = build_from_preset(recipe.model.family, recipe.model.preset, generator=recipe.model.generator_overrides)[0].image_shape
    images = rng.integers(0, 256, (2048, *shape), dtype=np.uint8)
    labels = rng.integers(0, 10, (2048,), dtype=np.int64)
    keras.utils.set_random_seed(recipe.run.seed)
    trainer = build_task(recipe, strategy, {"images": images.shape[1:], "labels": ()})
    if weights is not None:
        trainer.generator.set_weights(weights[0])
        trainer.discriminator.set_weights(weights[1])
    dataset = strategy.distribute_datasets_from_function(
        lambda ctx: make_train_dataset(image_arrays(images, labels), examples_per_step=recipe.data.batch_size * recipe.task.batches_per_step,
                                       seed=0, input_context=ctx))
    iterator = iter(dataset)
    step_fn = make_step_fn(trainer, strategy, seed=recipe.run.seed, jit_compile=jit)

    def run(steps):
        t0 = time.perf_counter()
        for _ in range(steps):
            out = step_fn(iterator)
        float(out["g_loss"])
        return time.perf_counter() - t0

    return run, (trainer.generator.get_weights(), trainer.discriminator.get_weights())
