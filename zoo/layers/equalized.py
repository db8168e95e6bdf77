"""Equalized-learning-rate layers (ProGAN / StyleGAN / StyleGAN2): weights stored as N(0, 1) / lr_mul and scaled
at run time by lr_mul / sqrt(fan_in), so every weight learns at the same speed under Adam.

- `EqualizedDense`: y = act(x (W * lr_mul / sqrt(fan_in)) + b * lr_mul); the mapping network uses lr_mul 0.01.
- `EqualizedConv2D`: a k x k convolution, optionally downsampling by 2 as the official code does: the
  convolution followed by [1,3,3,1] FIR downsampling, padded once on the input (`zoo.layers.fir`: the FIR
  filter, then a stride-2 convolution without padding; 1 x 1: `downsample2d`, then the convolution), with the
  same scaling.
- `lrelu`: leaky ReLU 0.2 times sqrt(2) (the official `bias_act` gain, which keeps the signal's variance).

Each declares its kernel as prunable (`prunable_kernels()`, `zoo.training.pruning`).

Reference: Karras et al., "Progressive Growing of GANs", ICLR 2018, Sec. 4.1 (equalized learning rate);
Karras et al., "A Style-Based Generator Architecture for GANs", CVPR 2019, Sec. 2 and Appendix C (mapping
network, learning rate x 0.01); the official stylegan2-ada-pytorch `FullyConnectedLayer` / `Conv2dLayer`.
"""

from __future__ import annotations

import math

import keras
import tensorflow as tf

from zoo.layers.fir import blur2d, downsample2d

LRELU_SLOPE = 0.2
LRELU_GAIN = math.sqrt(2.0)
ACTIVATIONS = ("linear", "lrelu")


@tf.custom_gradient
def leaky_relu(x):
    """Leaky ReLU with slope 0.2 whose gradient reads its output instead of its input (the same values: y > 0
    exactly where x > 0). Its input then feeds nothing else, so Grappler can fuse the convolution, bias and
    activation of a training graph into one kernel; with the gradient reading the input, the remapper fuses them
    anyway and then fails on the dangling gradient ("remapper failed: ... LeakyReluGrad exist for missing node"),
    dropping every fusion of the graph. Differentiable again (R1): LeakyReluGrad has a registered gradient."""
    y = tf.nn.leaky_relu(x, LRELU_SLOPE)

    def grad(dy):
        return tf.raw_ops.LeakyReluGrad(gradients=dy, features=y, alpha=LRELU_SLOPE)

    return y, grad


def lrelu(x, gain: float = LRELU_GAIN):
    """Leaky ReLU (slope 0.2) times `gain` (default sqrt(2), the official code's gain for lrelu). The layers here
    fold the gain into their weight and bias instead (lrelu(g z) = g lrelu(z) for g > 0), saving a pass."""
    return leaky_relu(x) * gain


def output_gain(activation: str, gain: float = 1.0) -> float:
    """The factor a layer folds into its linear part: `gain`, times sqrt(2) before a leaky ReLU."""
    return float(gain) * (LRELU_GAIN if activation == "lrelu" else 1.0)


def check_activation(activation: str) -> str:
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {ACTIVATIONS}, got {activation!r}")
    return activation


@keras.saving.register_keras_serializable(package="zoo")
class EqualizedDense(keras.layers.Layer):
    """A fully connected layer with equalized learning rate (see the module docstring).

    Args:
        units: output features.
        lr_mul: learning-rate multiplier (mapping network: 0.01).
        bias_init: initial value of the bias (StyleGAN2's style affines: 1).
        activation: "linear" or "lrelu" (leaky ReLU 0.2 x sqrt(2)).
        use_bias: add a bias.

    Reference: Karras et al., ICLR 2018, Sec. 4.1; Karras et al., CVPR 2019, Appendix C.
    """

    def __init__(self, units: int, *, lr_mul: float = 1.0, bias_init: float = 0.0, activation: str = "linear",
                 use_bias: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.units = int(units)
        self.lr_mul = float(lr_mul)
        self.bias_init = float(bias_init)
        self.activation = check_activation(activation)
        self.use_bias = bool(use_bias)

    def build(self, input_shape):
        fan_in = int(input_shape[-1])
        self.weight_gain = self.lr_mul / math.sqrt(fan_in)
        self.kernel = self.add_weight(shape=(fan_in, self.units), name="kernel",
                                      initializer=keras.initializers.RandomNormal(0.0, 1.0 / self.lr_mul))
        self.bias = self.add_weight(shape=(self.units,), name="bias",
                                    initializer=keras.initializers.Constant(self.bias_init / self.lr_mul)) \
            if self.use_bias else None

    def call(self, x):
        gain = output_gain(self.activation)  # folded into the weight and bias
        y = tf.matmul(x, self.kernel * (self.weight_gain * gain))
        if self.bias is not None:
            y = tf.nn.bias_add(y, self.bias * (self.lr_mul * gain))
        return leaky_relu(y) if self.activation == "lrelu" else y

    def prunable_kernels(self):
        return [self.kernel]

    def get_config(self):
        config = super().get_config()
        config.update(units=self.units, lr_mul=self.lr_mul, bias_init=self.bias_init, activation=self.activation,
                      use_bias=self.use_bias)
        return config


@keras.saving.register_keras_serializable(package="zoo")
class EqualizedConv2D(keras.layers.Layer):
    """A k x k convolution ("same" padding) with equalized learning rate, optionally downsampling by 2.

    Args:
        filters: output channels.
        kernel_size: k.
        down: downsample by 2 (StyleGAN2's D): the official convolution-then-FIR-downsampling, i.e. the
            [1,3,3,1] filter on the input padded by (k + 1) / 2, then a stride-2 convolution without padding
            (`zoo.layers.fir.blur2d`); for k = 1, `downsample2d` then the 1 x 1 convolution.
        activation: "linear" or "lrelu".
        use_bias: add a bias (the residual skip of StyleGAN2's D has none).
        gain: output multiplier (the residual D scales both branches by sqrt(0.5)).

    Reference: Karras et al., CVPR 2020, Fig. 7 (residual D) and Appendix B; official `Conv2dLayer` /
    `conv2d_resample` (stylegan2-ada-pytorch), `conv_downsample_2d` (stylegan2).
    """

    def __init__(self, filters: int, kernel_size: int = 3, *, down: bool = False, activation: str = "linear",
                 use_bias: bool = True, gain: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        self.filters = int(filters)
        self.kernel_size = int(kernel_size)
        self.down = bool(down)
        if self.down and self.kernel_size % 2 == 0:
            raise ValueError(f"a downsampling EqualizedConv2D needs an odd kernel_size, got {kernel_size}")
        self.activation = check_activation(activation)
        self.use_bias = bool(use_bias)
        self.gain = float(gain)

    def build(self, input_shape):
        fan_in = int(input_shape[-1]) * self.kernel_size ** 2
        self.weight_gain = 1.0 / math.sqrt(fan_in)
        self.kernel = self.add_weight(shape=(self.kernel_size, self.kernel_size, int(input_shape[-1]), self.filters),
                                      name="kernel", initializer=keras.initializers.RandomNormal(0.0, 1.0))
        self.bias = self.add_weight(shape=(self.filters,), name="bias", initializer="zeros") if self.use_bias else None

    def call(self, x):
        gain = output_gain(self.activation, self.gain)  # folded into the weight and bias
        kernel = self.kernel * (self.weight_gain * gain)
        if self.down and self.kernel_size > 1:
            if x.shape[1] % 2 or x.shape[2] % 2:
                raise ValueError(f"{self.name}: downsampling needs an even height and width, "
                                 f"got {tuple(x.shape)}")
            y = tf.nn.conv2d(blur2d(x, (self.kernel_size + 1) // 2), kernel, 2, "VALID")
        else:
            y = tf.nn.conv2d(downsample2d(x) if self.down else x, kernel, 1, "SAME")
        if self.bias is not None:
            y = tf.nn.bias_add(y, self.bias * gain)
        return leaky_relu(y) if self.activation == "lrelu" else y

    def prunable_kernels(self):
        return [self.kernel]

    def get_config(self):
        config = super().get_config()
        config.update(filters=self.filters, kernel_size=self.kernel_size, down=self.down,
                      activation=self.activation, use_bias=self.use_bias, gain=self.gain)
        return config
