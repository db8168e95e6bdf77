import json
import os
import keras
import pytest
import tensorflow as tf

from tests.hub.conftest import NAME, REPO_ID, tiny_sngan
from zoo.hub import publish as pub
from zoo.hub.manifest import COMMIT_PATTERN, sha256_file, validate_manifest
from zoo.version import __version__


def read_manifest(root):
    return json.loads((root / NAME / "manifest.json").read_text())


def test_write_manifest_fills_files_versions_params_commit(weights_root):
    manifest = read_manifest(weights_root)
    folder = weights_root / NAME
    validate_manifest(manifest, folder=str(folder))
    assert sorted(manifest["files"]) == ["config.json", "discriminator.weights.h5", "generator.weights.h5"]
    for f, entry in manifest["files"].items():
        assert entry == {"sha256": sha256_file(str(folder / f)), "size": os.path.getsize(folder / f)}
    assert manifest["versions"] == {"zoo": __version__, "tensorflow": tf.__version__, "keras": keras.__version__}
    g, _ = tiny_sngan()
    assert manifest["params"] == pub.count_params(g) > 0
    assert manifest["architecture"] == "zoo.models.sngan.SNGANGenerator"
    assert manifest["config"]["channels"] == 16 and manifest["resolution"] == [32, 32]
    assert manifest["hub"] == {"repo_id": REPO_ID, "revision": None}
    assert manifest["recipe"]["git_commit"] == pub.git_commit()
    assert manifest["golden"]["num"] == 2 and len(manifest["golden"]["slice"]) == 2


def test_git_commit_of_this_checkout_or_none(tmp_path):
    commit = pub.git_commit()
    assert commit is None or COMMIT_PATTERN.match(commit)
    assert pub.git_commit(str(tmp_path)) is None


def test_publish_uploads_the_folder_and_pins_the_revision(weights_root, fake_hf_api):
    repo_id = "my-org/" + NAME
    revision = pub.publish(NAME, repo_id, token="hf_xxx")
    assert revision == fake_hf_api.oid
    (_, created, create_kwargs), (_, upload, uploaded_manifest, listing) = fake_hf_api.calls
    assert created == repo_id and create_kwargs["exist_ok"] is True and create_kwargs["token"] == "hf_xxx"
    assert upload["repo_id"] == repo_id and upload["repo_type"] == "model" and upload["token"] == "hf_xxx"
    assert os.path.samefile(upload["folder_path"], weights_root / NAME)
    assert set(upload["allow_patterns"]) == {"config.json", "discriminator.weights.h5", "generator.weights.h5",
                                             "manifest.json", "README.md"}
    assert "README.md" in listing  # a model card is written when the folder has none
    assert uploaded_manifest["hub"] == {"repo_id": repo_id, "revision": None}
    manifest = read_manifest(weights_root)
    assert manifest["hub"] == {"repo_id": repo_id, "revision": fake_hf_api.oid}
    validate_manifest(manifest, folder=str(weights_root / NAME))


def test_publish_refuses_a_repo_named_differently(weights_root, fake_hf_api):
    with pytest.raises(ValueError, match="must be '<org>/sngan-test-32'"):
        pub.publish(NAME, "my-org/other-name")
    assert fake_hf_api.calls == []


def test_publish_refuses_damaged_files(weights_root, fake_hf_api):
    (weights_root / NAME / "generator.weights.h5").write_bytes(b"oops")
    with pytest.raises(ValueError, match="sha256"):
        pub.publish(NAME, REPO_ID)
    assert fake_hf_api.calls == []


def test_publish_documents_network_and_token():
    assert "network" in pub.publish.__doc__ and "token" in pub.publish.__doc__


def test_write_samples_png(weights_root):
    path = pub.write_samples(str(weights_root / NAME), num=4)
    assert path.endswith("samples.png") and os.path.getsize(path) > 0
    validate_manifest(read_manifest(weights_root), folder=str(weights_root / NAME))  # samples.png needs no entry
