"""`train(recipe, workdir, ...)`: the one training loop behind `zoo train`, for every strategy."""

from __future__ import annotations

import json
import math
import os
import shutil
import time

import keras
import numpy as np
import tensorflow as tf

from zoo.augment import make_diffaugment
from zoo.augment.advaug import AdvAug
from zoo.data import load_arrays
from zoo.provenance import git_commit, hardware
from zoo.data.pipeline import make_train_dataset
from zoo.images import save_image_grid, to_uint8
from zoo.models import build_from_preset
from zoo.models.latents import sample_latents
from zoo.models.serialization import load_masks, load_model_files, save_model_files
from zoo.training.checkpoint import make_checkpoint, make_manager
from zoo.training.gan_trainer import GANTrainer
from zoo.training.lottery_ticket import add_masks, apply_ticket, ticket_masks
from zoo.training.progress import Progress
from zoo.training.recipe import TrainRecipe
from zoo.training.strategy import get_strategy, is_chief

STATE_FILE = "train_state.json"
RECIPE_FILE = "recipe.json"


class NonFiniteLossError(RuntimeError):
    """A loss became NaN or Inf; the run stopped before writing any checkpoint from that state."""


def build_trainer(recipe: TrainRecipe, strategy: tf.distribute.Strategy, image_shape, augment=None) -> GANTrainer:
    """G, D, EMA G and both Adam optimizers of `recipe`, all variables created under `strategy`."""
    with strategy.scope():
        g, d = build_from_preset(recipe.family, recipe.preset, generator=recipe.generator_overrides,
                                 discriminator=recipe.discriminator_overrides)
        trainer = GANTrainer(g, d, loss=recipe.loss, n_dis=recipe.n_dis, ema_decay=recipe.ema_decay,
                             ema_start=recipe.ema_start, seed=recipe.seed, gp_lambda=recipe.gp_lambda,
                             r1_gamma=recipe.r1_gamma, ortho_reg=recipe.ortho_reg,
                             augment=augment, training_mode=recipe.training_mode,
                             advaug_d=AdvAug(recipe.advaug_d_steps, recipe.advaug_d_step_size, recipe.advaug_d_radius),
                             advaug_g=AdvAug(recipe.advaug_g_steps, recipe.advaug_g_step_size, recipe.advaug_g_radius))
        trainer.compile(g_optimizer=keras.optimizers.Adam(recipe.g_lr, recipe.beta_1, recipe.beta_2),
                        d_optimizer=keras.optimizers.Adam(recipe.d_lr, recipe.beta_1, recipe.beta_2))
        trainer.build_all(image_shape)
        if recipe.init_masks:  # a lottery ticket (zoo.training.lottery_ticket)
            add_masks(trainer, load_masks(recipe.init_masks)[0])
    return trainer


def make_step_fn(trainer: GANTrainer, strategy, jit_compile: bool = False):
    """tf.function: next element of a distributed iterator -> one step on every replica -> global mean losses."""
    replica_step = tf.function(trainer.replica_step, jit_compile=True) if jit_compile else trainer.replica_step

    @tf.function
    def step_fn(iterator):
        per_replica = strategy.run(replica_step, args=(next(iterator),))
        return {k: strategy.reduce(tf.distribute.ReduceOp.SUM, v, axis=None) for k, v in per_replica.items()}

    return step_fn


def _check_same_recipe(workdir: str, recipe: TrainRecipe):
    path = os.path.join(workdir, RECIPE_FILE)
    if not os.path.exists(path):
        return
    with open(path) as f:
        saved = {**TrainRecipe.defaults(), **json.load(f)}
    now = json.loads(json.dumps(recipe.to_dict()))
    diff = sorted(k for k in set(saved) | set(now) if k != "steps" and saved.get(k) != now.get(k))
    if diff:
        raise ValueError(f"{workdir} was trained with a different recipe (fields {diff} differ); "
                         f"resume with the same recipe or use a new --workdir")


def _read_state(workdir: str) -> dict:
    path = os.path.join(workdir, STATE_FILE)
    if os.path.exists(path):
        with open(path) as f:
            return json.load(f)
    return {}


def _init_from(trainer: GANTrainer, name: str):
    """Copy the weights of a published model, or of a model folder (`save_model_files` layout, e.g. the
    rewind weights of a lottery-ticket run): G, EMA G from its generator; D from its discriminator."""
    if os.path.isdir(name):
        def load(part):
            return load_model_files(name, part)
    else:
        import zoo.hub

        def load(part):
            return zoo.hub.load(name, part=part)

    pairs = ((load("generator"), (trainer.generator, trainer.ema_generator)),
             (load("discriminator"), (trainer.discriminator,)))
    for src, dsts in pairs:
        for dst in dsts:
            src_shapes = [tuple(v.shape) for v in src.weights]
            dst_shapes = [tuple(v.shape) for v in dst.weights]
            if src_shapes != dst_shapes:
                raise ValueError(f"--init-from {name}: its {type(src).__name__} does not match the recipe's "
                                 f"architecture ({len(src_shapes)} weights vs {len(dst_shapes)}; first difference "
                                 f"{next(((a, b) for a, b in zip(src_shapes, dst_shapes) if a != b), None)})")
            dst.set_weights(src.get_weights())


def train(recipe: TrainRecipe, workdir: str, *, steps: int | None = None, strategy: str = "default",
          resume: bool = False, init_from: str | None = None, num_devices: int = 2, augment=None,
          stream=None, command: str | None = None) -> dict:
    """Train `recipe` in `workdir` up to `steps` (default: recipe.steps) generator updates.

    Writes `<workdir>/checkpoints/` every `checkpoint_every` steps (and at the end), TensorBoard scalars and
    sample grids under `<workdir>/tb` and `<workdir>/samples`, and at the end `<workdir>/export/` (EMA generator
    + discriminator, the layout of a published model). A workdir that has checkpoints is only continued with
    `resume=True`, from its latest checkpoint; the run then continues exactly where it stopped.
    Raises NonFiniteLossError as soon as a loss is NaN/Inf (no checkpoint is written from that state).
    `command` (the command line that started the run; `zoo train` passes its own) is recorded in
    train_state.json, where `zoo release` reads it for the model card; a resumed run keeps the first one.
    Returns the final state dict (step, losses, wall clock).
    """
    if recipe.deterministic:
        tf.config.experimental.enable_op_determinism()
    keras.utils.set_random_seed(recipe.seed)
    strat = get_strategy(strategy, num_devices)
    chief = is_chief(strat)
    total = int(recipe.steps if steps is None else steps)
    images, labels = load_arrays(recipe.dataset, recipe.split)
    if augment is None:
        augment = make_diffaugment(recipe.diffaugment)
    trainer = build_trainer(recipe, strat, images.shape[1:], augment=augment)

    checkpoint = make_checkpoint(trainer)
    task_id = getattr(getattr(strat, "cluster_resolver", None), "task_id", 0) or 0
    manager = make_manager(checkpoint, workdir, chief, recipe.keep_checkpoints, task_id)
    if chief:
        os.makedirs(workdir, exist_ok=True)
    latest = tf.train.latest_checkpoint(os.path.join(workdir, "checkpoints"))
    if latest and not resume:
        raise FileExistsError(f"{workdir} already has checkpoints ({latest}); pass --resume to continue it "
                              f"or choose a new --workdir")
    state = _read_state(workdir) if latest else {}
    if latest:
        _check_same_recipe(workdir, recipe)
        checkpoint.restore(latest).assert_consumed()
    elif init_from:
        _init_from(trainer, init_from)
        apply_ticket(trainer)
    start = int(trainer.step.numpy())
    state.setdefault("git_commit", git_commit())
    if command:
        state.setdefault("command", command)
    if chief:
        with open(os.path.join(workdir, RECIPE_FILE), "w") as f:
            json.dump(recipe.to_dict(), f, indent=2, sort_keys=True)

    dataset = strat.distribute_datasets_from_function(
        lambda ctx: make_train_dataset(images, labels, examples_per_step=recipe.batch_size * recipe.n_dis,
                                       seed=recipe.seed, start_step=start, input_context=ctx))
    iterator = iter(dataset)
    step_fn = make_step_fn(trainer, strat, recipe.jit_compile)
    fixed_z = sample_latents(64, trainer.generator.latent_dim, seed=recipe.seed)
    fixed_labels = (np.arange(64) % trainer.generator.num_classes).astype(np.int32) \
        if trainer.generator.num_classes else None
    writer = tf.summary.create_file_writer(os.path.join(workdir, "tb")) if chief else tf.summary.create_noop_writer()
    progress = Progress(total, start, recipe.batch_size, stream=stream)
    wall_before = float(state.get("wall_clock_s", 0.0))
    t0 = time.perf_counter()
    values = {}

    def save_state(step):
        state.update(step=step, wall_clock_s=wall_before + time.perf_counter() - t0, strategy=strategy,
                     num_replicas=strat.num_replicas_in_sync, hardware=hardware(), losses=values,
                     recipe=recipe.name)
        if chief:  # temporary file + rename: a run killed mid-write leaves the previous state, never half a file
            path = os.path.join(workdir, STATE_FILE)
            with open(path + ".tmp", "w") as f:
                json.dump(state, f, indent=2, sort_keys=True)
            os.replace(path + ".tmp", path)

    save_state(start)  # command and commit are on disk before the first checkpoint, so a run killed any time
    # after it resumes with them (a checkpoint is written before the state that follows it)
    for step in range(start + 1, total + 1):
        out = step_fn(iterator)
        values = {k: float(v) for k, v in out.items()}
        if not all(math.isfinite(v) for v in values.values()):
            raise NonFiniteLossError(
                f"non-finite loss at step {step}: {values}. Training stopped; the last good checkpoint is "
                f"{manager.latest_checkpoint or 'none (no checkpoint was written yet)'}; resume with --resume "
                f"after lowering the learning rates.")
        if step % recipe.log_every == 0 or step == total:
            rate = progress.update(step, values)
            with writer.as_default(step=step):
                for k, v in values.items():
                    tf.summary.scalar(k, v)
                tf.summary.scalar("steps_per_second", rate)
        if step % recipe.sample_every == 0 or step == total:
            grid = to_uint8(trainer.ema_generator.generate(fixed_z, fixed_labels))
            if chief:
                save_image_grid(grid, os.path.join(workdir, "samples", f"step_{step:07d}.png"))
            with writer.as_default(step=step):
                tf.summary.image("ema_samples", grid[:16], max_outputs=16)
        if step % recipe.checkpoint_every == 0 or step == total:
            manager.save(checkpoint_number=step)
            save_state(step)
    if chief:
        save_model_files(os.path.join(workdir, "export"), trainer.ema_generator, trainer.discriminator,
                         masks=ticket_masks(trainer))
    else:
        shutil.rmtree(manager.directory, ignore_errors=True)  # a non-chief worker's throw-away checkpoints
    writer.flush()
    return dict(state)
