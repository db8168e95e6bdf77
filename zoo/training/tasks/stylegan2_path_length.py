"""StyleGAN2's path-length regularization of G, an objective term of the "stylegan2" task."""

from __future__ import annotations

import tensorflow as tf

from zoo.models.parts import GENERATOR
from zoo.layers.replica_mean import replica_mean
from zoo.training.objectives import Objective, register_objective


@register_objective
class PathLengthPenalty(Objective):
    """StyleGAN2's path-length regularization of G: weight * E[(||J_w^T y||_2 - a)^2].

    On a batch of B / `batch_shrink` fresh latents (stream "pl_z"), ws = the task's training ws (`mapped_ws`:
    style mixing included), images x = synthesis(ws) (noise "pl_noise_img"), y ~ N(0, I) / sqrt(H W) (stream
    "pl_noise"); the path length of sample i is sqrt(mean over ws of ||d(sum x y) / d w_i||^2). The running mean
    a <- a + decay (mean length - a) (state `pl_mean`, checkpointed; the mean over all replicas) is updated
    first and the penalty uses the updated a, as stylegan2-ada does (so the gradient also flows through the
    batch mean inside a). Lazy by default: every 4 steps with weight x 4.

    Needs a task with `mapped_ws` and a generator with `synthesis` (`zoo.training.tasks.stylegan2`).

    Args:
        weight: paper: 2. interval: paper: 4. decay: of the running mean (paper: 0.01).
        batch_shrink: the penalty's batch is the G batch divided by this (paper: 2).

    Reference: Karras et al., CVPR 2020, Sec. 3.2, Eq. 4, Appendix B; stylegan2-ada-pytorch `StyleGAN2Loss`
    (phase Greg).
    """

    kind = "path_length"

    def __init__(self, weight: float = 2.0, interval: int = 4, decay: float = 0.01, batch_shrink: int = 2):
        super().__init__(weight, interval, GENERATOR)
        if not 0.0 < float(decay) <= 1.0 or int(batch_shrink) < 1:
            raise ValueError(f"path_length: decay must be in (0, 1] and batch_shrink >= 1, got {decay}, "
                             f"{batch_shrink}")
        self.decay, self.batch_shrink = float(decay), int(batch_shrink)

    def build(self):
        self.pl_mean = self.add_state("pl_mean", 0.0)

    def value(self, inputs):
        task, g = inputs.task, inputs.networks[GENERATOR]
        if task is None or not hasattr(task, "mapped_ws") or not hasattr(g, "synthesis"):
            raise ValueError(f"path_length needs a task that maps z to ws and a generator with a synthesis "
                             f"network (task kind 'stylegan2'); got {type(task).__name__}")
        rng, sub = inputs.rng, inputs.sub
        n = tf.maximum(tf.shape(inputs.z)[0] // self.batch_shrink, 1)
        z = rng.normal(tf.stack([n, g.latent_dim]), "pl_z", sub)
        ws = task.mapped_ws(z, task.fake_labels(n, rng, "pl_labels", sub), rng, "pl", sub)
        with tf.GradientTape() as tape:
            tape.watch(ws)
            images = g.synthesis(ws, noise=rng.seed("pl_noise_img", sub))
            h, w = images.shape[1], images.shape[2]
            y = rng.normal(tf.shape(images), "pl_noise", sub) / float(h * w) ** 0.5
            total = tf.reduce_sum(images * y)
        grads = tape.gradient(total, ws)
        lengths = tf.sqrt(tf.reduce_mean(tf.reduce_sum(tf.square(grads), axis=2), axis=1))
        mean = replica_mean(tf.reduce_mean(lengths))
        pl_mean = self.pl_mean + self.decay * (mean - self.pl_mean)
        self.pl_mean.assign(tf.stop_gradient(pl_mean))
        return tf.reduce_mean(tf.square(lengths - pl_mean))

    def config(self) -> dict:
        return {**super().config(), "decay": self.decay, "batch_shrink": self.batch_shrink}
