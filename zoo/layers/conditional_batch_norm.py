"""Class-conditional batch normalization (SAGAN) and its BigGAN form driven by [shared embedding, z chunk].

Reference: de Vries et al. 2017 / Dumoulin et al. 2017 (conditional normalization); Zhang et al. 2019 (SAGAN,
Sec. 5: conditional BN in G); Brock et al. 2019 (BigGAN, Sec. 3 and Appendix B, Fig. 15: gains and biases are
linear projections of the shared class embedding concatenated with a chunk of z).
"""

from __future__ import annotations

import keras
from keras import layers

from zoo.layers.spectral_norm import SNDense


@keras.saving.register_keras_serializable(package="zoo")
class ConditionalBatchNorm(keras.layers.Layer):
    """Batch norm without its own affine parameters; gain = 1 + A cond, bias = B cond.

    `cond` is any conditioning vector: a one-hot label (then A, B are per-class tables, the SAGAN form) or
    [shared class embedding, z chunk] (the BigGAN form). A and B are bias-free linear maps, spectrally
    normalized when `spectral_norm` is set (BigGAN), plain and zero-initialised otherwise (SAGAN: gain 1,
    bias 0 for every class at the start).

    Args:
        channels: channels of the normalized input.
        spectral_norm: spectral norm on the projections A, B.
        bn_momentum, bn_epsilon: batch-norm settings.
        sync_bn: cross-replica batch statistics.

    Example:
        >>> cbn = ConditionalBatchNorm(64); y = cbn(x, cond, training=True)  # x (N,H,W,64), cond (N,D)

    Reference: Brock et al. 2019, Appendix B, Fig. 15(b); Zhang et al. 2019, Sec. 5.
    """

    def __init__(self, channels, spectral_norm=True, bn_momentum=0.9, bn_epsilon=1e-5, sync_bn=True, **kwargs):
        super().__init__(**kwargs)
        self.channels = int(channels)
        self.spectral_norm = bool(spectral_norm)
        self.bn_momentum = float(bn_momentum)
        self.bn_epsilon = float(bn_epsilon)
        self.sync_bn = bool(sync_bn)
        self.bn = layers.BatchNormalization(momentum=self.bn_momentum, epsilon=self.bn_epsilon, center=False,
                                            scale=False, synchronized=self.sync_bn, name="bn")
        if self.spectral_norm:
            self.gain = SNDense(self.channels, use_bias=False, name="gain")
            self.bias = SNDense(self.channels, use_bias=False, name="bias")
        else:
            self.gain = layers.Dense(self.channels, use_bias=False, kernel_initializer="zeros", name="gain")
            self.bias = layers.Dense(self.channels, use_bias=False, kernel_initializer="zeros", name="bias")

    def call(self, x, cond, training=None):
        if x.shape[-1] != self.channels:
            raise ValueError(f"ConditionalBatchNorm({self.channels}) got input with {x.shape[-1]} channels")
        kw = {"training": training} if self.spectral_norm else {}
        gain = 1.0 + self.gain(cond, **kw)
        bias = self.bias(cond, **kw)
        h = self.bn(x, training=training)
        return h * gain[:, None, None, :] + bias[:, None, None, :]

    def prunable_kernels(self) -> list:
        """None: the gain / bias projections produce batch-norm parameters and stay dense in lottery tickets
        (the rule and its reason: `zoo.training.pruning`)."""
        return []

    def get_config(self):
        return {**super().get_config(), "channels": self.channels, "spectral_norm": self.spectral_norm,
                "bn_momentum": self.bn_momentum, "bn_epsilon": self.bn_epsilon, "sync_bn": self.sync_bn}
