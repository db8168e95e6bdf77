"""Test set-up: quiet TF, and the CPU split into 2 logical devices so MirroredStrategy has 2 replicas."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import tensorflow as tf  # noqa: E402

from zoo.training.strategy import split_cpu  # noqa: E402

split_cpu(2)
tf.config.experimental.enable_op_determinism()

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
