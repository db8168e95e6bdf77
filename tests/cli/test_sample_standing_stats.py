"""`zoo sample --truncation T` samples batch-norm generators with the standing statistics of T (what
`g.sample(..., truncation=T)` gives), and `--no-standing-stats` with the running statistics."""

from __future__ import annotations

import numpy as np
from PIL import Image

from zoo.cli import main
from zoo.images import make_grid
from zoo.models.sagan import SAGANGenerator
from zoo.models.serialization import save_model_files


def test_sample_uses_standing_statistics_unless_told_not_to(tmp_path, capsys):
    g = SAGANGenerator(latent_dim=8, num_classes=3, channels=4, channel_multipliers=[4, 2], bottom_width=4,
                       attention_resolutions=[], image_channels=1).build_for_inputs()
    run = tmp_path / "run"
    save_model_files(str(run / "export"), g)
    out = tmp_path / "grid.png"
    command = ["sample", str(run), "--num", "4", "--labels", "1", "--truncation", "0.5", "--out", str(out)]
    assert main(command) == 0
    assert "batch-norm standing statistics for truncation 0.5 (16 passes of 128 samples" in capsys.readouterr().out
    standing = g.sample(4, seed=0, labels=1, truncation=0.5)
    np.testing.assert_array_equal(np.asarray(Image.open(out)), make_grid(standing)[..., 0])  # grayscale PNG
    assert main(command + ["--no-standing-stats"]) == 0
    assert "standing statistics" not in capsys.readouterr().out
    running = g.sample(4, seed=0, labels=1, truncation=0.5, standing_stats=False)
    np.testing.assert_array_equal(np.asarray(Image.open(out)), make_grid(running)[..., 0])
    assert not np.array_equal(standing, running)
