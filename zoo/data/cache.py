"""On-disk cache of decoded datasets: `.npz` files (no pickle) under `${ZOO_CACHE:-~/.cache/zoo}`."""

from __future__ import annotations

import os
import threading
import zipfile

import numpy as np

from zoo.checksums import sha256_file

CACHE_ENV = "ZOO_CACHE"


def cache_dir(subdir: str = "") -> str:
    """`$ZOO_CACHE` (default `~/.cache/zoo`), joined with `subdir`; not created here."""
    root = os.environ.get(CACHE_ENV) or os.path.join(os.path.expanduser("~"), ".cache", "zoo")
    return os.path.join(root, subdir) if subdir else root


file_sha256 = sha256_file


def save_npz(path: str, **arrays) -> str:
    """Write `arrays` to `path` atomically (temporary file + rename), so readers never see half a file."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    tmp = os.path.join(directory, f".tmp-{os.getpid()}-{threading.get_ident()}-{os.path.basename(path)}")
    try:
        with open(tmp, "wb") as f:
            np.savez(f, **arrays)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    return path


def load_npz(path: str) -> dict[str, np.ndarray] | None:
    """All arrays of the `.npz` at `path`, or None when it is missing or unreadable (then it is rebuilt)."""
    if not os.path.exists(path):
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            return {key: data[key] for key in data.files}
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile):
        return None
