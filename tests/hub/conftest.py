"""Fixtures: a tiny SNGAN (16 channels) published into a temporary `weights_manifest/` folder."""

from __future__ import annotations

import json
import os
import shutil
import types

import numpy as np
import pytest

from zoo.hub.publish import write_manifest
from zoo.models import build_from_preset
from zoo.models.serialization import save_model_files

NAME = "sngan-test-32"
REPO_ID = "zoo-test/sngan-test-32"
RECIPE = {"path": "recipes/sngan_fmnist32.py", "steps": 4, "wall_clock_s": 1.5, "hardware": "2 CPU cores",
          "command": "zoo train recipes/sngan_fmnist32.py --smoke"}
DATASET = {"name": "fmnist", "split": "train", "num_examples": 60000}
METRICS = [{"name": "fid", "value": 250.0, "num_fake": 500, "reference": "fmnist/test", "num_real": 500,
            "feature_extractor": "fid-inception-2015-12-05 sha256:" + "0" * 64, "weights": "ema",
            "truncation": None, "seed": 0, "floor": 36.6,
            "resize": "bilinear, align_corners=False, half_pixel_centers=False"}]


def tiny_sngan():
    g, d = build_from_preset("sngan", "sngan_32_small", generator={"channels": 16}, discriminator={"channels": 16})
    g.build_for_inputs()
    d(np.zeros((1, *g.image_shape), np.float32))
    return g, d


def publish_folder(folder: str, g, d) -> dict:
    """Save (g, d) into `folder` and write its manifest, as a maintainer does before `zoo publish`."""
    save_model_files(folder, g, d)
    return write_manifest(folder, dataset=DATASET, license="apache-2.0", repo_id=REPO_ID, recipe=RECIPE,
                          metrics=METRICS)


@pytest.fixture(scope="session")
def published_template(tmp_path_factory):
    """(folder, samples uint8 of seed 0 taken before saving) of the tiny model, built once per session."""
    root = tmp_path_factory.mktemp("template")
    g, d = tiny_sngan()
    samples = g.sample(4, seed=0)
    folder = os.path.join(root, NAME)
    publish_folder(folder, g, d)
    return folder, samples


@pytest.fixture
def weights_root(tmp_path, monkeypatch, published_template):
    """A fresh copy of the template under tmp_path/weights_manifest, selected by ZOO_WEIGHTS_DIR."""
    root = tmp_path / "weights_manifest"
    shutil.copytree(published_template[0], root / NAME)
    monkeypatch.setenv("ZOO_WEIGHTS_DIR", str(root))
    return root


@pytest.fixture
def expected_samples(published_template):
    return published_template[1]


class FakeHfApi:
    """Records create_repo / upload_folder calls; upload_folder returns a CommitInfo-like object."""

    calls = []
    oid = "89abcdef0123456789abcdef0123456789abcdef"

    def __init__(self, token=None):
        self.token = token

    def create_repo(self, repo_id, **kwargs):
        self.calls.append(("create_repo", repo_id, kwargs))

    def upload_folder(self, **kwargs):
        folder = kwargs["folder_path"]
        uploaded = json.loads(open(os.path.join(folder, "manifest.json")).read())
        self.calls.append(("upload_folder", kwargs, uploaded, sorted(os.listdir(folder))))
        return types.SimpleNamespace(oid=self.oid, commit_url=f"https://huggingface.co/{kwargs['repo_id']}/commit/x")


@pytest.fixture
def fake_hf_api(monkeypatch):
    import huggingface_hub

    FakeHfApi.calls = []
    monkeypatch.setattr(huggingface_hub, "HfApi", FakeHfApi)
    return FakeHfApi


@pytest.fixture(autouse=True)
def small_standing_statistics(monkeypatch):
    """Batch-norm standing statistics (`zoo.models.standing_stats`) of 2 passes of 16 samples instead of the
    defaults' 16 of 128: the release tests check where the statistics go (curve notes, samples), not their
    accuracy, which tests/models/test_standing_stats.py checks on the shipped models."""
    from zoo.models import standing_stats

    monkeypatch.setattr(standing_stats, "NUM_DRAWS", 2)
    monkeypatch.setattr(standing_stats, "BATCH_SIZE", 16)
