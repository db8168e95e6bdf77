"""`zoo release` end to end on a smoke run: metrics with floors, manifest valid, golden slice reproduces."""

import json

import numpy as np

from tests.training.helpers import RECIPE_PATH, tiny_recipe
from zoo.hub.manifest import validate_manifest
from zoo.training.loop import train


def test_release_of_a_smoke_run(tmp_path, monkeypatch):
    monkeypatch.setenv("ZOO_WEIGHTS_DIR", str(tmp_path / "weights"))
    monkeypatch.setenv("ZOO_CACHE", str(tmp_path / "cache"))
    (tmp_path / "weights").mkdir()
    workdir = tmp_path / "run"
    train(tiny_recipe(), str(workdir))
    state = json.loads((workdir / "train_state.json").read_text())

    from zoo.hub.release import release

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
    assert manifest["dataset"] == {"name": "fmnist", "split": "train", "num_examples": 60000}
    for name in ("README.md", "samples.png", "config.json", "generator.weights.h5", "discriminator.weights.h5"):
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
