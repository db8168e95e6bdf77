"""StyleGAN2 discriminator: residual (or original) blocks, minibatch standard deviation, conv-FC-FC epilogue."""

from __future__ import annotations

import math

import keras
import tensorflow as tf

from zoo.layers.equalized import EqualizedConv2D, EqualizedDense
from zoo.layers.minibatch_std import MinibatchStdDev
from zoo.models.base import GANDiscriminator
from zoo.models.stylegan2.stylegan2_generator import channels_at
from zoo.models.stylegan2.stylegan2_mapping import MappingNetwork

ARCHITECTURES = ("resnet", "orig")
SKIP_GAIN = math.sqrt(0.5)


@keras.saving.register_keras_serializable(package="zoo")
class StyleGAN2Discriminator(GANDiscriminator):
    """StyleGAN2 discriminator.

    - FromRGB (1x1 conv) at the input resolution, then one block per resolution down to 8: conv 3x3, conv 3x3
      followed by [1,3,3,1] FIR downsampling (as the official code: the convolution at the block's resolution,
      `EqualizedConv2D(down=True)`); "resnet" (config E/F) adds a 1x1 downsampling skip without bias and
      scales both branches by sqrt(0.5); "orig" has no skip (stylegan2-ada's CIFAR configuration).
    - Epilogue at 4x4: minibatch standard deviation (`mbstd_group_size`, `mbstd_num_channels`), conv 3x3,
      FC, FC to 1 logit; with `num_classes` > 0, the last FC gives `cmap_dim` features projected onto a class
      embedding (a mapping network of the class, as stylegan2-ada's conditional D): logit = <h, cmap> /
      sqrt(cmap_dim).
    - Equalized learning rate, leaky ReLU 0.2 (x sqrt(2)), no normalization.

    `features` returns the output of the first epilogue FC (the penultimate features, AdvAug's D-side input) and
    `head` the final FC / projection. With mbstd_group_size > 1 the samples of a group are coupled
    (`couples_samples`): one-stage training refuses this discriminator.

    Args:
        resolution, image_channels: input size (power of 2 >= 8) and channels.
        channel_base, channel_max: width rule, min(channel_base / r, channel_max) at resolution r.
        architecture: "resnet" or "orig".
        mbstd_group_size, mbstd_num_channels: minibatch std layer (paper: 4, 1; stylegan2-ada CIFAR: 32, 1).
        num_classes: projection conditioning on classes (0 = unconditional).
        cmap_dim: size of the class embedding (None: the 4x4 channels).
        mapping_layers: layers of the class mapping network (stylegan2-ada: its MappingNetwork default, 8).

    Reference: Karras et al., CVPR 2020, Fig. 7 (residual D), Appendix B; Karras et al., ICLR 2018, Sec. 3
    (minibatch std); Miyato & Koyama, ICLR 2018 (projection); stylegan2-ada-pytorch `DiscriminatorBlock`,
    `DiscriminatorEpilogue`, `Discriminator` (conditional mapping).
    """

    def __init__(self, *, resolution=1024, image_channels=3, channel_base=32768, channel_max=512,
                 architecture="resnet", mbstd_group_size=4, mbstd_num_channels=1, num_classes=0, cmap_dim=None,
                 mapping_layers=8, **kwargs):
        super().__init__(num_classes=num_classes, **kwargs)
        if architecture not in ARCHITECTURES:
            raise ValueError(f"architecture must be one of {ARCHITECTURES}, got {architecture!r}")
        self.resolution = int(resolution)
        log2 = int(round(math.log2(self.resolution)))
        if self.resolution < 8 or 2 ** log2 != self.resolution:
            raise ValueError(f"StyleGAN2Discriminator: resolution must be a power of 2 >= 8, got {resolution}")
        self.image_channels = int(image_channels)
        self.channel_base, self.channel_max = int(channel_base), int(channel_max)
        self.architecture = architecture
        self.mbstd_group_size, self.mbstd_num_channels = int(mbstd_group_size), int(mbstd_num_channels)
        self.mapping_layers = int(mapping_layers)
        ch = {2 ** i: channels_at(2 ** i, self.channel_base, self.channel_max) for i in range(2, log2 + 1)}
        self.cmap_dim = (int(cmap_dim) if cmap_dim is not None else ch[4]) if self.num_classes else None
        self.fromrgb = EqualizedConv2D(ch[self.resolution], 1, activation="lrelu", name=f"b{self.resolution}_fromrgb")
        self.block_layers = []  # per block: [conv0, conv1, skip] ("resnet") or [conv0, conv1] ("orig")
        r = self.resolution
        while r > 4:
            gain = SKIP_GAIN if architecture == "resnet" else 1.0
            block = [EqualizedConv2D(ch[r], 3, activation="lrelu", name=f"b{r}_conv0"),
                     EqualizedConv2D(ch[r // 2], 3, down=True, activation="lrelu", gain=gain, name=f"b{r}_conv1")]
            if architecture == "resnet":
                block.append(EqualizedConv2D(ch[r // 2], 1, down=True, use_bias=False, gain=SKIP_GAIN,
                                             name=f"b{r}_skip"))
            self.block_layers.append(block)
            r //= 2
        self.mbstd = MinibatchStdDev(self.mbstd_group_size, self.mbstd_num_channels, name="mbstd")
        self.epilogue_conv = EqualizedConv2D(ch[4], 3, activation="lrelu", name="b4_conv")
        self.fc = EqualizedDense(ch[4], activation="lrelu", name="b4_fc")
        self.out = EqualizedDense(self.cmap_dim or 1, name="b4_out")
        self.class_mapping = None
        if self.num_classes:
            self.class_mapping = MappingNetwork(latent_dim=0, num_classes=self.num_classes, w_dim=self.cmap_dim,
                                                num_ws=None, num_layers=self.mapping_layers, name="class_mapping")

    def input_blocks(self) -> list:
        """[fromrgb + the first block's convolutions], then each lower-resolution block's, from the input up."""
        return [([self.fromrgb] if i == 0 else []) + list(block) for i, block in enumerate(self.block_layers)]

    @property
    def couples_samples(self) -> bool:
        """True when a sample's logit depends on the other samples of its batch (minibatch std, group > 1)."""
        return self.mbstd.couples_samples

    def call(self, images, labels=None, training=None):
        return self.head(self.features(images, labels, training=training), labels, training=training)

    def features(self, images, labels=None, training=None):
        images = tf.convert_to_tensor(images, tf.float32)
        if tuple(images.shape[1:]) != (self.resolution, self.resolution, self.image_channels):
            raise ValueError(f"{type(self).__name__} expects images of shape (N, {self.resolution}, "
                             f"{self.resolution}, {self.image_channels}), got {tuple(images.shape)}")
        if self.num_classes and labels is None:
            raise ValueError(f"{type(self).__name__} is class-conditional: labels of shape (N,) are required")
        x = self.fromrgb(images)
        for block in self.block_layers:
            y = block[2](x) if len(block) == 3 else None
            x = block[1](block[0](x))
            x = x if y is None else x + y
        x = self.epilogue_conv(self.mbstd(x))
        return self.fc(tf.reshape(x, [tf.shape(x)[0], -1]))

    def head(self, features, labels=None, training=None):
        out = self.out(features)
        if self.class_mapping is None:
            return out[:, 0]
        cmap = self.class_mapping(None, labels)
        return tf.reduce_sum(out * cmap, axis=1) / math.sqrt(self.cmap_dim)

    def get_config(self):
        config = super().get_config()
        config.update(resolution=self.resolution, image_channels=self.image_channels,
                      channel_base=self.channel_base, channel_max=self.channel_max, architecture=self.architecture,
                      mbstd_group_size=self.mbstd_group_size, mbstd_num_channels=self.mbstd_num_channels,
                      cmap_dim=self.cmap_dim, mapping_layers=self.mapping_layers)
        return config
