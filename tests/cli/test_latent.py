"""`zoo project` and `zoo interpolate` on a model folder (in-process `zoo.cli.main`): the files they write
(latent .npy, reconstruction PNG, optimisation GIF, JSON with PSNR; a walk video with its frame count) and
their one-line usage errors, raised before any model is loaded."""

from __future__ import annotations

import contextlib
import json
import os

import numpy as np
import pytest
from PIL import Image

from tests.models.tiny_image_generators import tiny_generator
from zoo.cli import main
from zoo.models.serialization import save_model_files


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = str(tmp_path_factory.mktemp("latent_cli") / "sngan")
    save_model_files(root, tiny_generator("sngan"))
    return root


def test_project_writes_latent_reconstruction_and_gif(folder, tmp_path, capsys):
    from zoo.models.serialization import load_model_files

    g = load_model_files(folder)
    target = g.sample(1, seed=3)[0, ..., 0]
    Image.fromarray(np.pad(target, 8, constant_values=0)).convert("RGB").save(tmp_path / "shirt.png")  # 48x48
    out = tmp_path / "out"
    assert main(["project", folder, str(tmp_path / "shirt.png"), "--steps", "20", "--perceptual-weight", "0",
                 "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    summary = json.loads((out / "projection.json").read_text())["results"][0]
    assert summary["space"] == "z" and summary["label"] is None and summary["psnr_db"] > 0
    assert json.dumps(summary) in printed
    assert np.load(out / "shirt.z.npy").shape == (g.latent_dim,)
    assert Image.open(out / "shirt.projected.png").size[1] == 32 + 4  # target | reconstruction, padded grid
    with Image.open(out / "shirt.projection.gif") as gif:
        assert gif.n_frames > 2


@pytest.mark.parametrize("suffix,frames", [(".gif", 4), (".mp4", 3)])
def test_interpolate_writes_the_walk(folder, tmp_path, suffix, frames):
    out = str(tmp_path / f"walk{suffix}")
    assert main(["interpolate", folder, "--num", "2", "--frames", str(frames), "--out", out]) == 0
    if suffix == ".gif":
        with Image.open(out) as gif:
            assert gif.n_frames == frames
    else:
        import cv2

        capture = cv2.VideoCapture(out)
        assert int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) == frames
        capture.release()


@pytest.mark.parametrize("argv,message", [
    (["interpolate", "FOLDER", "--out", "walk.png"], "--out must end in .gif or .mp4"),
    (["interpolate", "FOLDER", "--frames", "1"], "--frames must be >= 2"),
    (["interpolate", "FOLDER", "--labels", "1,3"], "unconditional"),
    (["project", "FOLDER", "missing.png"], "missing.png: no such image file"),
    (["project", "FOLDER", "x.png", "--steps", "0"], "expected an integer >= 1"),
])
def test_usage_errors_are_one_line(folder, argv, message, capsys):
    argv = [folder if a == "FOLDER" else a for a in argv]
    with pytest.raises(SystemExit) if "--steps" in argv else contextlib.nullcontext():  # argparse exits
        code = main(argv)
        assert code in (1, 2)
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
