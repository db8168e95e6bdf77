"""Test set-up: quiet TF, the CPU split into 2 logical devices so MirroredStrategy has 2 replicas, and the
session-wide runs of the tiny recipe (`smoke_run`: 4 steps, `half_run`: 2 steps, `eight_step_run`: 8 steps)
that several test files read instead of training them again."""

import os

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import tensorflow as tf  # noqa: E402

from zoo.training.strategy import split_cpu  # noqa: E402

split_cpu(2)
tf.config.experimental.enable_op_determinism()

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


SMOKE_COMMAND = "zoo train recipes/x.py --init-from runs/x.imp/rewind"


@pytest.fixture(scope="session")
def smoke_run(tmp_path_factory):
    """The work dir of one finished run of the tiny recipe (`tests.training.helpers.tiny_recipe()`, 4 steps,
    default strategy, started by `SMOKE_COMMAND`), trained once per session and shared: read it, or copy it
    (`shutil.copytree`) before writing into it. Its export is the reference of the resume tests."""
    from tests.training.helpers import tiny_recipe
    from zoo.training.loop import train

    workdir = tmp_path_factory.mktemp("smoke") / "run"
    train(tiny_recipe(), str(workdir), command=SMOKE_COMMAND)
    return workdir


@pytest.fixture(scope="session")
def half_run(tmp_path_factory):
    """The work dir of a run of the tiny recipe stopped after 2 of its 4 steps (`train(tiny_recipe(), workdir,
    steps=2)`: checkpoint ckpt-2 and an export of step 2), trained once per session and shared: read it (its
    export/ is a small pretrained folder), or copy it before continuing or changing it."""
    from tests.training.helpers import tiny_recipe
    from zoo.training.loop import train

    workdir = tmp_path_factory.mktemp("half") / "run"
    train(tiny_recipe(), str(workdir), steps=2)
    return workdir


@pytest.fixture(scope="session")
def eight_step_run(tmp_path_factory):
    """The work dir of an uninterrupted 8-step run of the tiny recipe (`train(tiny_recipe(), workdir, steps=8)`:
    checkpoints every 2 steps, the last 3 kept), trained once per session: the reference of the tests that stop
    a run (a killed `zoo train`, a corrupt checkpoint) and resume it to step 8. Read it, or copy it."""
    from tests.training.helpers import tiny_recipe
    from zoo.training.loop import train

    workdir = tmp_path_factory.mktemp("eight") / "run"
    train(tiny_recipe(), str(workdir), steps=8)
    return workdir
