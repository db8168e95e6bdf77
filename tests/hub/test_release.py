"""`zoo release` end to end on a smoke run: metrics with floors, manifest valid, golden slice reproduces."""

import json
import shutil

import numpy as np

from tests.conftest import SMOKE_COMMAND
from zoo.hub.manifest import validate_manifest
from zoo.training.loop import train


def _fake_features(monkeypatch):
    """The metric tests' fixed random projection (tests/metrics/fakes.py) instead of the Inception network:
    the network itself is checked against its TorchScript original in tests/metrics/test_fid_inception.py,
    and the real network end to end through evaluate_generator in the slow tests/metrics/test_end_to_end.py."""
    from tests.metrics.fakes import FakeExtractor
    from zoo.metrics import evaluate

    monkeypatch.setattr(evaluate, "make_extractor", lambda batch_size, resize: FakeExtractor(batch_size or 16, resize))


def test_release_of_a_smoke_run(tmp_path, monkeypatch, smoke_run):
    """`smoke_run` (tests/conftest.py): the tiny recipe (sngan_fmnist32 smoke) trained by `train(...,
    command=SMOKE_COMMAND)` once per session, released from a copy so the shared run stays as trained."""
    _fake_features(monkeypatch)
    monkeypatch.setenv("ZOO_WEIGHTS_DIR", str(tmp_path / "weights"))
    monkeypatch.setenv("ZOO_CACHE", str(tmp_path / "cache"))
    (tmp_path / "weights").mkdir()
    workdir = tmp_path / "run"
    shutil.copytree(smoke_run, workdir)
    trained_with = SMOKE_COMMAND
    state = json.loads((workdir / "train_state.json").read_text())
    assert state["command"] == trained_with

    from zoo.cli.release import release

    manifest = release(str(workdir), recipe_path="recipes/sngan_fmnist32.py", repo_id="zoo-gan/sngan-fmnist-32",
                       license="apache-2.0", num=6, reference="fmnist/test", train="fmnist/train", seed=0,
                       command="zoo release ...")
    folder = tmp_path / "weights" / "sngan-fmnist-32"
    validate_manifest(manifest, str(folder))
    assert [m["name"] for m in manifest["metrics"]] == ["fid", "kid"]
    for m in manifest["metrics"]:
        assert m["num_fake"] == m["num_real"] == 6 and np.isfinite(m["value"]) and np.isfinite(m["floor"])
        assert m["command"] == "zoo release ..." and m["weights"] == "ema"
    assert manifest["recipe"]["steps"] == 4 and manifest["recipe"]["git_commit"] == state.get("git_commit")
    assert manifest["recipe"]["command"] == trained_with  # the model card's "Exact command"
    assert trained_with in (folder / "README.md").read_text()
    assert manifest["dataset"] == {"name": "fmnist", "split": "train", "num_examples": 60000}
    for name in ("README.md", "samples.png", "config.json", "model.weights.h5", "metadata.json",
                 "discriminator/config.json", "discriminator/model.weights.h5", "discriminator/metadata.json"):
        assert (folder / name).exists(), name

    import zoo

    g = zoo.load("sngan-fmnist-32")
    golden = manifest["golden"]
    from zoo.hub.publish import golden_labels, golden_window
    from zoo.models.latents import sample_latents

    z = sample_latents(golden["num"], g.latent_dim, seed=golden["seed"])
    window = golden_window(g(z, labels=golden_labels(g, golden["num"]), training=False))
    assert window.shape == (golden["num"], 4, 4, 1)
    np.testing.assert_allclose(window, np.asarray(golden["slice"]), atol=golden["atol"])


def test_release_of_a_conditional_run_with_truncation_curve(tmp_path, monkeypatch):
    """Labels, the per-class picture and the truncation curve. The features come from the metric tests' fixed
    random projection (`_fake_features`)."""
    _fake_features(monkeypatch)
    monkeypatch.setenv("ZOO_WEIGHTS_DIR", str(tmp_path / "weights"))
    monkeypatch.setenv("ZOO_CACHE", str(tmp_path / "cache"))
    (tmp_path / "weights").mkdir()
    import os

    from tests.conftest import REPO
    from zoo.cli.release import release
    from zoo.training.recipe import load_recipe

    recipe_path = os.path.join(REPO, "recipes", "biggan_fmnist32.py")
    workdir = tmp_path / "run"
    train(load_recipe(recipe_path, smoke=True), str(workdir))
    manifest = release(str(workdir), recipe_path="recipes/biggan_fmnist32.py", repo_id="zoo-gan/biggan-fmnist-32",
                       license="apache-2.0", num=6, reference="fmnist/test", train="fmnist/train", seed=0,
                       truncations=(0.5, 1.0), curve_num=4, train_command="zoo imp a.py && zoo train b.py")
    folder = tmp_path / "weights" / "biggan-fmnist-32"
    validate_manifest(manifest, str(folder))
    assert manifest["recipe"]["command"] == "zoo imp a.py && zoo train b.py"  # given, none recorded by train()
    assert [(m["name"], m["truncation"], m["num_fake"]) for m in manifest["metrics"]] == [
        ("fid", None, 6), ("kid", None, 6), ("fid", 0.5, 4), ("fid", 1.0, 4)]
    assert manifest["golden"]["labels"] is not None
    assert (folder / "classes.png").exists()
    from PIL import Image

    width, height = Image.open(folder / "classes.png").size
    assert height >= 10 * 32 and width >= 10 * 32  # 10 classes x 10 samples
    card = (folder / "README.md").read_text()
    assert "Samples per class" in card and "7 Sneaker" in card and "FID over the truncation threshold" in card
