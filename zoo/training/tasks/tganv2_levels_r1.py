"""TGANv2's zero-centred gradient penalty on real clips, summed over the discriminator levels."""

from __future__ import annotations

import tensorflow as tf

from zoo.models.parts import DISCRIMINATOR
from zoo.training.objectives import Objective, register_objective


@register_objective
class LevelsR1Penalty(Objective):
    """weight x sum over levels k and real clips i of ||d D_k(x_k,i) / d x_k,i||^2: the zero-centred gradient
    penalty on real data (R1; Mescheder et al., ICML 2018) of TGANv2, summed (not averaged) over the clips of
    the global batch and over the levels, as the official updater computes it (`lam * sum(dydx ** 2)`).

    `inputs.real` is the list of per-level real clip batches; when the task supplies the gradients of D's
    summed real logits w.r.t. them (`inputs.batch["real_gradients"]`, a callable, so D's forward pass on the
    reals is shared with the adversarial loss), they are used, else D is run on the reals here. The per-replica
    value is multiplied by the number of replicas: the task scales every loss by 1 / replicas, and the sum over
    the global batch must not shrink with the number of devices.

    Args:
        weight: lambda (paper / official UCF-101 config: 0.5).

    Reference: Saito et al., IJCV 2020, Sec. 4.2 (zero-centred GP, lambda 0.5); official
    `tgan2/updaters/dirac_updater.py` (reg_type "real").
    """

    kind = "levels_r1"

    def __init__(self, weight: float = 0.5, interval: int = 1):
        if interval != 1:
            raise ValueError(f"levels_r1 shares D's forward pass on the reals of the main update: interval must be "
                             f"1, got {interval}")
        super().__init__(weight, interval, DISCRIMINATOR)

    def value(self, inputs):
        reals = list(inputs.real)
        grads = inputs.batch.get("real_gradients")
        if grads is not None:
            grads = grads()
        else:
            d = inputs.networks[DISCRIMINATOR]
            with tf.GradientTape() as tape:
                tape.watch(reals)
                total = tf.add_n([tf.reduce_sum(y) for y in d(reals, training=True)])
            grads = tape.gradient(total, reals)
        per_level = [tf.reduce_sum(tf.square(g)) for g in grads]
        replicas = tf.distribute.get_strategy().num_replicas_in_sync
        return tf.add_n(per_level) * float(replicas)
