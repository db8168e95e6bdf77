"""Choosing a tf.distribute strategy by name: default, mirrored, multiworker."""

from __future__ import annotations

import json
import os

import tensorflow as tf

STRATEGIES = ("default", "mirrored", "multiworker")


def split_cpu(num_devices: int) -> list[str]:
    """Split the (single) physical CPU into `num_devices` logical devices; must run before TF uses devices."""
    cpu = tf.config.list_physical_devices("CPU")[0]
    existing = tf.config.get_logical_device_configuration(cpu)
    if not existing or len(existing) != num_devices:
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * num_devices)
    return [f"/cpu:{i}" for i in range(num_devices)]


# Collective keys of a MirroredStrategy start from a class-level base, so two strategies created in one process
# reuse the same (group, instance) keys; the runtime caches a key's shape and aborts when the second strategy
# reduces a differently shaped tensor under it ("Shape mismatch in the collective instance"). TF's own tests
# move the base per strategy (tensorflow/python/distribute/strategy_combinations.py); so does zoo.
_COLLECTIVE_KEY_STRIDE = 100_000


def mirrored_strategy(devices: list[str] | None = None) -> tf.distribute.MirroredStrategy:
    """A MirroredStrategy over `devices` whose collective keys no other strategy of this process uses."""
    tf.distribute.MirroredStrategy._collective_key_base += _COLLECTIVE_KEY_STRIDE  # noqa: SLF001
    return tf.distribute.MirroredStrategy(devices=devices)


def get_strategy(name: str = "default", num_devices: int = 2) -> tf.distribute.Strategy:
    """The strategy `name`.

    - default: `tf.distribute.get_strategy()` (one device).
    - mirrored: MirroredStrategy over the GPUs, or, without GPUs, over `num_devices` logical CPU devices.
    - multiworker: MultiWorkerMirroredStrategy; the cluster comes from the TF_CONFIG environment variable.
    """
    if name not in STRATEGIES:
        raise ValueError(f"unknown strategy {name!r}; expected one of {STRATEGIES}")
    if name == "default":
        return tf.distribute.get_strategy()
    if name == "mirrored":
        gpus = tf.config.list_physical_devices("GPU")
        devices = None if gpus else split_cpu(num_devices)
        return mirrored_strategy(devices)
    if "TF_CONFIG" not in os.environ:
        raise ValueError("strategy 'multiworker' needs the TF_CONFIG environment variable (cluster + task)")
    json.loads(os.environ["TF_CONFIG"])
    return tf.distribute.MultiWorkerMirroredStrategy()


def is_chief(strategy: tf.distribute.Strategy) -> bool:
    """True on the worker that writes checkpoints, summaries and exports."""
    resolver = getattr(strategy, "cluster_resolver", None)
    if resolver is None or not resolver.task_type:
        return True
    return resolver.task_type == "chief" or (resolver.task_type == "worker" and resolver.task_id == 0)
