"""Test set-up: quiet TF, the CPU split into 2 logical devices so MirroredStrategy has 2 replicas, and the
session-wide run of the tiny recipe (`smoke_run`) that several test files read instead of training it again."""

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
