"""Spectral normalization (Miyato et al. 2018) as Dense / Conv2D / Embedding layers.

The kernel is divided by an estimate of its largest singular value, sigma(W) = u^T W v, obtained by power
iteration with a persistent vector `u`. One iteration runs per training call and updates `u`; inference calls
reuse the stored `u` and change nothing. Gradients flow through W / sigma(W) with u, v held constant, as in the
paper (Algorithm 1). `u` is created with aggregation "only_first_replica", so under MirroredStrategy and
MultiWorkerMirroredStrategy every replica computes the same update from the same mirrored W and the copies stay
identical.

Reference: Miyato, Kataoka, Koyama, Yoshida, "Spectral Normalization for Generative Adversarial Networks",
ICLR 2018, Algorithm 1.
"""

from __future__ import annotations

import keras
import tensorflow as tf


def spectral_normalize(kernel, u, power_iterations: int = 1, eps: float = 1e-12):
    """Pure function: (W_sn, u_new, sigma) for `kernel` reshaped to a matrix (prod(shape[:-1]), shape[-1]).

    `u` has shape (1, out). v = l2norm(u W^T), u = l2norm(v W) repeated `power_iterations` times;
    sigma = v W u^T; W_sn = W / sigma. u and v carry no gradient.
    """
    w = tf.reshape(kernel, (-1, kernel.shape[-1]))
    u = tf.convert_to_tensor(u)
    v = None
    for _ in range(max(1, int(power_iterations))):
        v = tf.math.l2_normalize(tf.matmul(u, w, transpose_b=True), epsilon=eps)
        u = tf.math.l2_normalize(tf.matmul(v, w), epsilon=eps)
    u = tf.stop_gradient(u)
    v = tf.stop_gradient(v)
    sigma = tf.reduce_sum(tf.matmul(v, w) * u)
    return kernel / sigma, u, sigma


class _SpectralNormMixin:
    """Adds the persistent `u` vector and the normalized kernel to a layer that has `self.kernel`."""

    def _init_sn(self, power_iterations, eps):
        self.power_iterations = int(power_iterations)
        self.eps = float(eps)

    def _build_sn(self, out_dim):
        self.sn_u = self.add_weight(
            shape=(1, int(out_dim)),
            initializer=keras.initializers.RandomNormal(0.0, 1.0),
            trainable=False,
            name="sn_u",
            aggregation="only_first_replica",
        )

    def normalized_kernel(self, training=False):
        """W / sigma(W); a training call advances the power iteration (`u`), except in a frozen layer
        (trainable False, e.g. FreezeD's lower D blocks), which keeps its whole function fixed, as Keras'
        frozen batch norm keeps its statistics."""
        w, u, _ = spectral_normalize(self.kernel, self.sn_u, self.power_iterations, self.eps)
        if training and self.trainable:
            self.sn_u.assign(u)
        return w

    def _bias_and_activation(self, x):
        if self.use_bias:
            x = x + self.bias
        return self.activation(x) if self.activation is not None else x

    def sigma(self):
        """Current estimate of the largest singular value (no update)."""
        return spectral_normalize(self.kernel, self.sn_u, self.power_iterations, self.eps)[2]

    # Dense / Conv2D write only their own kernel and bias (quantization-aware formats); use the generic
    # Layer format, which writes every variable of the layer (kernel, bias, sn_u) in creation order.
    def save_own_variables(self, store):
        keras.layers.Layer.save_own_variables(self, store)

    def load_own_variables(self, store):
        keras.layers.Layer.load_own_variables(self, store)

    def _sn_config(self):
        return {"power_iterations": self.power_iterations, "eps": self.eps}


@keras.saving.register_keras_serializable(package="zoo")
class SNDense(_SpectralNormMixin, keras.layers.Dense):
    """Dense layer with a spectrally normalized kernel.

    Args:
        units: output size. Other Dense arguments are accepted.
        power_iterations: power-iteration steps per training call (paper: 1).
        eps: epsilon of the l2 normalization.

    Example:
        >>> layer = SNDense(1); y = layer(x, training=True)

    Reference: Miyato et al. 2018, Algorithm 1.
    """

    def __init__(self, units, power_iterations: int = 1, eps: float = 1e-12, **kwargs):
        super().__init__(units, **kwargs)
        self._init_sn(power_iterations, eps)

    def build(self, input_shape):
        super().build(input_shape)
        self._build_sn(self.units)

    def call(self, inputs, training=None):
        return self._bias_and_activation(tf.matmul(inputs, self.normalized_kernel(training)))

    def get_config(self):
        return {**super().get_config(), **self._sn_config()}


@keras.saving.register_keras_serializable(package="zoo")
class SNConv2D(_SpectralNormMixin, keras.layers.Conv2D):
    """Conv2D (channels_last) with a spectrally normalized kernel, W reshaped to (kh*kw*in, out).

    Args:
        filters, kernel_size, strides, padding: as Conv2D. Other Conv2D arguments are accepted.
        power_iterations: power-iteration steps per training call (paper: 1).
        eps: epsilon of the l2 normalization.

    Example:
        >>> conv = SNConv2D(64, 3, padding="same"); y = conv(x, training=True)

    Reference: Miyato et al. 2018, Algorithm 1 and Appendix C.1 (convolution as a matrix).
    """

    def __init__(self, filters, kernel_size, power_iterations: int = 1, eps: float = 1e-12, **kwargs):
        if kwargs.get("data_format", "channels_last") != "channels_last":
            raise ValueError("SNConv2D supports data_format='channels_last' only")
        super().__init__(filters, kernel_size, **kwargs)
        self._init_sn(power_iterations, eps)

    def build(self, input_shape):
        super().build(input_shape)
        self._build_sn(self.filters)

    def call(self, inputs, training=None):
        return self._bias_and_activation(self.convolution_op(inputs, self.normalized_kernel(training)))

    def get_config(self):
        return {**super().get_config(), **self._sn_config()}


@keras.saving.register_keras_serializable(package="zoo")
class SNEmbedding(_SpectralNormMixin, keras.layers.Layer):
    """Embedding table (num_classes, dim) with spectral normalization, for projection discriminators.

    Args:
        input_dim: number of classes.
        output_dim: embedding size.
        power_iterations, eps: as SNDense.

    Reference: Miyato & Koyama 2018, "cGANs with Projection Discriminator"; SN on the embedding as in BigGAN.
    """

    def __init__(self, input_dim, output_dim, power_iterations: int = 1, eps: float = 1e-12, **kwargs):
        super().__init__(**kwargs)
        self.input_dim = int(input_dim)
        self.output_dim = int(output_dim)
        self._init_sn(power_iterations, eps)

    def build(self, input_shape):
        # stored as (output_dim, input_dim) so that sigma is taken over the embedding rows, like a Dense kernel
        self.kernel = self.add_weight(shape=(self.output_dim, self.input_dim), initializer="glorot_uniform",
                                      name="embeddings")
        self._build_sn(self.input_dim)

    def call(self, labels, training=None):
        table = tf.transpose(self.normalized_kernel(training))
        return tf.gather(table, tf.cast(labels, tf.int32))

    def get_config(self):
        return {**super().get_config(), "input_dim": self.input_dim, "output_dim": self.output_dim,
                **self._sn_config()}
