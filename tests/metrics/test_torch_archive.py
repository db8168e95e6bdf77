"""The restricted tensor unpickler: rebuilds tensors from storage records, refuses every other global."""

import io
import os
import pickle
import struct
import zipfile

import numpy as np
import pytest

from zoo.metrics.torch_archive import (DisallowedGlobalError, ModuleRecord, load_torch_archive, named_tensors,
                                       restricted_loads)


def _str(s):
    b = s.encode()
    return b"X" + struct.pack("<I", len(b)) + b


def _int(i):
    return b"K" + bytes([i]) if 0 <= i < 256 else b"J" + struct.pack("<i", i)


def _global(module, name):
    return b"c" + f"{module}\n{name}\n".encode()


def tensor_pickle(key, numel, size, stride, offset=0, module_class="__torch__.demo Block"):
    """Protocol-2 bytes of `Block(training=False, w=<tensor>)` as torch.jit.save writes them (hand assembled)."""
    tup = lambda items: b"(" + b"".join(items) + b"t"  # noqa: E731
    storage = b"(" + _str("storage") + _global("torch", "FloatStorage") + _str(key) + _str("cpu") + _int(numel) \
        + b"tQ"
    tensor = _global("torch._utils", "_rebuild_tensor_v2") + b"(" + storage + _int(offset) \
        + tup([_int(s) for s in size]) + tup([_int(s) for s in stride]) + b"\x89" \
        + _global("collections", "OrderedDict") + b")R" + b"tR"
    module, name = module_class.split()
    return b"\x80\x02" + _global(module, name) + b")\x81}(" + _str("training") + b"\x89" + _str("w") + tensor \
        + b"ub."


def write_archive(path, data_pkl, records):
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("archive/data.pkl", data_pkl)
        z.writestr("archive/version", "3\n")
        for key, array in records.items():
            z.writestr(f"archive/data/{key}", np.asarray(array, "<f4").tobytes())


def test_rebuilds_a_strided_tensor(tmp_path):
    storage = np.arange(8, dtype=np.float32)
    path = tmp_path / "m.pt"
    # size (2, 3), stride (1, 2), offset 1: a transposed view of storage[1:7]
    write_archive(path, tensor_pickle("0", 8, (2, 3), (1, 2), offset=1), {"0": storage})
    root = load_torch_archive(str(path))
    assert isinstance(root, ModuleRecord) and root.type_name == "__torch__.demo.Block"
    assert root.training is False
    np.testing.assert_array_equal(root.w, storage[1:7].reshape(3, 2).T)
    assert list(named_tensors(root)) == ["w"]


def test_storage_size_mismatch_is_an_error(tmp_path):
    path = tmp_path / "m.pt"
    write_archive(path, tensor_pickle("0", 8, (2, 3), (3, 1)), {"0": np.zeros(5)})
    with pytest.raises(pickle.UnpicklingError, match="5 elements on disk, 8 expected"):
        load_torch_archive(str(path))


def test_out_of_bounds_layouts_are_refused(tmp_path):
    path = tmp_path / "m.pt"
    write_archive(path, tensor_pickle("0", 6, (2, 4), (4, 1)), {"0": np.zeros(6)})
    with pytest.raises(pickle.UnpicklingError, match="overruns its storage of 6 elements"):
        load_torch_archive(str(path))
    write_archive(path, tensor_pickle("0", 6, (2, 3), (-3, 1), offset=3), {"0": np.zeros(6)})
    with pytest.raises(pickle.UnpicklingError, match="invalid tensor layout"):
        load_torch_archive(str(path))


class _Evil:
    def __init__(self, func, arg):
        self.func, self.arg = func, arg

    def __reduce__(self):
        return self.func, (self.arg,)


@pytest.mark.parametrize("func", [os.system, eval, getattr(__import__("subprocess"), "check_output")])
def test_rejects_code_execution_globals(func, tmp_path):
    marker = tmp_path / "pwned"
    data = pickle.dumps(_Evil(func, f"touch {marker}"), protocol=2)
    with pytest.raises(DisallowedGlobalError, match="refusing to unpickle global"):
        restricted_loads(data)
    assert not marker.exists()


def test_rejects_disallowed_global_inside_an_archive(tmp_path):
    path = tmp_path / "m.pt"
    write_archive(path, pickle.dumps(_Evil(os.system, "true"), protocol=2), {})
    with pytest.raises(DisallowedGlobalError, match="posix.system|os.system"):
        load_torch_archive(str(path))


def test_rejects_builtins_and_torch_functions_other_than_rebuild():
    for module, name in [("builtins", "getattr"), ("torch", "load"), ("torch._utils", "_rebuild_parameter_x")]:
        with pytest.raises(DisallowedGlobalError, match=f"{module}.{name}"):
            restricted_loads(b"\x80\x02" + _global(module, name) + b".")


def test_not_an_archive(tmp_path):
    path = tmp_path / "x.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(ValueError, match="not a torch zip archive"):
        load_torch_archive(str(path))


def test_pickle_without_records_cannot_reference_storage():
    data = tensor_pickle("0", 2, (2,), (1,))
    with pytest.raises(pickle.UnpicklingError, match="no archive records"):
        restricted_loads(io.BytesIO(data).getvalue())
