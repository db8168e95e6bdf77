"""Read the tensors of a PyTorch / TorchScript zip archive as NumPy arrays, without torch and without running code.

A TorchScript file (`torch.jit.save`) is a zip archive `<root>/data.pkl` + `<root>/data/<key>` (raw little-endian
storage bytes) + `<root>/code/` (the TorchScript source, never executed here). `data.pkl` is a pickle whose globals
are the module classes (`__torch__.*`), `torch._utils._rebuild_tensor_v2`, storage types and a few containers.

`RestrictedTensorUnpickler` resolves only those names, each to a local data-only stand-in:
- `torch._utils._rebuild_tensor_v2` -> `_rebuild_tensor` (a strided NumPy view of the storage, copied),
- `torch.<Type>Storage` -> a `StorageType` carrying the NumPy dtype,
- `collections.OrderedDict` -> `collections.OrderedDict`, `torch.jit._pickle.build_intlist` -> `list`,
- `__torch__.<module path>.<Class>` -> a subclass of `ModuleRecord` (a plain attribute bag; its `__dict__` receives
  the pickled state: sub-modules, tensors, ints).
Any other global (e.g. `os.system`, `builtins.eval`) raises `DisallowedGlobalError`: no other pickle code runs.
"""

from __future__ import annotations

import collections
import io
import pickle
import zipfile

import numpy as np

STORAGE_DTYPES = {
    "FloatStorage": np.float32,
    "DoubleStorage": np.float64,
    "HalfStorage": np.float16,
    "LongStorage": np.int64,
    "IntStorage": np.int32,
    "ShortStorage": np.int16,
    "CharStorage": np.int8,
    "ByteStorage": np.uint8,
    "BoolStorage": np.bool_,
}


class DisallowedGlobalError(pickle.UnpicklingError):
    """A pickle named a global outside the tensor-rebuild allow-list."""


class StorageType:
    """Stand-in for `torch.<Type>Storage`: only its NumPy dtype is kept."""

    def __init__(self, name: str):
        self.name = name
        self.dtype = np.dtype(STORAGE_DTYPES[name]).newbyteorder("<")


class ModuleRecord:
    """Stand-in for a pickled `__torch__` module: its pickled state becomes plain attributes.

    `type_name` is the qualified TorchScript class name (e.g. '__torch__.inceptionv3.Conv2dLayer').
    """

    type_name = "?"

    def __setstate__(self, state):
        if not isinstance(state, dict):
            raise pickle.UnpicklingError(f"{self.type_name}: expected a dict state, got {type(state).__name__}")
        self.__dict__.update(state)

    def children(self) -> dict:
        """Sub-modules in pickled (= definition) order."""
        return {k: v for k, v in self.__dict__.items() if isinstance(v, ModuleRecord)}

    def tensors(self) -> dict:
        """NumPy arrays (parameters / buffers) held directly by this module."""
        return {k: v for k, v in self.__dict__.items() if isinstance(v, np.ndarray)}

    def __repr__(self):
        return f"ModuleRecord({self.type_name}, {sorted(self.__dict__)})"


def _rebuild_tensor(storage, storage_offset, size, stride, requires_grad=False, backward_hooks=None,
                    metadata=None):
    """`torch._utils._rebuild_tensor_v2` for NumPy: a contiguous copy of the strided view of `storage`."""
    del requires_grad, backward_hooks, metadata
    if not isinstance(storage, np.ndarray):
        raise pickle.UnpicklingError(f"tensor storage should be an array, got {type(storage).__name__}")
    size, stride, storage_offset = tuple(int(s) for s in size), tuple(int(s) for s in stride), int(storage_offset)
    if len(size) != len(stride) or min(size + stride + (storage_offset,), default=0) < 0:
        raise pickle.UnpicklingError(f"invalid tensor layout: size {size}, stride {stride}, offset {storage_offset}")
    needed = storage_offset + sum((n - 1) * s for n, s in zip(size, stride)) + 1 if all(size) else 0
    if needed > storage.size:
        raise pickle.UnpicklingError(f"tensor of size {size} stride {stride} offset {storage_offset} overruns "
                                     f"its storage of {storage.size} elements")
    base = storage[storage_offset:]
    item = storage.itemsize
    view = np.lib.stride_tricks.as_strided(base, shape=size, strides=tuple(s * item for s in stride),
                                           writeable=False)
    return np.ascontiguousarray(view).astype(storage.dtype.newbyteorder("="), copy=False)


_module_record_types: dict = {}


def _module_record_type(qualname: str) -> type:
    if qualname not in _module_record_types:
        _module_record_types[qualname] = type(qualname.rsplit(".", 1)[-1], (ModuleRecord,),
                                              {"type_name": qualname})
    return _module_record_types[qualname]


class RestrictedTensorUnpickler(pickle.Unpickler):
    """Unpickle a torch `data.pkl`, resolving only the tensor-rebuild globals (see the module docstring).

    Args:
        file: the pickle stream.
        read_record: callable key -> bytes of the storage record `data/<key>`.
    """

    ALLOWED = {
        ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor,
        ("collections", "OrderedDict"): collections.OrderedDict,
        ("torch.jit._pickle", "build_intlist"): list,
    }

    def __init__(self, file, read_record):
        super().__init__(file)
        self._read_record = read_record
        self._storages: dict = {}

    def find_class(self, module, name):
        if (module, name) in self.ALLOWED:
            return self.ALLOWED[(module, name)]
        if module == "torch" and name in STORAGE_DTYPES:
            return StorageType(name)
        if module.startswith("__torch__.") or module == "__torch__":
            return _module_record_type(f"{module}.{name}")
        raise DisallowedGlobalError(
            f"refusing to unpickle global {module}.{name}: only tensor-rebuild globals are allowed "
            f"(torch._utils._rebuild_tensor_v2, torch.*Storage, collections.OrderedDict, __torch__ modules)")

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage"
                and isinstance(pid[1], StorageType)):
            raise pickle.UnpicklingError(f"unexpected persistent id {pid!r}; expected "
                                         f"('storage', <Type>Storage, key, location, numel)")
        _, storage_type, key, _location, numel = pid
        if key not in self._storages:
            raw = self._read_record(str(key))
            array = np.frombuffer(raw, dtype=storage_type.dtype)
            if array.size != int(numel):
                raise pickle.UnpicklingError(f"storage {key}: {array.size} elements on disk, {numel} expected")
            self._storages[key] = array
        return self._storages[key]


def restricted_loads(data: bytes, read_record=None):
    """Unpickle bytes with `RestrictedTensorUnpickler` (storage records from `read_record(key)`, if any)."""

    def no_records(key):
        raise pickle.UnpicklingError(f"pickle references storage {key!r} but no archive records were given")

    return RestrictedTensorUnpickler(io.BytesIO(data), read_record or no_records).load()


def load_torch_archive(path: str):
    """The root object of the torch zip archive at `path` (`ModuleRecord` tree for TorchScript files)."""
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        pickles = [n for n in names if n.endswith("/data.pkl") and n.count("/") == 1]
        if len(pickles) != 1:
            raise ValueError(f"{path} is not a torch zip archive: expected one '<root>/data.pkl', found {pickles}")
        root = pickles[0][: -len("data.pkl")]
        byteorder = root + "byteorder"
        if byteorder in names and archive.read(byteorder).strip() != b"little":
            raise ValueError(f"{path}: only little-endian archives are supported")
        return restricted_loads(archive.read(pickles[0]), lambda key: archive.read(f"{root}data/{key}"))


def named_tensors(record: ModuleRecord, prefix: str = "") -> dict:
    """Flatten a `ModuleRecord` tree to {'a.b.weight': array} in definition order (like torch's state_dict)."""
    out = {}
    for key, value in record.__dict__.items():
        if isinstance(value, np.ndarray):
            out[prefix + key] = value
        elif isinstance(value, ModuleRecord):
            out.update(named_tensors(value, f"{prefix}{key}."))
    return out
