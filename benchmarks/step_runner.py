"""The timed training step every benchmark in this folder measures: one recipe's task on random data.

`make_runner(recipe, strategy, jit, weights)` -> (run, weights): `run(steps)` performs `steps` training steps
and returns the elapsed seconds (after the last step's losses are on the host); `weights` are
(G weights, D weights), so a second runner can start from the same initialisation. The data are random: uint8
images or clips of the generator's shape, or float codes (the latent GAN task), and random labels (used by
class-conditional families, ignored otherwise), under the keys of the task's record; the input pipeline is the
real one. `make_runner(..., with_task=True)` also returns the task and the step function.
"""

from __future__ import annotations

import time

import keras
import numpy as np
import tensorflow as tf

from zoo.data.pipeline import make_train_dataset
from zoo.models import build_from_preset
from zoo.training.loop import make_step_fn
from zoo.training.tasks import build_task, task_record

EXAMPLES = 2048  # random examples the pipeline cycles through


def random_arrays(recipe, examples: int = EXAMPLES) -> dict:
    """{key: random array} under the task record's batch keys, of the generator's output shape: uint8 "images"
    / "video", float32 "codes" (normalised codes are about N(0, 1)), int64 "labels" in [0, 10)."""
    rng = np.random.default_rng(0)
    shape = build_from_preset(recipe.model.family, recipe.model.preset,
                              generator=recipe.model.generator_overrides)[0].image_shape
    arrays = {}
    for key in task_record(recipe.task.kind).batch_keys:
        if key == "labels":
            arrays[key] = rng.integers(0, 10, (examples,), dtype=np.int64)
        elif key == "codes":
            arrays[key] = rng.standard_normal((examples, *shape)).astype(np.float32)
        else:
            arrays[key] = rng.integers(0, 256, (examples, *shape), dtype=np.uint8)
    return arrays


def make_runner(recipe, strategy=None, jit: bool = False, weights=None, with_task: bool = False):
    strategy = strategy or tf.distribute.get_strategy()
    arrays = random_arrays(recipe)
    keras.utils.set_random_seed(recipe.run.seed)
    trainer = build_task(recipe, strategy, {k: v.shape[1:] for k, v in arrays.items()})
    if weights is not None:
        trainer.generator.set_weights(weights[0])
        trainer.discriminator.set_weights(weights[1])
    examples_per_step = recipe.data.batch_size * recipe.task.batches_per_step
    dataset = strategy.distribute_datasets_from_function(
        lambda ctx: make_train_dataset(arrays, examples_per_step=examples_per_step, seed=0, input_context=ctx))
    iterator = iter(dataset)
    step_fn = make_step_fn(trainer, strategy, seed=recipe.run.seed, jit_compile=jit)

    def run(steps):
        t0 = time.perf_counter()
        for _ in range(steps):
            out = step_fn(iterator)
        float(next(iter(out.values())))
        return time.perf_counter() - t0

    nets = trainer.networks
    weights = tuple(nets[k].get_weights() for k in ("generator", "discriminator") if k in nets)
    if with_task:
        return run, weights, trainer, step_fn
    return run, weights
