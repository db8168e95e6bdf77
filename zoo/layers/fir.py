"""FIR up- and down-sampling by 2 with the binomial filter [1, 3, 3, 1] (StyleGAN2's resampling).

Each is `upfirdn2d` of the official code written out for the one filter StyleGAN2 uses (NHWC tensors):
- `upsample2d`: zero insertion, then the filter [1, 3, 3, 1] / 8 with gain 2 per axis (padding 2 / 1), i.e.
  out[2i] = (x[i-1] + 3 x[i]) / 4 and out[2i+1] = (3 x[i] + x[i+1]) / 4, zero outside the image;
- `downsample2d`: the filter [1, 3, 3, 1] / 8 with padding 1 / 1, then every second sample, i.e.
  out[i] = (x[2i-1] + 3 x[2i] + 3 x[2i+1] + x[2i+2]) / 8;
- `blur2d`: the filter [1, 3, 3, 1] / 8 alone, after zero padding;
- `upsample_conv2d`: `upsample2d(x, border=k // 2)` followed by a k x k convolution without padding, computed as
  the official fused up-convolution does: a stride-2 transposed convolution with the (flipped) kernel, then
  the FIR filter (gain 4) on the result.

The filter is one depthwise convolution with the 4 x 4 kernel outer([1,3,3,1], [1,3,3,1]) / 64 (stride 2 for
downsampling; its transpose, `depthwise_conv2d_backprop_input`, for the zero insertion of upsampling). These are
single oneDNN kernels in both directions and differentiable to any order (R1 and path length differentiate
twice). The same sums as strided slices cost 10-30x more on CPU, almost all in their gradients (StridedSliceGrad;
`benchmarks/profile_step.py`).

The official resampling convolutions pad once, before resampling (`conv2d_resample` / `upfirdn_2d`):
- up-convolution (G): `upsample2d(x, border=k // 2)` keeps the FIR outputs just beyond the image (out[-1] =
  x[0] / 4, out[2n] = x[n-1] / 4), then a k x k convolution without padding (`upsample_conv2d`, fused);
- down-convolution (D, k x k, k > 1): `blur2d(x, (k + 1) // 2)` at the input resolution, then a k x k
  convolution with stride 2 without padding (the official "convolution, then FIR downsampling", with all
  the padding on the input); a 1 x 1 down-convolution is `downsample2d` then the 1 x 1 convolution.

Reference: Karras et al., "Analyzing and Improving the Image Quality of StyleGAN", CVPR 2020, Appendix B
(bilinear [1,3,3,1] filtering of every up/down-sampling, from Zhang 2019 / Karras et al. 2018); the official
`upfirdn2d.upsample2d` / `downsample2d` and `conv2d_resample` (its transposed-convolution path for up=2).
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

FILTER = (1.0, 3.0, 3.0, 1.0)  # the taps; every filtering divides their sum by 8 per axis
TAPS = len(FILTER)


def fir_kernel(channels: int, gain: float = 1.0):
    """The depthwise kernel [4, 4, channels, 1]: outer(FILTER, FILTER) / 64 times `gain`."""
    f = np.asarray(FILTER, np.float64) / np.sum(FILTER)
    k = np.outer(f, f) * float(gain)
    return tf.constant(np.tile(k[:, :, None, None], [1, 1, int(channels), 1]), tf.float32)


def _pad_hw(x, before: int, after: int | None = None):
    after = before if after is None else after
    if before == 0 and after == 0:
        return x
    if before < 0 or after < 0:  # a negative pad crops
        h, w = x.shape[1], x.shape[2]
        x = x[:, max(-before, 0):h - max(-after, 0), max(-before, 0):w - max(-after, 0), :]
        before, after = max(before, 0), max(after, 0)
        if not before and not after:
            return x
    return tf.pad(x, [[0, 0], [before, after], [before, after], [0, 0]])


def _filter(x, stride: int):
    """The 4 x 4 filter without padding, every `stride`-th output: [N, H, W, C] -> [N, (H - 4) / s + 1, ...]."""
    return tf.nn.depthwise_conv2d(x, fir_kernel(x.shape[-1]), [1, stride, stride, 1], "VALID")


def _zero_insert_filter(x):
    """Zero insertion + the filter with gain 4, every output kept: [N, H, W, C] -> [N, 2H + 2, 2W + 2, C] (the
    upsampled image with one FIR output beyond each edge: index j is upsampled position j - 1)."""
    h, w, c = x.shape[1], x.shape[2], x.shape[3]
    shape = tf.stack([tf.shape(x)[0], 2 * h + 2, 2 * w + 2, c])
    return tf.nn.depthwise_conv2d_backprop_input(shape, fir_kernel(c, 4.0), x, [1, 2, 2, 1], "VALID")


def upsample2d(x, border: int = 0):
    """[N, H, W, C] -> [N, 2H + 2 border, 2W + 2 border, C]: zero insertion + [1, 3, 3, 1] FIR (gain 4), as the
    official `upsample2d`; `border` > 0 also keeps that many FIR outputs beyond each edge (the official
    up-convolution's single padding; beyond the first they are zero)."""
    border = int(border)
    if border < 0:
        raise ValueError(f"border must be >= 0, got {border}")
    x = tf.convert_to_tensor(x, tf.float32)
    return _pad_hw(_zero_insert_filter(x), border - 1)


def downsample2d(x):
    """[N, H, W, C] -> [N, H/2, W/2, C]: [1, 3, 3, 1] FIR low-pass, then every second pixel (H, W even)."""
    if x.shape[1] % 2 or x.shape[2] % 2:
        raise ValueError(f"downsample2d needs an even height and width, got {tuple(x.shape)}")
    return _filter(_pad_hw(tf.convert_to_tensor(x, tf.float32), 1), 2)


def blur2d(x, pad: int):
    """[N, H, W, C] -> [N, H + 2 pad - 3, W + 2 pad - 3, C]: `pad` zeros on each side, then the [1, 3, 3, 1] / 8
    filter per axis without padding (out[i] = (x[i-p] + 3 x[i-p+1] + 3 x[i-p+2] + x[i-p+3]) / 8): the
    official down-convolution's filtering before its strided convolution."""
    return _filter(_pad_hw(tf.convert_to_tensor(x, tf.float32), int(pad)), 1)


def upsample_conv2d(x, kernel):
    """`conv2d(upsample2d(x, border=k // 2), kernel, "VALID")` for an odd k x k kernel [k, k, I, O]:
    [N, H, W, I] -> [N, 2H, 2W, O], fused as the official up-convolution: a stride-2 transposed convolution
    with the flipped kernel (zero insertion and the convolution in one kernel, at 1/4 of the MACs), then the
    FIR filter with gain 4 on the O output channels, padded so that the output is 2H x 2W."""
    k = int(kernel.shape[0])
    if k % 2 == 0 or kernel.shape[1] != k:
        raise ValueError(f"upsample_conv2d needs an odd square kernel, got {tuple(kernel.shape)}")
    h, w, o = x.shape[1], x.shape[2], int(kernel.shape[3])
    flipped = tf.transpose(kernel[::-1, ::-1], [0, 1, 3, 2])  # [k, k, O, I]: conv2d_transpose's layout
    shape = tf.stack([tf.shape(x)[0], 2 * (h - 1) + k, 2 * (w - 1) + k, o])
    y = tf.nn.conv2d_transpose(x, flipped, shape, 2, "VALID")
    # 2(H - 1) + k outputs per axis, filtered to 2H: (5 - k) / 2 zeros (k > 5: a crop) per side
    y = _pad_hw(y, (TAPS + 1 - k) // 2)
    return tf.nn.depthwise_conv2d(y, fir_kernel(o, 4.0), [1, 1, 1, 1], "VALID")
