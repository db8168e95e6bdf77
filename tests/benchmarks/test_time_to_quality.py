"""benchmarks/time_to_quality.py on a fake run: two snapshots of a tiny generator, the Inception features replaced
by deterministic random ones (the metrics themselves are tested in tests/metrics): one row per snapshot with its
step, wall clock, images seen, the six metrics and the floor; a second invocation records nothing new; the
default splits by dataset and the refusals."""

import importlib.util
import json
import os

import numpy as np
import pytest

from tests.conftest import REPO
from zoo.models.sngan import SNGANGenerator
from zoo.training.snapshots import save_snapshot


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("time_to_quality",
                                                  os.path.join(REPO, "benchmarks", "time_to_quality.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fake_run(path):
    os.makedirs(path)
    with open(os.path.join(path, "recipe.json"), "w") as f:
        json.dump({"name": "tiny-run", "data": {"dataset": "fmnist", "split": "train", "batch_size": 4}}, f)
    g = SNGANGenerator(latent_dim=8, channels=8, num_blocks=1, bottom_width=4, image_channels=1).build_for_inputs()
    for step, wall in ((2, 10.0), (4, 20.0)):
        save_snapshot(str(path), g, step, wall, step * 4)
    return str(path)


@pytest.fixture
def features(monkeypatch):
    """Features from a seeded RNG instead of the Inception network (mean shifted per call: fakes differ)."""
    import zoo.metrics.evaluate as evaluate
    import zoo.metrics.reference_stats as reference_stats

    calls = []

    def real(split, num, extractor=None, permutation_seed=None, progress=True):
        rng = np.random.default_rng(len(split) + (permutation_seed or 0))
        x = rng.standard_normal((num, 16))
        return {"features": x, "mu": x.mean(0), "sigma": np.cov(x, rowvar=False), "num": num}

    def fake(generator, num, seed, truncation, extractor, progress=True):
        calls.append(num)
        return np.random.default_rng(100 + len(calls)).standard_normal((num, 16)) + 0.5

    monkeypatch.setattr(reference_stats, "reference_statistics", real)
    monkeypatch.setattr(evaluate, "generated_features", fake)
    monkeypatch.setattr(evaluate, "make_extractor", lambda *a, **k: object())
    return calls


def test_one_row_per_snapshot_then_nothing_new(bench, features, tmp_path):
    workdir = fake_run(tmp_path / "run")
    results = str(tmp_path / "ttq.jsonl")
    rows = bench.evaluate_run(workdir, 20, 0, None, None, results)
    assert [(r["step"], r["wall_clock_s"], r["images_seen"]) for r in rows] == [(2, 10.0, 8), (4, 20.0, 16)]
    assert features == [20, 20]
    for row in rows:
        assert set(bench.METRIC_KEYS) <= set(row) and set(row["floor"]) == set(bench.METRIC_KEYS)
        assert (row["reference"], row["train"], row["num"], row["run"]) == ("fmnist/test", "fmnist/train", 20,
                                                                            "tiny-run")
        assert row["fid"] > row["floor"]["fid"] > 0  # the fakes are shifted; the floor is two real draws
    assert bench.evaluate_run(workdir, 20, 0, None, None, results) == []
    assert features == [20, 20]
    assert len(bench.run_rows(results, workdir, 20, "fmnist/test", "fmnist/train", 0)) == 2
    assert len(bench.evaluate_run(workdir, 24, 0, None, None, results)) == 2  # other settings: new points


def test_png_of_a_run(bench, features, tmp_path):
    pytest.importorskip("matplotlib")
    workdir = fake_run(tmp_path / "run")
    rows = bench.evaluate_run(workdir, 20, 0, None, None, None)
    out = bench.plot(rows, str(tmp_path / "curve.png"))
    assert open(out, "rb").read(8) == b"\x89PNG\r\n\x1a\n"


def test_refusals(bench, tmp_path):
    with pytest.raises(SystemExit, match="recipe.json"):
        bench.run_info(str(tmp_path))
    with pytest.raises(SystemExit, match="--reference and --train"):
        bench.splits_for("mnist", None, None)
    assert bench.splits_for("emojione", None, None) == ("emojione/rest_b", "emojione/rest_a")
    os.makedirs(tmp_path / "empty")
    (tmp_path / "empty" / "recipe.json").write_text(json.dumps({"name": "x", "data": {"dataset": "fmnist"}}))
    with pytest.raises(SystemExit, match="no snapshots"):
        bench.evaluate_run(str(tmp_path / "empty"), 20, 0, None, None, None)


@pytest.fixture
def video_features(monkeypatch):
    """Moving Fashion-MNIST clips, frame features and video features replaced by deterministic stand-ins; fake
    frames are shifted more the later their position in the clip (later frames worse)."""
    import zoo.metrics.evaluate as evaluate
    import zoo.metrics.features as features
    import zoo.metrics.video_distance as video_distance
    import zoo.metrics.video_features as video_features

    def clips(num, split, permutation_seed=None):
        out = np.zeros((num, 16, 8, 8, 1), np.uint8)
        out[:, :, 0, 0, 0] = 1 if split == "test" else 2  # marks real clips (generated ones are noise)
        return out

    def frame_features(frames, extractor, progress=True, desc=""):
        real = bool(frames[:, 0, 0, 0].max() in (1, 2)) and frames[:, 1:].max() == 0
        rng = np.random.default_rng(len(frames) + (0 if real else 7))
        x = rng.standard_normal((len(frames), 8))
        if not real:  # 4 positions per clip (frame step 5): position p shifted by p
            x += np.tile(np.arange(4), len(frames) // 4)[:, None]
        return x

    class Videos:
        name = "stand-in"

        def __call__(self, clips):
            return np.random.default_rng(len(clips)).standard_normal((len(clips), 8)) + clips.mean()

    monkeypatch.setattr(video_distance, "reference_clips", clips)
    monkeypatch.setattr(features, "extract_features", frame_features)
    monkeypatch.setattr(video_features, "ZooVideoFeatures", Videos)
    monkeypatch.setattr(evaluate, "make_extractor", lambda *a, **k: object())


def test_video_run(bench, video_features, tmp_path):
    """A TGANv2 run: per-frame FID / KID, FID of the first and last frame position, ZVD, with the floor; the
    default n is clips; recorded once per (settings, frame step); the PNG."""
    from zoo.models.tganv2 import PRESETS, TGANv2Generator, smoke_overrides

    path = tmp_path / "video"
    os.makedirs(path)
    (path / "recipe.json").write_text(json.dumps({"name": "tiny-video", "data": {"dataset": "mfmnist"}}))
    config = {**PRESETS["tganv2_64_small"]["generator"], **smoke_overrides(4)["generator"]}
    g = TGANv2Generator(**config).build_for_inputs()
    save_snapshot(str(path), g, 2, 10.0, 32)
    results = str(tmp_path / "ttq.jsonl")
    (row,) = bench.evaluate_run(str(path), 4, 0, None, None, results)
    assert row["kind"] == "video" and row["frame_step"] == 5 and row["num"] == 4
    assert (row["reference"], row["train"]) == ("mfmnist/test", "mfmnist/train")
    assert set(row["floor"]) == set(row) & set(row["floor"]) == {"fid", "kid", "fid_first_frame",
                                                                 "fid_last_frame", "zvd", "zvd_kid"}
    assert row["fid_last_frame"] > row["fid_first_frame"]  # the stand-in shifts later positions more
    assert bench.evaluate_run(str(path), 4, 0, None, None, results) == []
    assert len(bench.evaluate_run(str(path), 4, 0, None, None, results, frame_step=8)) == 1
    pytest.importorskip("matplotlib")
    out = bench.plot([row], str(tmp_path / "video.png"))
    assert open(out, "rb").read(8) == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(SystemExit, match="mfmnist/<split>"):
        bench.evaluate_run(str(path), 4, 0, "fmnist/test", "fmnist/train", None)
