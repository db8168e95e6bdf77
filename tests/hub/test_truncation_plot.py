"""zoo.hub.truncation_plot: the curve points of a manifest, the PNG (three panels), its section in the card (once),
and the clear error without matplotlib."""

from __future__ import annotations

import builtins

import pytest
from PIL import Image

from zoo.hub import truncation_plot as tp


def entry(name, t, value, floor=None, notes=None):
    m = {"name": name, "value": value, "truncation": t, "num_fake": 6, "floor": floor}
    return {**m, "notes": notes} if notes else m


MANIFEST = {"name": "biggan-fmnist-32", "truncation_space": "z", "metrics": [
    entry("fid", None, 30.0), entry("precision", None, 0.5), entry("kid", 0.5, 0.1),
    *(entry(name, t, v, f, "sampled with the batch-norm standing statistics of its truncation")
      for t, vals in ((1.0, (40.0, 0.6, 0.4)), (0.5, (50.0, 0.8, 0.2)))
      for name, v, f in zip(tp.PANELS, vals, (2.0, 0.7, 0.7)))]}


def test_curve_points_keep_the_panels_metrics_sorted_by_truncation():
    points = tp.curve_points(MANIFEST["metrics"])
    assert sorted(points) == ["fid", "precision", "recall"]
    assert points["fid"] == [(0.5, 50.0, 2.0), (1.0, 40.0, 2.0)]
    assert tp.curve_points([entry("fid", None, 1.0), entry("recall", 0.5, 0.3)]) == {}  # no FID curve: no plot


def test_plot_and_card_section(tmp_path):
    (tmp_path / "README.md").write_text("# card\n\n## Metrics\n\ntable\n\n## Training\n\nrecipe\n")
    path = tp.write_truncation_plot(str(tmp_path), MANIFEST)
    width, height = Image.open(path).size
    assert path.endswith("truncation_curve.png") and width > 2 * height  # three panels side by side
    assert tp.add_to_card(str(tmp_path), MANIFEST) is True
    assert tp.add_to_card(str(tmp_path), MANIFEST) is False  # once
    card = (tmp_path / "README.md").read_text()
    assert card.index("![truncation curve](truncation_curve.png)") < card.index("## Training")
    assert "truncation threshold T" in card and "standing statistics of each truncation" in card
    assert tp.write_truncation_plot(str(tmp_path), {**MANIFEST, "metrics": MANIFEST["metrics"][:2]}) is None
    psi = tp.card_section({**MANIFEST, "truncation_space": "w", "metrics": []})
    assert "truncation psi (w-space)" in psi and "standing statistics" not in psi


def test_missing_matplotlib_is_a_clear_error(monkeypatch):
    real_import = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name.startswith("matplotlib"):
            raise ImportError("No module named 'matplotlib'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    with pytest.raises(ImportError, match=r"needs matplotlib: pip install matplotlib \(or zoo-gan\[benchmarks\]"):
        tp.require_matplotlib()


def test_rewriting_a_card_keeps_the_plot(tmp_path):
    """`python -m zoo.hub.model_card` (write_model_card) links the folder's truncation plot, once."""
    import json
    import os

    from tests.conftest import REPO
    from zoo.hub.model_card import write_model_card

    folder = os.path.join(REPO, "weights_manifest", "biggan-fmnist-32")
    manifest = json.load(open(os.path.join(folder, "manifest.json")))
    card = (tmp_path / os.path.basename(write_model_card(str(tmp_path), manifest)))
    assert "truncation_curve.png" not in card.read_text()  # no picture, no link
    Image.new("RGB", (30, 10)).save(tmp_path / tp.PLOT_FILE)
    for _ in range(2):
        write_model_card(str(tmp_path), manifest)
        assert card.read_text().count("![truncation curve](truncation_curve.png)") == 1
