"""The serving export of a tiny TGANv2 generator: clips uint8 [N, T, H, W, C], uniform z from its own
`latents_tf` in the seed-driven signature, and no `sample_truncated` (TGANv2 has no truncation)."""

import numpy as np
import tensorflow as tf

from zoo.export import export_serving
from zoo.export.serving import truncates_latents
from zoo.images import to_uint8
from zoo.models.tganv2 import TGANv2Generator


def test_tganv2_export_gives_uint8_clips(tmp_path):
    g = TGANv2Generator(latent_dim=8, frames=4, base_size=2, clstm_channels=4, channels=[4, 4], levels=2,
                        image_channels=1).build_for_inputs()
    assert not truncates_latents(g)
    loaded = tf.saved_model.load(export_serving(g, str(tmp_path)))
    assert sorted(loaded.signatures) == ["sample", "serving_default"]
    z = g.latents(3, seed=1)
    serve = loaded.signatures["serving_default"]
    assert sorted(serve.structured_input_signature[1]) == ["z"]
    out = serve(z=tf.constant(z))["images"]
    assert out.dtype == tf.uint8 and out.shape == (3, 4, 8, 8, 1)
    np.testing.assert_array_equal(out.numpy(), to_uint8(g(z, training=False)))

    seed, num = tf.constant(5, tf.int64), tf.constant(2)
    clips = loaded.signatures["sample"](seed=seed, num=num)["images"]
    assert clips.dtype == tf.uint8 and clips.shape == (2, 4, 8, 8, 1)
    z = g.latents_tf(num, seed)
    assert float(tf.reduce_min(z)) >= -1.0 and float(tf.reduce_max(z)) <= 1.0  # U(-1, 1)
    np.testing.assert_array_equal(clips.numpy(), to_uint8(g(z, training=False)))
