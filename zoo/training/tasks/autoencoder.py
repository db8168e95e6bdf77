"""The "autoencoder" task, stage 1 of the two-stage latent GAN (reconstruction + patch-adversarial losses); its
settings (`AutoencoderSettings`), builder and record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import tensorflow as tf

from zoo.images import to_uint8
from zoo.training.objectives import DISCRIMINATOR, AdversarialLoss
from zoo.training.sections import RecipeError, non_negative
from zoo.training.tasks.base import Task
from zoo.training.tasks.building import finish_task, make_optimizer, preset_networks
from zoo.training.tasks.registry import TaskRecord, TaskSettings, register_task

AUTOENCODER = "autoencoder"


def ssim_loss(x, y):
    """1 - mean SSIM of two image batches in [-1, 1] (Wang et al., IEEE TIP 2004, Eq. 13, by `tf.image.ssim`:
    11x11 Gaussian window, sigma 1.5, k1 = 0.01, k2 = 0.03, dynamic range 2), averaged over the channels.
    The images are shifted to [0, 2] first: SSIM's luminance term assumes non-negative intensities, and
    `tf.image.ssim` of [-1, 1] images is wrong (it gives 0.71 for an image against its negative, whose SSIM
    is about -1)."""
    return 1.0 - tf.reduce_mean(tf.image.ssim(x + 1.0, y + 1.0, max_val=2.0))


class AutoencoderTask(Task):
    """Trains a `zoo.models.latent2s.CodeAutoencoder` with a `PatchDiscriminator`, as a `zoo.training.tasks.base.Task`.

    One step, on the batch {"images": [B, H, W, C] in [-1, 1]}:
    1. the autoencoder's update on
       l1_weight * mean|x - x'| + ssim_weight * (1 - SSIM(x, x')) + a * adversarial_weight * L_G(D(x')),
       x' = decode(encode(x));
    2. D's update on a * L_D(D(x), D(x')) (x' without gradient),
    with a = 1 from step `adversarial_start` on and 0 before (the discriminator starts late, as in the first
    stage of Esser et al., CVPR 2021, Sec. 3: reconstructions are first learnt by the pixel losses alone).
    L_G / L_D are the recipe's adversarial loss averaged over D's patch logits. Logs rec_l1, rec_ssim (the
    1 - SSIM loss), g_adv, d_loss, d_real, d_fake, each scaled by 1 / num_replicas like every task's.

    Args:
        autoencoder, discriminator: the two networks; optimizers: {"autoencoder": ..., "discriminator": ...}.
        loss: adversarial loss name (`zoo.losses.LOSSES`).
        l1_weight, ssim_weight, adversarial_weight, adversarial_start: see above.
        preview_images: uint8 images [n, H, W, C] the sample grids reconstruct (held-out images).
    """

    def __init__(self, autoencoder, discriminator, *, optimizers: dict, loss="hinge", l1_weight=1.0,
                 ssim_weight=0.0, adversarial_weight=0.0, adversarial_start=0, preview_images=None):
        if set(optimizers) != {AUTOENCODER, DISCRIMINATOR}:
            raise ValueError(f"the autoencoder task needs one optimizer per network {{'autoencoder', "
                             f"'discriminator'}}, got {sorted(optimizers)}")
        self.autoencoder, self.discriminator = autoencoder, discriminator
        self.networks = {AUTOENCODER: autoencoder, DISCRIMINATOR: discriminator}
        self.optimizers = dict(optimizers)
        self.copies = {}
        self.objectives = []
        self.adversarial = AdversarialLoss(loss)
        self.l1_weight, self.ssim_weight = float(l1_weight), float(ssim_weight)
        self.adversarial_weight, self.adversarial_start = float(adversarial_weight), int(adversarial_start)
        self.preview_images = None if preview_images is None else np.asarray(preview_images, np.uint8)

    def build(self, batch_spec: dict) -> None:
        shape = tuple(batch_spec["images"])
        if shape != tuple(self.autoencoder.image_shape):
            raise ValueError(f"the autoencoder takes images of shape {tuple(self.autoencoder.image_shape)}, but the "
                             f"data has {shape}; set the preset's resolution / image_channels to the data's")
        self.autoencoder.build_for_inputs()
        self.discriminator.build_for_inputs(shape)
        self.freeze_discriminator()
        for name, net in self.networks.items():
            self.optimizers[name].build(net.trainable_variables)

    def _apply(self, network, loss, tape):
        variables = self.networks[network].trainable_variables
        self.optimizers[network].apply_gradients(zip(tape.gradient(loss, variables), variables))

    def replica_step(self, batch: dict, rng, due: tuple = ()) -> dict:
        x = batch["images"]
        on = tf.cast(rng.step >= self.adversarial_start, tf.float32)
        scale = self.replica_scale()
        with tf.GradientTape() as tape:
            rec = self.autoencoder(x, training=True)
            l1 = tf.reduce_mean(tf.abs(x - rec))
            ssim = ssim_loss(x, rec)
            g_adv = self.adversarial.generator(self.discriminator(rec, training=True))
            loss = self.l1_weight * l1 + self.ssim_weight * ssim + on * self.adversarial_weight * g_adv
            scaled = loss * scale
        self._apply(AUTOENCODER, scaled, tape)
        with tf.GradientTape() as tape:
            logits = self.discriminator(tf.concat([x, tf.stop_gradient(rec)], 0), training=True)
            n = tf.shape(x)[0]
            d_loss = self.adversarial.discriminator(logits[:n], logits[n:])
            scaled = on * d_loss * scale
        self._apply(DISCRIMINATOR, scaled, tape)
        out = {"rec_l1": l1, "rec_ssim": ssim, "g_adv": g_adv, "d_loss": d_loss,
               "d_real": tf.reduce_mean(logits[:n]), "d_fake": tf.reduce_mean(logits[n:])}
        return {k: v * scale for k, v in out.items()}

    def published(self) -> dict:
        """{"generator": the autoencoder (the model at the folder root), "discriminator": the patch D}."""
        return {"generator": self.autoencoder, DISCRIMINATOR: self.discriminator}

    def reconstruct(self, images) -> np.ndarray:
        """uint8 reconstructions of uint8 images (inference mode)."""
        x = np.asarray(images, np.float32) / 127.5 - 1.0
        return to_uint8(np.asarray(self.autoencoder(x, training=False)))

    def preview(self, num: int, seed: int):
        """Held-out images and their reconstructions, in alternating rows of 8 (`num` images in all); `seed` is
        not used (the images are fixed)."""
        if self.preview_images is None:
            raise ValueError("the autoencoder task has no preview_images to reconstruct")
        originals = self.preview_images[:max(num // 2, 1)]
        rec = self.reconstruct(originals)
        rows = []
        for i in range(0, len(originals), 8):
            rows += [originals[i:i + 8], rec[i:i + 8]]
        return np.concatenate(rows, 0)[:num]


@dataclass(frozen=True)
class AutoencoderSettings(TaskSettings):
    """Settings of the "autoencoder" task (`AutoencoderTask`): it minimises l1_weight x L1 + ssim_weight x
    (1 - SSIM) + adversarial_weight x the patch discriminator's G loss (`loss`, an adversarial loss name), the
    adversarial terms (and D's updates) from step adversarial_start on. It takes no techniques section and no
    objective terms (they belong to the stage-2 GAN)."""

    kind: ClassVar[str] = "autoencoder"
    loss: str
    l1_weight: float
    ssim_weight: float
    adversarial_weight: float
    adversarial_start: int

    def check(self):
        non_negative(self, "l1_weight", "ssim_weight", "adversarial_weight", "adversarial_start")

    def smoke(self):
        return self.replace(adversarial_start=min(self.adversarial_start, 2))


def check_autoencoder_recipe(recipe) -> None:
    """The autoencoder task takes no objective terms (RecipeError)."""
    if recipe.objective:
        raise RecipeError(f"recipe {recipe.name!r}: the autoencoder task takes no objective terms (got "
                          f"{[t['kind'] for t in recipe.objective]}); apply them to the stage-2 GAN")


def build_autoencoder_task(recipe, strategy, batch_spec: dict, augment=None) -> AutoencoderTask:
    """The preset's autoencoder and patch discriminator, one Adam each ("autoencoder", "discriminator"); the
    sample grids reconstruct the first 32 images of the dataset's test split."""
    from zoo.data import load_arrays
    if augment is not None:
        raise ValueError("the autoencoder task takes no augmentation")
    t = recipe.task
    try:  # held-out images when the dataset has a test split, else the first training images
        preview = load_arrays(recipe.data.dataset, "test")[0][:32]
    except (ValueError, KeyError, FileNotFoundError):
        preview = load_arrays(recipe.data.dataset, recipe.data.split)[0][:32]
    with strategy.scope():
        ae, d = preset_networks(recipe)
        optimizers = {net: make_optimizer(recipe.optimizer(net), [], net) for net in (AUTOENCODER, DISCRIMINATOR)}
        task = AutoencoderTask(ae, d, optimizers=optimizers, loss=t.loss, l1_weight=t.l1_weight,
                               ssim_weight=t.ssim_weight, adversarial_weight=t.adversarial_weight,
                               adversarial_start=t.adversarial_start, preview_images=preview)
        return finish_task(task, recipe, batch_spec)


AUTOENCODER_TASK = register_task(TaskRecord(
    kind="autoencoder", settings=AutoencoderSettings, networks=(AUTOENCODER, DISCRIMINATOR),
    family_task="autoencoder", batch_keys=("images", "labels"), builder=build_autoencoder_task,
    takes_techniques=False, checks=check_autoencoder_recipe))
