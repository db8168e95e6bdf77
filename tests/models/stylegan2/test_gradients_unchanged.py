"""StyleGAN2's faster ops (issue 22: FIR resampling as depthwise convolutions, the fused transposed
up-convolution, leaky ReLU gains folded into weights, a leaky ReLU whose gradient reads its output, pixel norm as
a division) compute the same function and the same gradients as the implementation of commit a93d5c6, up to float
rounding: images, logits, and the gradients of a G loss, a D loss with R1 (second order) and a path-length term
for every weight (`gradient_case.py`, golden file recorded on that commit)."""

from __future__ import annotations

import numpy as np

from tests.models.stylegan2.gradient_case import GOLDEN, quantities


def test_outputs_and_gradients_equal_the_previous_implementation():
    golden = np.load(GOLDEN, allow_pickle=False)
    now = quantities()
    assert sorted(now) == sorted(golden.files)
    for key in golden.files:
        expected = golden[key]
        scale = float(np.max(np.abs(expected))) or 1.0
        np.testing.assert_allclose(now[key], expected, rtol=0, atol=2e-5 * scale, err_msg=key)
