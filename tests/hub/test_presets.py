"""`Generator.from_preset(name | "hf://org/name[@rev]" | folder)` (`zoo.hub.presets`): verified weights, as
keras-hub's `from_preset`, for every shipped name; a preset of another family is refused naming both."""

import json
import os
import shutil

import numpy as np
import pytest

import zoo.models
from tests.hub.conftest import NAME, REPO_ID
from tests.hub.hf_cache import make_hf_cache
from zoo.hub.load import ChecksumError
from zoo.hub.presets import architecture_class
from zoo.hub.publish import golden_labels, golden_window, upload_patterns
from zoo.models.base import GANGenerator

ROOT = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                    "weights_manifest")
SHIPPED = sorted(n for n in os.listdir(ROOT) if os.path.isdir(os.path.join(ROOT, n)) and not n.startswith((".", "_")))
REVISION = "0123456789abcdef0123456789abcdef01234567"


def shipped_manifest(name):
    with open(os.path.join(ROOT, name, "manifest.json")) as f:
        return json.load(f)


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_name_loads_through_its_family_class(name, monkeypatch):
    """The family's own class gives its generator with the manifest's golden slice (weights verified)."""
    monkeypatch.delenv("ZOO_WEIGHTS_DIR", raising=False)
    manifest = shipped_manifest(name)
    cls = architecture_class(manifest["architecture"])
    g = cls.from_preset(name)
    assert type(g) is cls and g.zoo_name == name and g.manifest["files"] == manifest["files"]
    golden = manifest["golden"]
    z = g.latents(golden["num"], seed=golden["seed"])
    window = golden_window(g(z, labels=golden_labels(g, golden["num"]), training=False))
    np.testing.assert_allclose(window, np.asarray(golden["slice"]), atol=golden["atol"])


def test_generator_base_class_takes_any_family_and_a_family_refuses_another(monkeypatch):
    from zoo.models.biggan import BigGANGenerator
    from zoo.models.sngan import SNGANGenerator

    monkeypatch.delenv("ZOO_WEIGHTS_DIR", raising=False)
    assert zoo.models.Generator is GANGenerator
    assert type(zoo.models.Generator.from_preset("sngan-fmnist-32")) is SNGANGenerator
    with pytest.raises(ValueError) as error:
        SNGANGenerator.from_preset("biggan-fmnist-32")
    message = str(error.value)
    assert "is a BigGANGenerator (family biggan), not a SNGANGenerator (family sngan)" in message
    assert "BigGANGenerator.from_preset" in message
    with pytest.raises(KeyError, match="did you mean 'sngan-fmnist-32'"):
        BigGANGenerator.from_preset("sngan-fmnist-23")


def test_a_published_folder_loads_verified(weights_root, expected_samples, tmp_path):
    from zoo.models.sngan import SNGANGenerator

    g = SNGANGenerator.from_preset(str(weights_root / NAME))
    np.testing.assert_array_equal(g.sample(4, seed=0), expected_samples)
    assert g.zoo_name == NAME
    bare = tmp_path / "export"
    shutil.copytree(weights_root / NAME, bare)
    os.remove(bare / "manifest.json")
    with pytest.raises(ValueError, match="no manifest.json, so its weights cannot be verified"):
        SNGANGenerator.from_preset(str(bare))
    weights = weights_root / NAME / "model.weights.h5"
    data = weights.read_bytes()
    weights.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))  # one bit flipped
    with pytest.raises(ChecksumError, match="model.weights.h5"):
        SNGANGenerator.from_preset(str(weights_root / NAME))


@pytest.fixture
def offline_hf_cache(weights_root, tmp_path, monkeypatch):
    """The tiny model as Hub repo REPO_ID at REVISION in an offline Hugging Face cache; its snapshot folder."""
    import huggingface_hub.constants

    folder = str(weights_root / NAME)
    with open(os.path.join(folder, "manifest.json")) as f:
        manifest = json.load(f)
    cache = tmp_path / "hf_cache"
    snapshot = make_hf_cache(cache, REPO_ID, REVISION, folder, upload_patterns(folder, manifest))
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(cache))
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    return snapshot


def test_hf_handles_load_from_the_hub_cache_verified(offline_hf_cache, expected_samples, weights_root):
    for handle in (f"hf://{REPO_ID}", f"hf://{REPO_ID}@{REVISION}"):
        g = zoo.models.Generator.from_preset(handle)
        np.testing.assert_array_equal(g.sample(4, seed=0), expected_samples)
    # the Hub's copy differs from the registry's manifest (the local one is trusted): refused
    manifest_path = weights_root / NAME / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["files"]["model.weights.h5"]["sha256"] = "0" * 64
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(ChecksumError, match="model.weights.h5"):
        zoo.models.Generator.from_preset(f"hf://{REPO_ID}")
