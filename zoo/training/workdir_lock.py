"""An exclusive lock on a training work dir, so two runs never write into one folder.

`WorkdirLock(workdir)` takes an OS file lock (`fcntl.flock`, exclusive, non-blocking) on `<workdir>/.lock`
and writes the holder's pid, host and command line into it. The OS releases the lock when the holding process
exits, however it exits (also after SIGKILL), so a stale `.lock` file left by a killed run does not block
the next one: only a live holder does. A second run (training or IMP) into the same work dir fails at once
with `WorkdirLockedError` naming the work dir and the holder. Multi-worker runs share their work dir by
design: only the chief takes the lock. Locks taken twice in one process also conflict (flock locks belong
to the open file), so the same guarantee holds for in-process callers.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import sys

LOCK_FILE = ".lock"


class WorkdirLockedError(RuntimeError):
    """Another live run holds the work dir."""


class WorkdirLock:
    """Context manager holding the exclusive lock of `workdir` (created if missing).

    Example:
        >>> with WorkdirLock("runs/sngan"):
        ...     train(...)
    """

    def __init__(self, workdir: str):
        self.workdir = workdir
        self.path = os.path.join(workdir, LOCK_FILE)
        self._file = None

    def acquire(self) -> "WorkdirLock":
        os.makedirs(self.workdir, exist_ok=True)
        f = open(self.path, "a+")
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.seek(0)
            holder = f.read().strip()
            f.close()
            raise WorkdirLockedError(f"{self.workdir} is in use by another run ({_describe(holder)}); wait for it "
                                     f"to finish or choose another --workdir") from None
        f.seek(0)
        f.truncate()
        json.dump({"pid": os.getpid(), "host": socket.gethostname(), "command": " ".join(sys.argv)}, f)
        f.flush()
        self._file = f
        return self

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *exc):
        self.release()


def _describe(holder: str) -> str:
    try:
        info = json.loads(holder)
        return f"process {info['pid']} on {info['host']}: {info['command']}"
    except (ValueError, KeyError, TypeError):
        return "a process that has not written its details yet"
