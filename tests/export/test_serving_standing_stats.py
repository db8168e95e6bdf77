"""The serving export bakes batch-norm standing statistics (`zoo.export.serving`, `zoo.models.standing_stats`):
`sample_truncated` at a baked truncation equals the Keras model run with that truncation's standing statistics,
refuses other truncations, and `standing_stats=False` keeps the running statistics; `zoo export --truncations`."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from zoo.export.serving import STANDING_TRUNCATIONS, ServingModule, export_serving, standing_grid
from zoo.images import to_uint8
from zoo.models.sagan import SAGANGenerator


def tiny_sagan():
    g = SAGANGenerator(latent_dim=8, num_classes=3, channels=4, channel_multipliers=[4, 2], bottom_width=4,
                       attention_resolutions=[], image_channels=1).build_for_inputs()
    for t in (0.25, 0.5):
        g.standing_stats(t, num_draws=2, batch_size=8)  # cached: the export bakes these
    return g


def expected(g, seed, num, labels, truncation, standing=True):
    z = g.latents_tf(tf.constant(num), tf.constant(seed, tf.int64), tf.constant(truncation))
    with g.using_standing_stats(truncation if standing else None):
        return to_uint8(np.asarray(g(z, labels=np.asarray(labels, np.int32), training=False)))


def test_sample_truncated_uses_the_baked_statistics_and_refuses_other_truncations(tmp_path):
    g = tiny_sagan()
    loaded = tf.saved_model.load(export_serving(g, str(tmp_path / "m"), truncations=(0.5, 0.25)))
    st = loaded.signatures["sample_truncated"]
    labels = [0, 1, 2, 1]
    args = dict(seed=tf.constant(3, tf.int64), num=tf.constant(4), labels=tf.constant(labels, tf.int32))
    for t in (0.25, 0.5):
        got = st(truncation=tf.constant(t), **args)["images"].numpy()
        np.testing.assert_array_equal(got, expected(g, 3, 4, labels, t))
    assert not np.array_equal(got, expected(g, 3, 4, labels, 0.5, standing=False))
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"standing statistics were exported \(0.25, 0.5;"):
        st(truncation=tf.constant(0.3), **args)
    untruncated = loaded.signatures["sample"](**args)["images"].numpy()  # running statistics
    z = g.latents_tf(tf.constant(4), tf.constant(3, tf.int64))
    np.testing.assert_array_equal(untruncated, to_uint8(np.asarray(g(z, labels=np.array(labels), training=False))))


def test_opting_out_serves_the_running_statistics():
    """What `export_serving(g, ..., standing_stats=False)` saves: a module with no baked statistics (called here
    without the save / load round trip of the test above)."""
    g = tiny_sagan()
    module = ServingModule(g, standing_grid(g, standing_stats=False))
    assert module.standing_tables == []
    args = dict(seed=tf.constant(3, tf.int64), num=tf.constant(2), labels=tf.constant([0, 2], tf.int32))
    got = module.sample_truncated(truncation=tf.constant(0.3), **args)["images"].numpy()
    np.testing.assert_array_equal(got, expected(g, 3, 2, [0, 2], 0.3, standing=False))


def test_standing_grid():
    from tests.export.toy_generators import ToyConditionalGenerator, tiny_stylegan2

    g = tiny_sagan()
    assert standing_grid(g) == STANDING_TRUNCATIONS
    assert standing_grid(g, (1.0, 0.5, 0.5)) == (0.5, 1.0)
    assert standing_grid(g, (0.5,), standing_stats=False) == ()
    assert standing_grid(tiny_stylegan2(resolution=8)) == ()  # no batch norm: nothing to bake
    assert standing_grid(ToyConditionalGenerator().build_for_inputs()) == ()
    with pytest.raises(ValueError, match=r"truncations must be numbers > 0, got \[0.0\]"):
        standing_grid(g, (0.0, 0.5))


def test_export_cli_passes_the_truncations(tmp_path, capsys, monkeypatch):
    from zoo.cli import main
    from zoo.cli import support
    from zoo.export import serving

    g = tiny_sagan()
    seen = {}

    def fake_export(generator, out, version, overwrite, truncations, standing_stats):
        seen.update(truncations=truncations, standing_stats=standing_stats)
        return str(tmp_path)

    monkeypatch.setattr(support, "resolve_generator", lambda name: g)
    monkeypatch.setattr(serving, "export_serving", fake_export)
    monkeypatch.setattr(serving, "signature_names", lambda path: ["sample"])
    assert main(["export", "x", "--out", str(tmp_path / "o"), "--truncations", "0.5,0.25"]) == 0
    assert seen == {"truncations": (0.5, 0.25), "standing_stats": True}
    assert "standing statistics for truncations 0.25, 0.5" in capsys.readouterr().out
    assert main(["export", "x", "--out", str(tmp_path / "o"), "--no-standing-stats"]) == 0
    assert seen == {"truncations": None, "standing_stats": False}
    with pytest.raises(SystemExit):
        main(["export", "x", "--out", str(tmp_path / "o"), "--truncations", "0,1"])
