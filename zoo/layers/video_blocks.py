"""3D residual blocks of TGANv2's video discriminators and their average pooling."""

from __future__ import annotations

import keras
from keras import layers


def pool_video(x, pool_time: bool = True):
    """2x average pooling of NTHWC clips on H, W and (with `pool_time`) T, every axis of size > 1 only. An odd
    axis is zero-padded by one in front and pooled over windows of 2 that count the pad (n -> (n + 1) // 2),
    as Chainer's `average_pooling_nd(ksize=2, pad=1)` in TGANv2's official `_downsample`."""
    dims = (1, 2, 3) if pool_time else (2, 3)
    for axis in dims:
        n = x.shape[axis]
        if n is None or n <= 1:
            continue
        if n % 2:
            pad = [[0, 0]] * 5
            pad[axis] = [1, 0]  # Chainer pads both ends; its windows of 2 never reach the end pad
            x = keras.ops.pad(x, pad)
            n += 1
        shape = list(keras.ops.shape(x))
        x = keras.ops.mean(keras.ops.reshape(x, [*shape[:axis], n // 2, 2, *shape[axis + 1:]]), axis=axis + 1)
    return x


@keras.saving.register_keras_serializable(package="zoo")
class VideoDBlock(keras.layers.Layer):
    """TGANv2 discriminator block on NTHWC clips, no normalization.

    - `first=False` (DisBlock): ReLU-Conv3d(in)-ReLU-Conv3d(out)-pool, shortcut Conv1(out)-pool when the
      channels change or it pools (identity otherwise); the hidden width is the input width.
    - `first=True` (OptimizedDisBlock): Conv3d(out)-ReLU-Conv3d(out)-pool(H, W only), shortcut pool(H, W)-Conv1;
      it pools spatially only (`pool_video(pool_time=False)`).

    Args:
        channels: output channels.
        downsample: pool at the end (`pool_video`); the first block always pools H and W.
        first: the optimized first block that sees the clip.

    Reference: Saito et al., "Train Sparsely, Generate Densely", IJCV 2020, Sec. 4.2 and the official code
    (`tgan2/models/resblocks.py`: DisBlock, OptimizedDisBlock).
    """

    def __init__(self, channels: int, downsample: bool = True, first: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.channels, self.downsample, self.first = int(channels), bool(downsample), bool(first)
        self.conv1 = self.conv2 = self.shortcut = None

    def build(self, input_shape):
        c_in = int(input_shape[-1])
        hidden = self.channels if self.first else c_in
        self.conv1 = layers.Conv3D(hidden, 3, padding="same", name="conv1")
        self.conv2 = layers.Conv3D(self.channels, 3, padding="same", name="conv2")
        self.conv1.build(input_shape)
        self.conv2.build((*input_shape[:-1], hidden))
        if self.first or c_in != self.channels or self.downsample:
            self.shortcut = layers.Conv3D(self.channels, 1, name="shortcut")
            self.shortcut.build(input_shape)

    def call(self, x):
        if self.first:
            h = self.conv2(keras.ops.relu(self.conv1(x)))
            return pool_video(h, pool_time=False) + self.shortcut(pool_video(x, pool_time=False))
        h = self.conv2(keras.ops.relu(self.conv1(keras.ops.relu(x))))
        if self.downsample:
            h = pool_video(h)
        if self.shortcut is not None:
            x = self.shortcut(x)
            if self.downsample:
                x = pool_video(x)
        return x + h

    def get_config(self):
        return {**super().get_config(), "channels": self.channels, "downsample": self.downsample,
                "first": self.first}
