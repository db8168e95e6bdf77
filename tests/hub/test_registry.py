import json
import os
import shutil

import pytest

import zoo
from tests.hub.conftest import NAME
from zoo.hub import registry as reg


def test_discovers_models_from_env_dir(weights_root):
    shutil.copytree(weights_root / NAME, weights_root / "sngan-test-32.onestage")
    manifest = json.loads((weights_root / "sngan-test-32.onestage" / "manifest.json").read_text())
    manifest["name"] = "sngan-test-32.onestage"
    manifest["hub"]["repo_id"] = "zoo-test/sngan-test-32.onestage"
    (weights_root / "sngan-test-32.onestage" / "manifest.json").write_text(json.dumps(manifest))
    assert zoo.list_pretrained() == ["sngan-test-32", "sngan-test-32.onestage"]
    assert reg.weights_dir() == str(weights_root)
    assert reg.get_entry(NAME).manifest["name"] == NAME


def test_hidden_and_plain_files_are_ignored(weights_root):
    (weights_root / ".cache").mkdir()
    (weights_root / "README.md").write_text("index")
    assert zoo.list_pretrained() == [NAME]


def test_unknown_name_lists_close_names(weights_root):
    with pytest.raises(KeyError, match=r"unknown pretrained model 'sngan-test-23'.*did you mean 'sngan-test-32'\?"):
        zoo.load("sngan-test-23")
    with pytest.raises(KeyError, match=r"known models: sngan-test-32 \("):
        reg.get_entry("stylegan2-emoji-64")


def test_env_dir_must_exist(monkeypatch, tmp_path):
    monkeypatch.setenv("ZOO_WEIGHTS_DIR", str(tmp_path / "nope"))
    with pytest.raises(FileNotFoundError, match="ZOO_WEIGHTS_DIR"):
        zoo.list_pretrained()


def test_checkout_folder_is_the_default(monkeypatch):
    monkeypatch.delenv("ZOO_WEIGHTS_DIR", raising=False)
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    assert reg.weights_dir() == os.path.join(repo, "weights_manifest")


def test_installed_location_is_under_the_prefix():
    import sys

    assert os.path.join(sys.prefix, "share", "zoo", "weights_manifest") in reg.installed_weights_dirs()


def test_broken_manifest_fails_loudly_with_its_path(weights_root):
    path = weights_root / NAME / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["files"]["model.weights.h5"]["sha256"] = "xyz"
    path.write_text(json.dumps(manifest))
    with pytest.raises(ValueError, match=r"manifest\.json.*sha256"):
        zoo.list_pretrained()


def test_folder_without_manifest_is_an_error(weights_root):
    (weights_root / "sngan-other-32").mkdir()
    with pytest.raises(FileNotFoundError, match="no manifest.json"):
        zoo.list_pretrained()
