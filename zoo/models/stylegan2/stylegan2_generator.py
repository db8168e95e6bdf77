"""StyleGAN2 generator: mapping network + skip synthesis network with modulated convolutions."""

from __future__ import annotations

import math

import keras
import numpy as np
import tensorflow as tf

from zoo.layers.fir import upsample2d
from zoo.layers.modulated_conv import ModulatedConv2D
from zoo.models.base import GANGenerator
from zoo.models.stylegan2.stylegan2_mapping import MappingNetwork


def channels_at(resolution: int, channel_base: int, channel_max: int) -> int:
    """Feature maps at a resolution: min(channel_base // resolution, channel_max) (official `channels_dict`)."""
    return min(int(channel_base) // int(resolution), int(channel_max))


@keras.saving.register_keras_serializable(package="zoo")
class StyleGAN2Generator(GANGenerator):
    """StyleGAN2 generator (config E/F): z -> mapping -> ws -> skip synthesis network.

    - Mapping (`MappingNetwork`): z normalised by its second moment, `mapping_layers` equalized FC layers
      (lr x 0.01, leaky ReLU 0.2), w_avg tracked with beta 0.995; class-conditional by a class embedding.
    - Synthesis: a learned 4x4 constant; per resolution 4..`resolution` a block of modulated 3x3 convolutions
      with weight demodulation (`zoo.layers.modulated_conv`; the first of each block from 8 up upsamples with
      the [1,3,3,1] FIR filter), per-layer noise with a learned strength initialised to 0, and a ToRGB (1x1
      modulated conv, no demodulation); the skip architecture sums the FIR-upsampled RGB outputs. Channels at
      resolution r: min(channel_base / r, channel_max). It consumes num_ws = 2 log2(resolution) - 2 ws.
    - Truncation is psi in w-space (`call(..., truncation=psi)`, optionally on the first `truncation_cutoff` ws
      only): the meaning of `truncation` in `sample`, `zoo sample` and the serving signature.
    - Noise: `call(..., noise="const")` (the default: the fixed noise images stored with the weights, so
      sampling is deterministic), "none", or a stateless seed [2] (training draws fresh noise).
    - Output: linear RGB in training (as the paper); clipped to [-1, 1] in inference.

    `stem(z, labels)` returns (ws, None) and `render(ws, noise)` synthesises: AdvAug's "first-layer output" of
    this family is the w vector (the mapping output, broadcast to every layer).

    Args:
        latent_dim, w_dim: sizes of z and w (paper: 512, 512).
        num_classes: classes of the conditional generator (0 = unconditional).
        resolution: output size (a power of 2 >= 8), image_channels: 3 (RGB) or 1.
        channel_base, channel_max: width rule (config F: 32768, 512; config E: 16384, 512).
        mapping_layers, mapping_lr_mul, w_avg_beta: mapping network (paper: 8, 0.01, 0.995).
        truncation_cutoff: truncate only the first ws (None = all).
        modulation: "activations" or "weights" (`zoo.layers.modulated_conv.MODULATIONS`, same function).

    Reference: Karras, Laine, Aittala, Hellsten, Lehtinen, Aila, "Analyzing and Improving the Image Quality of
    StyleGAN", CVPR 2020, Table 1 (configs E, F), Fig. 2, Fig. 7 (skip G), Appendix B; stylegan2-ada-pytorch
    `networks.py` (the layer shapes of its parameter counts).
    """

    truncation_space = "w"  # `truncation` is psi in w-space (manifests / cards, zoo.hub.publish.truncation_space)

    def __init__(self, *, latent_dim=512, w_dim=512, num_classes=0, resolution=1024, image_channels=3,
                 channel_base=32768, channel_max=512, mapping_layers=8, mapping_lr_mul=0.01, w_avg_beta=0.995,
                 truncation_cutoff=None, modulation="activations", **kwargs):
        super().__init__(latent_dim=latent_dim, num_classes=num_classes, **kwargs)
        self.resolution = int(resolution)
        log2 = int(round(math.log2(self.resolution)))
        if self.resolution < 8 or 2 ** log2 != self.resolution:
            raise ValueError(f"StyleGAN2Generator: resolution must be a power of 2 >= 8, got {resolution}")
        self.w_dim, self.image_channels = int(w_dim), int(image_channels)
        self.channel_base, self.channel_max = int(channel_base), int(channel_max)
        self.mapping_layers, self.mapping_lr_mul = int(mapping_layers), float(mapping_lr_mul)
        self.w_avg_beta = float(w_avg_beta)
        self.truncation_cutoff = None if truncation_cutoff is None else int(truncation_cutoff)
        self.modulation = modulation
        self.resolutions = [2 ** i for i in range(2, log2 + 1)]
        self.num_ws = 2 * len(self.resolutions)
        with keras.name_scope(self.name, caller=self):  # sublayer weights' paths: <model>/<layer>/...
            self._create_layers()

    def _create_layers(self):
        ch = {r: channels_at(r, self.channel_base, self.channel_max) for r in self.resolutions}
        self.mapping = MappingNetwork(latent_dim=self.latent_dim, num_classes=self.num_classes, w_dim=self.w_dim,
                                      num_ws=self.num_ws, num_layers=self.mapping_layers,
                                      lr_mul=self.mapping_lr_mul, w_avg_beta=self.w_avg_beta, name="mapping")
        self.const = self.add_weight(shape=(4, 4, ch[4]), name="const",
                                     initializer=keras.initializers.RandomNormal(0.0, 1.0))
        common = dict(w_dim=self.w_dim, modulation=self.modulation)
        # layer lists (tracked by Keras) and, beside them, the index of the w each layer reads
        self.conv_layers, self.torgb_layers = [], []
        self.conv_w, self.torgb_w = [], []
        index = 0
        for i, r in enumerate(self.resolutions):
            if r == 4:
                self.conv_layers.append(ModulatedConv2D(ch[4], ch[4], resolution=4, layer_index=0, name="b4_conv1",
                                                        **common))
                self.conv_w.append(0)
                index += 1
            else:
                self.conv_layers.append(ModulatedConv2D(ch[r // 2], ch[r], resolution=r, up=True, layer_index=index,
                                                        name=f"b{r}_conv0", **common))
                self.conv_layers.append(ModulatedConv2D(ch[r], ch[r], resolution=r, layer_index=index + 1,
                                                        name=f"b{r}_conv1", **common))
                self.conv_w += [2 * i - 1, 2 * i]
                index += 2
            self.torgb_layers.append(ModulatedConv2D(ch[r], self.image_channels, kernel_size=1, torgb=True,
                                                     resolution=r, name=f"b{r}_torgb", **common))
            self.torgb_w.append(2 * i + 1)

    @property
    def image_shape(self):
        return (self.resolution, self.resolution, self.image_channels)

    def call(self, z, labels=None, training=None, truncation=None, noise="const"):
        self.check_inputs(z, labels)
        ws = self.mapping(z, labels, truncation=truncation, cutoff=self.truncation_cutoff)
        images = self.synthesis(ws, noise=noise)
        return images if training else tf.clip_by_value(images, -1.0, 1.0)

    def synthesis(self, ws, noise="const"):
        """Images (linear, not clipped) from ws [N, num_ws, w_dim]; `noise` as in `ModulatedConv2D.call`."""
        ws = tf.convert_to_tensor(ws, tf.float32)
        x = tf.tile(self.const[None], tf.stack([tf.shape(ws)[0], 1, 1, 1]))
        per_layer = tf.unstack(ws, self.num_ws, axis=1)  # one op (and one gradient) instead of a slice per layer
        convs = iter(zip(self.conv_w, self.conv_layers))
        image = None
        for r, w_rgb, torgb in zip(self.resolutions, self.torgb_w, self.torgb_layers):
            for _ in range(1 if r == 4 else 2):
                w_index, conv = next(convs)
                x = conv(x, per_layer[w_index], noise=noise)
            y = torgb(x, per_layer[w_rgb])
            image = y if image is None else upsample2d(image) + y
        return image

    def stem(self, z, labels=None, training=None):
        """(ws, None): the mapping output is this family's first-layer output (AdvAug perturbs w)."""
        return self.mapping(z, labels), None

    def render(self, h, context=None, training=None):
        """Images from ws `h`; `context` is the noise ("const" when None)."""
        return self.synthesis(h, noise="const" if context is None else context)

    def mix_styles(self, ws, ws_other, cutoff):
        """Style mixing: ws[:, :cutoff] from `ws`, the rest from `ws_other` (cutoff = num_ws: no mixing)."""
        keep = tf.range(self.num_ws) < cutoff
        return tf.where(keep[None, :, None], ws, ws_other)

    def build_for_inputs(self):
        z = np.zeros((1, self.latent_dim), np.float32)
        labels = np.zeros((1,), np.int32) if self.num_classes else None
        self(z, labels=labels, training=False)
        return self

    def get_config(self):
        config = super().get_config()
        config.update(w_dim=self.w_dim, resolution=self.resolution, image_channels=self.image_channels,
                      channel_base=self.channel_base, channel_max=self.channel_max,
                      mapping_layers=self.mapping_layers, mapping_lr_mul=self.mapping_lr_mul,
                      w_avg_beta=self.w_avg_beta, truncation_cutoff=self.truncation_cutoff,
                      modulation=self.modulation)
        return config
