"""The mean of a per-replica value over all replicas of a `tf.distribute` step."""

from __future__ import annotations

import tensorflow as tf


def replica_mean(value):
    """`value` averaged over all replicas when called in a replica context with more than one replica (an
    all-reduce, differentiable), else `value` itself: so a batch statistic computed per replica equals the one
    of a single device on the global batch (equal per-replica batches)."""
    ctx = tf.distribute.get_replica_context()
    if ctx is not None and ctx.num_replicas_in_sync > 1:
        return ctx.all_reduce(tf.distribute.ReduceOp.MEAN, value)
    return value
