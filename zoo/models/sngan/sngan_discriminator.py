"""SNGAN ResNet discriminator with spectral normalization."""

from __future__ import annotations

import keras

from zoo.layers import DBlock, SNDense
from zoo.models.base import GANDiscriminator


@keras.saving.register_keras_serializable(package="zoo")
class SNGANDiscriminator(GANDiscriminator):
    """SNGAN ResNet discriminator: optimized DBlock(down), DBlock(down), (num_blocks-2) x DBlock, ReLU,
    global sum pooling, SNDense(1).

    With the paper preset (`sngan_32`: 128 channels, 4 blocks) this is the CIFAR-10 ResNet discriminator of
    the paper (1,053,825 trainable parameters). Unconditional.

    Args:
        channels: width of every block (paper: 128).
        num_blocks: residual blocks; the first `num_down` of them halve the resolution.
        num_down: how many blocks downsample (paper: 2 for 32x32).
        image_channels: input channels (1 or 3).

    Example:
        >>> d = SNGANDiscriminator(channels=64, image_channels=1)
        >>> logits = d(images, training=True)  # (N,)

    Reference: Miyato et al., ICLR 2018, Appendix B, Table 5 (ResNet D for CIFAR-10).
    """

    def __init__(self, *, channels=128, num_blocks=4, num_down=2, image_channels=3, num_classes=0, **kwargs):
        if num_classes:
            raise ValueError("SNGANDiscriminator is unconditional (num_classes must be 0)")
        super().__init__(num_classes=0, **kwargs)
        if not 1 <= num_down <= num_blocks:
            raise ValueError(f"need 1 <= num_down <= num_blocks, got num_down={num_down} num_blocks={num_blocks}")
        self.channels = int(channels)
        self.num_blocks = int(num_blocks)
        self.num_down = int(num_down)
        self.image_channels = int(image_channels)
        self.blocks = [DBlock(self.channels, downsample=i < self.num_down, first=i == 0, name=f"block{i + 1}")
                       for i in range(self.num_blocks)]
        self.linear = SNDense(1, name="linear")

    def call(self, images, labels=None, training=None):
        if images.shape[-1] != self.image_channels:
            raise ValueError(f"{type(self).__name__} expects images with {self.image_channels} channels (NHWC), "
                             f"got shape {tuple(images.shape)}")
        return self.head(self.features(images, training=training), training=training)

    def features(self, images, labels=None, training=None):
        h = images
        for block in self.blocks:
            h = block(h, training=training)
        return keras.ops.sum(keras.ops.relu(h), axis=(1, 2))

    def head(self, features, labels=None, training=None):
        return keras.ops.squeeze(self.linear(features, training=training), axis=-1)

    def get_config(self):
        config = super().get_config()
        config.update(channels=self.channels, num_blocks=self.num_blocks, num_down=self.num_down,
                      image_channels=self.image_channels)
        return config
