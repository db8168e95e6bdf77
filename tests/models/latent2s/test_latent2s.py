"""Two-stage latent GAN models: encoder / decoder shapes and compression ratio, the patch discriminator, code
normalisation, the composite sampler (sample == decode(G(z))), its Keras round trips and serving export."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

import json

import keras

from zoo.export import export_serving
from zoo.images import to_uint8
from zoo.models import build_from_preset
from zoo.models.latent2s import PRESETS, CodeAutoencoder, LatentCodeGenerator, PatchDiscriminator
from zoo.models.latent2s.code_normalization import (clipped_fraction, code_statistics, denormalise, normalise,
                                                    round_trip)
from zoo.models.sngan import SNGANDiscriminator, SNGANGenerator

TINY = {"resolution": 16, "image_channels": 3, "factor": 4, "code_channels": 2, "channels": 8,
        "channel_mult": [1, 2, 2], "groups": 4}


def tiny_composite(seed=0):
    tf.keras.utils.set_random_seed(seed)
    ae = CodeAutoencoder(**TINY).build_for_inputs()
    g = SNGANGenerator(latent_dim=8, channels=8, num_blocks=1, bottom_width=2, image_channels=2).build_for_inputs()
    return LatentCodeGenerator(code_generator=g, decoder=ae.decoder, code_mean=[0.5, -1.0], code_std=[2.0, 0.25],
                               code_scale=3.0).build_for_inputs(), g, ae


@pytest.mark.parametrize("factor, code_channels, code_shape, ratio", [
    (4, 4, (16, 16, 4), 12.0), (8, 8, (8, 8, 8), 24.0), (2, 3, (32, 32, 3), 4.0)])
def test_encoder_decoder_shapes_and_compression_ratio(factor, code_channels, code_shape, ratio):
    mult = [1] + [2] * int(np.log2(factor))
    ae = CodeAutoencoder(resolution=64, image_channels=3, factor=factor, code_channels=code_channels, channels=8,
                         channel_mult=mult, groups=4)
    x = np.random.default_rng(0).uniform(-1, 1, (2, 64, 64, 3)).astype(np.float32)
    codes = ae.encode(x)
    assert tuple(codes.shape) == (2, *code_shape) and ae.code_shape == code_shape
    out = ae.decode(codes)
    assert tuple(out.shape) == (2, 64, 64, 3) and float(tf.reduce_max(tf.abs(out))) <= 1.0
    assert ae.compression_ratio == ratio == 64 * 64 * 3 / np.prod(code_shape)


def test_presets_build_with_the_documented_code_shape():
    for name, spec in PRESETS.items():
        ae, d = build_from_preset("latent2s", name)
        ae.build_for_inputs()
        assert ae.code_shape == (16, 16, 4) and ae.compression_ratio == 12.0, name
        assert isinstance(d, PatchDiscriminator)


def test_bad_factor_and_mult_are_refused():
    with pytest.raises(ValueError, match="power of 2"):
        CodeAutoencoder(factor=3)
    with pytest.raises(ValueError, match=r"log2\(factor\) \+ 1 = 3 entries"):
        CodeAutoencoder(factor=4, channel_mult=[1, 2])


def test_patch_discriminator_gives_one_logit_per_patch():
    d = PatchDiscriminator(channels=8, num_down=3, image_channels=3)
    assert tuple(d(tf.zeros((2, 64, 64, 3))).shape) == (2, 8, 8)
    assert tuple(PatchDiscriminator(channels=8, num_down=2)(tf.zeros((1, 64, 64, 3))).shape) == (1, 16, 16)
    with pytest.raises(ValueError, match="3 channels"):
        d(tf.zeros((1, 64, 64, 1)))


def test_code_statistics_and_normalisation_against_hand_values():
    codes = np.zeros((2, 1, 2, 2))
    codes[..., 0] = [[[1.0, 3.0]], [[5.0, 7.0]]]  # mean 4, std sqrt(5)
    codes[..., 1] = 10.0  # std 0 -> floored
    mean, std = code_statistics(codes)
    assert mean == [4.0, 10.0] and std[0] == pytest.approx(np.sqrt(5.0)) and std[1] == 1e-6
    n = normalise(codes, [4.0, 10.0], [1.0, 1.0], 2.0)  # (c - mean) / 2, clipped
    np.testing.assert_allclose(n[..., 0].ravel(), [-1.0, -0.5, 0.5, 1.0])
    assert clipped_fraction(codes, [4.0, 10.0], [1.0, 1.0], 3.0) == 0.0  # |c - 4| / 3 <= 1
    assert clipped_fraction(codes, [4.0, 10.0], [1.0, 1.0], 2.0) == pytest.approx(2 / 8)  # 1 and 7
    assert clipped_fraction(codes, [4.0, 10.0], [1.0, 1.0], 0.5) == pytest.approx(4 / 8)


def test_normalisation_round_trip_is_exact_inside_the_range_and_clips_outside():
    rng = np.random.default_rng(0)
    codes = rng.normal([1.0, -2.0, 0.0], [0.5, 3.0, 1.0], size=(64, 4, 4, 3)).astype(np.float32)
    mean, std = code_statistics(codes)
    n = normalise(codes, mean, std, 3.0)
    assert n.dtype == np.float32 and n.min() >= -1.0 and n.max() <= 1.0
    back = round_trip(codes, mean, std, 3.0)
    inside = np.abs((codes - np.float32(mean)) / (3.0 * np.float32(std))) <= 1.0
    np.testing.assert_allclose(back[inside], codes[inside], rtol=1e-5, atol=1e-5)
    limit = np.float32(mean) + np.sign(codes - np.float32(mean)) * 3.0 * np.float32(std)
    np.testing.assert_allclose(back[~inside], np.broadcast_to(limit, codes.shape)[~inside], rtol=1e-5, atol=1e-5)
    tensor = denormalise(tf.constant(n), mean, std, 3.0)  # the TF path the composite uses
    np.testing.assert_allclose(np.asarray(tensor), back, rtol=1e-6, atol=1e-6)


def test_composite_sample_is_decode_of_the_code_generators_output():
    composite, g, ae = tiny_composite()
    assert composite.image_shape == (16, 16, 3) and composite.latent_dim == 8
    z = composite.latents(3, seed=5)
    np.testing.assert_array_equal(z, g.latents(3, seed=5))
    codes = np.asarray(g(z, training=False)) * (3.0 * np.array([2.0, 0.25], np.float32)) + np.array([0.5, -1.0],
                                                                                                     np.float32)
    expected = to_uint8(np.asarray(ae.decoder(codes, training=False)))
    np.testing.assert_array_equal(composite.sample(3, seed=5), expected)
    assert composite.sample(3, seed=5).dtype == np.uint8


def test_composite_keras_round_trip_keeps_statistics_and_weights(tmp_path):
    """Through a .keras file, a Keras model directory and JSON config: same class and config, bit-identical
    weights (in order; variable paths depend on where the decoder was first built) and outputs."""
    composite, _, _ = tiny_composite()
    z = composite.latents(2, seed=1)
    expected = np.asarray(composite(z, training=False))
    composite.save(str(tmp_path / "m.keras"))
    keras.saving.save_model(composite, str(tmp_path / "dir"), zipped=False)
    for loaded in (keras.saving.load_model(str(tmp_path / "m.keras")), keras.saving.load_model(str(tmp_path / "dir"))):
        assert type(loaded) is LatentCodeGenerator and loaded.get_config() == composite.get_config()
        assert len(loaded.weights) == len(composite.weights)
        for a, b in zip(composite.weights, loaded.weights):
            np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
        np.testing.assert_array_equal(np.asarray(loaded(z, training=False)), expected)
    clone = LatentCodeGenerator.from_config(json.loads(json.dumps(composite.get_config())))
    assert clone.get_config() == composite.get_config()
    config = composite.get_config()
    assert config["code_mean"] == [0.5, -1.0] and config["code_std"] == [2.0, 0.25] and config["code_scale"] == 3.0


def test_composite_refuses_a_code_generator_of_the_wrong_shape():
    ae = CodeAutoencoder(**TINY).build_for_inputs()
    g = SNGANGenerator(latent_dim=8, channels=8, num_blocks=2, bottom_width=2, image_channels=2)
    with pytest.raises(ValueError, match=r"decoder takes codes of shape \(4, 4, 2\)"):
        LatentCodeGenerator(code_generator=g, decoder=ae.decoder, code_mean=[0, 0], code_std=[1, 1], code_scale=3.0)


def test_composite_serving_export_returns_uint8_images(tmp_path):
    composite, _, _ = tiny_composite()
    path = export_serving(composite, str(tmp_path / "serving"), version=1)
    loaded = tf.saved_model.load(path)
    z = composite.latents(2, seed=3)
    out = loaded.signatures["serving_default"](z=tf.constant(z))["images"].numpy()
    assert out.dtype == np.uint8 and out.shape == (2, 16, 16, 3)
    np.testing.assert_array_equal(out, to_uint8(composite.generate(z)))


def test_code_discriminator_is_any_family_on_code_shapes():
    d = SNGANDiscriminator(channels=8, num_blocks=2, num_down=1, image_channels=4)
    assert tuple(d(tf.zeros((2, 16, 16, 4))).shape) == (2,)


def test_release_reconstructions_go_through_encoder_normalisation_and_decoder(tmp_path):
    """`zoo release`'s reconstruction ceiling: images -> encoder -> normalise / clip / denormalise with the
    composite's statistics -> the composite's decoder."""
    from zoo.cli.release import reconstructions
    from zoo.models.serialization import save_model_files

    composite, _, ae = tiny_composite()
    save_model_files(str(tmp_path / "stage1"), ae, PatchDiscriminator(channels=8, num_down=2).build_for_inputs(
        (16, 16, 3)))
    images = np.random.default_rng(0).integers(0, 256, (5, 16, 16, 3), dtype=np.uint8)
    out = reconstructions(composite, str(tmp_path / "stage1"), images, batch_size=2)
    codes = np.asarray(ae.encode(images.astype(np.float32) / 127.5 - 1.0))
    expected = to_uint8(np.asarray(ae.decode(round_trip(codes, [0.5, -1.0], [2.0, 0.25], 3.0))))
    assert out.dtype == np.uint8 and out.shape == (5, 16, 16, 3)
    np.testing.assert_array_equal(out, expected)
