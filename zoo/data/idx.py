"""IDX file parsing (the MNIST / Fashion-MNIST format): magic, big-endian dims, then the raw array."""

from __future__ import annotations

import gzip

import numpy as np

_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def parse_idx(data: bytes) -> np.ndarray:
    """Parse the bytes of an (uncompressed) IDX file into an array. Raises ValueError on a malformed file."""
    if len(data) < 4 or data[0] != 0 or data[1] != 0:
        raise ValueError("not an IDX file: the first two bytes must be zero")
    code, ndim = data[2], data[3]
    if code not in _DTYPES:
        raise ValueError(f"not an IDX file: unknown type code 0x{code:02x}")
    header = 4 + 4 * ndim
    if len(data) < header:
        raise ValueError("truncated IDX header")
    dims = tuple(int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim))
    dtype = np.dtype(_DTYPES[code])
    expected = int(np.prod(dims)) * dtype.itemsize
    if len(data) - header != expected:
        raise ValueError(f"IDX payload has {len(data) - header} bytes, dims {dims} need {expected}")
    return np.frombuffer(data, dtype=dtype, offset=header).reshape(dims).astype(dtype.newbyteorder("="))


def read_idx(path: str) -> np.ndarray:
    """Read an IDX file, gzip-compressed when the name ends in .gz."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        return parse_idx(f.read())


def read_idx_shape(path: str) -> tuple[int, ...]:
    """The dims of an IDX file, read from its header only (the payload is not decompressed)."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        head = f.read(4)
        if len(head) < 4 or head[0] != 0 or head[1] != 0 or head[2] not in _DTYPES:
            raise ValueError(f"{path} is not an IDX file (bad magic {head!r})")
        dims = f.read(4 * head[3])
    if len(dims) != 4 * head[3]:
        raise ValueError(f"{path}: truncated IDX header")
    return tuple(int.from_bytes(dims[4 * i:4 * i + 4], "big") for i in range(head[3]))
