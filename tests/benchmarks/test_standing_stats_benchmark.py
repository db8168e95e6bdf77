"""benchmarks/standing_stats.py: its rows for a tiny SAGAN generator (brightness with and without standing
statistics beside the untruncated one) and its JSON lines."""

import importlib.util
import json
import os

import numpy as np
import pytest

from tests.conftest import REPO


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("standing_stats_bench",
                                                  os.path.join(REPO, "benchmarks", "standing_stats.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_rows_measure_the_three_brightnesses(bench):
    from zoo.models.sagan import SAGANGenerator

    g = SAGANGenerator(latent_dim=8, num_classes=3, channels=4, channel_multipliers=[4, 2], bottom_width=4,
                       attention_resolutions=[], image_channels=1).build_for_inputs()
    g.standing_stats(0.5, num_draws=2, batch_size=8)  # cached: the rows use these
    rows = bench.brightness_rows(g, truncations=(0.5,), num=6)
    assert [r["truncation"] for r in rows] == [0.5]
    labels = np.arange(6) % 3
    assert rows[0]["untruncated"] == float(g.sample(6, seed=0, labels=labels).mean())
    assert rows[0]["standing"] == float(g.sample(6, seed=0, labels=labels, truncation=0.5).mean())
    assert rows[0]["running"] == float(g.sample(6, seed=0, labels=labels, truncation=0.5,
                                                standing_stats=False).mean())


def test_main_prints_one_json_line_per_model_and_truncation(bench, capsys, monkeypatch, tmp_path):
    monkeypatch.setattr(bench, "brightness_rows", lambda g, truncations, num: [
        {"truncation": t, "untruncated": 50.0, "running": 2.0, "standing": 48.0, "stats_seconds": 1.0}
        for t in truncations])
    import zoo

    monkeypatch.setattr(zoo, "load", lambda name: name)
    out = tmp_path / "results.jsonl"
    assert bench.main(["--models", "a,b", "--truncations", "0.25,0.5", "--num", "4", "--out", str(out)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [json.loads(line) for line in out.read_text().splitlines()] == lines
    assert [(x["model"], x["truncation"]) for x in lines] == [("a", 0.25), ("a", 0.5), ("b", 0.25), ("b", 0.5)]
    assert lines[0]["baseline_gap"] == 48.0 and lines[0]["gap"] == 2.0 and lines[0]["num"] == 4
