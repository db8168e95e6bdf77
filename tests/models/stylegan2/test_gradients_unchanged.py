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
    # by position (weights in trainable order): Keras suffixes model names (_1, _2...) when other models were built
    # earlier in the process, so the recorded paths may not be this process's
    assert len(now) == len(golden.files)
    for (key, value), recorded in zip(now.items(), golden.files):
        assert key.split("/")[0] == recorded.split("/")[0] and key.rsplit("/", 1)[-1] == recorded.rsplit("/", 1)[-1]
        expected = golden[recorded]
        scale = float(np.max(np.abs(expected))) or 1.0
        np.testing.assert_allclose(value, expected, rtol=0, atol=2e-5 * scale, err_msg=recorded)
