"""BigGAN / SAGAN projection discriminator with self-attention and spectral norm."""

from __future__ import annotations

import keras
import tensorflow as tf

from zoo.layers import DBlock, SelfAttention, SNDense, SNEmbedding
from zoo.models.base import GANDiscriminator
from zoo.models.latents import check_label_values


@keras.saving.register_keras_serializable(package="zoo")
class BigGANDiscriminator(GANDiscriminator):
    """ResBlocks(down) [-> self-attention] -> ReLU -> global sum pool h -> SNDense(1)(h) + <SNEmbed(y), h>.

    The projection term <embed(y), h> makes D class-conditional (Miyato & Koyama 2018). The 128x128 preset
    `biggan_128` (ch 96) has 87,982,370 trainable parameters, the figure of the BigGAN-PyTorch reference
    implementation for its 128x128 ImageNet D (tested).

    Args:
        num_classes: classes of the projection (0 = unconditional: the projection term is dropped).
        channels: base width `ch` (paper: 96 at 128x128).
        channel_multipliers: output width of block i as a multiple of ch (128x128: 1,2,4,8,16,16).
        num_down: how many leading blocks halve the resolution (128x128: 5).
        resolution: input image size (square).
        attention_resolutions: output resolutions of the blocks followed by self-attention (128x128: 64).
        image_channels: 1 or 3.

    Example:
        >>> d = BigGANDiscriminator(**zoo.models.biggan.PRESETS["biggan_32_small"]["discriminator"])
        >>> logits = d(images, labels=labels, training=True)  # (N,)

    Reference: Brock et al. 2019, Appendix B, Fig. 15(c) and Table 4(a); Miyato & Koyama 2018, "cGANs with
    Projection Discriminator", Eq. 3.
    """

    def __init__(self, *, num_classes=1000, channels=96, channel_multipliers=(1, 2, 4, 8, 16, 16), num_down=5,
                 resolution=128, attention_resolutions=(64,), image_channels=3, **kwargs):
        super().__init__(num_classes=num_classes, **kwargs)
        self.channels = int(channels)
        self.channel_multipliers = [int(m) for m in channel_multipliers]
        self.num_down = int(num_down)
        self.resolution = int(resolution)
        self.attention_resolutions = [int(r) for r in attention_resolutions]
        self.image_channels = int(image_channels)
        n = len(self.channel_multipliers)
        if not 1 <= self.num_down <= n:
            raise ValueError(f"need 1 <= num_down <= {n} blocks, got {num_down}")
        if self.resolution % 2 ** self.num_down:
            raise ValueError(f"resolution {resolution} is not divisible by 2**num_down = {2 ** self.num_down}")
        res = self._resolutions()
        bad = [r for r in self.attention_resolutions if r not in res]
        if bad:
            raise ValueError(f"attention_resolutions {bad} are not block outputs {res}")
        widths = [self.channels * m for m in self.channel_multipliers]
        self.blocks = [DBlock(widths[i], downsample=i < self.num_down, first=i == 0, name=f"block{i + 1}")
                       for i in range(n)]
        self.attention = {i: SelfAttention(widths[i], name=f"attention{i + 1}")
                          for i, r in enumerate(res) if r in self.attention_resolutions}
        self.attention_layers = list(self.attention.values())
        self.linear = SNDense(1, name="linear")
        self.embed = SNEmbedding(self.num_classes, widths[-1], name="embed") if self.num_classes else None

    def _resolutions(self):
        return [self.resolution // 2 ** min(i + 1, self.num_down) for i in range(len(self.channel_multipliers))]

    def call(self, images, labels=None, training=None):
        shape = (self.resolution, self.resolution, self.image_channels)
        if len(images.shape) != 4 or tuple(images.shape[1:]) != shape:
            raise ValueError(f"{type(self).__name__} expects images of shape (N, {', '.join(map(str, shape))}), "
                             f"got {tuple(images.shape)}")
        if self.num_classes and labels is None:
            raise ValueError(f"{type(self).__name__} is class-conditional: labels of shape (N,) are required")
        if self.num_classes:
            check_label_values(labels, images.shape[0], self.num_classes, type(self).__name__)
        elif labels is not None:
            raise ValueError(f"{type(self).__name__} is unconditional (num_classes=0): labels must be None")
        return self.head(self.features(images, labels, training=training), labels, training=training)

    def features(self, images, labels=None, training=None):
        """Globally sum-pooled ReLU features of the last block (N, C): the input of the linear / projection head."""
        h = images
        for i, block in enumerate(self.blocks):
            h = block(h, training=training)
            if i in self.attention:
                h = self.attention[i](h, training=training)
        return keras.ops.sum(keras.ops.relu(h), axis=(1, 2))

    def head(self, features, labels=None, training=None):
        """linear(h) + <embed(y), h> (the projection term only when class-conditional)."""
        out = tf.squeeze(self.linear(features, training=training), axis=-1)
        if self.embed is not None:
            out = out + tf.reduce_sum(self.embed(labels, training=training) * features, axis=-1)
        return out

    def get_config(self):
        config = super().get_config()
        config.update(channels=self.channels, channel_multipliers=self.channel_multipliers,
                      num_down=self.num_down, resolution=self.resolution,
                      attention_resolutions=self.attention_resolutions, image_channels=self.image_channels)
        return config
