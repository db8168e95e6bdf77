"""BigGAN generator: shared class embedding, hierarchical z, conditional BN, self-attention, spectral norm."""

from __future__ import annotations

import keras
import tensorflow as tf
from keras import layers

from zoo.layers import ConditionalGBlock, SelfAttention, SNConv2D, SNDense
from zoo.models.base import GANGenerator


@keras.saving.register_keras_serializable(package="zoo")
class BigGANGenerator(GANGenerator):
    """BigGAN generator: z chunk 0 -> SNDense(4x4xC0) -> ResBlocks(up) with conditional BN [-> self-attention]
    -> BN-ReLU-SNConv3 -> tanh.

    Class conditioning: labels -> shared embedding (`shared_dim`, one table for all layers). With
    `hierarchical`, z is split into `num_blocks + 1` equal chunks: chunk 0 feeds the first linear layer, chunk
    i is concatenated to the shared embedding and drives the conditional-BN gains and biases of block i.
    With `shared_dim = 0` the conditioning is the one-hot label and every conditional BN has its own per-class
    gain / bias tables (the SAGAN form; see `zoo.models.sagan`). Spectral norm on every linear and conv of G.

    The 128x128 preset `biggan_128` (ch 96) has 70,433,988 trainable parameters, the figure of the
    BigGAN-PyTorch reference implementation for its 128x128 ImageNet G (tested).

    Args:
        latent_dim: size of z (128x128 paper: 120).
        num_classes: number of classes (> 0).
        channels: base width `ch` (paper: 96 at 128x128).
        channel_multipliers: widths as multiples of ch: entry 0 for the 4x4 input of block 1, entry i for the
            output of block i; len - 1 up-sampling blocks (128x128: 16,16,8,4,2,1).
        bottom_width: spatial size of the first feature map.
        attention_resolutions: output resolutions of the blocks followed by self-attention (128x128: 64).
        shared_dim: size of the shared class embedding (paper: 128); 0 = per-layer class tables (SAGAN).
        hierarchical: split z across the blocks (hierarchical latent space).
        image_channels: 1 or 3.
        bn_momentum, bn_epsilon, sync_bn: batch-norm settings (cross-replica BN by default).

    Example:
        >>> g = BigGANGenerator(**zoo.models.biggan.PRESETS["biggan_32_small"]["generator"])
        >>> x = g.sample(10, seed=0, labels=list(range(10)), truncation=0.5)

    Reference: Brock, Donahue, Simonyan, "Large Scale GAN Training for High Fidelity Natural Image Synthesis",
    ICLR 2019, Sec. 3, Appendix B Fig. 15 and Table 4(a) (128x128 architecture), Table 1 (ablations).
    """

    def __init__(self, *, latent_dim=120, num_classes=1000, channels=96, channel_multipliers=(16, 16, 8, 4, 2, 1),
                 bottom_width=4, attention_resolutions=(64,), shared_dim=128, hierarchical=True, image_channels=3,
                 bn_momentum=0.9, bn_epsilon=1e-5, sync_bn=True, **kwargs):
        if int(num_classes) < 1:
            raise ValueError(f"{type(self).__name__} is class-conditional: num_classes must be >= 1")
        super().__init__(latent_dim=latent_dim, num_classes=num_classes, **kwargs)
        self.channels = int(channels)
        self.channel_multipliers = [int(m) for m in channel_multipliers]
        self.bottom_width = int(bottom_width)
        self.attention_resolutions = [int(r) for r in attention_resolutions]
        self.shared_dim = int(shared_dim)
        self.hierarchical = bool(hierarchical)
        self.image_channels = int(image_channels)
        self.bn_momentum = float(bn_momentum)
        self.bn_epsilon = float(bn_epsilon)
        self.sync_bn = bool(sync_bn)
        self.num_blocks = len(self.channel_multipliers) - 1
        if self.num_blocks < 1:
            raise ValueError("channel_multipliers needs at least 2 entries (input width + one block)")
        if self.hierarchical and self.latent_dim % (self.num_blocks + 1):
            raise ValueError(f"hierarchical z: latent_dim {self.latent_dim} must be divisible by "
                             f"num_blocks + 1 = {self.num_blocks + 1}")
        widths = [self.channels * m for m in self.channel_multipliers]
        bad = [r for r in self.attention_resolutions if r not in self._resolutions()]
        if bad:
            raise ValueError(f"attention_resolutions {bad} are not block outputs {self._resolutions()}")
        self.shared = layers.Embedding(self.num_classes, self.shared_dim, name="shared") if self.shared_dim else None
        self.linear = SNDense(self.bottom_width ** 2 * widths[0], name="linear")
        self.blocks = [ConditionalGBlock(widths[i + 1], upsample=True, cbn_spectral_norm=bool(self.shared_dim),
                                         bn_momentum=bn_momentum, bn_epsilon=bn_epsilon, sync_bn=sync_bn,
                                         name=f"block{i + 1}") for i in range(self.num_blocks)]
        self.attention = {i: SelfAttention(widths[i + 1], name=f"attention{i + 1}")
                          for i, r in enumerate(self._resolutions()) if r in self.attention_resolutions}
        self.attention_layers = list(self.attention.values())  # tracked by Keras
        self.bn_out = layers.BatchNormalization(momentum=bn_momentum, epsilon=bn_epsilon, synchronized=sync_bn,
                                                name="bn_out")
        self.conv_out = SNConv2D(self.image_channels, 3, padding="same", name="conv_out")

    def _resolutions(self):
        return [self.bottom_width * 2 ** (i + 1) for i in range(self.num_blocks)]

    @property
    def image_shape(self):
        r = self.bottom_width * 2 ** self.num_blocks
        return (r, r, self.image_channels)

    def class_embedding(self, labels):
        """The class part of every block's conditioning: shared embedding, or one-hot when shared_dim = 0."""
        labels = tf.cast(labels, tf.int32)
        if self.shared is not None:
            return self.shared(labels)
        return tf.one_hot(labels, self.num_classes)

    def block_inputs(self, z, labels=None, embedding=None):
        """(input of the first linear layer, [conditioning vector of block i]) for the hierarchical latent; the
        class part is `class_embedding(labels)`, or `embedding` when given (see `call_with_embedding`)."""
        y = self.class_embedding(labels) if embedding is None else tf.convert_to_tensor(embedding, tf.float32)
        if not self.hierarchical:
            return z, [y] * self.num_blocks
        chunks = tf.split(z, self.num_blocks + 1, axis=-1)
        return chunks[0], [tf.concat([y, c], axis=-1) for c in chunks[1:]]

    def call(self, z, labels=None, training=None):
        self.check_inputs(z, labels)
        return self.render(*self.stem(z, labels, training=training), training=training)

    def call_with_embedding(self, z, embedding, training=None):
        """Images from z and class embeddings [N, embedding_dim] given as vectors instead of labels: rows of
        `class_embedding(labels)` or any mixture of them (the hook of class-embedding interpolation,
        `zoo.interpolation`); `call(z, labels)` equals `call_with_embedding(z, class_embedding(labels))`."""
        dim = self.shared_dim or self.num_classes
        if tuple(embedding.shape)[-1:] != (dim,) or len(embedding.shape) != 2:
            raise ValueError(f"{type(self).__name__} expects class embeddings of shape (N, {dim}), got "
                             f"{tuple(embedding.shape)}")
        return self.render(*self.stem(z, training=training, embedding=embedding), training=training)

    def stem(self, z, labels=None, training=None, embedding=None):
        """(output of the first linear layer as a 4x4 map, [conditioning vector of each block]); `embedding`
        replaces `class_embedding(labels)` when given."""
        z0, conds = self.block_inputs(z, labels, embedding)
        w0 = self.channels * self.channel_multipliers[0]
        h = tf.reshape(self.linear(z0, training=training), (-1, self.bottom_width, self.bottom_width, w0))
        return h, conds

    def render(self, h, context=None, training=None):
        conds = context
        for i, block in enumerate(self.blocks):
            h = block(h, conds[i], training=training)
            if i in self.attention:
                h = self.attention[i](h, training=training)
        h = keras.ops.relu(self.bn_out(h, training=training))
        return keras.ops.tanh(self.conv_out(h, training=training))

    def orthogonal_kernels(self):
        """Weights under BigGAN's orthogonal regularization: every matrix / conv kernel except the shared
        embedding (as in the reference implementation)."""
        skip = {id(v) for v in (self.shared.weights if self.shared is not None else [])}
        return [v for v in self.trainable_variables if len(v.shape) >= 2 and id(v) not in skip]

    def get_config(self):
        config = super().get_config()
        config.update(channels=self.channels, channel_multipliers=self.channel_multipliers,
                      bottom_width=self.bottom_width, attention_resolutions=self.attention_resolutions,
                      shared_dim=self.shared_dim, hierarchical=self.hierarchical,
                      image_channels=self.image_channels, bn_momentum=self.bn_momentum,
                      bn_epsilon=self.bn_epsilon, sync_bn=self.sync_bn)
        return config
