"""zoo.training.strategy: strategies by name, and several MirroredStrategies in one process."""

import numpy as np
import pytest
import tensorflow as tf

from zoo.training.strategy import get_strategy, mirrored_strategy


def _all_reduce_sum(strategy, n):
    @tf.function
    def reduce():
        return strategy.run(lambda: tf.distribute.get_replica_context().all_reduce("sum", tf.ones([n])))

    return strategy.experimental_local_results(reduce())[0].numpy()


def test_second_mirrored_strategy_reduces_other_shapes():
    """Without its own collective keys, the second strategy's first all-reduce reuses the first one's key and the
    runtime aborts with "Shape mismatch in the collective instance"."""
    np.testing.assert_array_equal(_all_reduce_sum(mirrored_strategy(["/cpu:0", "/cpu:1"]), 3), np.full(3, 2.0))
    np.testing.assert_array_equal(_all_reduce_sum(mirrored_strategy(["/cpu:0", "/cpu:1"]), 5), np.full(5, 2.0))
    np.testing.assert_array_equal(_all_reduce_sum(get_strategy("mirrored"), 7), np.full(7, 2.0))


def test_unknown_strategy_and_missing_tf_config_are_clear_errors(monkeypatch):
    with pytest.raises(ValueError, match="unknown strategy"):
        get_strategy("tpu")
    monkeypatch.delenv("TF_CONFIG", raising=False)
    with pytest.raises(ValueError, match="TF_CONFIG"):
        get_strategy("multiworker")
