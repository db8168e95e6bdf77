"""benchmarks/projection_figure.py at a tiny size: held-out Fashion-MNIST test images projected into the
shipped SNGAN (2 steps, no perceptual term): one JSON line per image with both PSNRs, and the figure."""

import importlib.util
import json
import os

import numpy as np
from PIL import Image

from tests.conftest import REPO


def load_bench():
    spec = importlib.util.spec_from_file_location("projection_figure_bench",
                                                  os.path.join(REPO, "benchmarks", "projection_figure.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_held_out_images_give_json_lines_and_a_figure(tmp_path, capsys):
    bench = load_bench()
    assert "sngan-fmnist-32" in bench.image_models() and "tganv2-mfmnist-16x64" not in bench.image_models()
    assert bench.main(["--models", "sngan-fmnist-32", "--num", "2", "--steps", "2", "--perceptual-weight", "0",
                       "--out", str(tmp_path)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [x["image"] for x in lines] == ["fmnist/test[0]", "fmnist/test[9999]"]
    for x in lines:
        assert x["benchmark"] == "projection" and x["space"] == "z" and x["steps"] == 2
        assert np.isfinite(x["value"]) and abs(x["ratio"] - x["value"] / x["baseline_value"]) < 0.01
    assert Image.open(tmp_path / "sngan-fmnist-32.png").size == (2 + 2 * 34, 2 + 2 * 34)  # 2 targets over 2
