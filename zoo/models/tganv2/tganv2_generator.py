"""TGANv2 generator: a ConvLSTM over latent frames, per-frame 2D up-blocks grouped into levels, one head per level."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from zoo.layers import GBlock
from zoo.layers.conv_lstm import ConvLSTMCell
from zoo.models.base import GANGenerator


@keras.saving.register_keras_serializable(package="zoo")
class TGANv2Generator(GANGenerator):
    """TGANv2's generator of `frames`-frame clips, with sub-generators and subsampling layers (Saito et al., IJCV
    2020, Sec. 3, Fig. 2; official code `MultiTGANCLSTMGenerator`).

    z ~ U(-1, 1) -> Dense(base x base x clstm_channels) -> a ConvLSTM fed that map at the first step and zeros
    after it, giving `frames` latent frames -> per-frame 2D ResNet up-blocks (`GBlock`: BN-ReLU-up-conv3x3-BN-
    ReLU-conv3x3, shortcut up-conv1x1) -> a head (BN-ReLU-conv3x3-tanh) per level.

    The blocks are grouped into `levels` sub-generators: the first holds all blocks but the last `levels` - 1,
    each later level holds one block. In training (`levels_forward`), a subsampling layer between two levels
    keeps every 2nd frame from an offset in {0, 1} (one per minibatch and level, given by the caller from the
    public randomness) and, with `subsample_batch`, every 2nd clip, so level k renders frames / 2^k frames of
    batch / 2^k clips at base x 2^(blocks of levels <= k): memory and compute grow linearly, not cubically, with
    the resolution. At inference (`call`) every frame goes through every block and the last level's head.

    Args:
        latent_dim: size of z (paper UCF-101: 256).
        frames: clip length T (paper: 16); divisible by 2^(levels - 1).
        base_size: side of the ConvLSTM's maps (paper at 192x192: 3).
        clstm_channels: ConvLSTM width (paper: 1024).
        channels: output width of each up-block (paper: 512, 256, 128, 64, 32, 32 = ch 32 x (16, 8, 4, 2, 1, 1)).
        levels: number of sub-generators / discriminators (paper: 4); 1 = the dense single-level generator.
        image_channels: 1 or 3.
        subsample_batch: halve the batch at every subsampling layer (paper / official default: True).
        bn_momentum, bn_epsilon: batch norm (Chainer defaults: decay 0.9, eps 2e-5).
        sync_bn: cross-replica batch statistics (the official multi-GPU runs use MultiNodeBatchNormalization).

    Example:
        >>> g = TGANv2Generator(**zoo.models.tganv2.PRESETS["tganv2_64_small"]["generator"])
        >>> clips = g.sample(4, seed=0)                            # uint8 (4, 16, 64, 64, 1)
        >>> per_level = g.levels_forward(z, offsets, training=True)  # [(B, 16, 16, 16, 1), (B/2, 8, 32, 32, 1), ...]

    Reference: Saito, Saito, Koyama, Kobayashi, "Train Sparsely, Generate Densely: Memory-Efficient Unsupervised
    Training of High-Resolution Temporal GAN", IJCV 2020, Sec. 3.2-3.3 and Table 1 (UCF-101 192x192 setting);
    official code pfnet-research/tgan2 (`conf/tgan-v41-ucf101.yml`).
    """

    output_kind = "video"
    sample_chunk = 8  # clips per chunk of a compiled `sample` pass: 128 frames through the 2D blocks

    def __init__(self, *, latent_dim=256, frames=16, base_size=3, clstm_channels=1024,
                 channels=(512, 256, 128, 64, 32, 32), levels=4, image_channels=3, subsample_batch=True,
                 bn_momentum=0.9, bn_epsilon=2e-5, sync_bn=True, num_classes=0, **kwargs):
        if num_classes:
            raise ValueError("TGANv2Generator is unconditional in zoo (num_classes must be 0); the official "
                             "code's conditional batch norm is not implemented")
        super().__init__(latent_dim=latent_dim, num_classes=0, **kwargs)
        self.frames, self.base_size = int(frames), int(base_size)
        self.clstm_channels = int(clstm_channels)
        self.channels = tuple(int(c) for c in channels)
        self.levels, self.image_channels = int(levels), int(image_channels)
        self.subsample_batch = bool(subsample_batch)
        self.bn_momentum, self.bn_epsilon, self.sync_bn = float(bn_momentum), float(bn_epsilon), bool(sync_bn)
        if not 1 <= self.levels <= len(self.channels):
            raise ValueError(f"levels must be in [1, {len(self.channels)}] (one up-block per later level), got "
                             f"{self.levels}")
        if self.frames % 2 ** (self.levels - 1):
            raise ValueError(f"frames = {self.frames} must be divisible by 2^(levels - 1) = "
                             f"{2 ** (self.levels - 1)}: each subsampling layer keeps every 2nd frame")
        self.dense = layers.Dense(self.base_size * self.base_size * self.clstm_channels, name="dense")
        self.clstm = ConvLSTMCell(self.clstm_channels, 3, name="clstm")
        bn = dict(bn_momentum=self.bn_momentum, bn_epsilon=self.bn_epsilon, sync_bn=self.sync_bn)
        self.blocks = [GBlock(c, upsample=True, name=f"block{i + 1}", **bn) for i, c in enumerate(self.channels)]
        first = len(self.channels) - self.levels + 1
        self.level_ends = tuple(first + k for k in range(self.levels))  # blocks[:end] feed level k's head
        self.head_bns = [layers.BatchNormalization(momentum=self.bn_momentum, epsilon=self.bn_epsilon,
                                                   synchronized=self.sync_bn, name=f"head{k + 1}_bn")
                         for k in range(self.levels)]
        self.head_convs = [layers.Conv2D(self.image_channels, 3, padding="same", name=f"head{k + 1}_conv")
                           for k in range(self.levels)]

    # ---- shapes ------------------------------------------------------------------------------------------------
    @property
    def image_shape(self):
        r = self.base_size * 2 ** len(self.channels)
        return (self.frames, r, r, self.image_channels)

    def level_shapes(self) -> list:
        """[(T_k, H_k, W_k, C)] of the clips `levels_forward` renders at each level."""
        out = []
        for k, end in enumerate(self.level_ends):
            r = self.base_size * 2 ** end
            out.append((self.frames // 2 ** k, r, r, self.image_channels))
        return out

    @property
    def discriminator_shapes(self) -> list:
        """The level shapes (`level_shapes`): TGANv2's discriminator has one 3D network per level."""
        return self.level_shapes()

    def level_batch(self, batch: int, level: int) -> int:
        """Clips level `level` renders for a minibatch of `batch` ([::2] per subsampling layer when
        `subsample_batch`)."""
        for _ in range(level if self.subsample_batch else 0):
            batch = (batch + 1) // 2
        return batch

    def build(self, input_shape=None):
        """Create every variable by an eager training-layout pass on one zero latent (every block and every
        level's head), instead of Keras' symbolic trace of `call`, which is slow for 16 unrolled frames."""
        if not all(layer.built for layer in (self.dense, self.clstm, *self.blocks, *self.head_convs)):
            z = np.zeros((1, self.latent_dim), np.float32)
            self.levels_forward(z, np.zeros((max(self.levels - 1, 1),), np.int32), training=False)
        self.built = True

    def build_for_inputs(self):
        """Create all variables (`build`) and run one inference call."""
        self(np.zeros((1, self.latent_dim), np.float32), training=False)
        return self

    # ---- latents -----------------------------------------------------------------------------------------------
    def latents(self, num: int, seed: int = 0, truncation=None) -> np.ndarray:
        """z ~ U(-1, 1) of shape (num, latent_dim) from NumPy seed `seed` (TGANv2 samples uniform z); no truncation
        trick (a bounded uniform has none): `truncation` must be None."""
        if truncation is not None:
            raise ValueError("TGANv2 draws z ~ U(-1, 1) and has no truncation trick; use truncation=None")
        return np.random.default_rng(int(seed)).uniform(-1.0, 1.0, (int(num), self.latent_dim)).astype(np.float32)

    def latents_tf(self, num, seed, truncation=None):
        """`latents` in TF ops (the serving export's seed signature): U(-1, 1) from the stateless seed [seed, 0].
        The family has no truncation, so the export writes no truncated signature; `truncation` must be None."""
        if truncation is not None:
            raise ValueError("TGANv2 draws z ~ U(-1, 1) and has no truncation trick; use truncation=None")
        seed = tf.stack([tf.cast(seed, tf.int64), tf.constant(0, tf.int64)])
        return tf.random.stateless_uniform(tf.stack([tf.cast(num, tf.int32), self.latent_dim]), seed=seed,
                                           minval=-1.0, maxval=1.0)

    # ---- forward -----------------------------------------------------------------------------------------------
    def latent_frames(self, z):
        """(N * T, base, base, clstm_channels): the ConvLSTM's output at every step (fed Dense(z) at step 0)."""
        n = keras.ops.shape(z)[0]
        x0 = keras.ops.reshape(self.dense(z), (n, self.base_size, self.base_size, self.clstm_channels))
        state = self.clstm.zero_state(x0)
        zeros = keras.ops.zeros_like(x0)
        hs = []
        for t in range(self.frames):
            h, state = self.clstm(x0 if t == 0 else zeros, state)
            hs.append(h)
        h = keras.ops.stack(hs, axis=1)
        return keras.ops.reshape(h, (-1, self.base_size, self.base_size, self.clstm_channels))

    def head(self, level: int, h, n, frames, training=None):
        """Clips (n, frames, H, W, C) in [-1, 1] from per-frame features h (n * frames, H, W, F)."""
        h = keras.ops.relu(self.head_bns[level](h, training=training))
        x = keras.ops.tanh(self.head_convs[level](h))
        return keras.ops.reshape(x, (n, frames, *x.shape[1:]))

    def call(self, z, labels=None, training=None):
        """Clips (N, T, H, W, C) in [-1, 1]: every frame through every block and the last level's head."""
        self.check_inputs(z, labels)
        h = self.latent_frames(z)
        for block in self.blocks:
            h = block(h, training=training)
        return self.head(self.levels - 1, h, keras.ops.shape(z)[0], self.frames, training=training)

    def levels_forward(self, z, offsets, training=True) -> list:
        """The training forward pass: one clip batch per level, [(N_k, T_k, H_k, W_k, C)] (`level_shapes`,
        `level_batch`). `offsets` (levels - 1,) int32 in {0, 1}: the first frame each subsampling layer keeps."""
        n = keras.ops.shape(z)[0]
        frames = self.frames
        h = self.latent_frames(z)
        start = 0
        outs = []
        for k, end in enumerate(self.level_ends):
            if k > 0:
                h, n, frames = self.subsample(h, n, frames, offsets[k - 1])
            for block in self.blocks[start:end]:
                h = block(h, training=training)
            start = end
            outs.append(self.head(k, h, n, frames, training=training))
        return outs

    def subsample(self, h, n, frames, offset):
        """(h', n', frames // 2) of per-frame features h (n * frames, H, W, F): every 2nd frame from `offset`
        and, with `subsample_batch`, every 2nd clip."""
        clips = keras.ops.reshape(h, (n, frames, *h.shape[1:]))
        if self.subsample_batch:
            clips = clips[::2]
            n = keras.ops.shape(clips)[0]
        keep = tf.cast(offset, tf.int32) + 2 * tf.range(frames // 2)
        clips = tf.gather(clips, keep, axis=1)
        return keras.ops.reshape(clips, (-1, *h.shape[1:])), n, frames // 2

    def get_config(self):
        config = super().get_config()
        config.update(frames=self.frames, base_size=self.base_size, clstm_channels=self.clstm_channels,
                      channels=list(self.channels), levels=self.levels, image_channels=self.image_channels,
                      subsample_batch=self.subsample_batch, bn_momentum=self.bn_momentum,
                      bn_epsilon=self.bn_epsilon, sync_bn=self.sync_bn)
        return config
