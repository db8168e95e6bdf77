import argparse

import numpy as np
import pytest
from PIL import Image

from tests.hub.conftest import NAME, FakeHfApi
from zoo.cli import main
from zoo.cli.hub import add_subcommands, parse_labels


def test_subcommands_registered():
    parser = argparse.ArgumentParser()
    add_subcommands(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["sample", NAME, "--num", "8", "--seed", "3", "--labels", "3,3", "--truncation", "0.5",
                              "--out", "x.png"])
    assert (args.num, args.seed, args.labels, args.truncation, args.out) == (8, 3, [3, 3], 0.5, "x.png")
    args = parser.parse_args(["publish", NAME, "--repo-id", "org/" + NAME])
    assert args.repo_id == "org/" + NAME
    assert parser.parse_args(["list"]).func.__name__ == "run_list"


def test_parse_labels():
    assert parse_labels("3") == 3
    assert parse_labels("3,3,1") == [3, 3, 1]
    assert parse_labels("sneaker,bag,3") == ["sneaker", "bag", 3]
    with pytest.raises(argparse.ArgumentTypeError, match="at least one"):
        parse_labels(",")


def test_sample_with_class_names_from_a_work_dir(tmp_path):
    """`--labels sneaker` is mapped with the run's dataset (recipe.json) to label 7; unknown names fail."""
    import json

    from tests.models.biggan.test_biggan import TINY_G
    from zoo.models.biggan import BigGANGenerator
    from zoo.models.serialization import save_model_files

    g = BigGANGenerator(**{**TINY_G, "num_classes": 10}).build_for_inputs()
    run = tmp_path / "run"
    save_model_files(str(run / "export"), g)
    (run / "recipe.json").write_text(json.dumps({"dataset": "fmnist"}))
    out = tmp_path / "grid.png"
    assert main(["sample", str(run), "--num", "2", "--labels", "sneaker", "--out", str(out)]) == 0
    grid = np.asarray(Image.open(out))
    from zoo.images import make_grid

    expected = make_grid(g.sample(2, seed=0, labels=7))
    np.testing.assert_array_equal(grid, expected[..., 0])
    assert main(["sample", str(run), "--num", "2", "--labels", "sock", "--out", str(out)]) == 2


def test_sample_a_stylegan2_work_dir_with_psi(tmp_path, capsys):
    """`zoo sample RUN --truncation 0.7`: psi in w-space for StyleGAN2 (the run's export/ folder is read back);
    psi = 0 gives every sample the average w, so every cell of the grid is the same image."""
    from tests.export.toy_generators import tiny_stylegan2
    from zoo.images import make_grid
    from zoo.models.serialization import save_model_files

    g = tiny_stylegan2(resolution=8, w_avg=0.3)
    run = tmp_path / "run"
    save_model_files(str(run / "export"), g)
    out = tmp_path / "grid.png"
    assert main(["sample", str(run), "--num", "4", "--truncation", "0.7", "--out", str(out)]) == 0
    assert "truncation 0.7" in capsys.readouterr().out
    np.testing.assert_array_equal(np.asarray(Image.open(out)), make_grid(g.sample(4, seed=0, truncation=0.7)))
    assert main(["sample", str(run), "--num", "4", "--truncation", "0", "--out", str(out)]) == 0
    cells = np.asarray(Image.open(out))[2:, 2:].reshape(2, 10, 2, 10, 3)[:, :8, :, :8]
    assert all(np.array_equal(cells[0, :, 0], cells[i, :, j]) for i in range(2) for j in range(2))


def test_release_flags_of_the_few_shot_protocol():
    """The emoji release: n fakes vs the whole set, the floor test vs train at n = 392 (`zoo.cli.release`)."""
    parser = argparse.ArgumentParser()
    add_subcommands(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["release", "runs/x", "--recipe", "r.py", "--repo-id", "org/x", "--num", "5000",
                              "--reference", "emoji/all", "--num-real", "all", "--train", "emoji/train",
                              "--floor-reference", "emoji/test", "--truncation-curve", "0.5,0.7,1"])
    assert (args.num_real, args.floor_reference, args.floor_train, args.truncation_curve) == (
        "all", "emoji/test", None, (0.5, 0.7, 1.0))
    args = parser.parse_args(["release", "runs/x", "--recipe", "r.py", "--repo-id", "org/x"])
    assert (args.num, args.num_real, args.reference, args.train, args.floor_reference, args.frame_step) == (
        None, None, None, None, None, None)  # chosen by the generator's kind (zoo.cli.release.defaults):
    from zoo.cli.release import defaults

    assert defaults("image", "emoji") == {"num": 10000, "reference": "fmnist/test", "train": "fmnist/train"}
    assert defaults("video", "mfmnist") == {"num": 250, "reference": "mfmnist/test", "train": "mfmnist/train",
                                            "frame_step": 5}  # the shipped models' protocol; video clips
    assert parser.parse_args(["release", "x", "--recipe", "r", "--repo-id", "o/x", "--frame-step", "4"]).frame_step == 4
    assert parser.parse_args(["release", "x", "--recipe", "r", "--repo-id", "o/x", "--num-real", "392"]).num_real == 392
    with pytest.raises(SystemExit):
        parser.parse_args(["release", "x", "--recipe", "r", "--repo-id", "o/x", "--num-real", "some"])


def test_list(weights_root, capsys):
    assert main(["list"]) == 0
    header, line = capsys.readouterr().out.splitlines()
    assert header.split()[:2] == ["name", "family"]
    assert line.split()[:4] == [NAME, "sngan", "32x32", "unconditional"]
    assert line.endswith("fid 250.00 (n=500, floor 36.60)")


def test_sample_by_name_writes_the_grid(weights_root, tmp_path, expected_samples):
    out = tmp_path / "grid.png"
    assert main(["sample", NAME, "--num", "4", "--seed", "0", "--out", str(out)]) == 0
    grid = np.asarray(Image.open(out))
    assert grid.shape == (2 * 34 + 2, 2 * 34 + 2)
    np.testing.assert_array_equal(grid[2:34, 2:34], expected_samples[0, ..., 0])


def test_sample_from_a_model_folder(weights_root, tmp_path):
    out = tmp_path / "grid.png"
    assert main(["sample", str(weights_root / NAME), "--num", "2", "--out", str(out)]) == 0
    assert out.exists()


def test_sample_errors_are_reported(weights_root, tmp_path, capsys):
    """Every argument error is one line on stderr before any progress line: nothing on stdout."""
    assert main(["sample", NAME, "--num", "2", "--labels", "1", "--out", str(tmp_path / "g.png")]) == 2
    captured = capsys.readouterr()
    assert "unconditional" in captured.err and captured.out == ""
    assert main(["sample", "sngan-test-23", "--out", str(tmp_path / "g.png")]) == 2
    captured = capsys.readouterr()
    assert "did you mean" in captured.err and captured.out == ""
    assert main(["sample", NAME, "--num", "2", "--truncation", "0", "--out", str(tmp_path / "g.png")]) == 2
    captured = capsys.readouterr()  # z-space: a threshold T must be > 0 (psi = 0 is valid for StyleGAN2)
    assert "truncation must be > 0" in captured.err and captured.out == ""
    for bad in (["--num", "0"], ["--num", "-2"], ["--seed", "-1"], ["--truncation", "-0.5"]):
        with pytest.raises(SystemExit) as error:
            main(["sample", NAME, *bad, "--out", str(tmp_path / "g.png")])
        captured = capsys.readouterr()
        assert error.value.code == 2 and captured.out == "", bad
        assert captured.err.startswith("zoo sample: error: argument ") and bad[1] in captured.err, captured.err
    assert not (tmp_path / "g.png").exists()


def test_video_generator_needs_a_video_file_before_sampling(tmp_path, capsys, monkeypatch):
    """A video generator with --out grid.png, or with a truncation (it has none): refused before the progress
    line and before any sampling."""
    import zoo.cli.support
    from tests.export.toy_generators import ToyVideoGenerator

    class NoTruncation(ToyVideoGenerator):
        truncation_space = "none"

        def latents(self, num, seed=0, truncation=None):
            if truncation is not None:
                raise ValueError("this toy video generator has no truncation")
            return super().latents(num, seed)

        def sample(self, *args, **kwargs):
            raise AssertionError("sampled despite a bad argument")

    monkeypatch.setattr(zoo.cli.support, "resolve_generator", lambda name: NoTruncation().build_for_inputs())
    assert main(["sample", "run", "--num", "2", "--out", str(tmp_path / "grid.png")]) == 2
    captured = capsys.readouterr()
    assert "--out must end in .gif or .mp4" in captured.err and captured.out == ""
    assert main(["sample", "run", "--num", "2", "--truncation", "0.5", "--out", str(tmp_path / "g.gif")]) == 2
    captured = capsys.readouterr()
    assert "has no truncation" in captured.err and captured.out == ""
    import zoo.metrics.evaluate  # zoo eval: refused before minutes of features

    monkeypatch.setattr(zoo.metrics.evaluate, "evaluate_generator", lambda *a, **k: pytest.fail("evaluated"))
    assert main(["eval", "run", "--num", "10", "--truncation", "0.5"]) == 2
    captured = capsys.readouterr()
    assert "has no truncation" in captured.err and captured.out == ""


def test_publish(weights_root, fake_hf_api, capsys):
    assert main(["publish", NAME, "--repo-id", "org/" + NAME]) == 0
    assert FakeHfApi.oid in capsys.readouterr().out


def test_exit_codes_and_error_lines():
    """The one mapping of `zoo.cli.main`: 2 for the user's input, 1 for failures; one line per error."""
    from zoo.cli import UsageError, error_line, exit_code
    from zoo.hub.load import ChecksumError
    from zoo.training.checkpoint import CheckpointError
    from zoo.training.recipe import RecipeError

    usage = [UsageError("unknown model"), RecipeError("r.py: bad"), ValueError("--labels 1: unconditional"),
             argparse.ArgumentTypeError("bad")]
    failures = [ChecksumError("sha256 mismatch"), FileExistsError("runs/x already has checkpoints"),
                FileNotFoundError("recipe file not found: x.py"), CheckpointError("no checkpoint verifies"),
                RuntimeError("boom"), KeyError("k")]
    assert [exit_code(e) for e in usage] == [2] * len(usage)
    assert [exit_code(e) for e in failures] == [1] * len(failures)
    assert exit_code(KeyboardInterrupt()) == 130
    assert error_line(KeyError("unknown pretrained model 'x'")) == "KeyError: unknown pretrained model 'x' " \
                                                                   "(--verbose for details)"
    assert error_line(CheckpointError("no checkpoint verifies")) == "no checkpoint verifies"
    assert error_line(ValueError("first\nsecond")) == "first (--verbose for details)"


def test_verbose_flag_and_metric_choices():
    from zoo.cli import build_parser
    from zoo.cli.metrics import METRICS
    from zoo.metrics.evaluate import METRICS as EVALUATE_METRICS

    parser = build_parser()
    assert parser.parse_args(["--verbose", "list"]).verbose and parser.parse_args(["list", "-v"]).verbose
    assert not parser.parse_args(["list"]).verbose
    assert METRICS == EVALUATE_METRICS  # the CLI's copy, kept to build the parser without TensorFlow
