"""A convolutional LSTM cell, unrolled by its caller (TGANv2's temporal generator)."""

from __future__ import annotations

import keras
from keras import layers


@keras.saving.register_keras_serializable(package="zoo")
class ConvLSTMCell(keras.layers.Layer):
    """ConvLSTM without peepholes: gates i, f, o and the candidate from conv_x(x) + conv_h(h).

        i, f, o = sigmoid(.), g = tanh(.);  c' = f * c + i * g;  h' = o * tanh(c')

    `conv_x` has a bias, `conv_h` has none (the state's contribution), both `kernel_size` x `kernel_size`, same
    padding, 4 x `channels` outputs in the order (i, f, o, g). `call(x, state)` returns (h', (h', c')); the
    initial state is zeros (`zero_state`).

    Args:
        channels: hidden / cell channels.
        kernel_size: of both convolutions (TGANv2: 3).

    Example:
        >>> cell = ConvLSTMCell(64)
        >>> h, state = cell(x, cell.zero_state(x))

    Reference: Shi et al., "Convolutional LSTM Network", NeurIPS 2015, Eq. 3 (without the peephole terms, as
    the ConvLSTM of TGANv2's official code, `tgan2/models/conv_lstm.py`, `peephole=False`).
    """

    def __init__(self, channels: int, kernel_size: int = 3, **kwargs):
        super().__init__(**kwargs)
        self.channels, self.kernel_size = int(channels), int(kernel_size)
        self.conv_x = layers.Conv2D(4 * self.channels, self.kernel_size, padding="same", name="conv_x")
        self.conv_h = layers.Conv2D(4 * self.channels, self.kernel_size, padding="same", use_bias=False,
                                    name="conv_h")

    def build(self, input_shape):
        h, w = input_shape[1], input_shape[2]
        self.conv_x.build(input_shape)
        self.conv_h.build((input_shape[0], h, w, self.channels))

    def zero_state(self, x):
        """(h, c) zeros for an input batch x (N, H, W, C_in); N may be unknown (a graph traced for any batch,
        e.g. the serving export's signatures)."""
        zeros = keras.ops.zeros_like(x[..., :1]) + keras.ops.zeros((self.channels,), x.dtype)
        return zeros, zeros

    def call(self, x, state):
        h, c = state
        gates = self.conv_x(x) + self.conv_h(h)
        i, f, o, g = keras.ops.split(gates, 4, axis=-1)
        c = keras.ops.sigmoid(f) * c + keras.ops.sigmoid(i) * keras.ops.tanh(g)
        h = keras.ops.sigmoid(o) * keras.ops.tanh(c)
        return h, (h, c)

    def get_config(self):
        return {**super().get_config(), "channels": self.channels, "kernel_size": self.kernel_size}
