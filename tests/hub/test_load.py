import json
import os
import subprocess
import sys

import numpy as np
import pytest

import zoo
from zoo.hub.publish import golden_window
from tests.hub.conftest import NAME, REPO_ID
from tests.hub.hf_cache import make_hf_cache
from zoo.hub import ChecksumError
from zoo.hub.manifest import sha256_file
from zoo.models.latents import sample_latents
from zoo.models.serialization import load_model_files, save_model_files
from tests.hub.test_publish import MODEL_FILES

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REVISION = "0123456789abcdef0123456789abcdef01234567"


def set_revision(root, revision=REVISION):
    path = root / NAME / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["hub"]["revision"] = revision
    path.write_text(json.dumps(manifest))
    return manifest


def move_files_to_cache(root, cache):
    """Leave only the manifest locally; the weight files live in an HF cache at REVISION."""
    manifest = set_revision(root)
    folder = root / NAME
    snapshot = make_hf_cache(cache, REPO_ID, REVISION, folder, sorted(manifest["files"]))
    for f in manifest["files"]:
        os.remove(folder / f)
    return snapshot


def test_load_identity_and_attributes(weights_root, expected_samples):
    g = zoo.load(NAME)
    np.testing.assert_array_equal(g.sample(4, seed=0), expected_samples)
    assert g.zoo_name == NAME
    assert g.manifest["name"] == NAME and g.manifest["hub"]["repo_id"] == REPO_ID
    golden = g.manifest["golden"]
    z = sample_latents(golden["num"], g.latent_dim, seed=golden["seed"])
    window = golden_window(g(z, training=False))
    np.testing.assert_allclose(window, np.asarray(golden["slice"]), atol=golden["atol"])
    assert type(g.manifest) is dict


def test_loaded_model_can_be_saved_again(weights_root, tmp_path, expected_samples):
    """Fine-tuning starts from a loaded model: its extra attributes must not get into the weight files."""
    save_model_files(str(tmp_path / "again"), zoo.load(NAME))
    np.testing.assert_array_equal(load_model_files(str(tmp_path / "again")).sample(4, seed=0), expected_samples)


def test_load_discriminator(weights_root):
    d = zoo.load(NAME, part="discriminator")
    assert type(d).__name__ == "SNGANDiscriminator"
    assert d.zoo_name == NAME
    with pytest.raises(ValueError, match="part must be one of"):
        zoo.load(NAME, part="ema")


@pytest.mark.parametrize("damage", ["tampered", "truncated"])
def test_damaged_weight_file_names_file_and_both_hashes(weights_root, damage):
    path = weights_root / NAME / "model.weights.h5"
    expected = json.loads((weights_root / NAME / "manifest.json").read_text())["files"][path.name]["sha256"]
    data = bytearray(path.read_bytes())
    if damage == "tampered":
        data[len(data) // 2] ^= 0xFF
    else:
        data = data[: len(data) // 2]
    path.write_bytes(bytes(data))
    actual = sha256_file(str(path))
    with pytest.raises(ChecksumError) as info:
        zoo.load(NAME)
    message = str(info.value)
    assert "model.weights.h5" in message and expected in message and actual in message


@pytest.mark.parametrize("damaged", ["discriminator/model.weights.h5", "discriminator/config.json", "metadata.json"])
def test_every_file_is_checked_before_loading_the_generator(weights_root, damaged):
    (weights_root / NAME / damaged).write_bytes(b"not the published file")
    with pytest.raises(ChecksumError, match=damaged):
        zoo.load(NAME)


def test_tampered_config_is_refused(weights_root):
    path = weights_root / NAME / "config.json"
    path.write_text(path.read_text().replace('"channels": 16', '"channels": 17'))
    with pytest.raises(ChecksumError, match="config.json"):
        zoo.load(NAME)


def test_missing_files_and_no_upload_is_a_clear_error(weights_root):
    os.remove(weights_root / NAME / "model.weights.h5")
    with pytest.raises(FileNotFoundError, match="not uploaded yet"):
        zoo.load(NAME)


def test_local_folder_is_preferred_over_the_hub(weights_root, monkeypatch):
    import huggingface_hub

    set_revision(weights_root)

    def no_network(**kwargs):
        raise AssertionError("the Hub must not be asked when the local folder is complete")

    monkeypatch.setattr(huggingface_hub, "snapshot_download", no_network)
    zoo.load(NAME)


def test_hub_download_at_pinned_revision_is_verified(weights_root, tmp_path, monkeypatch, expected_samples):
    import huggingface_hub

    snapshot = move_files_to_cache(weights_root, tmp_path / "hf")
    calls = []

    def fake_snapshot_download(**kwargs):
        calls.append(kwargs)
        return snapshot

    monkeypatch.setattr(huggingface_hub, "snapshot_download", fake_snapshot_download)
    g = zoo.load(NAME)
    np.testing.assert_array_equal(g.sample(4, seed=0), expected_samples)
    assert calls[0]["repo_id"] == REPO_ID and calls[0]["revision"] == REVISION
    assert sorted(calls[0]["allow_patterns"]) == MODEL_FILES

    blob = os.path.realpath(os.path.join(snapshot, "discriminator", "model.weights.h5"))
    with open(blob, "r+b") as f:
        f.truncate(100)
    with pytest.raises(ChecksumError, match="discriminator/model.weights.h5"):
        zoo.load(NAME)


def test_hub_errors_say_what_was_tried(weights_root, tmp_path, monkeypatch):
    import huggingface_hub

    move_files_to_cache(weights_root, tmp_path / "hf")

    def offline(**kwargs):
        raise huggingface_hub.errors.LocalEntryNotFoundError("no cache")

    monkeypatch.setattr(huggingface_hub, "snapshot_download", offline)
    with pytest.raises(OSError, match=f"{REPO_ID} at revision {REVISION}.*HF_HUB_OFFLINE"):
        zoo.load(NAME)


OFFLINE_SCRIPT = """
import json, sys
import numpy as np
import zoo
g = zoo.load(sys.argv[1])
np.save(sys.argv[2], g.sample(4, seed=0))
import huggingface_hub.constants as c
print(json.dumps({"offline": c.HF_HUB_OFFLINE, "cache": c.HF_HUB_CACHE}))
"""


def test_offline_load_from_hf_cache(weights_root, tmp_path, expected_samples):
    """HF_HUB_OFFLINE=1 in a fresh process: the files come from the HF cache snapshot of the pinned revision."""
    cache = tmp_path / "hf_home" / "hub"
    move_files_to_cache(weights_root, cache)
    env = {k: v for k, v in os.environ.items() if not k.startswith("HF_")}
    env.update(HF_HUB_OFFLINE="1", HF_HOME=str(tmp_path / "hf_home"), HF_HUB_CACHE=str(cache),
               HF_ENDPOINT="http://127.0.0.1:9", ZOO_WEIGHTS_DIR=str(weights_root), TF_CPP_MIN_LOG_LEVEL="3")
    out = tmp_path / "samples.npy"
    result = subprocess.run([sys.executable, "-c", OFFLINE_SCRIPT, NAME, str(out)], env=env, cwd=str(tmp_path),
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    info = json.loads(result.stdout.strip().splitlines()[-1])
    assert info == {"offline": True, "cache": str(cache)}
    np.testing.assert_array_equal(np.load(out), expected_samples)
