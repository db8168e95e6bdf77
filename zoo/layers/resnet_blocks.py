"""ResNet up/down blocks of the SNGAN / SAGAN / BigGAN family (pre-activation, nearest upsampling, avg-pool down).

Reference: Miyato et al. 2018 (SNGAN), Appendix B, Fig. 8 / Table 4-5 (ResNet for CIFAR-10, 32x32);
Gulrajani et al. 2017 (WGAN-GP) for the block layout.
"""

from __future__ import annotations

import keras
from keras import layers

from zoo.layers.spectral_norm import SNConv2D


@keras.saving.register_keras_serializable(package="zoo")
class GBlock(keras.layers.Layer):
    """Generator residual block: BN-ReLU-Up-Conv3-BN-ReLU-Conv3, shortcut Up-Conv1 (when learnable).

    Args:
        channels: output channels.
        upsample: nearest-neighbour 2x upsampling inside the block and on the shortcut.
        bn_momentum, bn_epsilon: batch-norm settings (PyTorch defaults: 0.9 / 1e-5).
        sync_bn: synchronize batch statistics across replicas (cross-replica BN, as BigGAN).

    Example:
        >>> block = GBlock(64); y = block(x, training=True)  # (N, H, W, C) -> (N, 2H, 2W, 64)

    Reference: Miyato et al. 2018, Fig. 8a; Gulrajani et al. 2017.
    """

    def __init__(self, channels, upsample=True, bn_momentum=0.9, bn_epsilon=1e-5, sync_bn=True, **kwargs):
        super().__init__(**kwargs)
        self.channels = int(channels)
        self.upsample = bool(upsample)
        self.bn_momentum = float(bn_momentum)
        self.bn_epsilon = float(bn_epsilon)
        self.sync_bn = bool(sync_bn)
        bn = dict(momentum=self.bn_momentum, epsilon=self.bn_epsilon, synchronized=self.sync_bn)
        self.bn1 = layers.BatchNormalization(name="bn1", **bn)
        self.conv1 = layers.Conv2D(self.channels, 3, padding="same", name="conv1")
        self.bn2 = layers.BatchNormalization(name="bn2", **bn)
        self.conv2 = layers.Conv2D(self.channels, 3, padding="same", name="conv2")
        self.up = layers.UpSampling2D(2, interpolation="nearest") if self.upsample else None
        self.shortcut = None

    def build(self, input_shape):
        if int(input_shape[-1]) != self.channels or self.upsample:
            self.shortcut = layers.Conv2D(self.channels, 1, name="shortcut")

    def call(self, x, training=None):
        h = keras.ops.relu(self.bn1(x, training=training))
        if self.up is not None:
            h = self.up(h)
            x = self.up(x)
        h = self.conv1(h)
        h = keras.ops.relu(self.bn2(h, training=training))
        h = self.conv2(h)
        if self.shortcut is not None:
            x = self.shortcut(x)
        return x + h

    def get_config(self):
        return {**super().get_config(), "channels": self.channels, "upsample": self.upsample,
                "bn_momentum": self.bn_momentum, "bn_epsilon": self.bn_epsilon, "sync_bn": self.sync_bn}


@keras.saving.register_keras_serializable(package="zoo")
class DBlock(keras.layers.Layer):
    """Discriminator residual block with spectral norm: ReLU-SNConv3-ReLU-SNConv3-AvgPool, shortcut SNConv1-AvgPool.

    With `first=True` it is the "optimized" first block: no leading ReLU, and the shortcut pools before its
    1x1 convolution.

    Args:
        channels: output channels.
        downsample: 2x2 average pooling at the end of both paths.
        first: the optimized first block that sees the image.

    Example:
        >>> block = DBlock(128, first=True); y = block(images, training=True)

    Reference: Miyato et al. 2018, Fig. 8b and Table 5 (first block "optimized").
    """

    def __init__(self, channels, downsample=True, first=False, **kwargs):
        super().__init__(**kwargs)
        self.channels = int(channels)
        self.downsample = bool(downsample)
        self.first = bool(first)
        self.conv1 = SNConv2D(self.channels, 3, padding="same", name="conv1")
        self.conv2 = SNConv2D(self.channels, 3, padding="same", name="conv2")
        self.pool = layers.AveragePooling2D(2) if self.downsample else None
        self.shortcut = None

    def build(self, input_shape):
        if int(input_shape[-1]) != self.channels or self.downsample:
            self.shortcut = SNConv2D(self.channels, 1, name="shortcut")

    def call(self, x, training=None):
        h = x if self.first else keras.ops.relu(x)
        h = self.conv1(h, training=training)
        h = self.conv2(keras.ops.relu(h), training=training)
        if self.pool is not None:
            h = self.pool(h)
        if self.shortcut is not None:
            if self.first:
                x = self.shortcut(self.pool(x) if self.pool is not None else x, training=training)
            else:
                x = self.shortcut(x, training=training)
                x = self.pool(x) if self.pool is not None else x
        return x + h

    def get_config(self):
        return {**super().get_config(), "channels": self.channels, "downsample": self.downsample,
                "first": self.first}
