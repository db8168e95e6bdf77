"""StyleGAN2's modulated convolution with weight demodulation, its ToRGB, and its per-layer noise.

Modulation scales the input channels of the kernel by a per-sample style s (an affine map of w); weight
demodulation rescales each output channel so that the expected output variance is one:

    w'_{ijk} = s_i w_{ijk},    w''_{ijk} = w'_{ijk} / sqrt(sum_{i,k} w'_{ijk}^2 + 1e-8)      (paper Eq. 1, 3)

(i input channel, j output channel, k kernel position). Two implementations of the same maths
(`MODULATIONS`, measured by `benchmarks/stylegan2_modconv.py`):
- "weights": the per-sample kernels w'' of Eq. 3 are built and applied per sample (image patches times each
  sample's kernel, an einsum: the grouped convolution of the official code, which TF's CPU kernels lack);
- "activations": the input is scaled by s, convolved with the shared kernel, and the output scaled by the
  demodulation coefficients 1 / sqrt(sum_i s_i^2 sum_k w_{ijk}^2 + 1e-8) (the official `fused_modconv=False`
  path). The same function up to float rounding; the faster on this CPU, so the default.

Per-layer noise: a single-channel noise image times a learned scalar strength (initialised to 0) is added after
the convolution. Its source is the `noise` argument of `call`: "const" (a fixed N(0,1) image per layer stored
with the weights: sampling is deterministic), "none", or a stateless seed [2] (training: fresh noise per sample
from the public randomness; each layer folds in its `layer_index`).

Reference: Karras, Laine, Aittala, Hellsten, Lehtinen, Aila, "Analyzing and Improving the Image Quality of
StyleGAN", CVPR 2020, Sec. 2.2, Eq. 1-3, Fig. 2(c,d) (modulation, demodulation, noise outside the style
block); the official stylegan2-ada-pytorch `modulated_conv2d`, `SynthesisLayer`, `ToRGBLayer`.
"""

from __future__ import annotations

import math

import keras
import tensorflow as tf

from zoo.layers.equalized import EqualizedDense, check_activation, leaky_relu, output_gain
from zoo.layers.fir import upsample2d, upsample_conv2d

MODULATIONS = ("activations", "weights")
DEMOD_EPS = 1e-8


def modulate_activations(x, kernel, styles, demodulate: bool, up: bool = False, gain: float = 1.0):
    """Modulated convolution by scaling activations: conv(x * s, w) * d * gain, "same" padding, or with `up`
    the fused FIR up-convolution (`zoo.layers.fir.upsample_conv2d`). x [N, H, W, I], kernel [k, k, I, O],
    styles [N, I] -> [N, H, W, O] (up: [N, 2H, 2W, O])."""
    x = x * styles[:, None, None, :]
    y = upsample_conv2d(x, kernel) if up else tf.nn.conv2d(x, kernel, 1, "SAME")
    if demodulate:
        energy = tf.reduce_sum(tf.square(kernel), axis=[0, 1])  # [I, O]
        d = tf.math.rsqrt(tf.matmul(tf.square(styles), energy) + DEMOD_EPS)  # [N, O]
        return y * (d * gain)[:, None, None, :]
    return y * gain if gain != 1.0 else y


def modulated_kernels(kernel, styles, demodulate: bool, gain: float = 1.0):
    """The per-sample kernels w'' of Eq. 3 (times `gain`): [N, k, k, I, O]."""
    w = kernel[None] * styles[:, None, None, :, None]
    if demodulate:
        w = w * (tf.math.rsqrt(tf.reduce_sum(tf.square(w), axis=[1, 2, 3], keepdims=True) + DEMOD_EPS) * gain)
    elif gain != 1.0:
        w = w * gain
    return w


def modulate_weights(x, kernel, styles, demodulate: bool, up: bool = False, gain: float = 1.0):
    """Modulated convolution with per-sample kernels (`modulated_kernels`) applied to each sample's patches,
    "same" padding, or with `up` after `upsample2d(x, border=k // 2)` without padding (the official
    up-convolution's single padding)."""
    k = int(kernel.shape[0])
    padding = "SAME"
    if up:
        x, padding = upsample2d(x, border=k // 2), "VALID"
    w = modulated_kernels(kernel, styles, demodulate, gain)
    w = tf.reshape(w, [tf.shape(w)[0], k * k * int(kernel.shape[2]), int(kernel.shape[3])])
    if k == 1:
        return tf.einsum("nhwi,nio->nhwo", x, w)
    patches = tf.image.extract_patches(x, [1, k, k, 1], [1, 1, 1, 1], [1, 1, 1, 1], padding)
    return tf.einsum("nhwp,npo->nhwo", patches, w)


MODULATE = {"activations": modulate_activations, "weights": modulate_weights}


@keras.saving.register_keras_serializable(package="zoo")
class ModulatedConv2D(keras.layers.Layer):
    """One StyleGAN2 synthesis layer: style affine, (FIR upsampling,) modulated convolution, noise, bias, act.

    Also ToRGB (`torgb=True`): a 1x1 modulated convolution without demodulation, noise or activation, whose
    style is scaled by the equalized-learning-rate gain (the official `ToRGBLayer`). Weights are created at
    construction (`in_channels` is given), so the layer is built before its first call.

    Args:
        in_channels, filters: input / output channels.
        kernel_size: 3 (synthesis) or 1 (ToRGB).
        w_dim: size of w.
        resolution: output resolution (of the constant noise image).
        up: FIR-upsample by 2 before the convolution ([1,3,3,1], `zoo.layers.fir`), padded once as the
            official up-convolution: the upsampled input keeps k // 2 FIR outputs beyond each edge and the
            convolution has no padding ("activations": fused into one transposed convolution and the filter,
            `upsample_conv2d`, as the official code does).
        demodulate, use_noise, activation: as in the paper (ToRGB: False, False, "linear").
        torgb: the ToRGB variant (implies no demodulation, no noise, linear, style x weight gain).
        modulation: "activations" or "weights" (`MODULATIONS`; the same function).
        layer_index: folded into the noise seed, so each layer draws its own noise.

    Call: `layer(x, w, noise="const")` with x [N, H, W, in_channels], w [N, w_dim]; `noise` = "const", "none"
    or a stateless seed [2].

    Reference: Karras et al., CVPR 2020, Sec. 2.2, Eq. 1-3, Fig. 2; official `SynthesisLayer` / `ToRGBLayer`.
    """

    def __init__(self, in_channels: int, filters: int, *, kernel_size: int = 3, w_dim: int = 512,
                 resolution: int = 4, up: bool = False, demodulate: bool = True, use_noise: bool = True,
                 activation: str = "lrelu", torgb: bool = False, modulation: str = "activations",
                 layer_index: int = 0, **kwargs):
        super().__init__(**kwargs)
        if modulation not in MODULATIONS:
            raise ValueError(f"modulation must be one of {MODULATIONS}, got {modulation!r}")
        self.in_channels, self.filters = int(in_channels), int(filters)
        self.kernel_size, self.w_dim, self.resolution = int(kernel_size), int(w_dim), int(resolution)
        self.up, self.torgb = bool(up), bool(torgb)
        self.demodulate = bool(demodulate) and not self.torgb
        self.use_noise = bool(use_noise) and not self.torgb
        self.activation = "linear" if self.torgb else check_activation(activation)
        self.modulation = modulation
        self.layer_index = int(layer_index)
        self.weight_gain = 1.0 / math.sqrt(self.in_channels * self.kernel_size ** 2)
        self.affine = EqualizedDense(self.in_channels, bias_init=1.0, name="affine")
        with keras.name_scope(self.name, caller=self):  # its weights' paths: <this layer>/affine/...
            self.affine.build((None, self.w_dim))
        self.kernel = self.add_weight(shape=(self.kernel_size, self.kernel_size, self.in_channels, self.filters),
                                      name="kernel", initializer=keras.initializers.RandomNormal(0.0, 1.0))
        self.bias = self.add_weight(shape=(self.filters,), name="bias", initializer="zeros")
        if self.use_noise:
            self.noise_strength = self.add_weight(shape=(), name="noise_strength", initializer="zeros")
            self.noise_const = self.add_weight(shape=(self.resolution, self.resolution), name="noise_const",
                                               initializer=keras.initializers.RandomNormal(0.0, 1.0),
                                               trainable=False)
        self.built = True

    def styles(self, w):
        """s = affine(w) [N, in_channels] (ToRGB: times the equalized-learning-rate gain)."""
        s = self.affine(w)
        return s * self.weight_gain if self.torgb else s

    def call(self, x, w, noise="const"):
        s = self.styles(w)
        # the demodulated kernel is scale-free: the equalized-lr gain of the kernel cancels (official code);
        # ToRGB carries it in its styles
        # lrelu's gain is folded into the demodulation, the noise strength and the bias (lrelu(g z) = g lrelu(z))
        gain = output_gain(self.activation)
        y = MODULATE[self.modulation](x, self.kernel, s, self.demodulate, self.up, gain)
        if self.use_noise:
            y = y + self.noise_image(y, noise) * (self.noise_strength * gain)
        y = tf.nn.bias_add(y, self.bias * gain)
        return leaky_relu(y) if self.activation == "lrelu" else y

    def noise_image(self, y, noise):
        """The noise added to output y [N, H, W, O]: [1, H, W, 1] constant, zeros, or [N, H, W, 1] from a seed."""
        if isinstance(noise, str):
            if noise == "const":
                return self.noise_const[None, :, :, None]
            if noise == "none":
                return tf.zeros([1, self.resolution, self.resolution, 1])
            raise ValueError(f"noise must be 'const', 'none' or a stateless seed [2], got {noise!r}")
        seed = tf.random.experimental.stateless_fold_in(tf.cast(noise, tf.int64), self.layer_index)
        shape = tf.stack([tf.shape(y)[0], self.resolution, self.resolution, 1])
        return tf.random.stateless_normal(shape, seed=seed)

    def prunable_kernels(self):
        """The convolution kernel and the style affine's kernel (a lottery ticket prunes both)."""
        return [self.kernel, self.affine.kernel]

    def get_config(self):
        config = super().get_config()
        config.update(in_channels=self.in_channels, filters=self.filters, kernel_size=self.kernel_size,
                      w_dim=self.w_dim, resolution=self.resolution, up=self.up, demodulate=self.demodulate,
                      use_noise=self.use_noise, activation=self.activation, torgb=self.torgb,
                      modulation=self.modulation, layer_index=self.layer_index)
        return config
