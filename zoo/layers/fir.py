"""FIR up- and down-sampling by 2 with the binomial filter [1, 3, 3, 1] (StyleGAN2's resampling).

Both are `upfirdn2d` of the official code written out for the one filter StyleGAN2 uses, separably per axis
(NHWC tensors):
- `upsample2d`: zero insertion, then the filter [1, 3, 3, 1] / 8 with gain 2 per axis (padding 2 / 1), i.e.
  out[2i] = (x[i-1] + 3 x[i]) / 4 and out[2i+1] = (3 x[i] + x[i+1]) / 4, zero outside the image;
- `downsample2d`: the filter [1, 3, 3, 1] / 8 with padding 1 / 1, then every second sample, i.e.
  out[i] = (x[2i-1] + 3 x[2i] + 3 x[2i+1] + x[2i+2]) / 8;
- `blur2d`: the filter [1, 3, 3, 1] / 8 alone, after zero padding.
Strided slices and weighted sums: no per-channel convolution kernels, differentiable to any order.

The official resampling convolutions pad once, before resampling (`conv2d_resample` / `upfirdn_2d`):
- up-convolution (G): `upsample2d(x, border=k // 2)` keeps the FIR outputs just beyond the image (out[-1] =
  x[0] / 4, out[2n] = x[n-1] / 4), then a k x k convolution without padding;
- down-convolution (D, k x k, k > 1): `blur2d(x, (k + 1) // 2)` at the input resolution, then a k x k
  convolution with stride 2 without padding (the official "convolution, then FIR downsampling", with all
  the padding on the input); a 1 x 1 down-convolution is `downsample2d` then the 1 x 1 convolution.

Reference: Karras et al., "Analyzing and Improving the Image Quality of StyleGAN", CVPR 2020, Appendix B
(bilinear [1,3,3,1] filtering of every up/down-sampling, from Zhang 2019 / Karras et al. 2018); the official
`upfirdn2d.upsample2d` / `downsample2d`.
"""

from __future__ import annotations

import tensorflow as tf

FILTER = (1.0, 3.0, 3.0, 1.0)  # the taps; every filtering divides their sum by 8


def _slice(x, axis: int, start: int, stop: int, step: int = 1):
    index = [slice(None)] * len(x.shape)
    index[axis] = slice(start, stop, step)
    return x[tuple(index)]


def _pad(x, axis: int, before: int, after: int):
    pad = [[0, 0]] * len(x.shape)
    pad[axis] = [before, after]
    return tf.pad(x, pad)


def _upsample_axis(x, axis: int):
    n = x.shape[axis]
    previous = _slice(_pad(x, axis, 1, 0), axis, 0, n)  # x[i - 1]
    following = _slice(_pad(x, axis, 0, 1), axis, 1, n + 1)  # x[i + 1]
    even = 0.25 * previous + 0.75 * x
    odd = 0.75 * x + 0.25 * following
    stacked = tf.stack([even, odd], axis=axis + 1)
    shape = [-1 if d is None else d for d in x.shape]
    shape[0] = -1
    shape[axis] = 2 * n
    return tf.reshape(stacked, shape)


def _filter_axis(x, axis: int, stop: int, step: int):
    """out[i] = (x[s] + 3 x[s+1] + 3 x[s+2] + x[s+3]) / 8 with s = i * step, for s < stop (no padding)."""
    taps = [_slice(x, axis, start, start + stop, step) for start in range(len(FILTER))]
    return (FILTER[0] * taps[0] + FILTER[1] * taps[1] + FILTER[2] * taps[2] + FILTER[3] * taps[3]) / 8.0


def _downsample_axis(x, axis: int):
    return _filter_axis(_pad(x, axis, 1, 1), axis, x.shape[axis], 2)  # padded p[m] = x[m - 1]


def upsample2d(x, border: int = 0):
    """[N, H, W, C] -> [N, 2H + 2 border, 2W + 2 border, C]: zero insertion + [1, 3, 3, 1] FIR (gain 4), as the
    official `upsample2d`; `border` > 0 also keeps that many FIR outputs beyond each edge (the official
    up-convolution's single padding; beyond the first they are zero)."""
    border = int(border)
    if border < 0:
        raise ValueError(f"border must be >= 0, got {border}")
    if not border:
        return _upsample_axis(_upsample_axis(x, 1), 2)
    q = (border + 1) // 2  # input zeros per side: q of them give 2q upsampled samples per side
    x = tf.pad(x, [[0, 0], [q, q], [q, q], [0, 0]])
    y = _upsample_axis(_upsample_axis(x, 1), 2)
    h, w = y.shape[1], y.shape[2]
    start = 2 * q - border
    return y[:, start:h - start, start:w - start, :]


def downsample2d(x):
    """[N, H, W, C] -> [N, H/2, W/2, C]: [1, 3, 3, 1] FIR low-pass, then every second pixel (H, W even)."""
    if x.shape[1] % 2 or x.shape[2] % 2:
        raise ValueError(f"downsample2d needs an even height and width, got {tuple(x.shape)}")
    return _downsample_axis(_downsample_axis(x, 1), 2)


def _blur_axis(x, axis: int):
    return _filter_axis(x, axis, x.shape[axis] - 3, 1)


def blur2d(x, pad: int):
    """[N, H, W, C] -> [N, H + 2 pad - 3, W + 2 pad - 3, C]: `pad` zeros on each side, then the [1, 3, 3, 1] / 8
    filter per axis without padding (out[i] = (x[i-p] + 3 x[i-p+1] + 3 x[i-p+2] + x[i-p+3]) / 8): the
    official down-convolution's filtering before its strided convolution."""
    pad = int(pad)
    x = tf.pad(x, [[0, 0], [pad, pad], [pad, pad], [0, 0]])
    return _blur_axis(_blur_axis(x, 1), 2)
