"""benchmarks/tganv2_memory.py: its configurations, one in-process measurement of G and of D at a tiny size, and
the arithmetic of the summary (ratios dense / tganv2, growth from the smallest to the largest resolution)."""

import importlib.util
import os

import pytest

from tests.conftest import REPO

TINY = {"max_width": 8, "min_width": 4, "d_channels": [4, 4]}


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("tganv2_memory", os.path.join(REPO, "benchmarks", "tganv2_memory.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_configurations(bench):
    assert [bench.block_widths(r) for r in (32, 64, 128)] == [[64, 32, 16], [64, 64, 32, 16], [64, 64, 64, 32, 16]]
    assert bench.base_size(128) == 4 and bench.base_size(192) == 3 and len(bench.block_widths(192)) == 6
    assert [bench.default_levels(r) for r in (16, 32, 64, 128, 192)] == [2, 3, 3, 4, 4]
    configs = bench.network_configs(64)
    assert configs["tganv2"]["generator"]["levels"] == 3 and configs["dense"]["generator"]["levels"] == 1
    assert configs["dense"]["discriminator"]["levels"] == 1
    same = ("channels", "base_size", "clstm_channels", "latent_dim", "frames")
    assert all(configs["tganv2"]["generator"][k] == configs["dense"]["generator"][k] for k in same)
    with pytest.raises(ValueError, match="not 4 x 2"):
        bench.base_size(40)


@pytest.mark.parametrize("model, network", [("tganv2", "g"), ("dense", "d")])
def test_measure_tiny(bench, model, network):
    m = bench.measure(model, network, 16, batch=2, repeats=1, **TINY)
    assert (m["model"], m["network"], m["resolution"], m["batch"]) == (model, network, 16, 2)
    expected_shapes = [[16, 8, 8, 3], [8, 16, 16, 3]] if model == "tganv2" else [[16, 16, 16, 3]]
    assert m["level_shapes"] == expected_shapes
    assert m["level_batches"] == ([2, 1] if model == "tganv2" else [2])
    assert m["params"] > 0 and m["s"] > 0 and len(m["times_s"]) == 1
    assert m["rss_peak_mib"] >= m["rss_before_mib"] > 0
    if m["rss_peak_reset"]:
        assert m["mib"] == pytest.approx(m["rss_peak_mib"] - m["rss_before_mib"], abs=0.11)
    if m["allocator_mib"] is None:
        assert m["allocator_unsupported"]
    else:
        assert m["allocator_peak_mib"] >= m["allocator_mib"] >= 0


def _fake(model, network, resolution, mib, seconds):
    return {"model": model, "network": network, "resolution": resolution, "mib": mib, "rss_peak_mib": mib + 500,
            "allocator_mib": mib / 2, "allocator_peak_mib": mib, "s": seconds, "params": 10,
            "level_shapes": [[16, resolution, resolution, 3]], "level_batches": [8]}


def test_summary_arithmetic(bench):
    measurements = []
    for r, scale in ((32, 1), (128, 16)):
        for network, (tg, de) in {"g": (10, 40), "d": (5, 100), "step": (20, 200)}.items():
            measurements.append(_fake("tganv2", network, r, tg * (scale if network != "g" else 4), 1.0))
            measurements.append(_fake("dense", network, r, de * scale, 2.0 * scale))
    out = bench.summarize(measurements, {"batch": 8})
    assert out["benchmark"] == "tganv2_memory" and out["hardware"] and out["tensorflow"]
    assert out["settings"] == {"batch": 8} and out["allocator_peak"] is None
    assert out["paper_reference"]["g_memory_ratio"] == 7.07 and out["paper_reference"]["d_memory_ratio"] == 20.35
    assert out["paper_reference"]["resolution"] == 192 and out["paper_reference"]["hardware"] == "GPU"
    r128 = out["results"]["128"]
    assert r128["tganv2"]["g_mib"] == 40 and r128["dense"]["g_mib"] == 640
    assert r128["ratio"]["g"] == 16.0  # 640 / 40
    assert r128["ratio"]["d"] == 20.0 and r128["ratio"]["step"] == 10.0
    assert r128["ratio"]["time"] == 32.0 and r128["ratio"]["g_allocator"] == 16.0
    assert out["results"]["32"]["ratio"]["g"] == 1.0  # 40 / 40
    growth = out["growth"]
    assert (growth["from"], growth["to"], growth["pixels_ratio"]) == (32, 128, 16.0)
    assert growth["dense"]["g"] == 16.0 and growth["tganv2"]["g"] == 1.0 and growth["tganv2"]["d"] == 16.0
    assert growth["dense"]["step_time"] == 16.0 and growth["tganv2"]["step_time"] == 1.0


def test_summary_with_missing_and_unsupported(bench):
    measurements = [_fake("tganv2", "g", 32, 10, 1.0),
                    {**_fake("dense", "g", 32, 30, 1.0), "allocator_mib": None, "allocator_peak_mib": None,
                     "allocator_unsupported": "ValueError: no stats"},
                    {"model": "dense", "network": "d", "resolution": 32, "error": "killed"}]
    out = bench.summarize(measurements, {})
    ratio = out["results"]["32"]["ratio"]
    assert ratio["g"] == 3.0 and ratio["d"] is None and ratio["g_allocator"] is None
    assert out["results"]["32"]["dense"]["d_error"] == "killed" and out["results"]["32"]["dense"]["d_mib"] is None
    assert out["allocator_peak"] == {"value": None, "reason": "ValueError: no stats"}
    assert out["growth"] is None


@pytest.mark.slow
def test_children_end_to_end(bench):
    out = bench.run([16], batch=2, repeats=1, networks=("g",), config=TINY)
    row = out["results"]["16"]
    assert row["tganv2"]["g_mib"] is not None and row["dense"]["g_mib"] is not None
    assert row["ratio"]["g"] == round(row["dense"]["g_mib"] / row["tganv2"]["g_mib"], 2)
    assert out["settings"]["per_resolution"]["16"]["tganv2_levels"] == 2
