"""The `zoo` command as a user sees it: run in a subprocess, without TF_CPP_MIN_LOG_LEVEL, asserting on stderr.

No TensorFlow / absl / CUDA startup lines or library warnings; an error is one line `zoo CMD: error: ...`
with exit code 2 (usage: unknown name, bad recipe) or 1 (failure: a work dir with checkpoints); `--verbose`
adds the traceback. Each command that loads TensorFlow costs a few seconds, so runs are shared, and the
independent ones run side by side (`Zoo`: started at once, awaited when a test reads them; the machine has 2
cores and a TensorFlow import keeps one busy).
"""

import os
import re
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RECIPE = os.path.join(ROOT, "recipes", "sngan_fmnist32.py")
PROGRESS = re.compile(r"^step \d+/\d+ \| ")


class Zoo:
    """`python -m zoo.cli ARGS` with the user's environment minus the variables that quiet TensorFlow, started
    now; `result()` waits for it and returns its CompletedProcess (returncode, stdout, stderr)."""

    def __init__(self, *args, cwd):
        env = {k: v for k, v in os.environ.items()
               if k not in ("TF_CPP_MIN_LOG_LEVEL", "GRPC_VERBOSITY", "PYTHONWARNINGS", "ZOO_WEIGHTS_DIR")}
        env["PYTHONPATH"] = ROOT
        self.args = [sys.executable, "-m", "zoo.cli", *map(str, args)]
        self.proc = subprocess.Popen(self.args, cwd=cwd, env=env, text=True, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self.done = None

    def result(self) -> subprocess.CompletedProcess:
        if self.done is None:
            try:
                out, err = self.proc.communicate(timeout=600)
            finally:
                self.proc.kill()
            self.done = subprocess.CompletedProcess(self.args, self.proc.returncode, out, err)
        return self.done


def zoo(*args, cwd):
    """`python -m zoo.cli ARGS` (see `Zoo`), waited for."""
    return Zoo(*args, cwd=cwd).result()


def one_error_line(result, command: str) -> str:
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"zoo {command}: error: "), result.stderr
    return lines[0]


@pytest.fixture(scope="module")
def started(tmp_path_factory):
    """The module's independent commands that load TensorFlow, started together: {"train": a 2-step smoke run
    into a work dir (it then has checkpoints), "sample": `zoo sample` of a pretrained model, "typo": `zoo train`
    of a recipe with a misspelt field}, each (Zoo, its directory)."""
    root = tmp_path_factory.mktemp("cli")
    workdir = root / "train" / "run"
    workdir.parent.mkdir()
    (root / "sample").mkdir()
    (root / "typo").mkdir()
    with open(RECIPE) as f:
        text = f.read()
    assert "batch_size=64" in text
    recipe = root / "typo" / "typo.py"
    recipe.write_text(text.replace("batch_size=64", "batch_sizee=64"))
    runs = {"train": (Zoo("train", RECIPE, "--smoke", "--steps", 2, "--workdir", workdir, cwd=workdir.parent),
                      workdir),
            "sample": (Zoo("sample", "sngan-fmnist-32", "--num", 4, "--seed", 0, "--out", "x.png", cwd=root / "sample"),
                       root / "sample"),
            "typo": (Zoo("train", recipe, "--smoke", "--workdir", root / "typo" / "run", cwd=root / "typo"), recipe)}
    yield runs
    for run, _ in runs.values():
        run.proc.kill()
        run.proc.wait()


@pytest.fixture(scope="module")
def trained(started):
    """A work dir with checkpoints from a 2-step smoke run, and that run's result."""
    run, workdir = started["train"]
    return workdir, run.result()


def test_list_and_usage_errors_are_quiet_one_liners(tmp_path):
    result = zoo("list", cwd=tmp_path)
    assert result.returncode == 0 and result.stderr == ""
    assert any(line.split()[:2] == ["sngan-fmnist-32", "sngan"] for line in result.stdout.splitlines())

    result = zoo("sample", "sngan-fmnist32", "--num", 4, "--out", "x.png", cwd=tmp_path)
    assert result.returncode == 2
    line = one_error_line(result, "sample")
    assert "did you mean 'sngan-fmnist-32'?" in line
    assert "biggan-fmnist-32" not in line and "sagan-fmnist-32" not in line  # only the close name

    result = zoo("sample", "--num", "x", cwd=tmp_path)
    assert result.returncode == 2
    assert "argument --num: expected an integer >= 1, got 'x'" in one_error_line(result, "sample")


def test_sample_prints_no_tensorflow_noise(started):
    run, directory = started["sample"]
    result = run.result()
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert (directory / "x.png").is_file()


def test_misspelt_recipe_field_is_a_usage_error(started):
    run, recipe = started["typo"]
    result = run.result()
    assert result.returncode == 2
    line = one_error_line(result, "train")
    assert str(recipe) in line and "'batch_sizee'" in line and "did you mean 'batch_size'?" in line


def test_training_keeps_progress_and_nothing_else(trained):
    _, result = trained
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert lines and all(PROGRESS.match(line) for line in lines), result.stderr
    assert "done: step 2" in result.stdout


def test_workdir_with_checkpoints_is_a_failure_and_verbose_shows_the_traceback(trained):
    workdir, _ = trained
    result = zoo("train", RECIPE, "--smoke", "--steps", 2, "--workdir", workdir, cwd=workdir.parent)
    assert result.returncode == 1
    line = one_error_line(result, "train")
    assert f"{workdir} already has checkpoints" in line and "--resume" in line

    result = zoo("--verbose", "train", RECIPE, "--smoke", "--steps", 2, "--workdir", workdir, cwd=workdir.parent)
    assert result.returncode == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert "FileExistsError" in result.stderr
    assert result.stderr.splitlines()[-1] == line
