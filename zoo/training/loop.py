"""`train(recipe, workdir, ...)`: the one training loop behind `zoo train`, for every strategy."""

from __future__ import annotations

import json
import math
import os
import shutil
import sys
import time

import keras
import numpy as np
import tensorflow as tf

from zoo.data import load_arrays
from zoo.data.pipeline import example_arrays, make_train_dataset
from zoo.images import save_image_grid, save_video_grid
from zoo.models.serialization import save_model_files
from zoo.provenance import git_commit, hardware
from zoo.training.checkpoint import (DiskFullError, disk_full_error, is_disk_full, list_checkpoints, make_checkpoint,
                                    make_manager, restore_verified, save_verified)
from zoo.training.interrupt import StopAgreement, StopSignals, TrainingInterrupted
from zoo.training.progress import Progress
from zoo.training.pruning import apply_ticket, ticket_masks
from zoo.training.randomness import StepRandomness
from zoo.training.recipe import TrainRecipe
from zoo.training.snapshots import save_snapshot
from zoo.training.strategy import get_strategy, is_chief
from zoo.training.finetune import init_from_folder
from zoo.training.tasks import build_task, task_record
from zoo.training.video_summary import video_summary
from zoo.training.workdir_lock import WorkdirLock

STATE_FILE = "train_state.json"
RECIPE_FILE = "recipe.json"


class NonFiniteLossError(RuntimeError):
    """A loss became NaN or Inf; the run stopped before writing any checkpoint from that state."""


class StepFunction:
    """The loop's training step: `step_fn(iterator)` runs one step of `task` on every replica and returns the
    global losses (sums over replicas of the per-replica scaled losses).

    The step counter is the loop's (`counter`, a tf.Variable saved in checkpoints as "step"; it counts
    completed steps), not an optimizer's: each step's randomness is `StepRandomness(seed, counter)`, and the
    task's lazy intervals due at that step (`task.due(step)`) select one compiled function per combination.

    Args:
        task: a built `zoo.training.tasks.base.Task`.
        strategy: the strategy holding the task's variables.
        seed: the run's base seed.
        jit_compile: XLA-compile the replica step.
    """

    def __init__(self, task, strategy, seed: int, jit_compile: bool = False):
        self.task, self.strategy, self.seed, self.jit_compile = task, strategy, int(seed), bool(jit_compile)
        self.counter = tf.Variable(0, dtype=tf.int64, trainable=False, name="step")
        self._compiled = {}

    @property
    def step(self) -> int:
        """Completed steps."""
        return int(self.counter.numpy())

    def _compile(self, due: tuple):
        task, strategy, seed = self.task, self.strategy, self.seed

        def replica(batch, step):
            return task.replica_step(batch, StepRandomness(seed, step), due)

        replica_fn = tf.function(replica, jit_compile=True) if self.jit_compile else replica

        # autograph off: the step's control flow is Python (the lazy phases are `due`, a trace-time tuple), so the
        # graph is the same and tracing skips converting every layer's `call` (~4 s per process, ~1 s per trace)
        @tf.function(autograph=False)
        def step_fn(iterator, step):
            per_replica = strategy.run(replica_fn, args=(next(iterator), step))
            return {k: strategy.reduce(tf.distribute.ReduceOp.SUM, v, axis=None) for k, v in per_replica.items()}

        return step_fn

    def __call__(self, iterator) -> dict:
        step = self.step
        due = self.task.due(step)
        if due not in self._compiled:
            self._compiled[due] = self._compile(due)
        out = self._compiled[due](iterator, tf.constant(step, tf.int64))
        self.counter.assign_add(1)
        return out


def make_step_fn(task, strategy, seed: int = 0, jit_compile: bool = False) -> StepFunction:
    """The loop's step function of `task` (see `StepFunction`), starting at step 0."""
    return StepFunction(task, strategy, seed, jit_compile)


def batch_arrays(recipe: TrainRecipe) -> dict:
    """{key: array} of the recipe's training data: the task record's `arrays` (the latent GAN task: {"codes",
    "labels"}, the images encoded by a frozen stage-1 autoencoder, `zoo.training.code_data`), else the
    dataset's {"images", "labels"} or {"video", "labels"} (labels 0 where the dataset has none)."""
    record = task_record(recipe.task.kind)
    if record.arrays is not None:
        return record.arrays(recipe)
    return example_arrays(*load_arrays(recipe.data.dataset, recipe.data.split))


def batch_spec(arrays: dict) -> dict:
    """{key: shape without the batch axis} of a batch's arrays (what `Task.build` needs)."""
    return {k: tuple(np.shape(v)[1:]) for k, v in arrays.items()}


def _check_same_recipe(workdir: str, recipe: TrainRecipe):
    """A resumed run must use the recipe it started with (`run.steps` aside); its recipe.json is read through
    `TrainRecipe.from_dict`, which converts the formats of earlier zoo versions."""
    path = os.path.join(workdir, RECIPE_FILE)
    if not os.path.exists(path):
        return
    with open(path) as f:
        saved = json.load(f)
    try:
        saved = TrainRecipe.from_dict(saved)
    except (TypeError, ValueError, KeyError) as e:
        raise ValueError(f"{path} cannot be read as a recipe ({e}); resume with the zoo version that wrote it or "
                         f"use a new --workdir") from None
    diff = [k for k in saved.differences(recipe) if k != "run.steps"]
    if diff:
        raise ValueError(f"{workdir} was trained with a different recipe (fields {diff} differ); "
                         f"resume with the same recipe or use a new --workdir")


def _read_state(workdir: str) -> dict:
    path = os.path.join(workdir, STATE_FILE)
    if os.path.exists(path):
        with open(path) as f:
            return json.load(f)
    return {}


def train(recipe: TrainRecipe, workdir: str, *, steps: int | None = None, strategy: str = "default",
          resume: bool = False, init_from: str | None = None, num_devices: int = 2, augment=None,
          stream=None, command: str | None = None) -> dict:
    """Train `recipe` in `workdir` up to `steps` (default: recipe.run.steps) generator updates.

    Writes `<workdir>/checkpoints/` every `checkpoint_every` steps (and at the end), TensorBoard scalars and
    sample grids under `<workdir>/tb` and `<workdir>/samples`, and at the end `<workdir>/export/` (EMA generator
    + discriminator, the layout of a published model). A workdir that has checkpoints is only continued with
    `resume=True`, from its latest checkpoint; the run then continues exactly where it stopped.
    Raises NonFiniteLossError as soon as a loss is NaN/Inf (no checkpoint is written from that state).
    `command` (the command line that started the run; `zoo train` passes its own) is recorded in
    train_state.json, where `zoo release` reads it for the model card; a resumed run keeps the first one.
    Returns the final state dict (step, losses, wall clock).

    Faults: the chief holds an exclusive lock on `workdir` for the whole run (`WorkdirLock`: a second run
    fails at once, naming the holder). Every checkpoint is read back and its sha256 recorded; `resume=True`
    restores the newest checkpoint that verifies, warning about (and moving aside, never deleting) newer ones
    that do not, and fails listing all of them when none does (`zoo.training.checkpoint.restore_verified`).
    A full disk (while writing a checkpoint, train_state.json, samples, summaries or the export) raises
    DiskFullError naming the last intact checkpoint; a failed checkpoint save first removes what it left (no
    `ckpt-N_temp/` folder stays behind).

    Interruption (`zoo.training.interrupt`): while it runs (in the main thread), SIGTERM and SIGINT do not end
    the process: the run finishes the step it is in, writes and verifies a checkpoint of it, updates
    train_state.json, releases the lock and raises TrainingInterrupted (`exit_code` 143 / 130); `resume=True`
    then continues bit for bit. Further signals during that save are ignored. Under MultiWorker every worker
    stops at the same step and saves (`StopAgreement`). A signal during the last step, or after it, lets the
    run finish (checkpoint and export) and return normally.
    """
    if recipe.run.deterministic:
        tf.config.experimental.enable_op_determinism()
    keras.utils.set_random_seed(recipe.run.seed)
    strat = get_strategy(strategy, num_devices)
    recipe.validate(strat.num_replicas_in_sync)
    chief = is_chief(strat)
    lock = WorkdirLock(workdir).acquire() if chief else None  # before anything is built: a second run fails at once
    try:
        with StopSignals() as stop:
            return _train_locked(recipe, workdir, strat, chief, steps=steps, strategy=strategy, resume=resume,
                                 init_from=init_from, augment=augment, stream=stream, command=command, stop=stop)
    except Exception as e:  # a full disk met by a sample grid, a summary, the export: name the checkpoint to resume
        if not is_disk_full(e) or isinstance(e, DiskFullError):
            raise
        raise disk_full_error(f"into {workdir} ({type(e).__name__}: {str(e).splitlines()[0][:200]})",
                              os.path.join(workdir, "checkpoints")) from e
    finally:
        if lock is not None:
            lock.release()


def _train_locked(recipe, workdir, strat, chief, *, steps, strategy, resume, init_from, augment, stream,
                  command, stop) -> dict:
    """The body of `train`, run while the chief holds the work dir's lock (`stop`: its StopSignals)."""
    arrays = batch_arrays(recipe)
    task = build_task(recipe, strat, batch_spec(arrays), augment=augment)
    step_fn = StepFunction(task, strat, recipe.run.seed, recipe.run.jit_compile)
    checkpoint = make_checkpoint(task, step_fn.counter)
    task_id = getattr(getattr(strat, "cluster_resolver", None), "task_id", 0) or 0
    total = int(recipe.run.steps if steps is None else steps)
    ckpt_dir = os.path.join(workdir, "checkpoints")
    existing = list_checkpoints(ckpt_dir)
    if existing and not resume:
        raise FileExistsError(f"{workdir} already has checkpoints ({existing[0]}); pass --resume to continue it "
                              f"or choose a new --workdir")
    state = _read_state(workdir) if existing else {}
    if existing:
        _check_same_recipe(workdir, recipe)
        restore_verified(checkpoint, ckpt_dir, warn=lambda m: print(f"warning: {m}", file=stream or sys.stderr),
                         move=chief)
    elif init_from or (recipe.finetune is not None and recipe.finetune.init_from):
        folder = init_from or recipe.finetune.init_from
        parts = recipe.finetune.init_parts if recipe.finetune is not None else None
        init_from_folder(task, folder, parts)
        apply_ticket(task)
    manager = make_manager(checkpoint, workdir, chief, recipe.run.keep_checkpoints, task_id)
    start = step_fn.step
    state.setdefault("git_commit", git_commit())
    if command:
        state.setdefault("command", command)
    if chief:
        with open(os.path.join(workdir, RECIPE_FILE), "w") as f:
            json.dump(recipe.to_dict(), f, indent=2, sort_keys=True)

    dataset = strat.distribute_datasets_from_function(
        lambda ctx: make_train_dataset(arrays, examples_per_step=recipe.data.batch_size * recipe.task.batches_per_step,
                                       seed=recipe.run.seed, start_step=start, input_context=ctx))
    iterator = iter(dataset)
    writer = tf.summary.create_file_writer(os.path.join(workdir, "tb")) if chief else tf.summary.create_noop_writer()
    progress = Progress(total, start, recipe.data.batch_size, stream=stream)
    wall_before = float(state.get("wall_clock_s", 0.0))
    t0 = time.perf_counter()
    values = {}

    def save_state(step):
        state.update(step=step, wall_clock_s=wall_before + time.perf_counter() - t0, strategy=strategy,
                     num_replicas=strat.num_replicas_in_sync, hardware=hardware(), losses=values,
                     recipe=recipe.name)
        if chief:  # temporary file + rename: a run killed mid-write leaves the previous state, never half a file
            path = os.path.join(workdir, STATE_FILE)
            try:
                with open(path + ".tmp", "w") as f:
                    json.dump(state, f, indent=2, sort_keys=True)
                os.replace(path + ".tmp", path)
            except OSError as e:
                if os.path.exists(path + ".tmp"):
                    os.remove(path + ".tmp")
                if is_disk_full(e):
                    raise disk_full_error(f"{STATE_FILE} in {workdir}", ckpt_dir) from e
                raise

    def save_checkpoint(step) -> str:
        """A verified checkpoint of `step` (every worker writes one), then the state that follows it."""
        prefix = save_verified(manager, step, verify=chief, intact_in=ckpt_dir)
        save_state(step)
        return prefix

    save_state(start)  # command and commit are on disk before the first checkpoint, so a run killed any time
    # after it resumes with them (a checkpoint is written before the state that follows it)
    agreement = StopAgreement(strat)
    for step in range(start + 1, total + 1):
        out = step_fn(iterator)
        values = {k: float(v) for k, v in out.items()}
        if not all(math.isfinite(v) for v in values.values()):
            raise NonFiniteLossError(
                f"non-finite loss at step {step}: {values}. Training stopped; the last good checkpoint is "
                f"{manager.latest_checkpoint or 'none (no checkpoint was written yet)'}; resume with --resume "
                f"after lowering the learning rates.")
        if step % recipe.run.log_every == 0 or step == total:
            rate = progress.update(step, values)
            with writer.as_default(step=step):
                for k, v in values.items():
                    tf.summary.scalar(k, v)
                tf.summary.scalar("steps_per_second", rate)
        if step % recipe.run.sample_every == 0 or step == total:
            grid = task.preview(64, recipe.run.seed)
            if chief:
                save_image_grid(grid, os.path.join(workdir, "samples", f"step_{step:07d}.png"))
            with writer.as_default(step=step):
                tf.summary.image("ema_samples", grid[:16], max_outputs=16)
            if hasattr(task, "preview_clips"):  # a video task: the same samples as an animated GIF grid
                clips = task.preview_clips(8, recipe.run.seed)
                if chief:
                    save_video_grid(clips, os.path.join(workdir, "samples", f"step_{step:07d}.gif"), ncols=4)
                with writer.as_default(step=step):
                    video_summary("ema_clips", clips, step=step, max_outputs=8)
        if recipe.run.snapshot_every and step % recipe.run.snapshot_every == 0 and chief:
            try:
                save_snapshot(workdir, task.published()["generator"], step, wall_before + time.perf_counter() - t0,
                              step * recipe.data.batch_size * recipe.task.batches_per_step)
            except OSError as e:
                if is_disk_full(e):
                    raise disk_full_error(f"the snapshot of step {step} in {workdir}", ckpt_dir) from e
                raise
        prefix = None
        if step % recipe.run.checkpoint_every == 0 or step == total:
            prefix = save_checkpoint(step)
        signum = agreement.agree(stop.requested) if step < total else 0  # the same answer on every worker
        if signum:  # SIGTERM / SIGINT: this step is done; keep it in a verified checkpoint, then stop
            prefix = prefix or save_checkpoint(step)
            if not chief:
                shutil.rmtree(manager.directory, ignore_errors=True)  # a non-chief worker's throw-away checkpoints
            raise TrainingInterrupted(signum, step, prefix)
    if chief:
        published = task.published()
        save_model_files(os.path.join(workdir, "export"), published["generator"], published.get("discriminator"),
                         masks=ticket_masks(task))
    else:
        shutil.rmtree(manager.directory, ignore_errors=True)  # a non-chief worker's throw-away checkpoints
    writer.flush()
    return dict(state)
