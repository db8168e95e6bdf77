"""benchmarks/latent_vs_pixel.py: its evaluation grid and the arithmetic of the per-seed ratios and the summary
(the training itself is the latent_gan / GAN tasks, tested in tests/training)."""

import importlib.util
import os

import pytest

from tests.conftest import REPO


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("latent_vs_pixel",
                                                  os.path.join(REPO, "benchmarks", "latent_vs_pixel.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_eval_times(bench):
    assert bench.eval_times(100, 30, "") == [30, 60, 90, 100]
    assert bench.eval_times(90, 30, "") == [30, 60, 90]
    assert bench.eval_times(100, 30, "80,10,40,200") == [10, 40, 80, 100]
    with pytest.raises(ValueError, match="positive"):
        bench.eval_times(100, 30, "0,10")
    with pytest.raises(ValueError, match="positive"):
        bench.eval_times(100, 0, "")


def curve(points, batch):
    return [{"train_s": t, "steps": s, "images_seen": s * batch, "fid": f} for t, s, f in points]


def test_seed_row_ratios(bench):
    pixel = {"s_per_step": 2.0, "curve": curve([(30, 15, 300.0), (60, 30, 250.0), (120, 60, 200.0)], 64)}
    latent = {"s_per_step": 0.5, "curve": curve([(30, 60, 240.0), (60, 120, 150.0), (120, 240, 120.0)], 64)}
    row = bench.seed_row(1, pixel, latent, target=200.0, stage1_s=90.0)
    assert row["step_time_ratio"] == 4.0
    assert (row["pixel_s_to_target"], row["latent_s_to_target"]) == (120, 60)
    assert row["time_to_fid_ratio"] == 2.0 and not row["latent_reached_at_first_eval"]
    assert bench.seed_row(1, pixel, latent, target=250.0, stage1_s=0.0)["latent_reached_at_first_eval"]
    assert row["time_to_fid_ratio_with_stage1"] == pytest.approx(120 / 150)
    assert row["images_to_fid_ratio"] == pytest.approx(60 / 120)
    assert row["final_fid"] == {"pixel": 200.0, "latent": 120.0}
    never = bench.seed_row(1, pixel, latent, target=100.0, stage1_s=90.0)
    assert never["time_to_fid_ratio"] is None and never["time_to_fid_ratio_with_stage1"] is None


def test_summary(bench):
    assert bench.summary([1.0, 3.0, None]) == {"mean": 2.0, "std": 1.0, "n": 2}
    assert bench.summary([None]) == {"mean": None, "std": None, "n": 0}
