"""SNGAN ResNet generator."""

from __future__ import annotations

import keras
from keras import layers

from zoo.layers import GBlock
from zoo.models.base import GANGenerator


@keras.saving.register_keras_serializable(package="zoo")
class SNGANGenerator(GANGenerator):
    """SNGAN ResNet generator: z -> Dense(4x4xC) -> n_blocks x GBlock(up) -> BN-ReLU-Conv3 -> tanh.

    With the paper preset (`sngan_32`: z 128, 256 channels, 3 up-blocks, 3 output channels) this is the
    CIFAR-10 ResNet generator of the paper (4,276,739 trainable parameters). Unconditional.

    Args:
        latent_dim: size of z (paper: 128).
        channels: width of every residual block (paper: 256).
        num_blocks: number of up-sampling blocks; resolution = bottom_width * 2**num_blocks.
        bottom_width: spatial size of the first feature map (paper: 4).
        image_channels: 1 (grayscale) or 3 (RGB).
        bn_momentum, bn_epsilon: batch-norm settings.
        sync_bn: cross-replica batch norm under tf.distribute.

    Example:
        >>> g = SNGANGenerator(**zoo.models.sngan.PRESETS["sngan_32_small"]["generator"])
        >>> images = g.sample(16, seed=0)  # uint8 (16, 32, 32, 1)

    Reference: Miyato et al., "Spectral Normalization for GANs", ICLR 2018, Appendix B, Table 4 (ResNet G).
    """

    def __init__(self, *, latent_dim=128, channels=256, num_blocks=3, bottom_width=4, image_channels=3,
                 bn_momentum=0.9, bn_epsilon=1e-5, sync_bn=True, num_classes=0, **kwargs):
        if num_classes:
            raise ValueError("SNGANGenerator is unconditional (num_classes must be 0); use BigGAN for classes")
        super().__init__(latent_dim=latent_dim, num_classes=0, **kwargs)
        self.channels = int(channels)
        self.num_blocks = int(num_blocks)
        self.bottom_width = int(bottom_width)
        self.image_channels = int(image_channels)
        self.bn_momentum = float(bn_momentum)
        self.bn_epsilon = float(bn_epsilon)
        self.sync_bn = bool(sync_bn)
        self.dense = layers.Dense(self.bottom_width * self.bottom_width * self.channels, name="dense")
        self.reshape = layers.Reshape((self.bottom_width, self.bottom_width, self.channels))
        self.blocks = [GBlock(self.channels, upsample=True, bn_momentum=bn_momentum, bn_epsilon=bn_epsilon,
                              sync_bn=sync_bn, name=f"block{i + 1}") for i in range(self.num_blocks)]
        self.bn_out = layers.BatchNormalization(momentum=bn_momentum, epsilon=bn_epsilon, synchronized=sync_bn,
                                                name="bn_out")
        self.conv_out = layers.Conv2D(self.image_channels, 3, padding="same", name="conv_out")

    @property
    def image_shape(self):
        r = self.bottom_width * 2 ** self.num_blocks
        return (r, r, self.image_channels)

    def call(self, z, labels=None, training=None):
        self.check_inputs(z, labels)
        return self.render(*self.stem(z, labels, training=training), training=training)

    def stem(self, z, labels=None, training=None):
        return self.reshape(self.dense(z)), None

    def render(self, h, context=None, training=None):
        for block in self.blocks:
            h = block(h, training=training)
        h = keras.ops.relu(self.bn_out(h, training=training))
        return keras.ops.tanh(self.conv_out(h))

    def get_config(self):
        config = super().get_config()
        config.update(channels=self.channels, num_blocks=self.num_blocks, bottom_width=self.bottom_width,
                      image_channels=self.image_channels, bn_momentum=self.bn_momentum,
                      bn_epsilon=self.bn_epsilon, sync_bn=self.sync_bn)
        return config
