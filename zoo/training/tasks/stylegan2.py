"""The "stylegan2" task: the GAN task with style mixing, training noise, w_avg tracking and an EMA that copies
buffers; its settings (`StyleGAN2Settings`), builder and record. Its own objective, path-length
regularization, is `zoo.training.tasks.stylegan2_path_length`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import tensorflow as tf

from zoo.models.parts import DISCRIMINATOR, GENERATOR
from zoo.training.ema import ema_update
from zoo.training.sections import in_unit_interval, non_negative, positive
from zoo.training.tasks.gan import GANTask, build_gan_task
from zoo.training.tasks.registry import TaskRecord, TaskSettings, register_task
from zoo.training.tasks.stylegan2_path_length import PathLengthPenalty


class StyleGAN2Task(GANTask):
    """`GANTask` for StyleGAN2 generators (`zoo.models.stylegan2.StyleGAN2Generator`).

    Differences from the GAN task, all as in stylegan2-ada-pytorch's `StyleGAN2Loss` / training loop:
    - every training-mode generation maps z to ws and, with probability `style_mixing` (paper: 0.9), replaces
      the ws from a crossover index c ~ U{1, ..., num_ws - 1} on by the ws of a second z (one decision and one
      c per batch); the second z, the decision and c come from the step's public randomness (purposes
      "<purpose>_mix_z", "<purpose>_mix" with the generation's purpose "z_d", "z_g" or "pl");
    - the per-layer noise is fresh per sample, from the stream "<purpose>_noise";
    - D's fake generation updates G's w_avg (beta 0.995) from the unmixed ws (the `update_emas` rule of the
      later stylegan2-ada-pytorch / stylegan3 code; the first ada release updated it in every training call);
    - D (minibatch std with group size > 1) sees the reals and the fakes of its step in separate calls, as the
      official code runs it, so that no minibatch-std group mixes them (`GANTask.discriminate`);
    - the EMA generator averages the trainable weights and copies the others (w_avg, the constant noise
      images), as the official code copies buffers; EMA by half-life via `ema_kimg` / `ema_rampup`;
    - `mapped_ws` gives path-length regularization (`PathLengthPenalty`) the same
      mixed ws.

    Args:
        style_mixing: probability of style mixing per batch (paper: 0.9; 0 = off).
        **kwargs: `GANTask` arguments.

    Reference: Karras et al., CVPR 2019, Sec. 3.1 (mixing regularization, 90%); Karras et al., CVPR 2020,
    Appendix B (StyleGAN2 training setup); stylegan2-ada-pytorch `training/loss.py`, `training_loop.py`.
    """

    def __init__(self, generator, discriminator, *, style_mixing: float = 0.0, **kwargs):
        if not hasattr(generator, "mapping") or not hasattr(generator, "synthesis"):
            raise ValueError(f"the stylegan2 task needs a generator with a mapping and a synthesis network "
                             f"(StyleGAN2Generator), got {type(generator).__name__}")
        if not 0.0 <= float(style_mixing) <= 1.0:
            raise ValueError(f"style_mixing is a probability in [0, 1], got {style_mixing!r}")
        super().__init__(generator, discriminator, **kwargs)
        self.style_mixing = float(style_mixing)

    def mapped_ws(self, z, labels, rng, purpose, sub=0, track=False):
        """Training ws [N, num_ws, w_dim] of latents z, style-mixed with probability `style_mixing`; with
        `track`, the unmixed ws update w_avg."""
        g = self.generator
        ws = g.mapping(z, labels)
        if track:
            g.mapping.track_w_avg(ws[:, 0])
        if self.style_mixing > 0:
            z2 = rng.normal(tf.shape(z), f"{purpose}_mix_z", sub)
            draw = rng.uniform((2,), f"{purpose}_mix", sub)
            cut = 1 + tf.cast(tf.floor(draw[1] * (g.num_ws - 1)), tf.int32)
            cut = tf.where(draw[0] < self.style_mixing, cut, g.num_ws)
            ws = g.mix_styles(ws, g.mapping(z2, labels), cut)
        return ws

    def fakes(self, z, labels, rng, purpose, sub=0):
        ws = self.mapped_ws(z, labels, rng, purpose, sub, track=purpose == "z_d")
        return self.generator.synthesis(ws, noise=rng.seed(f"{purpose}_noise", sub))

    def generator_stem(self, z, labels, rng, purpose, sub=0):
        """(mixed ws, noise seed): AdvAug perturbs this family's w."""
        return self.mapped_ws(z, labels, rng, purpose, sub), rng.seed(f"{purpose}_noise", sub)

    def update_ema(self, steps_done):
        g, ema = self.generator, self.ema_generator
        ema_update(ema.trainable_weights, g.trainable_weights, self.ema_decay_at(steps_done))
        ema_update(ema.non_trainable_weights, g.non_trainable_weights, 0.0)
        self.mask_ema()


@dataclass(frozen=True)
class StyleGAN2Settings(TaskSettings):
    """Settings of the "stylegan2" task (`StyleGAN2Task`): loss: adversarial loss name (paper:
    "non_saturating"); n_dis: D updates per G update (paper: 1); ema_kimg: the EMA generator's half-life in
    thousands of images (paper: 10); ema_rampup: the half-life is at most ema_rampup x the images seen (0 = no
    ramp-up; stylegan2-ada: 0.05); style_mixing: probability of style mixing per batch (paper: 0.9)."""

    kind: ClassVar[str] = "stylegan2"
    loss: str
    n_dis: int
    ema_kimg: float
    ema_rampup: float
    style_mixing: float

    def check(self):
        positive(self, "n_dis", "ema_kimg")
        non_negative(self, "ema_rampup")
        in_unit_interval(self, "style_mixing")

    @property
    def batches_per_step(self) -> int:
        return self.n_dis

    def task_arguments(self) -> dict:
        """The `StyleGAN2Task` constructor arguments these settings give (EMA by half-life only)."""
        return {"loss": self.loss, "n_dis": self.n_dis, "ema_decay": 0.0, "ema_start": 0,
                "ema_kimg": self.ema_kimg, "ema_rampup": self.ema_rampup, "style_mixing": self.style_mixing}


def build_stylegan2_task(recipe, strategy, batch_spec: dict, augment=None) -> StyleGAN2Task:
    """The GAN task of a StyleGAN2 generator, with style mixing (`build_gan_task` with `StyleGAN2Task`)."""
    return build_gan_task(recipe, strategy, batch_spec, augment, task_class=StyleGAN2Task)


STYLEGAN2 = register_task(TaskRecord(
    kind="stylegan2", settings=StyleGAN2Settings, networks=(GENERATOR, DISCRIMINATOR), family_task="stylegan2",
    batch_keys=("images", "labels"), builder=build_stylegan2_task))

__all__ = ["StyleGAN2Task", "StyleGAN2Settings", "PathLengthPenalty", "STYLEGAN2"]
