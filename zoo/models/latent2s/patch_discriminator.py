"""The patch discriminator of stage 1: real / reconstructed logits per image patch."""

from __future__ import annotations

import keras

from zoo.layers import SNConv2D
from zoo.models.base import GANDiscriminator


@keras.saving.register_keras_serializable(package="zoo")
class PatchDiscriminator(GANDiscriminator):
    """PatchGAN discriminator (Isola et al., CVPR 2017, Sec. 3.2.2 and Appendix 6.1.2; the 70x70 layout of
    pix2pix, as in the first stage of Esser et al., CVPR 2021): `num_down` stride-2 4x4 convolutions
    (channels x 1, 2, 4, ... capped at 8x), one stride-1 4x4 convolution, and a 4x4 convolution to one logit
    per patch. Leaky ReLU 0.2; spectral normalization on every convolution instead of pix2pix's batch norm
    (Miyato et al., ICLR 2018), so a logit depends on its patch only.

    `call(images)` -> logits [N, h, w] (one per patch); the adversarial losses average them.

    Args:
        channels: width of the first convolution (pix2pix: 64).
        num_down: stride-2 convolutions (pix2pix 70x70: 3).
        image_channels: input channels.
    """

    def __init__(self, *, channels=64, num_down=3, image_channels=3, num_classes=0, **kwargs):
        if num_classes:
            raise ValueError("PatchDiscriminator is unconditional (num_classes must be 0)")
        super().__init__(num_classes=0, **kwargs)
        self.channels, self.num_down, self.image_channels = int(channels), int(num_down), int(image_channels)
        widths = [self.channels * min(2 ** i, 8) for i in range(self.num_down + 1)]
        self.convs = [SNConv2D(widths[i], 4, strides=2, padding="same", name=f"down{i}")
                      for i in range(self.num_down)]
        self.convs.append(SNConv2D(widths[-1], 4, strides=1, padding="same", name="conv"))
        self.logits = SNConv2D(1, 4, strides=1, padding="same", name="logits")

    def call(self, images, labels=None, training=None):
        if images.shape[-1] != self.image_channels:
            raise ValueError(f"{type(self).__name__} expects images with {self.image_channels} channels (NHWC), "
                             f"got shape {tuple(images.shape)}")
        h = images
        for conv in self.convs:
            h = keras.ops.leaky_relu(conv(h, training=training), 0.2)
        return self.logits(h, training=training)[..., 0]

    def input_blocks(self) -> list:
        """Its convolutions from the input up (the logits layer excluded)."""
        return [[conv] for conv in self.convs]

    def get_config(self):
        return {**super().get_config(), "channels": self.channels, "num_down": self.num_down,
                "image_channels": self.image_channels}
