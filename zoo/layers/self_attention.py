"""Self-attention (non-local) block of SAGAN / BigGAN, with spectrally normalized 1x1 projections."""

from __future__ import annotations

import keras
import tensorflow as tf

from zoo.layers.spectral_norm import SNConv2D


@keras.saving.register_keras_serializable(package="zoo")
class SelfAttention(keras.layers.Layer):
    """y = x + gamma * o(softmax(theta(x) phi(x)^T) g(x)), gamma initialised to 0 (the block starts as identity).

    theta, phi: 1x1 SN convolutions to C / `key_reduction` channels; g: to C / `value_reduction` channels;
    o: back to C. With `downsample_kv`, phi and g are 2x2 max-pooled, so every query attends over HW / 4
    locations (BigGAN and the SAGAN reference code; the SAGAN paper text describes the unpooled form).

    Args:
        channels: input = output channels.
        key_reduction: channel reduction of queries and keys (paper: 8).
        value_reduction: channel reduction of values (BigGAN: 2).
        downsample_kv: 2x2 max-pool keys and values.

    Example:
        >>> attn = SelfAttention(64); y = attn(x, training=True)  # same shape as x

    Reference: Zhang et al. 2019, "Self-Attention GANs", Sec. 3, Fig. 2 and Eq. 1-3;
    Brock et al. 2019, Appendix B (non-local block at 64x64 in the 128x128 model).
    """

    def __init__(self, channels, key_reduction=8, value_reduction=2, downsample_kv=True, **kwargs):
        super().__init__(**kwargs)
        self.channels = int(channels)
        self.key_reduction = int(key_reduction)
        self.value_reduction = int(value_reduction)
        self.downsample_kv = bool(downsample_kv)
        ck, cv = self.channels // self.key_reduction, self.channels // self.value_reduction
        if ck < 1 or cv < 1:
            raise ValueError(f"SelfAttention: {channels} channels are too few for reductions "
                             f"{key_reduction} / {value_reduction}")
        self.theta = SNConv2D(ck, 1, use_bias=False, name="theta")
        self.phi = SNConv2D(ck, 1, use_bias=False, name="phi")
        self.g = SNConv2D(cv, 1, use_bias=False, name="g")
        self.o = SNConv2D(self.channels, 1, use_bias=False, name="o")

    def build(self, input_shape):
        if int(input_shape[-1]) != self.channels:
            raise ValueError(f"SelfAttention({self.channels}) got input with {input_shape[-1]} channels")
        self.gamma = self.add_weight(shape=(), initializer="zeros", name="gamma")

    def attention_map(self, x, training=None):
        """(attention weights (N, HW, HW'), values (N, HW', C/value_reduction))."""
        n = tf.shape(x)[0]
        theta = self.theta(x, training=training)
        phi = self.phi(x, training=training)
        g = self.g(x, training=training)
        if self.downsample_kv:
            phi = tf.nn.max_pool2d(phi, 2, 2, "VALID")
            g = tf.nn.max_pool2d(g, 2, 2, "VALID")
        theta = tf.reshape(theta, (n, -1, theta.shape[-1]))
        phi = tf.reshape(phi, (n, -1, phi.shape[-1]))
        g = tf.reshape(g, (n, -1, g.shape[-1]))
        return tf.nn.softmax(tf.matmul(theta, phi, transpose_b=True), axis=-1), g

    def call(self, x, training=None):
        beta, g = self.attention_map(x, training=training)
        h = tf.reshape(tf.matmul(beta, g), (tf.shape(x)[0], x.shape[1], x.shape[2], g.shape[-1]))
        return x + self.gamma * self.o(h, training=training)

    def get_config(self):
        return {**super().get_config(), "channels": self.channels, "key_reduction": self.key_reduction,
                "value_reduction": self.value_reduction, "downsample_kv": self.downsample_kv}
