"""TGANv2 discriminators: one 3D ResNet per level, held by one Keras model."""

from __future__ import annotations

import keras
import numpy as np
from keras import layers

from zoo.layers.video_blocks import VideoDBlock
from zoo.models.base import GANDiscriminator


@keras.saving.register_keras_serializable(package="zoo")
class VideoLevelDiscriminator(keras.layers.Layer):
    """One level's 3D ResNet discriminator: an optimized first block that pools H and W only, then
    `len(channels) - 1` blocks that pool T, H and W; no normalization; ReLU, global sum pooling over (T, H, W),
    a linear head -> logits (N,).

    Reference: Saito et al., IJCV 2020, Sec. 4.2; official code `ResNetVideoDiscriminator` (mid_ch 64:
    64, 128, 256, 512, 1024).
    """

    def __init__(self, channels=(64, 128, 256, 512, 1024), **kwargs):
        super().__init__(**kwargs)
        self.channels = tuple(int(c) for c in channels)
        self.blocks = [VideoDBlock(c, downsample=True, first=i == 0, name=f"block{i + 1}")
                       for i, c in enumerate(self.channels)]
        self.linear = layers.Dense(1, name="linear")

    def build(self, input_shape):
        """Create every variable by an eager pass on one zero clip of `input_shape` (N, T, H, W, C) (faster
        than Keras' symbolic trace of the 3D blocks)."""
        x = keras.ops.zeros((1, *[int(s) for s in input_shape[1:]]))
        for block in self.blocks:
            x = block(x)
        self.linear.build((None, int(x.shape[-1])))
        self.built = True

    def features(self, x):
        """(N, channels[-1]): ReLU then the sum over (T, H, W) of the last block's output."""
        for block in self.blocks:
            x = block(x)
        return keras.ops.sum(keras.ops.relu(x), axis=(1, 2, 3))

    def call(self, x):
        return keras.ops.squeeze(self.linear(self.features(x)), -1)

    def get_config(self):
        return {**super().get_config(), "channels": list(self.channels)}


@keras.saving.register_keras_serializable(package="zoo")
class TGANv2Discriminator(GANDiscriminator):
    """TGANv2's discriminators, one `VideoLevelDiscriminator` per level of the generator (Saito et al., IJCV
    2020, Sec. 3.3: D_k judges level k's clips; official `MultiResNetVideoDiscriminator`).

    `call(images)` takes the list of per-level clip batches [(N_k, T_k, H_k, W_k, C)] (what
    `TGANv2Generator.levels_forward` returns, and `real_levels` of a real batch) and returns the list of logits
    [(N_k,)]. Each level's weights are `level(k).trainable_variables`; the training task gives each its own
    optimizer. Unconditional.

    Args:
        levels: number of levels (paper: 4).
        channels: output width of each block of every level (paper: 64, 128, 256, 512, 1024).
    """

    def __init__(self, *, levels=4, channels=(64, 128, 256, 512, 1024), num_classes=0, **kwargs):
        if num_classes:
            raise ValueError("TGANv2Discriminator is unconditional in zoo (num_classes must be 0)")
        super().__init__(num_classes=0, **kwargs)
        self.levels, self.channels = int(levels), tuple(int(c) for c in channels)
        self.level_discriminators = [VideoLevelDiscriminator(self.channels, name=f"level{k + 1}")
                                     for k in range(self.levels)]
        self._level_shapes = None

    def level(self, k: int) -> VideoLevelDiscriminator:
        return self.level_discriminators[k]

    def input_blocks(self) -> list:
        """Block i of every level together, from the input up: FreezeD freezes the same depth in each level."""
        return [[level.blocks[i] for level in self.level_discriminators]
                for i in range(min(len(level.blocks) for level in self.level_discriminators))]

    def call(self, images, labels=None, training=None):
        """[(N_k,)] logits of `images`, the list of per-level clip batches [(N_k, T_k, H_k, W_k, C)]."""
        if labels is not None:
            raise ValueError("TGANv2Discriminator is unconditional: labels must be None")
        if not isinstance(images, (list, tuple)) or len(images) != self.levels:
            got = f"a list of {len(images)}" if isinstance(images, (list, tuple)) else type(images).__name__
            raise ValueError(f"TGANv2Discriminator expects a list of {self.levels} clip batches (one per level, "
                             f"NTHWC), got {got}")
        return [d(x) for d, x in zip(self.level_discriminators, images)]

    def build(self, input_shape):
        """Build each level for its clip shape ([(N_k, T_k, H_k, W_k, C)]) without a symbolic trace."""
        for level, shape in zip(self.level_discriminators, input_shape):
            level.build(shape)
        self.built = True

    def build_for_inputs(self, level_shapes):
        """Create every variable by one call on a dummy clip per level; `level_shapes` = [(T_k, H_k, W_k, C)]."""
        shapes = [tuple(int(s) for s in shape) for shape in level_shapes]
        self([np.zeros((1, *s), np.float32) for s in shapes])
        self._level_shapes = shapes
        return self

    def get_build_config(self):
        return {"level_shapes": [list(s) for s in self._level_shapes]} if self._level_shapes else None

    def build_from_config(self, config):
        if "level_shapes" not in config:
            raise ValueError(f"TGANv2Discriminator: build config {config} has no level_shapes; expected "
                             f"{{'level_shapes': [[T, H, W, C], ...]}}")
        self.build_for_inputs(config["level_shapes"])

    def get_config(self):
        config = super().get_config()
        config.update(levels=self.levels, channels=list(self.channels))
        return config
