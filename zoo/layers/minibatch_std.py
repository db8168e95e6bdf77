"""The minibatch standard-deviation layer of ProGAN / StyleGAN2's discriminator."""

from __future__ import annotations

import keras
import tensorflow as tf


@keras.saving.register_keras_serializable(package="zoo")
class MinibatchStdDev(keras.layers.Layer):
    """Appends `num_channels` feature maps holding the standard deviation of the features over groups of samples.

    The batch of N samples is split into N / G groups of G = min(group_size, N) samples (sample n is in group
    n mod (N / G), as in the official code); per group, the standard deviation over its samples of each
    feature and position is averaged over positions and channels (per channel group of C / num_channels),
    then broadcast to every sample of the group as extra channels. N must be divisible by G.

    The statistic couples the samples of a group: a sample's output depends on the others. So the per-sample
    gradient decomposition of one-stage training is not exact with group_size > 1 (`couples_samples`), and
    zoo's one-stage training refuses such a discriminator.

    Args:
        group_size: samples per group (StyleGAN2: 4; stylegan2-ada CIFAR: 32); 1 makes the statistic zero.
        num_channels: number of appended channels (StyleGAN2: 1).

    Reference: Karras et al., "Progressive Growing of GANs", ICLR 2018, Sec. 3; Karras et al., CVPR 2020,
    Appendix B; official `MinibatchStdLayer`.
    """

    def __init__(self, group_size: int = 4, num_channels: int = 1, **kwargs):
        super().__init__(**kwargs)
        self.group_size = int(group_size)
        self.num_channels = int(num_channels)
        if self.group_size < 1 or self.num_channels < 1:
            raise ValueError(f"group_size and num_channels must be >= 1, got {group_size}, {num_channels}")

    @property
    def couples_samples(self) -> bool:
        return self.group_size > 1

    def call(self, x):
        _, h, w, c = x.shape
        f = self.num_channels
        if c % f:
            raise ValueError(f"MinibatchStdDev: {c} channels are not divisible by num_channels={f}")
        n = tf.shape(x)[0]
        g = tf.minimum(self.group_size, n)
        tf.debugging.assert_equal(n % g, 0, message=f"MinibatchStdDev: the batch size must be divisible by "
                                                    f"group_size={self.group_size} (or be smaller than it)")
        y = tf.reshape(x, tf.stack([g, -1, h, w, f, c // f]))
        y = y - tf.reduce_mean(y, axis=0)
        y = tf.sqrt(tf.reduce_mean(tf.square(y), axis=0) + 1e-8)  # [N/G, H, W, F, c]
        y = tf.reduce_mean(y, axis=[1, 2, 4])  # [N/G, F]
        y = tf.tile(y[:, None, None, :], tf.stack([g, h, w, 1]))  # [N, H, W, F], sample n -> group n mod N/G
        return tf.concat([x, y], axis=-1)

    def get_config(self):
        config = super().get_config()
        config.update(group_size=self.group_size, num_channels=self.num_channels)
        return config
