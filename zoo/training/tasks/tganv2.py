"""The "tganv2" task: a multi-level video generator against one discriminator per level; its settings
(`TGANv2Settings`), checks, builder and record. Its own objective, the levels' R1, is
`zoo.training.tasks.tganv2_levels_r1`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import tensorflow as tf

from zoo.models.parts import DISCRIMINATOR, GENERATOR
from zoo.models.tganv2.tganv2_levels import real_levels
from zoo.training.ema import ema_update
from zoo.training.objectives import AdversarialLoss, TermInputs, add_terms, main_terms
from zoo.training.sections import RecipeError, in_unit_interval, non_negative
from zoo.training.tasks.base import Task
from zoo.training.tasks.building import finish_task, make_optimizer, preset_networks, recipe_augment, recipe_objectives
from zoo.training.tasks.registry import TaskRecord, TaskSettings, register_task
from zoo.training.tasks.tganv2_levels_r1 import LevelsR1Penalty


def level_optimizer_name(level: int) -> str:
    """The task's name of level `level`'s discriminator optimizer ("discriminator_level1", ...)."""
    return f"{DISCRIMINATOR}_level{level + 1}"


class TGANv2Task(Task):
    """Training of a `TGANv2Generator` against a `TGANv2Discriminator` (one 3D discriminator per level), as
    in the official updater (`DiracUpdater`) of Saito et al., IJCV 2020.

    One step, on this replica's batch {"video": (B, T, H, W, C) in [-1, 1]}:
    1. z ~ U(-1, 1) (stream "z_g"), one frame offset in {0, 1} per subsampling layer (stream "frame_offset"):
       G renders one clip batch per level (`levels_forward`, training mode, once).
    2. The real batch becomes one clip batch per level (`real_levels`): every 2nd frame from a per-clip offset
       (stream "real_frame_offset") and every 2nd clip per level, average-pooled to the level's resolution.
    3. Each level's D scores its real and fake clips; the logits of all levels are concatenated, and the
       adversarial loss (non-saturating softplus in the paper) is the mean over that concatenation.
    4. G's loss and D's loss (with its regularizer terms, e.g. `levels_r1`: the zero-centred gradient penalty
       on the reals, summed over levels) come from that one forward pass: G's gradient and D's gradient are
       both taken at the pre-update weights, then G's Adam and each level's own Adam apply them. This equals
       the official order (G updated first, then D from the same, detached, fakes and logits), because D's
       weights do not change in between.
    5. The EMA generator is updated (decay 0 = a copy of G; the official code has no EMA).

    DiffAugment (`augment`) runs on every level's real and fake clips, one draw per clip for all its frames
    (streams "aug" with sub = level). With `levels_r1`, the penalty's gradient is taken w.r.t. the
    un-augmented real clips, through the augmentation. Losses are scaled by 1 / num_replicas (the loop sums
    them), so the update equals one device's on the global batch.

    Args:
        generator, discriminator: a `TGANv2Generator` and a `TGANv2Discriminator` with the same `levels`.
        optimizers: {"generator": opt, "discriminator_level1": opt, ...}: one per level (`level_optimizer_name`).
        loss: adversarial loss name (`zoo.losses.LOSSES`; paper: "non_saturating").
        objectives: D's regularizer terms (`zoo.training.objectives`), each with interval 1.
        ema_decay, ema_start: EMA of G (decay 0 = copy while step <= ema_start).
        augment: optional `f(clips, seed) -> clips` (DiffAugment).

    Reference: Saito, Saito, Koyama, Kobayashi, IJCV 2020, Sec. 3.3, Eq. 4-5; official
    `tgan2/updaters/dirac_updater.py` (lam 0.5, reg_type "real", subsample_batch).
    """

    def __init__(self, generator, discriminator, *, optimizers: dict, loss="non_saturating", objectives=(),
                 ema_decay=0.0, ema_start=0, augment=None):
        if not hasattr(generator, "levels_forward") or not hasattr(discriminator, "level"):
            raise ValueError(f"the tganv2 task needs a multi-level video generator and discriminator "
                             f"(TGANv2Generator, TGANv2Discriminator), got {type(generator).__name__}, "
                             f"{type(discriminator).__name__}")
        if generator.levels != discriminator.levels:
            raise ValueError(f"generator has {generator.levels} levels, discriminator {discriminator.levels}; "
                             f"TGANv2 has one discriminator per level")
        self.levels = generator.levels
        expected = {GENERATOR, *(level_optimizer_name(k) for k in range(self.levels))}
        if set(optimizers) != expected:
            raise ValueError(f"a tganv2 task needs the optimizers {sorted(expected)}, got {sorted(optimizers)}")
        self.generator, self.discriminator = generator, discriminator
        self.networks = {GENERATOR: generator, DISCRIMINATOR: discriminator}
        self.optimizers = dict(optimizers)
        self.adversarial = AdversarialLoss(loss)
        self.objectives = list(objectives)
        for term in self.objectives:
            if term.network != DISCRIMINATOR or term.lazy:
                raise ValueError(f"{term!r}: the tganv2 task takes discriminator terms with interval 1 only")
        self.ema_decay, self.ema_start = float(ema_decay), int(ema_start)
        self.augment = augment
        self.ema_generator = type(generator).from_config(generator.get_config())
        self.copies = {GENERATOR: [self.ema_generator]}
        self.masks = None

    def metric_names(self) -> tuple:
        return ("d_loss", "g_loss", "d_real", "d_fake", "d_penalty")

    def build(self, batch_spec: dict) -> None:
        """Create every variable (G, EMA G, the level discriminators, one Adam per network / level, the terms'
        state) for batches {"video": (T, H, W, C)}; EMA G starts as a copy of G."""
        if "video" not in batch_spec:
            raise ValueError(f"the tganv2 task trains on video batches {{'video': (T, H, W, C)}}, got keys "
                             f"{sorted(batch_spec)}; use a video dataset (e.g. 'mfmnist')")
        if tuple(batch_spec["video"]) != tuple(self.generator.image_shape):
            raise ValueError(f"the data's clips are {tuple(batch_spec['video'])}, the generator makes "
                             f"{tuple(self.generator.image_shape)}; choose a preset / dataset that match")
        self.generator.build_for_inputs()
        self.ema_generator.build_for_inputs()
        self.discriminator.build_for_inputs(self.generator.discriminator_shapes)
        self.freeze_discriminator()
        self.optimizers[GENERATOR].build(self.generator.trainable_variables)
        for k in range(self.levels):
            self.optimizers[level_optimizer_name(k)].build(self.discriminator.level(k).trainable_variables)
        for e, w in zip(self.ema_generator.weights, self.generator.weights):
            e.assign(w)
        for term in self.objectives:
            term.build()

    def augment_levels(self, clips, rng, tag):
        """DiffAugment of each level's clips (identity without a policy); `tag` 0 = real, 1 = fake."""
        if self.augment is None:
            return list(clips)
        return [self.augment(x, rng.seed("aug", 2 * k + tag)) for k, x in enumerate(clips)]

    def replica_step(self, batch: dict, rng, due: tuple = ()) -> dict:
        g, d = self.generator, self.discriminator
        video = batch["video"]
        n = tf.shape(video)[0]
        z = rng.uniform(tf.stack([n, g.latent_dim]), "z_g", minval=-1.0, maxval=1.0)
        offsets = rng.uniform((max(self.levels - 1, 1),), "frame_offset", maxval=2, dtype=tf.int32)
        real_offsets = rng.uniform(tf.stack([n, max(self.levels - 1, 1)]), "real_frame_offset", maxval=2,
                                   dtype=tf.int32)
        reals = real_levels(video, real_offsets, g.level_shapes(), g.subsample_batch)
        with tf.GradientTape(persistent=True) as tape:
            fakes = g.levels_forward(z, offsets, training=True)
            fake_logits = tf.concat(d(self.augment_levels(fakes, rng, 1)), 0)
            g_loss = self.adversarial.generator(fake_logits)
            with tf.GradientTape() as penalty_tape:
                penalty_tape.watch(reals)
                real_logits_per_level = d(self.augment_levels(reals, rng, 0))
                real_sum = tf.add_n([tf.reduce_sum(y) for y in real_logits_per_level])
            real_logits = tf.concat(real_logits_per_level, 0)
            d_loss = self.adversarial.discriminator(real_logits, fake_logits)
            inputs = TermInputs(self.networks, rng, task=self, real=reals, fake=[tf.stop_gradient(f) for f in fakes],
                                                batch={"real_gradients": lambda: penalty_tape.gradient(real_sum, reals)})
            d_total = add_terms(d_loss, main_terms(self.objectives, DISCRIMINATOR), inputs)
            scale = self.replica_scale()
            g_scaled, d_scaled = g_loss * scale, d_total * scale
        g_vars = g.trainable_variables
        level_vars = [d.level(k).trainable_variables for k in range(self.levels)]
        g_grads = tape.gradient(g_scaled, g_vars)
        d_grads = tape.gradient(d_scaled, [v for vs in level_vars for v in vs])
        del tape
        self.optimizers[GENERATOR].apply_gradients(zip(g_grads, g_vars))
        start = 0
        for k, vs in enumerate(level_vars):
            self.optimizers[level_optimizer_name(k)].apply_gradients(zip(d_grads[start:start + len(vs)], vs))
            start += len(vs)
        self.update_ema(rng.step + 1)
        out = {"d_loss": d_loss, "g_loss": g_loss, "d_real": tf.reduce_mean(real_logits),
               "d_fake": tf.reduce_mean(fake_logits), "d_penalty": d_total - d_loss}
        return {k: v * scale for k, v in out.items()}

    def update_ema(self, steps_done):
        decay = tf.where(tf.cast(steps_done, tf.int64) <= self.ema_start, 0.0, self.ema_decay)
        ema_update(self.ema_generator.weights, self.generator.weights, decay)
        if self.masks is not None:
            self.masks[GENERATOR].apply(self.ema_generator)

    def published(self) -> dict:
        """{"generator": the EMA generator (the sampler), "discriminator": the level discriminators}."""
        return {GENERATOR: self.ema_generator, DISCRIMINATOR: self.discriminator}

    def preview(self, num: int, seed: int):
        """uint8 frames for the loop's PNG grid: 8 clips of the EMA generator (seed `seed`), 8 evenly spaced
        frames of each, one clip per row (num = 64)."""
        clips = self.ema_generator.sample(max(num // 8, 1), seed=seed)
        t = clips.shape[1]
        frames = clips[:, np.linspace(0, t - 1, 8).round().astype(int)]
        return frames.reshape(-1, *frames.shape[2:])[:num]

    def preview_clips(self, num: int, seed: int):
        """uint8 clips (num, T, H, W, C) of the EMA generator from seed `seed` (GIF grids)."""
        return self.ema_generator.sample(num, seed=seed)


@dataclass(frozen=True)
class TGANv2Settings(TaskSettings):
    """Settings of the "tganv2" task (`TGANv2Task`): loss: adversarial loss name (paper: "non_saturating");
    ema_decay, ema_start: EMA of G's weights (decay 0 = copy while step <= ema_start). One D update per step
    (TGANv2's step takes G's and the levels' gradients from one forward pass); each level's D has the recipe's
    "discriminator" optimizer settings."""

    kind: ClassVar[str] = "tganv2"
    loss: str
    ema_decay: float
    ema_start: int

    def check(self):
        non_negative(self, "ema_start")
        in_unit_interval(self, "ema_decay")

    def smoke(self):
        return self.replace(ema_start=0)


def check_tganv2_recipe(recipe) -> None:
    """The techniques the tganv2 task refuses, saying why (RecipeError, before any data is loaded)."""
    tech = recipe.techniques
    if tech.training_mode != "two_stage":
        raise RecipeError(f"recipe {recipe.name!r}: training_mode = {tech.training_mode!r} is not supported by the "
                          f"tganv2 task. One-stage training (OSGAN) rescales the gradient that reaches G through one "
                          f"fake batch by a per-sample factor of D's logit on it; TGANv2's G feeds several "
                          f"discriminators with subsampled clips of different batch sizes, and that per-level "
                          f"decomposition is not implemented. Use 'two_stage' (TGANv2's own step already takes G's "
                          f"and D's gradients from one forward pass).")
    if tech.advaug_d_steps or tech.advaug_g_steps:
        raise RecipeError(f"recipe {recipe.name!r}: AdvAug is not supported by the tganv2 task: it perturbs G's "
                          f"first-layer output and one discriminator's penultimate features, and TGANv2 has a "
                          f"ConvLSTM stem and one discriminator per level (set advaug_d_steps = advaug_g_steps = 0)")


def build_tganv2_task(recipe, strategy, batch_spec: dict, augment=None) -> TGANv2Task:
    """The TGANv2 task: G, EMA G, one discriminator and one Adam per level (each with the recipe's
    "discriminator" settings), D's terms; FreezeD freezes the lowest blocks of every level's D."""
    check_tganv2_recipe(recipe)
    t = recipe.task
    augment = recipe_augment(recipe, augment)
    with strategy.scope():
        g, d = preset_networks(recipe)
        terms = recipe_objectives(recipe)
        optimizers = {GENERATOR: make_optimizer(recipe.optimizer(GENERATOR), terms, GENERATOR)}
        for k in range(getattr(g, "levels", 0)):
            optimizers[level_optimizer_name(k)] = make_optimizer(recipe.optimizer(DISCRIMINATOR), terms, DISCRIMINATOR)
        task = TGANv2Task(g, d, optimizers=optimizers, loss=t.loss, objectives=terms, ema_decay=t.ema_decay,
                          ema_start=t.ema_start, augment=augment)
        return finish_task(task, recipe, batch_spec)


TGANV2 = register_task(TaskRecord(
    kind="tganv2", settings=TGANv2Settings, networks=(GENERATOR, DISCRIMINATOR), family_task="tganv2",
    batch_keys=("video", "labels"), builder=build_tganv2_task, checks=check_tganv2_recipe))

__all__ = ["TGANv2Task", "TGANv2Settings", "LevelsR1Penalty", "TGANV2", "level_optimizer_name"]
