"""The "gan" task: a generator / discriminator pair trained two-stage (alternating updates) or one-stage (OSGAN);
its settings (`GANSettings`), builder and record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import tensorflow as tf

from zoo.augment.advaug import AdvAug, pgd_perturbation
from zoo.training.ema import ema_update
from zoo.training.objectives import (DISCRIMINATOR, GENERATOR, AdversarialLoss, TermInputs, add_terms, lazy_terms,
                                     main_terms)
from zoo.training.one_stage import check_one_stage, gamma, scale_gradient
from zoo.training.randomness import StepRandomness
from zoo.training.sections import in_unit_interval, non_negative, positive
from zoo.training.tasks.building import finish_task, make_optimizer, preset_networks, recipe_augment, recipe_objectives
from zoo.training.tasks.registry import TaskRecord, TaskSettings, register_task
from zoo.training.tasks.base import Task

TRAINING_MODES = ("two_stage", "one_stage")


class GANTask(Task):
    """Adversarial training of a generator / discriminator pair, as a `zoo.training.task.Task`.

    One step = `n_dis` discriminator updates (each on its own real batch) and one generator update; with
    `training_mode="one_stage"` (n_dis = 1) both updates come from one forward and one backward pass
    (`zoo.training.one_stage`, OSGAN). Lazy terms of the objective (interval k > 1) run as their own update of
    their network at steps with step % k == 0: D's after D's main update, G's after G's. The EMA generator is
    updated after G's updates.

    The batch is {"images": [n_dis * B, H, W, C] in [-1, 1], "labels": [n_dis * B]} per replica ("labels" only
    read by class-conditional discriminators). D's step runs D once on [real, fake], or, for a D that couples
    the samples of a batch (minibatch std), once on each (`discriminate`). Every random draw comes from the
    step's `StepRandomness` (purposes "z_d", "labels_d", "gp", "aug" with sub = the D step's index; "z_g",
    "labels_g" for G).
    Per-replica losses are scaled by 1 / num_replicas, and the optimizers all-reduce (sum) gradients, so the
    update equals the one of a single device on the global batch. A lottery ticket
    (`zoo.training.pruning.add_masks`) keeps its pruned weights at zero: in G and D through kernel
    constraints, in the EMA generator after every EMA update.

    Args:
        generator, discriminator: a `zoo.models.base.GANGenerator` and `GANDiscriminator`.
        optimizers: {"generator": optimizer, "discriminator": optimizer}.
        loss: adversarial loss name in `zoo.losses.LOSSES`.
        objectives: regularizer terms (`zoo.training.objectives`): gradient penalty, R1, orthogonal, ...
        n_dis: discriminator updates per generator update.
        ema_decay, ema_start: EMA of G's weights (decay 0 = copy while step <= ema_start).
        ema_kimg, ema_rampup, batch_size: EMA by half-life instead (StyleGAN2 / stylegan2-ada): with
            ema_kimg > 0 the decay is 0.5 ** (batch_size / (ema_kimg * 1000)), the half-life in images seen;
            with ema_rampup > 0 the half-life is at most ema_rampup x the images seen before the step (ramp-up).
        augment: optional differentiable `f(images, seed) -> images` on real and fake before D (DiffAugment).
        training_mode: "two_stage" or "one_stage" (logs `g_active`).
        advaug_d, advaug_g: `zoo.augment.advaug.AdvAug` settings (two-stage only; logs `d_adv` / `g_adv`).

    Example:
        >>> task = GANTask(g, d, optimizers={"generator": Adam(2e-4, 0.0, 0.9), "discriminator": ...},
        ...                loss="hinge", objectives=[R1Penalty(gamma=10.0, interval=16)])
        >>> task.build({"images": (32, 32, 1)})
        >>> losses = task.replica_step(batch, StepRandomness(seed=0, step=0))

    Reference: Goodfellow et al. 2014 (alternating updates); Heusel et al. 2017 (TTUR); Shen et al., CVPR 2021,
    Sec. 3 (one-stage training); Chen et al., NeurIPS 2021, Sec. 3.2 (AdvAug); Karras et al., CVPR 2020,
    Appendix B (lazy regularization).
    """

    real_key = "images"  # the batch entry D sees as real data (the latent GAN task: "codes")

    def __init__(self, generator, discriminator, *, optimizers: dict, loss="hinge", objectives=(), n_dis=1,
                 ema_decay=0.999, ema_start=0, augment=None, training_mode="two_stage", advaug_d=None,
                 advaug_g=None, ema_kimg=0.0, ema_rampup=0.0, batch_size=0):
        if training_mode not in TRAINING_MODES:
            raise ValueError(f"unknown training_mode {training_mode!r}; expected one of {TRAINING_MODES}")
        if set(optimizers) != {GENERATOR, DISCRIMINATOR}:
            raise ValueError(f"a GAN task needs one optimizer per network {{'generator', 'discriminator'}}, got "
                             f"{sorted(optimizers)}")
        self.generator, self.discriminator = generator, discriminator
        self.networks = {GENERATOR: generator, DISCRIMINATOR: discriminator}
        self.optimizers = dict(optimizers)
        self.adversarial = AdversarialLoss(loss)
        self.objectives = list(objectives)
        for term in self.objectives:
            if term.network not in self.networks:
                raise ValueError(f"{term!r} is a term of network {term.network!r}; a GAN task has "
                                 f"{sorted(self.networks)}")
        self.n_dis = int(n_dis)
        self.ema_decay, self.ema_start = float(ema_decay), int(ema_start)
        self.ema_kimg, self.ema_rampup, self.batch_size = float(ema_kimg), float(ema_rampup), int(batch_size)
        if self.ema_kimg > 0 and self.batch_size <= 0:
            raise ValueError("ema_kimg (EMA by half-life in images) needs the global batch_size")
        self.augment = augment
        self.training_mode = training_mode
        self.advaug_d = advaug_d if advaug_d is not None else AdvAug()
        self.advaug_g = advaug_g if advaug_g is not None else AdvAug()
        if training_mode == "one_stage":
            check_one_stage(self.n_dis, loss, self.advaug_d.enabled or self.advaug_g.enabled,
                            getattr(discriminator, "couples_samples", False))
        self.ema_generator = type(generator).from_config(generator.get_config())
        self.copies = {GENERATOR: [self.ema_generator]}
        self.masks = None  # lottery ticket: {"generator", "discriminator"} PruningMasks (zoo.training.pruning)

    @property
    def loss_name(self) -> str:
        return self.adversarial.name

    def metric_names(self) -> tuple:
        keys = ("d_loss", "g_loss", "d_real", "d_fake")
        keys += ("d_adv",) if self.advaug_d.enabled else ()
        keys += ("g_adv",) if self.advaug_g.enabled else ()
        return keys + (("g_active",) if self.training_mode == "one_stage" else ())

    def build(self, batch_spec: dict) -> None:
        """Create every variable (G, EMA G, D, optimizer slots, objective state); EMA G starts as a copy of G."""
        self.generator.build_for_inputs()
        self.ema_generator.build_for_inputs()
        labels = tf.zeros((1,), tf.int32) if self.discriminator.num_classes else None
        self.discriminator(tf.zeros((1, *batch_spec[self.real_key])), labels=labels, training=False)
        self.freeze_discriminator()
        self.optimizers[GENERATOR].build(self.generator.trainable_variables)
        self.optimizers[DISCRIMINATOR].build(self.discriminator.trainable_variables)
        for e, w in zip(self.ema_generator.weights, self.generator.weights):
            e.assign(w)
        for term in self.objectives:
            term.build()

    # ---- randomness ------------------------------------------------------------------------------------
    def latents(self, n, rng, purpose, sub=0):
        return rng.normal((n, self.generator.latent_dim), purpose, sub)

    def fake_labels(self, n, rng, purpose, sub=0):
        if not self.generator.num_classes:
            return None
        return rng.uniform((n,), purpose, sub, minval=0, maxval=self.generator.num_classes, dtype=tf.int32)

    def augment_images(self, x, rng, sub):
        """DiffAugment of D's input with the step's "aug" stream (identity without a policy)."""
        return x if self.augment is None else self.augment(x, rng.seed("aug", sub))

    def fakes(self, z, labels, rng, purpose, sub=0):
        """G's training-mode output for latents z drawn under `purpose` ("z_d": D's step, "z_g": G's step).
        A family task overrides this to add its own randomness (StyleGAN2: style mixing, noise)."""
        return self.generator(z, labels=labels, training=True)

    def generator_stem(self, z, labels, rng, purpose, sub=0):
        """(h, context) of G's first layer for AdvAug (`GANGenerator.stem`), with the task's own randomness."""
        return self.generator.stem(z, labels, training=True)

    # ---- updates ---------------------------------------------------------------------------------------
    def _apply(self, network, loss, tape):
        variables = self.networks[network].trainable_variables
        grads = tape.gradient(loss, variables)
        self.optimizers[network].apply_gradients(zip(grads, variables))

    def d_step(self, real, labels, rng, sub=0):
        """One discriminator update on a real batch; G's weights are not changed. Returns unscaled losses."""
        n = tf.shape(real)[0]
        fake_labels = self.fake_labels(n, rng, "labels_d", sub)
        fake = tf.stop_gradient(self.fakes(self.latents(n, rng, "z_d", sub), fake_labels, rng, "z_d", sub))
        d_labels = None if labels is None else tf.concat([labels, fake_labels], 0)
        inputs = TermInputs(self.networks, rng, task=self, sub=sub, real=real, labels=labels, fake=fake, fake_labels=fake_labels)
        with tf.GradientTape() as tape:
            images = self.augment_images(tf.concat([real, fake], 0), rng, sub)
            if self.advaug_d.enabled:
                loss, logits, adv_loss = self._d_loss_advaug(images, d_labels, n)
            else:
                logits = self.discriminate(images, d_labels, n)
                loss = self.adversarial.discriminator(logits[:n], logits[n:])
            real_logits, fake_logits = logits[:n], logits[n:]
            loss = add_terms(loss, main_terms(self.objectives, DISCRIMINATOR), inputs)
            scaled = loss * self.replica_scale()
        self._apply(DISCRIMINATOR, scaled, tape)
        out = {"d_loss": loss, "d_real": tf.reduce_mean(real_logits), "d_fake": tf.reduce_mean(fake_logits)}
        if self.advaug_d.enabled:
            out["d_adv"] = adv_loss
        return out

    def discriminate(self, images, labels, n, features=False):
        """D's training-mode logits (`features`: its penultimate features, AdvAug's input) of a batch whose first
        `n` images are real and the others fake. One call for a per-sample D; a D that couples the samples of a
        batch (`couples_samples`: minibatch standard deviation with group size > 1) gets the reals and the fakes
        in two calls, so that no group mixes them: the official StyleGAN2 runs D on each separately (Karras et
        al., ICLR 2018, Sec. 3: the statistic shows D the variation within a real or within a fake batch)."""
        d = self.discriminator
        run = d.features if features else (lambda x, labels, training: d(x, labels=labels, training=training))
        if not getattr(d, "couples_samples", False):
            return run(images, labels, training=True)
        real_labels, fake_labels = (None, None) if labels is None else (labels[:n], labels[n:])
        return tf.concat([run(images[:n], real_labels, training=True), run(images[n:], fake_labels, training=True)],
                         0)

    def lazy_step(self, network, inputs, due):
        """The lazy regularization update of `network` (its terms due at this step); no-op if none is due."""
        terms = lazy_terms(self.objectives, network, due)
        if not terms:
            return
        with tf.GradientTape() as tape:
            scaled = add_terms(tf.constant(0.0), terms, inputs) * self.replica_scale()
        self._apply(network, scaled, tape)

    def _d_loss_advaug(self, images, labels, n):
        """AdvAug in D's step: (mean of the clean and perturbed D losses, clean logits, perturbed loss)."""
        d, d_loss = self.discriminator, self.adversarial.discriminator
        h = self.discriminate(images, labels, n, features=True)
        logits = d.head(h, labels, training=True)

        def perturbed_loss(hp):  # training=False: the PGD probes do not advance spectral-norm power iterations
            out = d.head(hp, labels, training=False)
            return d_loss(out[:n], out[n:])

        delta = pgd_perturbation(h, perturbed_loss, self.advaug_d)
        adv_logits = d.head(h + delta, labels, training=False)
        adv_loss = d_loss(adv_logits[:n], adv_logits[n:])
        return 0.5 * (d_loss(logits[:n], logits[n:]) + adv_loss), logits, adv_loss

    def _g_loss_advaug(self, z, labels, rng):
        """AdvAug in G's step: (mean of the clean and perturbed G losses, perturbed loss). The perturbation
        is on G's first-layer output. The clean term is the plain G step's; the PGD probes and the perturbed
        term run G's remaining layers in training mode (batch statistics, the function being trained; their
        batch-norm moving averages and spectral-norm vectors also advance) and D in inference mode (D
        has no batch norm; its spectral-norm vectors are not advanced again)."""
        g, d, g_loss = self.generator, self.discriminator, self.adversarial.generator
        h, context = self.generator_stem(z, labels, rng, "z_g")
        clean = g_loss(d(self.augment_images(g.render(h, context, training=True), rng, self.n_dis), labels=labels,
                         training=True))

        def g_loss_from(hp):
            fake = g.render(hp, context, training=True)
            return g_loss(d(self.augment_images(fake, rng, self.n_dis), labels=labels, training=False))

        delta = pgd_perturbation(h, g_loss_from, self.advaug_g)
        adv = g_loss_from(h + delta)
        return 0.5 * (clean + adv), adv

    def g_step(self, batch_size, rng, due=()):
        """One generator update (D's weights unchanged), G's due lazy terms, then the EMA update.
        Returns the G loss (without regularizers)."""
        fake_labels = self.fake_labels(batch_size, rng, "labels_g")
        z = self.latents(batch_size, rng, "z_g")
        inputs = TermInputs(self.networks, rng, task=self, sub=0, fake_labels=fake_labels, z=z)
        with tf.GradientTape() as tape:
            if self.advaug_g.enabled:
                loss, adv_loss = self._g_loss_advaug(z, fake_labels, rng)
            else:
                fake = self.fakes(z, fake_labels, rng, "z_g")
                logits = self.discriminator(self.augment_images(fake, rng, self.n_dis), labels=fake_labels, training=True)
                loss = self.adversarial.generator(logits)
            total = add_terms(loss, main_terms(self.objectives, GENERATOR), inputs)
            scaled = total * self.replica_scale()
        self._apply(GENERATOR, scaled, tape)
        self.lazy_step(GENERATOR, inputs, due)
        self.update_ema(rng.step + 1)
        return {"g_loss": loss, "g_adv": adv_loss} if self.advaug_g.enabled else {"g_loss": loss}

    def ema_decay_at(self, steps_done):
        """The EMA decay after `steps_done` steps: `ema_decay` (0 while steps_done <= ema_start), or, with
        `ema_kimg`, 0.5 ** (batch / half-life) with the half-life ramped up to ema_rampup x images seen."""
        if self.ema_kimg <= 0:
            return tf.where(tf.cast(steps_done, tf.int64) <= self.ema_start, 0.0, self.ema_decay)
        half_life = tf.constant(self.ema_kimg * 1000.0, tf.float32)
        if self.ema_rampup > 0:
            seen = tf.cast(steps_done - 1, tf.float32) * float(self.batch_size)
            half_life = tf.minimum(half_life, seen * self.ema_rampup)
        return tf.pow(0.5, float(self.batch_size) / tf.maximum(half_life, 1e-8))

    def update_ema(self, steps_done):
        """EMA of G's weights after a step's G updates (`ema_decay_at`)."""
        ema_update(self.ema_generator.weights, self.generator.weights, self.ema_decay_at(steps_done))
        self.mask_ema()

    def mask_ema(self):
        """Zero the EMA generator's pruned weights (G's and D's kernels are masked by their constraints)."""
        if self.masks is not None:
            self.masks[GENERATOR].apply(self.ema_generator)

    def one_stage_gradients(self, real, labels, rng):
        """(d_grads, g_grads, losses) of one one-stage step on this replica: one G forward, one D forward on
        [real, fake], one backward pass (`zoo.training.one_stage`). Gradients are scaled by 1 / num_replicas;
        losses are unscaled. Changes no weights (only BN moving statistics and spectral-norm vectors)."""
        g, d = self.generator, self.discriminator
        n = tf.shape(real)[0]
        fake_labels = self.fake_labels(n, rng, "labels_d")
        z = self.latents(n, rng, "z_d")
        d_labels = None if labels is None else tf.concat([labels, fake_labels], 0)
        d_vars, g_vars = d.trainable_variables, g.trainable_variables
        with tf.GradientTape() as tape:
            fake = self.fakes(z, fake_labels, rng, "z_d")
            fake_in, set_gamma = scale_gradient(fake)
            logits = d(self.augment_images(tf.concat([real, fake_in], 0), rng, 0), labels=d_labels, training=True)
            real_logits, fake_logits = logits[:n], logits[n:]
            d_inputs = TermInputs(self.networks, rng, task=self, sub=0, real=real, labels=labels, fake=tf.stop_gradient(fake),
                                  fake_labels=fake_labels, z=z)
            d_loss = add_terms(self.adversarial.discriminator(real_logits, fake_logits),
                               main_terms(self.objectives, DISCRIMINATOR), d_inputs)
            g_inputs = TermInputs(self.networks, rng, task=self, sub=0, fake=fake, fake_labels=fake_labels, z=z)
            total = add_terms(d_loss, main_terms(self.objectives, GENERATOR), g_inputs)
            scaled = total * self.replica_scale()
        factor = gamma(self.loss_name, fake_logits)
        set_gamma(factor)
        grads = tape.gradient(scaled, d_vars + g_vars)
        losses = {"d_loss": d_loss, "g_loss": self.adversarial.generator(fake_logits),
                  "d_real": tf.reduce_mean(real_logits), "d_fake": tf.reduce_mean(fake_logits),
                  "g_active": tf.reduce_mean(tf.cast(tf.not_equal(factor, 0.0), tf.float32))}
        return grads[:len(d_vars)], grads[len(d_vars):], losses, (d_inputs, g_inputs)

    def one_stage_step(self, real, labels, rng, due=()):
        """Both updates from gradients at the same (pre-update) weights, the due lazy updates, then the EMA
        update. Returns unscaled losses."""
        d_grads, g_grads, out, (d_inputs, g_inputs) = self.one_stage_gradients(real, labels, rng)
        self.optimizers[DISCRIMINATOR].apply_gradients(zip(d_grads, self.discriminator.trainable_variables))
        self.optimizers[GENERATOR].apply_gradients(zip(g_grads, self.generator.trainable_variables))
        self.lazy_step(DISCRIMINATOR, d_inputs, due)
        self.lazy_step(GENERATOR, g_inputs, due)
        self.update_ema(rng.step + 1)
        return out

    def replica_step(self, batch: dict, rng: StepRandomness, due: tuple = ()) -> dict:
        """One training step on this replica's batch; returns the losses scaled by 1 / num_replicas."""
        images = batch[self.real_key]
        labels = batch.get("labels") if self.discriminator.num_classes else None
        if self.training_mode == "one_stage":
            out = self.one_stage_step(images, labels, rng, due)
        else:
            per_step = tf.shape(images)[0] // self.n_dis
            out = {}
            for j in range(self.n_dis):
                real = images[j * per_step:(j + 1) * per_step]
                lab = None if labels is None else labels[j * per_step:(j + 1) * per_step]
                d_out = self.d_step(real, lab, rng, sub=j)
                out = {k: out.get(k, 0.0) + v / self.n_dis for k, v in d_out.items()}
                if j == self.n_dis - 1:
                    self.lazy_step(DISCRIMINATOR, TermInputs(self.networks, rng, task=self, sub=j, real=real, labels=lab), due)
            out.update(self.g_step(per_step, rng, due))
        scale = self.replica_scale()
        return {k: v * scale for k, v in out.items()}

    def sampler(self):
        """What the task publishes and previews as its generator: the EMA generator (a subclass may wrap it,
        e.g. the latent GAN's decoder of codes)."""
        return self.ema_generator

    def published(self) -> dict:
        """{"generator": the sampler (`sampler`), "discriminator": D}."""
        return {GENERATOR: self.sampler(), DISCRIMINATOR: self.discriminator}

    def preview(self, num: int, seed: int):
        """uint8 samples of the sampler from seed `seed` (classes cycling 0, 1, ... if conditional)."""
        labels = (np.arange(num) % self.generator.num_classes).astype(np.int32) if self.generator.num_classes else None
        return self.sampler().sample(num, seed=seed, labels=labels)


@dataclass(frozen=True)
class GANSettings(TaskSettings):
    """Settings of the "gan" task (`GANTask`): loss: adversarial loss name (`zoo.losses.LOSSES`); n_dis: D
    updates per G update (each on its own batch); ema_decay, ema_start: EMA of G's weights (decay 0 = copy
    while step <= ema_start). The techniques (DiffAugment, AdvAug, one-stage, tickets) are the recipe's
    `techniques` section."""

    kind: ClassVar[str] = "gan"
    loss: str
    n_dis: int
    ema_decay: float
    ema_start: int

    def check(self):
        positive(self, "n_dis")
        non_negative(self, "ema_start")
        in_unit_interval(self, "ema_decay")

    @property
    def batches_per_step(self) -> int:
        return self.n_dis

    def smoke(self):
        return self.replace(ema_start=0)

    def task_arguments(self) -> dict:
        """The `GANTask` constructor arguments these settings give."""
        return {"loss": self.loss, "n_dis": self.n_dis, "ema_decay": self.ema_decay, "ema_start": self.ema_start}


def build_gan_task(recipe, strategy, batch_spec: dict, augment=None, task_class=GANTask, **task_kwargs) -> GANTask:
    """G, D, EMA G, both Adam optimizers and the objective of `recipe`, all variables created under `strategy`;
    the techniques of `recipe.techniques` (a lottery ticket's masks when `init_masks` is set) and the lowest
    `recipe.finetune.freeze_d` blocks of D frozen (FreezeD). `task_class` (a `GANTask`) gets `task_kwargs`
    besides the settings' `task_arguments()`."""
    tech = recipe.techniques
    augment = recipe_augment(recipe, augment)
    with strategy.scope():
        g, d = preset_networks(recipe)
        terms = recipe_objectives(recipe)
        optimizers = {net: make_optimizer(recipe.optimizer(net), terms, net) for net in (GENERATOR, DISCRIMINATOR)}
        task = task_class(g, d, optimizers=optimizers, objectives=terms, augment=augment,
                          training_mode=tech.training_mode,
                          advaug_d=AdvAug(tech.advaug_d_steps, tech.advaug_d_step_size, tech.advaug_d_radius),
                          advaug_g=AdvAug(tech.advaug_g_steps, tech.advaug_g_step_size, tech.advaug_g_radius),
                          batch_size=recipe.data.batch_size, **recipe.task.task_arguments(), **task_kwargs)
        return finish_task(task, recipe, batch_spec)


GAN = register_task(TaskRecord(
    kind="gan", settings=GANSettings, networks=(GENERATOR, DISCRIMINATOR), family_task="gan",
    batch_keys=("images", "labels"), builder=build_gan_task))
