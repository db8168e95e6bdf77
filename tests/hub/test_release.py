"""`zoo release` end to end on a smoke run: metrics with floors, manifest valid, golden slice reproduces."""

import json
import shutil

import numpy as np
import pytest

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
    assert [(m["name"], m.get("k")) for m in manifest["metrics"]] == [
        ("fid", None), ("kid", None), ("precision", 3), ("recall", 3), ("density", 5), ("coverage", 5)]
    for m in manifest["metrics"]:
        assert m["num_fake"] == m["num_real"] == 6 and np.isfinite(m["value"]) and np.isfinite(m["floor"])
        assert m["command"] == "zoo release ..." and m["weights"] == "ema"
        assert m["floor_num"] == 6 and m["floor_reference"] == ("fmnist/train (n=6, permutation seed 0) vs "
                                                                "fmnist/test (n=6)")
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


def test_a_re_release_keeps_the_release_it_replaces(tmp_path, smoke_run):
    """`overwrite` of an existing folder (a retrained model under the same name): the new manifest's `previous`
    holds the old release's revision, file hashes, parameters, metrics and recipe (one level), the card says so,
    and a malformed `previous` is refused."""
    from zoo.hub.publish import folder_from_workdir

    common = dict(recipe_path="recipes/sngan_fmnist32.py", license="apache-2.0", repo_id="zoo-gan/sngan-fmnist-32",
                  num_examples=60000, weights_root=str(tmp_path))
    metric = {"name": "fid", "value": 99.5, "num_fake": 6, "reference": "fmnist/test", "num_real": 6,
              "feature_extractor": "x", "weights": "ema", "truncation": None, "seed": 0}
    first = folder_from_workdir(str(smoke_run), metrics=[metric], **common)
    assert "previous" not in first
    with pytest.raises(FileExistsError, match="overwrite"):
        folder_from_workdir(str(smoke_run), **common)
    second = folder_from_workdir(str(smoke_run), metrics=[{**metric, "value": 50.0}], overwrite=True, **common)
    previous = second["previous"]
    assert previous["revision"] is None and previous["params"] == first["params"]
    assert previous["files"] == {name: entry["sha256"] for name, entry in first["files"].items()}
    assert previous["metrics"] == first["metrics"] and previous["recipe"]["steps"] == first["recipe"]["steps"]
    assert "resolved" not in previous["recipe"] and "previous" not in previous
    card = (tmp_path / "sngan-fmnist-32" / "README.md").read_text()
    assert "replaces the previous release (never uploaded; recipe `recipes/sngan_fmnist32.py`" in card
    assert "fid 99.5 (n=6)" in card
    third = folder_from_workdir(str(smoke_run), overwrite=True, **common)
    assert third["previous"]["metrics"][0]["value"] == 50.0 and "previous" not in third["previous"]  # one level
    bad = {**second, "previous": {**previous, "files": {"model.weights.h5": "not-a-hash"}}}
    with pytest.raises(ValueError, match="previous.files"):
        validate_manifest(bad)


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
    train(load_recipe(recipe_path, smoke=True), str(workdir), steps=2)  # a finished run: what release reads
    manifest = release(str(workdir), recipe_path="recipes/biggan_fmnist32.py", repo_id="zoo-gan/biggan-fmnist-32",
                       license="apache-2.0", num=6, reference="fmnist/test", train="fmnist/train", seed=0,
                       truncations=(0.5, 1.0), curve_num=6, train_command="zoo imp a.py && zoo train b.py")
    folder = tmp_path / "weights" / "biggan-fmnist-32"
    validate_manifest(manifest, str(folder))
    assert manifest["recipe"]["command"] == "zoo imp a.py && zoo train b.py"  # given, none recorded by train()
    assert [(m["name"], m["truncation"], m["num_fake"]) for m in manifest["metrics"]] == [
        ("fid", None, 6), ("kid", None, 6), ("precision", None, 6), ("recall", None, 6), ("density", None, 6),
        ("coverage", None, 6), *((name, t, 6) for t in (0.5, 1.0) for name in ("fid", "precision", "recall"))]
    curve = [m for m in manifest["metrics"] if m["truncation"] is not None]  # BigGAN has batch norm:
    assert all("standing statistics" in m["notes"] for m in curve)  # sampled with the standing statistics
    assert manifest["golden"]["labels"] is not None
    assert (folder / "classes.png").exists()
    from PIL import Image

    width, height = Image.open(folder / "classes.png").size
    assert height >= 10 * 32 and width >= 10 * 32  # 10 classes x 10 samples
    card = (folder / "README.md").read_text()
    assert "Samples per class" in card and "7 Sneaker" in card and "FID over the truncation threshold" in card
    assert (folder / "truncation_curve.png").exists() and "![truncation curve](truncation_curve.png)" in card


def _fake_data(monkeypatch, data):
    """`zoo.data.load_arrays` / `dataset_info` of {split: images} for every dataset name."""
    import zoo.data

    monkeypatch.setattr(zoo.data, "load_arrays", lambda name, split: (data[split], None))
    monkeypatch.setattr(zoo.data, "dataset_info",
                        lambda name: {"num_examples": {k: len(v) for k, v in data.items()}})


def test_measure_defaults_are_evaluate_generator_and_real_floor(tmp_path, monkeypatch):
    """The shipped models' protocol is unchanged: FID / KID of n fakes vs the first n reference images, the
    floor n train images (seeded permutation) vs the same n reference images, curve at its own n."""
    from tests.metrics.fakes import FakeGenerator, fake_dataset
    from zoo.cli.release import measure
    from zoo.metrics.evaluate import evaluate_generator, real_floor

    _fake_features(monkeypatch)
    monkeypatch.setenv("ZOO_CACHE", str(tmp_path / "cache"))
    _fake_data(monkeypatch, {"test": fake_dataset(40, seed=1)[0], "train": fake_dataset(50, seed=2)[0]})
    g = FakeGenerator()
    entries = measure(g, num=20, reference="fmnist/test", train="fmnist/train", seed=3, progress=False,
                      truncations=(0.5,), curve_num=12)
    sampled = len(g.calls)
    with pytest.raises(ValueError, match=r"fmnist/test: need 2 <= num <= 40 real images.*--num-real N\|all"):
        measure(g, num=41, reference="fmnist/test", train="fmnist/train", progress=False)
    assert len(g.calls) == sampled  # refused before sampling
    with pytest.raises(ValueError, match="floor_train .* floor_reference, which is not given"):
        measure(g, num=4, reference="fmnist/test", train="fmnist/train", floor_train="fmnist/train")
    for entry, metric, n in ((entries[0], "fid", 20), (entries[1], "kid", 20), (entries[6], "fid", 12)):
        expected = evaluate_generator(g, metric=metric, num=n, reference="fmnist/test", seed=3, progress=False,
                                      truncation=entry["truncation"])
        floor = real_floor("fmnist/test", "fmnist/train", num=n, metric=metric, seed=3, progress=False)
        assert (entry["value"], entry["num_fake"], entry["num_real"]) == (expected["value"], n, n)
        assert (entry["floor"], entry["floor_num"]) == (floor["value"], n)
    from zoo.metrics.evaluate import evaluate_prdc

    prdc = evaluate_prdc(g, num=20, reference="fmnist/test", train="fmnist/train", seed=3, progress=False)
    for entry, name, k in zip(entries[2:6], ("precision", "recall", "density", "coverage"), (3, 3, 5, 5)):
        assert (entry["name"], entry["k"], entry["num_fake"], entry["num_real"], entry["floor_num"]) == (name, k, 20,
                                                                                                          20, 20)
        assert (entry["value"], entry["floor"]) == (prdc[name], prdc["real_vs_real"][name])
        assert entry["floor_reference"] == prdc["floor_reference"] and entry["weights"] == "ema"
    sampled = len(g.calls)
    with pytest.raises(ValueError, match="5 images in a set .* need at least 6 per set"):
        measure(g, num=5, reference="fmnist/test", train="fmnist/train", progress=False)
    assert len(g.calls) == sampled  # refused before sampling


def test_measure_on_two_halves_puts_every_figure_at_one_n(tmp_path, monkeypatch):
    """EmojiOne's protocol (`--reference emojione/rest_b --train emojione/rest_a --num 847`), here with 12-image
    halves: every entry has n fakes vs all of B, and its floor all of A vs all of B."""
    from tests.metrics.fakes import FakeGenerator, fake_dataset
    from zoo.cli.release import measure

    _fake_features(monkeypatch)
    monkeypatch.setenv("ZOO_CACHE", str(tmp_path / "cache"))
    _fake_data(monkeypatch, {"rest_a": fake_dataset(12, seed=1)[0], "rest_b": fake_dataset(12, seed=2)[0]})
    entries = measure(FakeGenerator(), num=12, reference="emojione/rest_b", train="emojione/rest_a", progress=False)
    assert [e["name"] for e in entries] == ["fid", "kid", "precision", "recall", "density", "coverage"]
    for e in entries:
        assert (e["num_fake"], e["num_real"], e["floor_num"], e["reference"]) == (12, 12, 12, "emojione/rest_b")
        assert e["floor_reference"] == "emojione/rest_a (n=12, permutation seed 0) vs emojione/rest_b (n=12)"


def test_release_few_shot_protocol_of_a_stylegan2_run(tmp_path, monkeypatch):
    """The emoji protocol on a tiny StyleGAN2 work dir and a fake 60-image data set: n fakes vs all 60 reals,
    one floor (test (6) vs 6 train images) for every figure, the psi sweep, the style-mixing grids."""
    from tests.export.toy_generators import tiny_stylegan2
    from tests.metrics.fakes import fake_dataset
    from zoo.cli.release import release
    from zoo.metrics.evaluate import evaluate_generator, real_floor
    from zoo.models.serialization import save_model_files

    _fake_features(monkeypatch)
    monkeypatch.setenv("ZOO_WEIGHTS_DIR", str(tmp_path / "weights"))
    monkeypatch.setenv("ZOO_CACHE", str(tmp_path / "cache"))
    (tmp_path / "weights").mkdir()
    images = fake_dataset(60, shape=(64, 64, 3))[0]
    test = np.arange(60) % 10 == 9
    _fake_data(monkeypatch, {"all": images, "train": images[~test], "test": images[test]})
    g = tiny_stylegan2(resolution=64, channels=4, w_avg=0.2)
    workdir = tmp_path / "run"
    save_model_files(str(workdir / "export"), g)
    (workdir / "recipe.json").write_text(json.dumps({"name": "stylegan2-emoji-64",
                                                     "data": {"dataset": "emoji", "split": "train"}}))
    (workdir / "train_state.json").write_text(json.dumps({"step": 4, "wall_clock_s": 2.0, "hardware": "2 CPU cores"}))
    manifest = release(str(workdir), recipe_path="recipes/stylegan2_emoji64.py", repo_id="zoo-gan/stylegan2-emoji-64",
                       license="apache-2.0", num=8, reference="emoji/all", num_real="all", train="emoji/train",
                       floor_reference="emoji/test", truncations=(0.5, 1.0), curve_num=7, git_commit="e" * 40)
    folder = tmp_path / "weights" / "stylegan2-emoji-64"
    validate_manifest(manifest, str(folder))
    metrics = manifest["metrics"]
    assert [(m["name"], m["truncation"], m["num_fake"], m["num_real"], m["reference"]) for m in metrics] == [
        ("fid", None, 8, 60, "emoji/all"), ("kid", None, 8, 60, "emoji/all"),
        *((name, None, 8, 60, "emoji/all") for name in ("precision", "recall", "density", "coverage")),
        *((name, t, 7, 60, "emoji/all") for t in (0.5, 1.0) for name in ("fid", "precision", "recall"))]
    assert not any("notes" in m for m in metrics)  # no batch norm in StyleGAN2: no standing statistics
    floor = real_floor("emoji/test", "emoji/train", num=6, progress=False)
    assert {(m["floor"], m["floor_num"], m["floor_reference"]) for m in metrics if m["name"] == "fid"} == {
        (floor["value"], 6, "emoji/train (n=6, permutation seed 0) vs emoji/test (n=6)")}
    assert metrics[1]["floor"] == real_floor("emoji/test", "emoji/train", num=6, metric="kid", progress=False)["value"]
    fid = evaluate_generator(g, num=8, reference="emoji/all", num_real=60, progress=False)["value"]
    psi = evaluate_generator(g, num=7, reference="emoji/all", num_real=60, truncation=0.5, progress=False)["value"]
    assert (metrics[0]["value"], metrics[6]["value"]) == (fid, psi)  # psi through g.sample(truncation=0.5)
    assert manifest["truncation_space"] == "w" and manifest["dataset"]["num_examples"] == 54
    for name in ("samples.png", "style_mixing_coarse.png", "style_mixing_middle.png", "style_mixing_fine.png"):
        assert (folder / name).exists(), name
    card = (folder / "README.md").read_text()
    assert "## Style mixing" in card and "![style mixing, fine styles from B](style_mixing_fine.png)" in card
    assert "FID over the truncation psi (w-space truncation" in card and "n = 7 samples each" in card
    assert "with t the truncation psi (w-space truncation" in card
    row = next(line for line in card.splitlines() if line.startswith("| fid | ") and "| 0.5 |" in line)
    assert "| 7 | emoji/all (60) | " in row and "(n=6)" in row
