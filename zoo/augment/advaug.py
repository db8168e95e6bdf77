"""AdvAug: feature-level adversarial augmentation of G and D by projected gradient ascent (PGD).

In D's update, `steps` PGD steps perturb D's penultimate features h (the input of its final linear /
projection head) of the real and the fake images, within an L-infinity ball of radius `radius`, to raise D's
loss; D is trained on the average of its clean and its perturbed loss. In G's update the same is done on an
early generator feature (the output of G's first layer, before the residual blocks); G is trained on the
average of its clean and perturbed losses. The perturbation itself is a constant for the weight update
(stop-gradient): it is an augmentation, not a path for gradients.

PGD here: delta_0 = 0; delta_{t+1} = clip(delta_t + step_size * sign(grad_delta L(h + delta_t)), -radius,
radius) (Madry et al. 2018, Eq. 2, with a zero start so a run is deterministic without extra seeds).
With steps = 1 and step_size = radius this is FGSM on the features.

Cost: D's perturbation only reruns D's head (one linear layer) per step; G's reruns G after its first layer
and all of D, so every G PGD step costs about one more G+D forward and backward pass.

Reference: Chen, Zhang, Liu, Chang, Wang, "Data-Efficient GAN Training Beyond (Just) Augmentations: A Lottery
Ticket Perspective", NeurIPS 2021, Sec. 3.2 (AdvAug on G's and D's features; the reference code uses one PGD
step of size 0.01); Chen et al., "Ultra-Data-Efficient GAN Training", 2021; Madry et al., ICLR 2018 (PGD).
"""

from __future__ import annotations

from dataclasses import dataclass

import tensorflow as tf


@dataclass(frozen=True)
class AdvAug:
    """PGD settings of the feature-level adversarial augmentation of one network (G or D).

    Args:
        steps: PGD steps (0 = AdvAug off for this network).
        step_size: size of each signed-gradient step (L-infinity).
        radius: the L-infinity bound of the perturbation (|delta_i| <= radius for every feature).

    Example:
        >>> adv = AdvAug(steps=1, step_size=0.01, radius=0.01)
        >>> delta = pgd_perturbation(h, lambda hp: loss(head(hp)), adv)

    Reference: Chen et al., NeurIPS 2021, Sec. 3.2; Madry et al., ICLR 2018, Eq. 2.
    """

    steps: int = 0
    step_size: float = 0.01
    radius: float = 0.01

    def __post_init__(self):
        if int(self.steps) != self.steps or self.steps < 0:
            raise ValueError(f"AdvAug steps must be an integer >= 0, got {self.steps}")
        if self.steps and not (self.step_size > 0 and self.radius > 0):
            raise ValueError(f"AdvAug step_size and radius must be > 0 when steps > 0, got step_size="
                             f"{self.step_size}, radius={self.radius}")

    @property
    def enabled(self) -> bool:
        return self.steps > 0


def pgd_perturbation(features, loss_fn, adv: AdvAug):
    """The perturbation delta (same shape as `features`, no gradient) that `adv.steps` PGD steps find to raise
    `loss_fn(features + delta)` within |delta| <= adv.radius. `loss_fn` maps features to a scalar."""
    features = tf.stop_gradient(features)
    delta = tf.zeros_like(features)
    for _ in range(int(adv.steps)):
        with tf.GradientTape() as tape:
            tape.watch(delta)
            loss = loss_fn(features + delta)
        grad = tape.gradient(loss, delta)
        if grad is None:
            raise ValueError("AdvAug: the loss does not depend on the perturbed features")
        delta = tf.clip_by_value(delta + adv.step_size * tf.sign(grad), -adv.radius, adv.radius)
    return tf.stop_gradient(delta)
