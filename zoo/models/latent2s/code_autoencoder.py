"""Stage 1 of the two-stage latent GAN: a convolutional encoder / decoder between images and small codes."""

from __future__ import annotations

import keras
import numpy as np
from keras import layers


def _check_factor(factor: int) -> int:
    factor = int(factor)
    if factor < 1 or factor & (factor - 1):
        raise ValueError(f"factor must be a power of 2 (the spatial downsampling of the codes), got {factor}")
    return factor


@keras.saving.register_keras_serializable(package="zoo")
class ResidualBlock(layers.Layer):
    """GroupNorm-swish-conv3x3, twice, plus a (1x1-projected) skip: the block of the autoencoders of Esser et al.,
    CVPR 2021 (taming-transformers) and Rombach et al., CVPR 2022, Sec. 3.1, without attention."""

    def __init__(self, channels: int, groups: int = 8, **kwargs):
        super().__init__(**kwargs)
        self.channels, self.groups = int(channels), int(groups)
        self.norm1 = layers.GroupNormalization(self.groups, epsilon=1e-6, name="norm1")
        self.conv1 = layers.Conv2D(self.channels, 3, padding="same", name="conv1")
        self.norm2 = layers.GroupNormalization(self.groups, epsilon=1e-6, name="norm2")
        self.conv2 = layers.Conv2D(self.channels, 3, padding="same", name="conv2")
        self.skip = None

    def build(self, input_shape):
        if int(input_shape[-1]) != self.channels:
            self.skip = layers.Conv2D(self.channels, 1, name="skip")

    def call(self, x):
        h = self.conv1(keras.activations.silu(self.norm1(x)))
        h = self.conv2(keras.activations.silu(self.norm2(h)))
        return h + (self.skip(x) if self.skip is not None else x)

    def get_config(self):
        return {**super().get_config(), "channels": self.channels, "groups": self.groups}


class _ShapeBuilt(keras.Model):
    """Models whose variables follow from their config: built (and rebuilt by `keras.saving.load_model`) by one
    call on a zero batch of `input_shape`."""

    input_shape_for_build: tuple = ()

    def build_for_inputs(self):
        self(np.zeros((1, *self.input_shape_for_build), np.float32), training=False)
        return self

    def get_build_config(self):
        return {"input_shape": list(self.input_shape_for_build)} if self.built else None

    def build_from_config(self, config):
        if tuple(config.get("input_shape", ())) != tuple(self.input_shape_for_build):
            raise ValueError(f"{type(self).__name__}: build config {config} does not match the config's input "
                             f"shape {self.input_shape_for_build}")
        self.build_for_inputs()


class _CodeNetwork(_ShapeBuilt):
    """The configuration an encoder and its mirrored decoder share (see `CodeEncoder` for the arguments),
    checked once; `widths` are the channels of the levels, from the image side."""

    def __init__(self, *, resolution=64, image_channels=3, factor=4, code_channels=4, channels=64,
                 channel_mult=(1, 2, 2), groups=8, **kwargs):
        super().__init__(**kwargs)
        self.resolution, self.image_channels = int(resolution), int(image_channels)
        self.factor, self.code_channels = _check_factor(factor), int(code_channels)
        self.channels, self.groups = int(channels), int(groups)
        self.channel_mult = tuple(int(m) for m in channel_mult)
        self.levels = int(np.log2(self.factor))
        if len(self.channel_mult) != self.levels + 1:
            raise ValueError(f"channel_mult needs log2(factor) + 1 = {self.levels + 1} entries, got "
                             f"{self.channel_mult}")
        if self.resolution % self.factor:
            raise ValueError(f"resolution {self.resolution} is not divisible by factor {self.factor}")
        self.widths = [self.channels * m for m in self.channel_mult]

    @property
    def image_shape(self) -> tuple:
        return (self.resolution, self.resolution, self.image_channels)

    @property
    def code_shape(self) -> tuple:
        side = self.resolution // self.factor
        return (side, side, self.code_channels)

    def code_config(self) -> dict:
        """The constructor arguments (JSON types), shared by the encoder, the decoder and the autoencoder."""
        return {"resolution": self.resolution, "image_channels": self.image_channels, "factor": self.factor,
                "code_channels": self.code_channels, "channels": self.channels,
                "channel_mult": list(self.channel_mult), "groups": self.groups}

    def get_config(self):
        return {**super().get_config(), **self.code_config()}


@keras.saving.register_keras_serializable(package="zoo")
class CodeEncoder(_CodeNetwork):
    """Images [N, H, W, C] in [-1, 1] -> codes [N, H/f, W/f, c] (linear output; stage 2 normalises them).

    conv3x3, then log2(f) x (ResidualBlock, stride-2 conv3x3), ResidualBlock, GroupNorm-swish-conv3x3 to c
    channels. The layout of the first-stage encoders of Esser et al. 2021 / Rombach et al. 2022 (Sec. 3.1),
    without attention and without quantization or a KL term: Liu, Yao and Ren (arXiv 1909.03611) publish no
    architecture, see `zoo.models.latent2s`.

    Args:
        resolution: image height = width; image_channels: C.
        factor: f, spatial downsampling (a power of 2); code_channels: c.
        channels: width of the first level; deeper levels use `channel_mult` x channels each.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        width, levels = self.widths, self.levels
        self.conv_in = layers.Conv2D(width[0], 3, padding="same", name="conv_in")
        self.blocks = [ResidualBlock(width[i], self.groups, name=f"block{i}") for i in range(levels + 1)]
        self.downs = [layers.Conv2D(width[i], 3, strides=2, padding="same", name=f"down{i}") for i in range(levels)]
        self.norm_out = layers.GroupNormalization(self.groups, epsilon=1e-6, name="norm_out")
        self.conv_out = layers.Conv2D(self.code_channels, 3, padding="same", name="conv_out")
        self.input_shape_for_build = self.image_shape

    def call(self, images, training=None):
        h = self.conv_in(images)
        for i, block in enumerate(self.blocks):
            h = block(h)
            if i < len(self.downs):
                h = self.downs[i](h)
        return self.conv_out(keras.activations.silu(self.norm_out(h)))


@keras.saving.register_keras_serializable(package="zoo")
class CodeDecoder(_CodeNetwork):
    """Codes [N, H/f, W/f, c] -> images [N, H, W, C] in [-1, 1]: the mirror of `CodeEncoder` (conv3x3,
    ResidualBlock, log2(f) x (nearest 2x upsampling + conv3x3, ResidualBlock), GroupNorm-swish-conv3x3, tanh).
    Same arguments as `CodeEncoder`."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        width, levels = self.widths[::-1], self.levels
        self.conv_in = layers.Conv2D(width[0], 3, padding="same", name="conv_in")
        self.blocks = [ResidualBlock(width[i], self.groups, name=f"block{i}") for i in range(levels + 1)]
        self.ups = [layers.Conv2D(width[i + 1], 3, padding="same", name=f"up{i}") for i in range(levels)]
        self.upsample = layers.UpSampling2D(2, interpolation="nearest")
        self.norm_out = layers.GroupNormalization(self.groups, epsilon=1e-6, name="norm_out")
        self.conv_out = layers.Conv2D(self.image_channels, 3, padding="same", name="conv_out")
        self.input_shape_for_build = self.code_shape

    def call(self, codes, training=None):
        h = self.conv_in(codes)
        for i, block in enumerate(self.blocks):
            h = block(h)
            if i < len(self.ups):
                h = self.ups[i](self.upsample(h))
        return keras.ops.tanh(self.conv_out(keras.activations.silu(self.norm_out(h))))


@keras.saving.register_keras_serializable(package="zoo")
class CodeAutoencoder(_ShapeBuilt):
    """Encoder + decoder of stage 1: `call(images)` = decode(encode(images)); `encode`, `decode` separately.

    The compression ratio is (H * W * C) / (H/f * W/f * c) values per image (`compression_ratio`): 64x64x3 RGB
    to 16x16x4 codes is 12x. Trained by `zoo.training.tasks.autoencoder.AutoencoderTask` (L1 + SSIM + a
    patch-adversarial loss); stage 2 trains a GAN on its normalised codes (`zoo.models.latent2s`).

    Args: those of `CodeEncoder` (the decoder mirrors the encoder).
    """

    def __init__(self, *, resolution=64, image_channels=3, factor=4, code_channels=4, channels=64,
                 channel_mult=(1, 2, 2), groups=8, **kwargs):
        super().__init__(**kwargs)
        args = dict(resolution=resolution, image_channels=image_channels, factor=factor,
                    code_channels=code_channels, channels=channels, channel_mult=channel_mult, groups=groups)
        self.encoder = CodeEncoder(**args, name="encoder")
        self.decoder = CodeDecoder(**args, name="decoder")
        self.input_shape_for_build = self.encoder.image_shape

    @property
    def image_shape(self) -> tuple:
        return self.encoder.image_shape

    @property
    def code_shape(self) -> tuple:
        return self.encoder.code_shape

    @property
    def compression_ratio(self) -> float:
        """Values per image over values per code: (H * W * C) / (h * w * c)."""
        return float(np.prod(self.image_shape) / np.prod(self.code_shape))

    def encode(self, images, training=None):
        return self.encoder(images, training=training)

    def decode(self, codes, training=None):
        return self.decoder(codes, training=training)

    def call(self, images, training=None):
        return self.decoder(self.encoder(images, training=training), training=training)

    def get_config(self):
        return {**super().get_config(), **self.encoder.code_config()}
