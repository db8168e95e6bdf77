"""Fixtures for the data tests: a private emoji cache, a network guard, and skips for missing Debian data."""

from __future__ import annotations

import os
import socket

import pytest

from zoo.data import emoji, fmnist

FMNIST_MISSING = not os.path.exists(os.path.join(fmnist.DEFAULT_DIR, "train-images-idx3-ubyte.gz"))
EMOJI_MISSING = not os.path.exists(emoji.DEFAULT_FONT)
requires_fmnist = pytest.mark.skipif(FMNIST_MISSING, reason="needs `apt-get install dataset-fashion-mnist`")
requires_emoji = pytest.mark.skipif(EMOJI_MISSING, reason="needs `apt-get install fonts-noto-color-emoji`")


@pytest.fixture(scope="session")
def emoji_cache(tmp_path_factory):
    """A session-wide ZOO_CACHE holding the 64x64 emoji, decoded once (cold) for all tests."""
    directory = tmp_path_factory.mktemp("zoo_cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ZOO_CACHE", str(directory))
        mp.delenv(emoji.ENV_VAR, raising=False)
        emoji.load_all()
        yield directory


@pytest.fixture
def no_network(monkeypatch):
    """Fail the test on any socket connection, GCS access (`gs://` paths) or TFDS download."""
    import tensorflow as tf
    from tensorflow_datasets.core import download
    from tensorflow_datasets.core.utils import gcs_utils

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r:.200}")

    def local_only(function):
        def guarded(path, *args, **kwargs):
            if str(path).startswith("gs://"):
                refuse(path)
            return function(path, *args, **kwargs)
        return guarded

    monkeypatch.setattr(gcs_utils, "_is_gcs_disabled", False)  # as in TFDS versions that use GCS by default
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    for name in ("exists", "download_gcs_dataset", "download_gcs_folder"):
        monkeypatch.setattr(gcs_utils, name, refuse)
    for name in ("exists", "glob", "isdir", "listdir"):
        monkeypatch.setattr(tf.io.gfile, name, local_only(getattr(tf.io.gfile, name)))
    for name in ("download", "download_and_extract", "download_kaggle_data"):
        monkeypatch.setattr(download.DownloadManager, name, refuse)
