"""Where a result came from: the git commit of the code and the hardware it ran on (used by training and hub)."""

from __future__ import annotations

import os
import platform
import subprocess


def git_commit(cwd: str | None = None) -> str | None:
    """`git rev-parse HEAD` of the checkout holding `cwd` (default: the zoo package); None without git."""
    cwd = cwd or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=cwd, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    commit = out.stdout.strip()
    return commit if out.returncode == 0 and len(commit) == 40 else None


def hardware() -> str:
    """e.g. '2 CPU cores (x86_64), GPUs: 0'."""
    import tensorflow as tf

    return f"{os.cpu_count()} CPU cores ({platform.machine()}), GPUs: {len(tf.config.list_physical_devices('GPU'))}"
