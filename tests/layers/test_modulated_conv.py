"""StyleGAN2's modulated convolution (`zoo.layers.modulated_conv`) against a NumPy reference written from the
paper: styles s = affine(w), per-sample kernels w' = s w, demodulated w'' = w' / sqrt(sum_{i,k} w'^2 + 1e-8)
(Karras et al., CVPR 2020, Eq. 1-3), each sample convolved directly with its own kernel ("same" padding), then
noise x strength, bias and leaky ReLU x sqrt(2). Both implementations ("activations", "weights") are checked,
the upsampling layer (FIR upsampling then the convolution, padded once as the official `conv2d_resample`),
ToRGB (no demodulation, style x 1 / sqrt(fan_in)), and the agreement of the two implementations."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from tests.layers.test_fir import conv2d_valid, upfirdn2d
from zoo.layers.modulated_conv import MODULATIONS, ModulatedConv2D, modulated_kernels


def styles_reference(layer, w):
    """s = w A / sqrt(w_dim) + b (equalized learning rate, bias initialised to 1); ToRGB: x 1 / sqrt(fan_in)."""
    a = layer.affine.kernel.numpy().astype(np.float64)
    s = np.asarray(w, np.float64) @ a / np.sqrt(a.shape[0]) + layer.affine.bias.numpy()
    return s / np.sqrt(layer.in_channels * layer.kernel_size ** 2) if layer.torgb else s


def modconv_reference(layer, x, w, demodulate: bool, pad):
    """Per sample n: w''_n from the layer's kernel and styles, then a direct convolution of x_n zero-padded by
    pad = (before, after) on H and W (k // 2 each side: "same")."""
    kernel = layer.kernel.numpy().astype(np.float64)
    s = styles_reference(layer, w)
    out = []
    for n in range(len(x)):
        wn = kernel * s[n][None, None, :, None]  # [k, k, I, O]: scales input channel i
        if demodulate:
            wn = wn / np.sqrt(np.sum(wn ** 2, axis=(0, 1, 2), keepdims=True) + 1e-8)
        xn = np.pad(np.asarray(x[n:n + 1], np.float64), [(0, 0), pad, pad, (0, 0)])
        out.append(conv2d_valid(xn, wn))
    return np.concatenate(out)


def lrelu(y):
    return np.where(y > 0, y, 0.2 * y) * np.sqrt(2.0)


def inputs(n=2, size=6, channels=3, w_dim=5, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((n, size, size, channels)).astype(np.float32),
            rng.standard_normal((n, w_dim)).astype(np.float32))


def randomize(layer, seed=1):
    """Nonzero bias, affine bias and noise strength (they start at 0 / 1 / 0)."""
    rng = np.random.default_rng(seed)
    for v in [layer.bias, layer.affine.bias] + ([layer.noise_strength] if layer.use_noise else []):
        v.assign(rng.uniform(-1.0, 1.0, v.shape).astype(np.float32) + (1.0 if v is layer.affine.bias else 0.0))


@pytest.mark.parametrize("modulation", MODULATIONS)
def test_synthesis_layer_matches_the_reference(modulation):
    """3x3 layer with demodulation: reference conv + constant noise x strength + bias, leaky ReLU x sqrt(2)."""
    x, w = inputs()
    layer = ModulatedConv2D(3, 4, w_dim=5, resolution=6, modulation=modulation)
    randomize(layer)
    ref = modconv_reference(layer, x, w, demodulate=True, pad=(1, 1))
    ref = ref + layer.noise_const.numpy()[None, :, :, None] * layer.noise_strength.numpy()
    np.testing.assert_allclose(layer(x, w, noise="const").numpy(), lrelu(ref + layer.bias.numpy()), atol=2e-5)


@pytest.mark.parametrize("modulation", MODULATIONS)
def test_upsampling_layer_matches_the_reference(modulation):
    """up=True: FIR upsampling ([1,3,3,1], gain 4: upfirdn2d(up=2)) then the modulated 3x3 convolution, with the
    official single padding (upfirdn2d padding 3 / 2, the convolution without padding: the one upsampled sample
    beyond each edge enters the border pixels)."""
    x, w = inputs(size=4, seed=2)
    layer = ModulatedConv2D(3, 4, w_dim=5, resolution=8, up=True, use_noise=False, modulation=modulation)
    randomize(layer)
    ref = modconv_reference(layer, upfirdn2d(x, up=2, pad=(3, 2), gain=4), w, demodulate=True, pad=(0, 0))
    y = layer(x, w).numpy()
    assert y.shape == (2, 8, 8, 4)
    np.testing.assert_allclose(y, lrelu(ref + layer.bias.numpy()), atol=2e-5)


@pytest.mark.parametrize("modulation", MODULATIONS)
def test_torgb_matches_the_reference(modulation):
    """ToRGB: 1x1 modulated convolution without demodulation or noise, style x 1 / sqrt(in_channels), linear."""
    x, w = inputs(seed=3)
    layer = ModulatedConv2D(3, 3, kernel_size=1, w_dim=5, resolution=6, torgb=True, modulation=modulation)
    randomize(layer)
    assert not layer.demodulate and not layer.use_noise and layer.activation == "linear"
    ref = modconv_reference(layer, x, w, demodulate=False, pad=(0, 0)) + layer.bias.numpy()
    np.testing.assert_allclose(layer(x, w).numpy(), ref, atol=2e-5)


@pytest.mark.parametrize("up,kernel_size,torgb", [(False, 3, False), (True, 3, False), (False, 1, True)])
def test_the_two_modulations_agree(up, kernel_size, torgb):
    """"weights" (per-sample kernels) and "activations" (scaled inputs, demodulation coefficients) are the same
    function, outputs and gradients (input, kernel, affine) within float tolerance."""
    x, w = inputs(n=3, size=4 if up else 8, channels=6, w_dim=7, seed=4)
    layers = [ModulatedConv2D(6, 5, kernel_size=kernel_size, w_dim=7, resolution=8, up=up, torgb=torgb,
                              modulation=m) for m in ("activations", "weights")]
    randomize(layers[0])
    layers[1].set_weights(layers[0].get_weights())
    results = []
    for layer in layers:
        xt = tf.constant(x)
        with tf.GradientTape() as tape:
            tape.watch(xt)
            y = layer(xt, w, noise="const")
            loss = tf.reduce_sum(y * tf.sin(y))
        grads = tape.gradient(loss, [xt, layer.kernel, layer.affine.kernel])
        results.append([y.numpy()] + [g.numpy() for g in grads])
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-4)


def test_demodulated_kernels_have_unit_norm_per_output_channel():
    """Eq. 3: sum over (k, k, i) of w''^2 is 1 for every sample and output channel (up to the 1e-8)."""
    rng = np.random.default_rng(5)
    kernel = rng.standard_normal((3, 3, 4, 6)).astype(np.float32)
    styles = rng.uniform(0.2, 2.0, (2, 4)).astype(np.float32)
    w = np.asarray(modulated_kernels(kernel, styles, demodulate=True))
    assert w.shape == (2, 3, 3, 4, 6)
    np.testing.assert_allclose(np.sum(w ** 2, axis=(1, 2, 3)), 1.0, rtol=1e-5)
    raw = np.asarray(modulated_kernels(kernel, styles, demodulate=False))
    np.testing.assert_allclose(raw, kernel[None] * styles[:, None, None, :, None], rtol=1e-6)


def test_noise_sources():
    """"none" adds nothing; "const" the stored image; a seed fresh N(0, 1) per sample, reproducible, and other
    noise in another layer (`layer_index` folded into the seed); anything else is an error."""
    x, w = inputs(n=2, size=6, seed=6)
    a = ModulatedConv2D(3, 4, w_dim=5, resolution=6, layer_index=0)
    b = ModulatedConv2D(3, 4, w_dim=5, resolution=6, layer_index=1)
    y = tf.zeros((2, 6, 6, 4))
    np.testing.assert_array_equal(a.noise_image(y, "none").numpy(), 0.0)
    np.testing.assert_array_equal(a.noise_image(y, "const").numpy()[0, :, :, 0], a.noise_const.numpy())
    seed = tf.constant([3, 4], tf.int64)
    na = a.noise_image(y, seed).numpy()
    assert na.shape == (2, 6, 6, 1) and not np.allclose(na[0], na[1])
    np.testing.assert_array_equal(a.noise_image(y, seed).numpy(), na)
    assert not np.allclose(b.noise_image(y, seed).numpy(), na)
    with pytest.raises(ValueError, match="noise must be"):
        a(x, w, noise="random")
