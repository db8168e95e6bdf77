"""Class-conditional generator residual block of SAGAN / BigGAN (spectral norm in G, conditional BN)."""

from __future__ import annotations

import keras
from keras import layers

from zoo.layers.conditional_batch_norm import ConditionalBatchNorm
from zoo.layers.spectral_norm import SNConv2D


@keras.saving.register_keras_serializable(package="zoo")
class ConditionalGBlock(keras.layers.Layer):
    """CBN-ReLU-Up-SNConv3-CBN-ReLU-SNConv3, shortcut Up-SNConv1 (when channels change or upsampling).

    Args:
        channels: output channels.
        upsample: nearest 2x upsampling inside the block and on the shortcut.
        cbn_spectral_norm: spectral norm on the conditional-BN projections (BigGAN: yes; SAGAN tables: no).
        bn_momentum, bn_epsilon, sync_bn: batch-norm settings.

    Example:
        >>> block = ConditionalGBlock(64); y = block(x, cond, training=True)

    Reference: Brock et al. 2019, Appendix B, Fig. 15(b) (BigGAN ResBlock up); Zhang et al. 2019, Sec. 5.
    """

    def __init__(self, channels, upsample=True, cbn_spectral_norm=True, bn_momentum=0.9, bn_epsilon=1e-5,
                 sync_bn=True, **kwargs):
        super().__init__(**kwargs)
        self.channels = int(channels)
        self.upsample = bool(upsample)
        self.cbn_spectral_norm = bool(cbn_spectral_norm)
        self.bn_momentum = float(bn_momentum)
        self.bn_epsilon = float(bn_epsilon)
        self.sync_bn = bool(sync_bn)
        self.up = layers.UpSampling2D(2, interpolation="nearest") if self.upsample else None
        self.conv1 = SNConv2D(self.channels, 3, padding="same", name="conv1")
        self.conv2 = SNConv2D(self.channels, 3, padding="same", name="conv2")
        self.cbn2 = self._cbn(self.channels, "cbn2")
        self.cbn1 = None
        self.shortcut = None

    def _cbn(self, channels, name):
        return ConditionalBatchNorm(channels, spectral_norm=self.cbn_spectral_norm, bn_momentum=self.bn_momentum,
                                    bn_epsilon=self.bn_epsilon, sync_bn=self.sync_bn, name=name)

    def build(self, input_shape):
        self.cbn1 = self._cbn(int(input_shape[-1]), "cbn1")
        if int(input_shape[-1]) != self.channels or self.upsample:
            self.shortcut = SNConv2D(self.channels, 1, name="shortcut")

    def call(self, x, cond, training=None):
        h = keras.ops.relu(self.cbn1(x, cond, training=training))
        if self.up is not None:
            h, x = self.up(h), self.up(x)
        h = self.conv1(h, training=training)
        h = keras.ops.relu(self.cbn2(h, cond, training=training))
        h = self.conv2(h, training=training)
        if self.shortcut is not None:
            x = self.shortcut(x, training=training)
        return x + h

    def get_config(self):
        return {**super().get_config(), "channels": self.channels, "upsample": self.upsample,
                "cbn_spectral_norm": self.cbn_spectral_norm, "bn_momentum": self.bn_momentum,
                "bn_epsilon": self.bn_epsilon, "sync_bn": self.sync_bn}
