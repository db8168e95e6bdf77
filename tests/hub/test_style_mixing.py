"""Style-mixing grids of the model card: the ws groups, the grid layout, the files, manifest and card."""

import json
import os

import numpy as np
import pytest
from PIL import Image

from tests.export.toy_generators import tiny_stylegan2
from tests.metrics.fakes import FakeGenerator
from zoo.hub import style_mixing as sm

PAPER_1024 = [4, 8, 16, 32, 64, 128, 256, 512, 1024]


def test_style_groups_follow_the_paper():
    """Karras et al. 2019, Fig. 3 at 1024x1024 (18 ws): coarse 0-3 (4x4-8x8), middle 4-7, fine 8-17."""
    assert sm.style_ranges(PAPER_1024, 18) == {"coarse": (0, 4), "middle": (4, 8), "fine": (8, 18)}
    assert sm.style_ranges(PAPER_1024[:5], 10) == {"coarse": (0, 4), "middle": (4, 8), "fine": (8, 10)}
    assert sm.style_ranges([4, 8, 16], 6) == {"coarse": (0, 4), "middle": (4, 6)}
    assert sm.style_ranges([4, 8], 4) == {"coarse": (0, 4)}
    assert sm.group_resolutions("fine", 64) == (64, 64) and sm.group_resolutions("fine", 32) is None
    with pytest.raises(ValueError, match="multiple of the number of resolutions"):
        sm.style_ranges([4, 8], 5)
    with pytest.raises(ValueError, match="unknown style group"):
        sm.group_resolutions("medium", 64)


def test_capability_not_family():
    assert sm.supports_style_mixing(tiny_stylegan2())
    assert not sm.supports_style_mixing(FakeGenerator())


@pytest.fixture(scope="module")
def g64():
    return tiny_stylegan2(resolution=64, channels=4)


def test_mixed_ws_takes_one_range_from_b(g64):
    a, b = np.zeros((2, g64.num_ws, 8), np.float32), np.ones((2, g64.num_ws, 8), np.float32)
    mixed = np.asarray(sm.mixed_ws(g64, a, b, 4, 8))
    np.testing.assert_array_equal(mixed[:, :, 0], [[0, 0, 0, 0, 1, 1, 1, 1, 0, 0]] * 2)
    np.testing.assert_array_equal(np.asarray(sm.mixed_ws(g64, a, b, 8, 10))[0, :, 0], [0] * 8 + [1, 1])


def test_grid_layout_and_reproducibility():
    """At 8x8 the coarse group is every ws: each mixed cell is then exactly source B's image of its column."""
    g = tiny_stylegan2(resolution=8)
    cells = sm.style_mixing_cells(g, "coarse", rows=2, cols=3)
    assert cells.shape == (12, 8, 8, 3) and cells.dtype == np.uint8
    assert (cells[0] == sm.BLANK).all()
    b, a = cells[1:4], cells[[4, 8]]
    np.testing.assert_array_equal(b, g.sample(3, seed=sm.SEED_B))  # const noise, untruncated: the samples
    np.testing.assert_array_equal(a, g.sample(2, seed=sm.SEED_A))
    for row in (5, 9):
        np.testing.assert_array_equal(cells[row:row + 3], b)
    np.testing.assert_array_equal(sm.style_mixing_cells(g, "coarse", rows=2, cols=3), cells)
    assert sm.style_mixing_grid(g, "coarse", rows=2, cols=3).shape == (3 * 10 + 2, 4 * 10 + 2, 3)
    with pytest.raises(ValueError, match="has no middle styles"):
        sm.style_mixing_cells(g, "middle")


def test_published_folder_has_the_grids_in_its_card(tmp_path, g64):
    """write_style_mixing -> style_mixing_{coarse,middle,fine}.png: pictures like samples.png (unlisted in `files`,
    uploaded), shown in README.md; the manifest says truncation means psi in w-space."""
    from tests.hub.conftest import RECIPE
    from zoo.hub.manifest import validate_manifest
    from zoo.hub.model_card import write_model_card
    from zoo.hub.publish import upload_patterns, write_manifest, write_style_mixing
    from zoo.models.serialization import save_model_files

    folder = tmp_path / "stylegan2-test-64"
    save_model_files(str(folder), g64)
    metrics = [{"name": "fid", "value": 80.0, "num_fake": 5000, "reference": "emoji/all", "num_real": 3926,
                "feature_extractor": "x", "weights": "ema", "truncation": t, "seed": 0, "floor": 9.5,
                "floor_num": 392, "floor_reference": "emoji/train (n=392, permutation seed 0) vs emoji/test (n=392)"}
               for t in (None, 0.7)]
    manifest = write_manifest(str(folder), dataset={"name": "emoji", "split": "train", "num_examples": 3534},
                              license="apache-2.0", repo_id="org/stylegan2-test-64", recipe=RECIPE, metrics=metrics)
    assert manifest["truncation_space"] == "w"
    paths = write_style_mixing(str(folder), g64, rows=2, cols=2)
    names = [os.path.basename(p) for p in paths]
    assert names == ["style_mixing_coarse.png", "style_mixing_middle.png", "style_mixing_fine.png"]
    assert Image.open(paths[0]).size == (3 * 66 + 2, 3 * 66 + 2)
    validate_manifest(json.loads((folder / "manifest.json").read_text()), folder=str(folder))
    assert set(names) <= set(upload_patterns(str(folder), manifest))
    card = open(write_model_card(str(folder), manifest)).read()
    assert "## Style mixing" in card and "(the styles of the 4x4-8x8 layers from B)" in card
    for name in names:
        assert f"]({name})" in card
    assert "| psi |" in card and "FID over the truncation psi (w-space truncation" in card
    assert "9.5 (n=392)" in card and "emoji/train (n=392, permutation seed 0) vs emoji/test (n=392)" in card
    assert "z drawn from a normal truncated" not in card


def test_models_without_styles_get_no_grid(weights_root):
    from tests.hub.conftest import NAME
    from zoo.hub.publish import write_style_mixing

    assert write_style_mixing(str(weights_root / NAME)) == []
    assert not any(f.startswith("style_mixing") for f in os.listdir(weights_root / NAME))
