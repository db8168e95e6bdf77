"""StyleGAN2's [1,3,3,1] FIR resampling (`zoo.layers.fir`) against a NumPy `upfirdn2d` written here from the
official reference implementation (stylegan2-ada-pytorch `torch_utils/ops/upfirdn2d.py`, `_upfirdn2d_ref`:
zero insertion, padding, convolution with the normalised filter times gain, subsampling), and the downsampling
convolution of the discriminator (`EqualizedConv2D(down=True)`) against the official `conv2d_resample`:
padding once on the input, the convolution, then FIR downsampling."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from zoo.layers.equalized import EqualizedConv2D
from zoo.layers.fir import blur2d, downsample2d, upsample2d

FILTER = np.array([1.0, 3.0, 3.0, 1.0]) / 8.0  # official `setup_filter([1,3,3,1])`: normalised to sum 1


def upfirdn1d(x, axis: int, up: int = 1, down: int = 1, pad=(0, 0), gain: float = 1.0, fir: bool = True):
    """One axis of the official `upfirdn2d` (float64): insert up - 1 zeros after each sample, pad with
    pad[0] / pad[1] zeros, convolve ("valid") with FILTER * gain when `fir`, keep every `down`-th sample."""
    x = np.moveaxis(np.asarray(x, np.float64), axis, -1)
    u = np.zeros(x.shape[:-1] + (x.shape[-1] * up,))
    u[..., ::up] = x
    u = np.pad(u, [(0, 0)] * (u.ndim - 1) + [tuple(pad)])
    if fir:
        f = FILTER[::-1] * gain  # a convolution flips the filter (symmetric here)
        n = u.shape[-1] - len(f) + 1
        u = sum(f[t] * u[..., t:t + n] for t in range(len(f)))
    return np.moveaxis(u[..., ::down], -1, axis)


def upfirdn2d(x, up: int = 1, down: int = 1, pad=(0, 0), gain: float = 1.0, fir: bool = True):
    """The official `upfirdn2d` on NHWC arrays with the separable [1,3,3,1] filter; `gain` is the 2-D gain
    (applied as sqrt(gain) per axis, as the official `f * gain ** (f.ndim / 2)` of a separable filter)."""
    kw = dict(up=up, down=down, pad=pad, gain=float(np.sqrt(gain)), fir=fir)
    return upfirdn1d(upfirdn1d(x, 1, **kw), 2, **kw)


def conv2d_valid(x, w):
    """Direct 2-D cross-correlation without padding (as tf.nn.conv2d): x [N, H, W, I], w [k, k, I, O]."""
    k = w.shape[0]
    h, wd = x.shape[1] - k + 1, x.shape[2] - k + 1
    return sum(np.einsum("nhwi,io->nhwo", x[:, a:a + h, b:b + wd], w[a, b]) for a in range(k) for b in range(k))


def images(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def test_upsample2d_is_the_official_upsample2d():
    """`upsample2d` == upfirdn2d(up=2, padding 2 / 1, gain 4) (official `upfirdn2d.upsample2d` with [1,3,3,1]),
    on a non-square image."""
    x = images((2, 5, 6, 3))
    np.testing.assert_allclose(upsample2d(x).numpy(), upfirdn2d(x, up=2, pad=(2, 1), gain=4), atol=1e-6)


@pytest.mark.parametrize("border", [1, 2])
def test_upsample2d_border_keeps_the_outputs_beyond_the_edge(border):
    """`upsample2d(x, border=b)` == upfirdn2d(up=2, padding 2 + b / 1 + b, gain 4): the official
    up-convolution's single padding (b = k // 2 = 1 for a 3x3 kernel); out[-1] = x[0] / 4 and beyond it zeros."""
    x = images((2, 4, 3, 2), seed=1)
    y = upsample2d(x, border=border).numpy()
    assert y.shape == (2, 8 + 2 * border, 6 + 2 * border, 2)
    np.testing.assert_allclose(y, upfirdn2d(x, up=2, pad=(2 + border, 1 + border), gain=4), atol=1e-6)
    # the row just above the image: the upsampled first row x0 / 4 (a one-row image upsamples to 3 x0 / 4)
    np.testing.assert_allclose(y[:, border - 1, border:-border], upsample2d(x[:, :1]).numpy()[:, 0] / 3.0,
                               atol=1e-6)
    np.testing.assert_array_equal(y[:, :border - 1], 0.0)


def test_downsample2d_is_the_official_downsample2d():
    """`downsample2d` == upfirdn2d(down=2, padding 1 / 1) (official `upfirdn2d.downsample2d` with [1,3,3,1])."""
    x = images((2, 8, 6, 3), seed=2)
    np.testing.assert_allclose(downsample2d(x).numpy(), upfirdn2d(x, down=2, pad=(1, 1)), atol=1e-6)


def test_downsample2d_rejects_an_odd_size():
    with pytest.raises(ValueError, match="even height and width"):
        downsample2d(np.zeros((1, 5, 4, 1), np.float32))


@pytest.mark.parametrize("pad", [1, 2])
def test_blur2d_is_the_filter_after_zero_padding(pad):
    """`blur2d(x, p)` == upfirdn2d(padding p / p): the filter alone, gain 1."""
    x = images((1, 6, 5, 2), seed=3)
    y = blur2d(x, pad).numpy()
    assert y.shape == (1, 6 + 2 * pad - 3, 5 + 2 * pad - 3, 2)
    np.testing.assert_allclose(y, upfirdn2d(x, pad=(pad, pad)), atol=1e-6)


def test_resampling_keeps_a_constant_image_inside():
    """Gain: up- and downsampling a constant image keep the constant away from the zero-padded border."""
    x = np.full((1, 8, 8, 1), 2.5, np.float32)
    np.testing.assert_allclose(upsample2d(x).numpy()[:, 1:-1, 1:-1], 2.5, rtol=1e-6)
    np.testing.assert_allclose(downsample2d(x).numpy()[:, 1:-1, 1:-1], 2.5, rtol=1e-6)


@pytest.mark.parametrize("kernel_size", [3, 1])
def test_downsampling_conv_is_the_official_conv2d_resample(kernel_size):
    """`EqualizedConv2D(down=True)` == the official generic `conv2d_resample(down=2)` path (padding
    k // 2 + 1 / k // 2 + 1 of the input, the k x k convolution without padding, then FIR filtering and every
    second sample: the convolution runs at the input resolution, before the downsampling), plus bias and
    activation. stylegan2 `conv_downsample_2d` is the same ("fused conv2d followed by downsample_2d")."""
    x = images((2, 8, 8, 3), seed=4)
    layer = EqualizedConv2D(5, kernel_size, down=True, activation="lrelu", gain=0.5)
    layer.build(x.shape)
    layer.bias.assign(np.linspace(-1, 1, 5).astype(np.float32))
    y = layer(x).numpy()
    w = layer.kernel.numpy().astype(np.float64) / np.sqrt(3 * kernel_size ** 2)
    p = kernel_size // 2 + 1
    ref = upfirdn2d(conv2d_valid(upfirdn2d(x, pad=(p, p), fir=False), w), down=2) + layer.bias.numpy()
    ref = np.where(ref > 0, ref, 0.2 * ref) * np.sqrt(2.0) * 0.5
    assert y.shape == (2, 4, 4, 5)
    np.testing.assert_allclose(y, ref, atol=1e-5)


def test_downsampling_conv_has_second_order_gradients():
    """R1 differentiates D's input gradient again: the FIR filter and the strided convolution allow it."""
    layer = EqualizedConv2D(4, 3, down=True, activation="lrelu")
    x = tf.constant(images((2, 8, 8, 3), seed=5))
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.reduce_sum(tf.square(layer(x)))
        penalty = tf.reduce_sum(tf.square(inner.gradient(y, x)))
    grads = outer.gradient(penalty, layer.trainable_variables)
    assert all(g is not None and np.isfinite(g.numpy()).all() for g in grads)
    assert float(tf.reduce_sum(tf.abs(grads[0]))) > 0


def test_downsampling_conv_needs_an_odd_kernel():
    with pytest.raises(ValueError, match="odd kernel_size"):
        EqualizedConv2D(4, 2, down=True)
