"""The model-folder layout (`zoo.models.parts`) written and read by `zoo.models.serialization`: Keras model
directories per part, refusal of non-zoo classes, stale files, and the layout before it (still read)."""

from __future__ import annotations

import json
import os

import keras
import numpy as np
import pytest

from tests.models.biggan.test_biggan import TINY_D, TINY_G
from tests.models.gan_family_test import assert_same_weights, model_inputs
from zoo.models import parts
from zoo.models.biggan import BigGANDiscriminator, BigGANGenerator
from zoo.models.serialization import (is_legacy_folder, legacy_weights_file, load_model_files, model_config,
                                      part_spec, save_masks, save_model_files, saved_parts)


@pytest.fixture(scope="module")
def tiny():
    """A tiny class-conditional (G, D) pair, built once."""
    g = BigGANGenerator(**TINY_G).build_for_inputs()
    d = BigGANDiscriminator(**TINY_D).build_for_inputs(g.image_shape)
    return g, d


def write_legacy_folder(folder, g, d) -> None:
    """The layout before zoo.models.parts: config.json keyed by part + <part>.weights.h5."""
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump({"generator": model_config(g), "discriminator": model_config(d)}, f)
    g.save_weights(os.path.join(folder, legacy_weights_file("generator")))
    d.save_weights(os.path.join(folder, legacy_weights_file("discriminator")))


def test_parts_and_their_files():
    assert parts.PARTS == ("generator", "discriminator")
    assert parts.part_files("generator") == ("config.json", "model.weights.h5", "metadata.json")
    assert parts.weights_file("discriminator") == "discriminator/model.weights.h5"
    assert parts.part_dir("f", "generator") == "f" and parts.part_dir("f", "discriminator") == os.path.join("f", "discriminator")
    assert [parts.part_of_file(f) for f in ("metadata.json", "discriminator/config.json", "masks.h5", "x/config.json")] \
        == ["generator", "discriminator", None, None]
    with pytest.raises(ValueError, match=r"part must be one of \['discriminator', 'generator'\], got 'ema'"):
        parts.part_dir("f", "ema")


def test_layout_is_keras_model_directories(tiny, tmp_path):
    g, d = tiny
    written = save_model_files(str(tmp_path), g, d)
    assert sorted(written) == sorted([*parts.part_files("generator"), *parts.part_files("discriminator")])
    assert sorted(os.listdir(tmp_path)) == ["config.json", "discriminator", "metadata.json", "model.weights.h5"]
    assert saved_parts(str(tmp_path)) == ["generator", "discriminator"]
    assert part_spec(str(tmp_path), "discriminator") == {"class": "zoo.models.biggan.BigGANDiscriminator",
                                                         "config": d.get_config()}
    # Keras alone reads both parts, even with other files (a published folder) beside the generator's
    for extra in ("manifest.json", "README.md", "samples.png"):
        (tmp_path / extra).write_text("x")
    for part, model, loader in (("generator", g, keras.saving.load_model), ("discriminator", d, None)):
        inputs = model_inputs(model, image_shape=g.image_shape)
        loaded = [load_model_files(str(tmp_path), part)]
        if loader is not None:
            loaded.append(loader(str(tmp_path)))
        for m in loaded:
            assert_same_weights(model, m)
            np.testing.assert_array_equal(np.asarray(m(**inputs, training=False)),
                                          np.asarray(model(**inputs, training=False)))


def test_masks_are_applied_on_load(tiny, tmp_path):
    g, d = tiny
    kernel = next(v for v in g.weights if v.path.endswith("block1/conv1/kernel"))
    mask = np.zeros(kernel.shape, np.float32)
    save_model_files(str(tmp_path), g, d, masks={"generator": {"block1/conv1/kernel": mask}})
    assert "masks.h5" in os.listdir(tmp_path)
    loaded = load_model_files(str(tmp_path), "generator")
    assert not np.any(next(v for v in loaded.weights if v.path.endswith("block1/conv1/kernel")).numpy())


def test_a_new_save_leaves_no_stale_files(tiny, tmp_path):
    g, d = tiny
    write_legacy_folder(str(tmp_path), g, d)
    save_masks(str(tmp_path / "masks.h5"), {"generator": {}})
    save_model_files(str(tmp_path), g, d)
    assert sorted(os.listdir(tmp_path)) == ["config.json", "discriminator", "metadata.json", "model.weights.h5"]
    save_model_files(str(tmp_path), g)  # generator only: the old discriminator does not belong to it
    assert sorted(os.listdir(tmp_path)) == ["config.json", "metadata.json", "model.weights.h5"]
    with pytest.raises(FileNotFoundError, match="holds no discriminator"):
        load_model_files(str(tmp_path), "discriminator")


def test_unbuilt_model_is_refused(tmp_path):
    with pytest.raises(ValueError, match="not built; call it once"):
        save_model_files(str(tmp_path), BigGANGenerator(**TINY_G))


@pytest.mark.parametrize("field,value", [("module", "os"), ("registered_name", "evil>BigGANGenerator"),
                                         ("class_name", "Sequential")])
def test_non_zoo_classes_are_refused_before_deserializing(tiny, tmp_path, field, value):
    save_model_files(str(tmp_path), tiny[0])
    config = json.loads((tmp_path / "config.json").read_text())
    config[field] = value
    (tmp_path / "config.json").write_text(json.dumps(config))
    with pytest.raises(ValueError, match="only zoo model classes|not a registered zoo model class"):
        load_model_files(str(tmp_path))


def test_the_layout_before_parts_is_still_read(tiny, tmp_path):
    g, d = tiny
    write_legacy_folder(str(tmp_path), g, d)
    assert is_legacy_folder(str(tmp_path)) and saved_parts(str(tmp_path)) == ["generator", "discriminator"]
    assert_same_weights(g, load_model_files(str(tmp_path), "generator"))
    assert_same_weights(d, load_model_files(str(tmp_path), "discriminator"))
    config = json.loads((tmp_path / "config.json").read_text())
    config["generator"]["class"] = "os.system"
    (tmp_path / "config.json").write_text(json.dumps(config))
    with pytest.raises(ValueError, match="only zoo.* model classes"):
        load_model_files(str(tmp_path))


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="config.json is missing; expected a model folder"):
        load_model_files(str(tmp_path))
