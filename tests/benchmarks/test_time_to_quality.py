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
