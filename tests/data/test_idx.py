"""IDX parsing on bytes built here (format: http://yann.lecun.com/exdb/mnist/, "FILE FORMATS")."""

import gzip

import numpy as np
import pytest

from zoo.data.idx import parse_idx, read_idx, read_idx_shape


def idx_bytes(array: np.ndarray, code: int, dtype: str) -> bytes:
    header = bytes([0, 0, code, array.ndim]) + b"".join(d.to_bytes(4, "big") for d in array.shape)
    return header + array.astype(dtype).tobytes()


def test_parse_uint8_images():
    x = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    y = parse_idx(idx_bytes(x, 0x08, "u1"))
    assert y.dtype == np.uint8 and y.shape == (2, 3, 4)
    np.testing.assert_array_equal(y, x)


def test_parse_big_endian_int32_to_native():
    x = np.array([1, -2, 70000], np.int32)
    y = parse_idx(idx_bytes(x, 0x0C, ">i4"))
    assert y.dtype == np.dtype(np.int32) and y.dtype.isnative
    np.testing.assert_array_equal(y, x)


def test_read_gzip_file_and_header_only(tmp_path):
    x = np.arange(5 * 2 * 2, dtype=np.uint8).reshape(5, 2, 2)
    path = tmp_path / "x-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(idx_bytes(x, 0x08, "u1")))
    np.testing.assert_array_equal(read_idx(str(path)), x)
    assert read_idx_shape(str(path)) == (5, 2, 2)


def test_truncated_payload():
    data = idx_bytes(np.zeros((4, 4), np.uint8), 0x08, "u1")
    with pytest.raises(ValueError, match="payload has 15 bytes"):
        parse_idx(data[:-1])


def test_truncated_header():
    data = idx_bytes(np.zeros((4, 4), np.uint8), 0x08, "u1")
    with pytest.raises(ValueError, match="truncated IDX header"):
        parse_idx(data[:9])


@pytest.mark.parametrize("head", [b"\x01\x00\x08\x01", b"\x00\x00\x42\x01", b"\x00"])
def test_bad_magic(head):
    with pytest.raises(ValueError, match="not an IDX file"):
        parse_idx(head + (1).to_bytes(4, "big") + b"\x00")


def test_header_reader_rejects_bad_magic(tmp_path):
    path = tmp_path / "bad"
    path.write_bytes(b"PK\x03\x04" + bytes(8))
    with pytest.raises(ValueError, match="not an IDX file"):
        read_idx_shape(str(path))
