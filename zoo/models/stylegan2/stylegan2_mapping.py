"""StyleGAN2's mapping network: z (and a class) -> w, the tracked average w_avg and the truncation in w-space."""

from __future__ import annotations

import keras
import tensorflow as tf

from zoo.layers.equalized import EqualizedDense
from zoo.layers.replica_mean import replica_mean


def normalize_2nd_moment(x, eps: float = 1e-8):
    """x / sqrt(mean(x^2) + eps) over the feature axis (pixel norm of z).

    A division by a square root, both correctly rounded: Eigen's rsqrt of the [N, 1] norms takes a vectorized
    path for whole packets and a scalar one for the rest, which round differently, so a sample's w would depend
    on its position in the batch and on the batch size (compiled sampling splits passes into chunks)."""
    return x / tf.sqrt(tf.reduce_mean(tf.square(x), axis=-1, keepdims=True) + eps)


@keras.saving.register_keras_serializable(package="zoo")
class MappingNetwork(keras.layers.Layer):
    """z -> w: z normalised by its second moment (and a class embedding, normalised, concatenated), then
    `num_layers` equalized fully connected layers with leaky ReLU 0.2 and learning rate x `lr_mul`.

    With `num_ws` the output is broadcast to [N, num_ws, w_dim] (one w per synthesis layer), w_avg (the moving
    average of w, `w_avg_beta`) is tracked by `track_w_avg` during training, and `call(..., truncation=psi,
    cutoff=c)` moves the first c of the ws (all if c is None) towards w_avg: w_avg + psi (w - w_avg).
    Without `num_ws` (the discriminator's class mapping) it returns [N, w_dim] and keeps no w_avg.

    Args:
        latent_dim: size of z (0: no z, class embedding only, as in the conditional discriminator).
        num_classes: classes embedded (0 = unconditional).
        w_dim: size of w (and of every hidden layer).
        num_ws: number of ws the synthesis network consumes (None: return [N, w_dim]).
        num_layers: fully connected layers (paper: 8; small presets: 2).
        lr_mul: learning-rate multiplier of those layers (paper: 0.01).
        w_avg_beta: decay of the w_avg moving average (paper: 0.995).

    Reference: Karras et al., "A Style-Based Generator Architecture for GANs", CVPR 2019, Sec. 2, Appendix B
    (truncation in w), Appendix C (lr x 0.01); Karras et al., CVPR 2020, Appendix B; official
    stylegan2-ada-pytorch `MappingNetwork` (class embedding, w_avg tracking, truncation cutoff).
    """

    def __init__(self, *, latent_dim: int, num_classes: int = 0, w_dim: int = 512, num_ws: int | None = None,
                 num_layers: int = 8, lr_mul: float = 0.01, w_avg_beta: float = 0.995, **kwargs):
        super().__init__(**kwargs)
        self.latent_dim, self.num_classes, self.w_dim = int(latent_dim), int(num_classes), int(w_dim)
        self.num_ws = None if num_ws is None else int(num_ws)
        self.num_layers, self.lr_mul, self.w_avg_beta = int(num_layers), float(lr_mul), float(w_avg_beta)
        if not self.latent_dim and not self.num_classes:
            raise ValueError("MappingNetwork needs a latent (latent_dim > 0) or classes (num_classes > 0)")
        with keras.name_scope(self.name, caller=self):  # sublayer weights' paths: <this layer>/fc0/...
            self._create_layers()
        self.built = True

    def _create_layers(self):
        self.embed = None
        if self.num_classes:
            self.embed = EqualizedDense(self.w_dim, name="embed")
            self.embed.build((None, self.num_classes))
        width = self.latent_dim + (self.w_dim if self.num_classes else 0)
        self.fcs = []
        for i in range(self.num_layers):
            fc = EqualizedDense(self.w_dim, lr_mul=self.lr_mul, activation="lrelu", name=f"fc{i}")
            fc.build((None, width))
            width = self.w_dim
            self.fcs.append(fc)
        self.w_avg = None
        if self.num_ws is not None:
            self.w_avg = self.add_weight(shape=(self.w_dim,), name="w_avg", initializer="zeros", trainable=False,
                                         aggregation="only_first_replica")

    def call(self, z=None, labels=None, truncation=None, cutoff=None):
        parts = []
        if self.latent_dim:
            parts.append(normalize_2nd_moment(tf.convert_to_tensor(z, tf.float32)))
        if self.num_classes:
            onehot = tf.one_hot(tf.cast(labels, tf.int32), self.num_classes)
            parts.append(normalize_2nd_moment(self.embed(onehot)))
        x = parts[0] if len(parts) == 1 else tf.concat(parts, axis=1)
        for fc in self.fcs:
            x = fc(x)
        if self.num_ws is None:
            return x
        ws = tf.tile(x[:, None, :], [1, self.num_ws, 1])
        if truncation is not None:
            ws = self.truncate(ws, truncation, cutoff)
        return ws

    def truncate(self, ws, psi, cutoff=None):
        """ws [N, num_ws, w_dim] moved towards w_avg: w_avg + psi (w - w_avg), on the first `cutoff` ws (all
        if None)."""
        psi = tf.cast(psi, tf.float32)
        truncated = self.w_avg + psi * (ws - self.w_avg)
        if cutoff is None or cutoff >= self.num_ws:
            return truncated
        return tf.concat([truncated[:, :cutoff], ws[:, cutoff:]], axis=1)

    def track_w_avg(self, w):
        """w_avg <- mean(w) + beta (w_avg - mean(w)) for a batch of (untruncated) w [N, w_dim]; under
        tf.distribute the batch mean is over all replicas, so every copy gets the same value."""
        mean = replica_mean(tf.reduce_mean(w, axis=0))
        self.w_avg.assign(mean + self.w_avg_beta * (self.w_avg - mean))

    def prunable_kernels(self):
        """The class embedding and every fully connected kernel."""
        return ([self.embed.kernel] if self.embed is not None else []) + [fc.kernel for fc in self.fcs]

    def get_config(self):
        config = super().get_config()
        config.update(latent_dim=self.latent_dim, num_classes=self.num_classes, w_dim=self.w_dim,
                      num_ws=self.num_ws, num_layers=self.num_layers, lr_mul=self.lr_mul,
                      w_avg_beta=self.w_avg_beta)
        return config
