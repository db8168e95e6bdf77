"""The GAN trainer: a keras.Model that owns G, D, both optimizers and an EMA copy of G."""

from __future__ import annotations

import keras
import tensorflow as tf

from zoo.augment.advaug import AdvAug, pgd_perturbation
from zoo.losses import get_loss, gradient_penalty, orthogonal_regularization, r1_penalty
from zoo.training.ema import ema_update

# purposes folded into the step seed, so every random draw of a step has its own stream
_Z_D, _Z_G, _LABELS_D, _LABELS_G, _GP, _AUG = range(6)
TRAINING_MODES = ("two_stage", "one_stage")


class GANTrainer(keras.Model):
    """Adversarial training of a generator / discriminator pair.

    One `train_step` = `n_dis` discriminator updates (each on its own real batch) and one generator update.
    With `training_mode="one_stage"` (n_dis = 1) both updates come from one forward and one backward pass
    (`zoo.training.one_stage`, OSGAN): D's update is the two-stage D step's, G's is the gradient of the G loss
    on the same fakes at D's pre-update weights (exact up to the loss-specific limits documented there).
    The data element of a step is (images [n_dis * B, H, W, C] in [-1, 1], labels [n_dis * B]) per replica.
    Randomness is stateless: every draw is seeded by (seed, step, replica, purpose), with step = the generator
    optimizer's iteration count, so a resumed run repeats an uninterrupted one exactly and replicas differ.
    Per-replica losses are scaled by 1 / num_replicas (= local batch / global batch), and the optimizers
    all-reduce (sum) gradients, so the update equals the one of a single device on the global batch.
    A lottery ticket (`zoo.training.lottery_ticket.add_masks`) keeps its pruned weights at zero: in G and D
    after every optimizer step (kernel constraints), in the EMA generator after every EMA update.

    Works with `fit` (build it first with `build_all`) and with a custom loop calling `replica_step` inside
    `strategy.run` (what `zoo.training.loop.train` does).

    Args:
        generator: a `zoo.models.base.GANGenerator`.
        discriminator: a `zoo.models.base.GANDiscriminator`.
        loss: name in `zoo.losses.LOSSES` ("hinge", "non_saturating", ...).
        n_dis: discriminator steps per generator step.
        ema_decay: decay of the EMA of G's weights (0 disables: the EMA generator copies G).
        ema_start: steps before which the EMA copies G (decay 0).
        seed: base seed of all random draws.
        gp_lambda: weight of the WGAN-GP penalty (0 = off).
        r1_gamma: R1 weight gamma; the penalty added is gamma / 2 * R1 (0 = off).
        ortho_reg: coefficient beta of BigGAN's orthogonal regularization of G's kernels
            (`generator.orthogonal_kernels()`), added to the G loss (0 = off; BigGAN: 1e-4).
        augment: optional differentiable `f(images, seed) -> images` applied to real and fake before D
            (DiffAugment); None = no augmentation.
        training_mode: "two_stage" (alternating D and G steps) or "one_stage" (both updates from one
            forward/backward pass; needs n_dis = 1; adds the logged fraction `g_active`).
        advaug_d, advaug_g: `zoo.augment.advaug.AdvAug` settings of the feature-level adversarial augmentation
            of D's penultimate features and of G's first-layer output (None or steps = 0: off). Each network
            is then trained on the mean of its clean and perturbed losses (logged: `d_adv`, `g_adv`, the
            perturbed terms). Two-stage training only.

    Example:
        >>> trainer = GANTrainer(g, d, loss="hinge", n_dis=1)
        >>> trainer.compile(g_optimizer=keras.optimizers.Adam(2e-4, 0.0, 0.9), d_optimizer=...)
        >>> trainer.build_all((32, 32, 1)); trainer.fit(dataset, steps_per_epoch=100)

    Reference: Goodfellow et al. 2014 (alternating updates); Heusel et al. 2017 (TTUR: separate learning rates);
    Shen et al., CVPR 2021, Sec. 3 (one-stage training); Chen et al., NeurIPS 2021, Sec. 3.2 (AdvAug).
    """

    def __init__(self, generator, discriminator, *, loss="hinge", n_dis=1, ema_decay=0.999, ema_start=0, seed=0,
                 gp_lambda=0.0, r1_gamma=0.0, ortho_reg=0.0, augment=None, training_mode="two_stage",
                 advaug_d=None, advaug_g=None, **kwargs):
        super().__init__(**kwargs)
        self.generator = generator
        self.discriminator = discriminator
        self.loss_name = loss
        self.g_loss_fn, self.d_loss_fn = get_loss(loss)
        self.n_dis = int(n_dis)
        self.ema_decay = float(ema_decay)
        self.ema_start = int(ema_start)
        self.seed = int(seed)
        self.gp_lambda = float(gp_lambda)
        self.r1_gamma = float(r1_gamma)
        self.ortho_reg = float(ortho_reg)
        self.augment = augment
        self.masks = None  # lottery ticket: {"generator", "discriminator"} PruningMasks (lottery_ticket.add_masks)
        if training_mode not in TRAINING_MODES:
            raise ValueError(f"unknown training_mode {training_mode!r}; expected one of {TRAINING_MODES}")
        self.training_mode = training_mode
        self.advaug_d = advaug_d if advaug_d is not None else AdvAug()
        self.advaug_g = advaug_g if advaug_g is not None else AdvAug()
        keys = ("d_loss", "g_loss", "d_real", "d_fake")
        keys += ("d_adv",) if self.advaug_d.enabled else ()
        keys += ("g_adv",) if self.advaug_g.enabled else ()
        if training_mode == "one_stage":
            from zoo.training import one_stage  # here: one_stage imports this module

            one_stage.check_one_stage(self)
            self._one_stage_step = one_stage.one_stage_replica_step
            keys += ("g_active",)
        self.ema_generator = type(generator).from_config(generator.get_config())
        self.trackers = {k: keras.metrics.Mean(name=k) for k in keys}

    @property
    def metrics(self):
        return list(self.trackers.values())

    def compile(self, g_optimizer, d_optimizer, **kwargs):
        super().compile(**kwargs)
        self.g_optimizer = g_optimizer
        self.d_optimizer = d_optimizer

    def build_all(self, image_shape):
        """Create every variable (G, D, EMA G, optimizer slots) before training or restoring a checkpoint."""
        self.generator.build_for_inputs()
        self.ema_generator.build_for_inputs()
        labels = tf.zeros((1,), tf.int32) if self.discriminator.num_classes else None
        self.discriminator(tf.zeros((1, *image_shape)), labels=labels, training=False)
        self.g_optimizer.build(self.generator.trainable_variables)
        self.d_optimizer.build(self.discriminator.trainable_variables)
        for e, w in zip(self.ema_generator.weights, self.generator.weights):
            e.assign(w)
        self.built = True

    @property
    def step(self):
        """Generator updates done so far (the generator optimizer's iteration counter)."""
        return self.g_optimizer.iterations

    # ---- randomness ------------------------------------------------------------------------------------
    def _seed(self, purpose, sub=0):
        ctx = tf.distribute.get_replica_context()
        replica = ctx.replica_id_in_sync_group if ctx is not None else 0
        s = tf.stack([tf.constant(self.seed, tf.int64), tf.cast(self.step, tf.int64)])
        for extra in (replica, purpose, sub):
            s = tf.random.experimental.stateless_fold_in(s, tf.cast(extra, tf.int64))
        return s

    def _latents(self, n, purpose, sub=0):
        return tf.random.stateless_normal((n, self.generator.latent_dim), seed=self._seed(purpose, sub))

    def _fake_labels(self, n, purpose, sub=0):
        if not self.generator.num_classes:
            return None
        return tf.random.stateless_uniform((n,), seed=self._seed(purpose, sub), minval=0,
                                           maxval=self.generator.num_classes, dtype=tf.int32)

    def _aug(self, x, sub):
        return x if self.augment is None else self.augment(x, self._seed(_AUG, sub))

    @staticmethod
    def _scale():
        return 1.0 / tf.distribute.get_strategy().num_replicas_in_sync

    # ---- updates ---------------------------------------------------------------------------------------
    def d_step(self, real, labels=None, sub=0):
        """One discriminator update on a real batch; G's weights are not changed. Returns unscaled losses."""
        n = tf.shape(real)[0]
        fake_labels = self._fake_labels(n, _LABELS_D, sub)
        fake = self.generator(self._latents(n, _Z_D, sub), labels=fake_labels, training=True)
        fake = tf.stop_gradient(fake)
        d_labels = None if labels is None else tf.concat([labels, fake_labels], 0)
        with tf.GradientTape() as tape:
            images = self._aug(tf.concat([real, fake], 0), sub)
            if self.advaug_d.enabled:
                loss, logits, adv_loss = self._d_loss_advaug(images, d_labels, n)
            else:
                logits = self.discriminator(images, labels=d_labels, training=True)
                loss = self.d_loss_fn(logits[:n], logits[n:])
            real_logits, fake_logits = logits[:n], logits[n:]
            if self.gp_lambda:
                loss += self.gp_lambda * gradient_penalty(self.discriminator, real, fake, labels,
                                                          seed=self._seed(_GP, sub))
            if self.r1_gamma:
                loss += 0.5 * self.r1_gamma * r1_penalty(self.discriminator, real, labels)
            scaled = loss * self._scale()
        grads = tape.gradient(scaled, self.discriminator.trainable_variables)
        self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_variables))
        out = {"d_loss": loss, "d_real": tf.reduce_mean(real_logits), "d_fake": tf.reduce_mean(fake_logits)}
        if self.advaug_d.enabled:
            out["d_adv"] = adv_loss
        return out

    def _d_loss_advaug(self, images, labels, n):
        """AdvAug in D's step: (mean of the clean and perturbed D losses, clean logits, perturbed loss)."""
        d = self.discriminator
        h = d.features(images, labels, training=True)
        logits = d.head(h, labels, training=True)

        def perturbed_loss(hp):  # training=False: the PGD probes do not advance spectral-norm power iterations
            out = d.head(hp, labels, training=False)
            return self.d_loss_fn(out[:n], out[n:])

        delta = pgd_perturbation(h, perturbed_loss, self.advaug_d)
        adv_logits = d.head(h + delta, labels, training=False)
        adv_loss = self.d_loss_fn(adv_logits[:n], adv_logits[n:])
        return 0.5 * (self.d_loss_fn(logits[:n], logits[n:]) + adv_loss), logits, adv_loss

    def _g_loss_advaug(self, z, labels):
        """AdvAug in G's step: (mean of the clean and perturbed G losses, perturbed loss). The perturbation
        is on G's first-layer output. The clean term is the plain G step's; the PGD probes and the perturbed
        term run G's remaining layers in training mode (batch statistics, the function being trained; their
        batch-norm moving averages and spectral-norm vectors also advance) and D in inference mode (D
        has no batch norm; its spectral-norm vectors are not advanced again)."""
        g, d = self.generator, self.discriminator
        h, context = g.stem(z, labels, training=True)
        clean = self.g_loss_fn(d(self._aug(g.render(h, context, training=True), self.n_dis), labels=labels,
                                 training=True))

        def g_loss_from(hp):
            fake = g.render(hp, context, training=True)
            return self.g_loss_fn(d(self._aug(fake, self.n_dis), labels=labels, training=False))

        delta = pgd_perturbation(h, g_loss_from, self.advaug_g)
        adv = g_loss_from(h + delta)
        return 0.5 * (clean + adv), adv

    def g_step(self, batch_size):
        """One generator update (D's weights unchanged) followed by the EMA update. Returns the G loss."""
        fake_labels = self._fake_labels(batch_size, _LABELS_G)
        z = self._latents(batch_size, _Z_G)
        with tf.GradientTape() as tape:
            if self.advaug_g.enabled:
                loss, adv_loss = self._g_loss_advaug(z, fake_labels)
            else:
                fake = self.generator(z, labels=fake_labels, training=True)
                logits = self.discriminator(self._aug(fake, self.n_dis), labels=fake_labels, training=True)
                loss = self.g_loss_fn(logits)
            total = loss
            if self.ortho_reg:
                total += self.ortho_reg * orthogonal_regularization(self.generator.orthogonal_kernels())
            scaled = total * self._scale()
        grads = tape.gradient(scaled, self.generator.trainable_variables)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_variables))
        self.update_ema()
        return {"g_loss": loss, "g_adv": adv_loss} if self.advaug_g.enabled else {"g_loss": loss}

    def update_ema(self):
        """EMA of G's weights after a G update (decay 0 = copy while step <= ema_start)."""
        decay = tf.where(tf.cast(self.step, tf.int64) <= self.ema_start, 0.0, self.ema_decay)
        ema_update(self.ema_generator.weights, self.generator.weights, decay)
        if self.masks is not None:  # G's and D's kernels are masked by their constraints after every update
            self.masks["generator"].apply(self.ema_generator)

    def replica_step(self, data):
        """One training step on this replica's data; returns the losses scaled by 1 / num_replicas
        (sum them over replicas for the global means)."""
        if self.training_mode == "one_stage":
            return self._one_stage_step(self, data)
        images, labels = data
        per_step = tf.shape(images)[0] // self.n_dis
        labels = labels if self.discriminator.num_classes else None
        out = {}
        for j in range(self.n_dis):
            real = images[j * per_step:(j + 1) * per_step]
            lab = None if labels is None else labels[j * per_step:(j + 1) * per_step]
            d_out = self.d_step(real, lab, sub=j)
            out = {k: out.get(k, 0.0) + v / self.n_dis for k, v in d_out.items()}
        out.update(self.g_step(per_step))
        scale = self._scale()
        return {k: v * scale for k, v in out.items()}

    def train_step(self, data):
        """For `fit`: one step, then the running means of the losses."""
        out = self.replica_step(data)
        n = tf.distribute.get_strategy().num_replicas_in_sync
        for k, v in out.items():
            self.trackers[k].update_state(v * n)
        return {k: t.result() for k, t in self.trackers.items()}
