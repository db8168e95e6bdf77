"""What keeps the `zoo` command quiet (unless `--verbose`): TensorFlow's C++ startup lines, its Python
logging, absl logging and Python warnings from the libraries never reach the terminal.

TensorFlow prints some lines from C++ while it loads, before any logging setting applies (on this TF:
`WARNING: All log messages before absl::InitializeLog() is called are written to STDERR`, the oneDNN note
and the CUDA probe, twice; `TF_CPP_MIN_LOG_LEVEL` does not reach them). So the first `import tensorflow`
of the process runs with file descriptor 2 pointed at a temporary file; afterwards fd 2 is restored and the
captured lines that are not TF / absl log lines are written back. `TF_ENABLE_ONEDNN_OPTS` is left alone: it
changes numerics.
"""

from __future__ import annotations

import contextlib
import importlib.abc
import importlib.util
import logging
import os
import re
import sys
import tempfile
import warnings

# set even when the user set them (`--verbose` leaves them alone): at 2, TF prints `E0000 ... failed call to
# cuInit` when it first looks for a GPU, after the import
ENV = {"TF_CPP_MIN_LOG_LEVEL": "3", "GRPC_VERBOSITY": "ERROR"}
LOGGERS = ("tensorflow", "absl", "h5py")
# glog / absl lines (`I0000 00:00:17... port.cc:153] ...`), absl's pre-init banner, cpu_feature_guard's 2nd line
NOISE = re.compile(r"^([IWE]\d{4} \d\d:\d\d:\d\d|WARNING: All log messages before absl::InitializeLog"
                   r"|To enable the following instructions:)")
ZOO_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@contextlib.contextmanager
def quiet(prog: str = "zoo"):
    """Within: TF / absl / library logging and warnings silenced, the first TensorFlow import without its
    C++ startup lines; zoo's own warnings shown as one line `PROG: warning: ...`. Restores the logger
    levels, warning filters and environment variables on exit."""
    environ = {key: os.environ.get(key) for key in ENV}
    os.environ.update(ENV)
    levels = {name: logging.getLogger(name).level for name in LOGGERS}
    for name in LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)
    finder = _QuietImport("tensorflow")
    sys.meta_path.insert(0, finder)
    try:
        with warnings.catch_warnings():
            warnings.showwarning = lambda message, category, filename, lineno, file=None, line=None: (
                _show_warning(prog, message, category, filename))
            yield
    finally:
        with contextlib.suppress(ValueError):
            sys.meta_path.remove(finder)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
        for key, value in environ.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _show_warning(prog, message, category, filename) -> None:
    """Only warnings zoo itself issues (not deprecations), on one line."""
    if issubclass(category, (DeprecationWarning, PendingDeprecationWarning, FutureWarning)):
        return
    if not os.path.abspath(filename).startswith(ZOO_DIR + os.sep):
        return
    print(f"{prog}: warning: {message}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def stderr_fd_captured():
    """Point fd 2 at a temporary file; on exit restore it and write back the lines that are not noise."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):  # no usable fd 2: nothing to hide
        yield
        return
    with tempfile.TemporaryFile(mode="w+b") as capture:
        os.dup2(capture.fileno(), 2)
        try:
            yield
        finally:
            with contextlib.suppress(OSError, ValueError, AttributeError):
                sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            capture.seek(0)
            kept = [line for line in capture.read().decode(errors="replace").splitlines()
                    if line.strip() and not NOISE.match(line)]
            if kept:
                print("\n".join(kept), file=sys.stderr, flush=True)


class _QuietImport(importlib.abc.MetaPathFinder):
    """Finds the top-level module `name` once, with a loader that executes it under `stderr_fd_captured`."""

    def __init__(self, name: str):
        self.name = name

    def find_spec(self, fullname, path=None, target=None):
        if fullname != self.name:
            return None
        with contextlib.suppress(ValueError):
            sys.meta_path.remove(self)  # once; and find the real spec without this finder
        spec = importlib.util.find_spec(fullname)
        if spec is not None and spec.loader is not None and hasattr(spec.loader, "exec_module"):
            spec.loader = _QuietLoader(spec.loader)
        return spec


class _QuietLoader(importlib.abc.Loader):
    """Delegates to the real loader; runs the module's code with fd 2 captured."""

    def __init__(self, loader):
        self._loader = loader

    def __getattr__(self, attr):
        return getattr(self._loader, attr)

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        module.__loader__ = self._loader
        if module.__spec__ is not None:
            module.__spec__.loader = self._loader
        with stderr_fd_captured():
            self._loader.exec_module(module)
