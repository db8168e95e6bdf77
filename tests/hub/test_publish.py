import copy
import json
import os

import keras
import numpy as np
import pytest
import tensorflow as tf

from tests.hub.conftest import NAME, REPO_ID, tiny_sngan
from tests.hub.test_manifest import GOOD
from zoo.hub import publish as pub
from zoo.hub.manifest import COMMIT_PATTERN, sha256_file, validate_manifest
from zoo.version import __version__

MODEL_FILES = ["config.json", "discriminator/config.json", "discriminator/metadata.json",
               "discriminator/model.weights.h5", "metadata.json", "model.weights.h5"]


def read_manifest(root):
    return json.loads((root / NAME / "manifest.json").read_text())


def test_write_manifest_fills_files_versions_params_commit(weights_root):
    manifest = read_manifest(weights_root)
    folder = weights_root / NAME
    validate_manifest(manifest, folder=str(folder))
    assert sorted(manifest["files"]) == MODEL_FILES
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
    assert set(upload["allow_patterns"]) == {*MODEL_FILES, "manifest.json", "README.md"}
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
    (weights_root / NAME / "model.weights.h5").write_bytes(b"oops")
    with pytest.raises(ValueError, match="sha256"):
        pub.publish(NAME, REPO_ID)
    assert fake_hf_api.calls == []


def test_publish_documents_network_and_token():
    assert "network" in pub.publish.__doc__ and "token" in pub.publish.__doc__


def test_write_samples_png(weights_root):
    path = pub.write_samples(str(weights_root / NAME), num=4)
    assert path.endswith("samples.png") and os.path.getsize(path) > 0
    validate_manifest(read_manifest(weights_root), folder=str(weights_root / NAME))  # samples.png needs no entry


def test_metric_entry_from_an_evaluate_result():
    result = {"model": "runs/x", "metric": "kid", "value": 0.012, "std": 0.001, "subsets": 100, "subset_size": 500,
              "num_fake": 500, "num_real": 500, "reference": "fmnist/test",
              "feature_extractor": "fid-inception-2015-12-05 sha256:" + "0" * 64, "resize": "legacy bilinear",
              "seed": 0, "truncation": None, "seconds": 60.0}
    entry = pub.metric_entry(result, floor={"metric": "kid", "value": 0.0005})
    assert entry["name"] == "kid" and entry["floor"] == 0.0005 and entry["std"] == 0.001 and entry["weights"] == "ema"
    manifest = copy.deepcopy(GOOD)
    manifest["metrics"] = [entry]
    validate_manifest(manifest)


def test_folder_from_workdir(tmp_path, monkeypatch):
    from zoo.hub import load
    from zoo.models.serialization import save_model_files

    g, d = tiny_sngan()
    workdir = tmp_path / "runs" / "sngan-fmnist-32"
    save_model_files(str(workdir / "export"), g, d)
    (workdir / "recipe.json").write_text(json.dumps({"name": "sngan-fmnist-32", "dataset": "fmnist", "split": "train"}))
    (workdir / "train_state.json").write_text(json.dumps({"step": 1250, "wall_clock_s": 1005.2,
                                                          "hardware": "2 CPU cores (x86_64), GPUs: 0"}))
    root = tmp_path / "weights_manifest"
    root.mkdir()
    manifest = pub.folder_from_workdir(str(workdir), recipe_path="recipes/sngan_fmnist32.py", license="apache-2.0",
                                       repo_id="org/sngan-fmnist-32", num_examples=60000, weights_root=str(root),
                                       git_commit="f" * 40)
    folder = root / "sngan-fmnist-32"
    assert sorted(os.listdir(folder)) == ["README.md", "config.json", "discriminator", "manifest.json",
                                          "metadata.json", "model.weights.h5", "samples.png"]
    assert sorted(manifest["files"]) == MODEL_FILES
    assert manifest["recipe"] == {"path": "recipes/sngan_fmnist32.py", "steps": 1250, "wall_clock_s": 1005.2,
                                  "hardware": "2 CPU cores (x86_64), GPUs: 0", "git_commit": "f" * 40,
                                  "command": "zoo train recipes/sngan_fmnist32.py",
                                  "resolved": json.loads((workdir / "recipe.json").read_text())}
    assert "![samples](samples.png)" in (folder / "README.md").read_text()
    monkeypatch.setenv("ZOO_WEIGHTS_DIR", str(root))
    np.testing.assert_array_equal(load("sngan-fmnist-32").sample(2, seed=0), g.sample(2, seed=0))
    with pytest.raises(FileExistsError, match="overwrite=True"):
        pub.folder_from_workdir(str(workdir), recipe_path="r.py", license="mit", repo_id="org/sngan-fmnist-32",
                                num_examples=1, weights_root=str(root))
