"""Datasets as in-memory uint8 arrays plus tf.data pipelines. `load_arrays(name, split)` is the entry point."""

from __future__ import annotations

from zoo.data.errors import DatasetNotFoundError
from zoo.data.fmnist import load_fmnist


def load_arrays(name: str, split: str = "train", **kwargs):
    """(images uint8 NHWC, labels int64 or None) of dataset `name` ('fmnist', ...) and split."""
    loaders = {"fmnist": load_fmnist}
    if name not in loaders:
        raise KeyError(f"unknown dataset {name!r}; known: {sorted(loaders)}")
    return loaders[name](split=split, **kwargs)


__all__ = ["DatasetNotFoundError", "load_arrays", "load_fmnist"]
