"""Generator snapshots of a run, for time-to-quality curves evaluated after the fact (`benchmarks/time_to_quality.py`).

With `run.snapshot_every` = k > 0, the loop saves the published generator (the EMA generator, or the composite
sampler of a latent-code run) every k steps under `<workdir>/snapshots/step_NNNNNNN/` (the layout of a published
model folder: `zoo.load` / `load_model_files` read it) and appends one line to `<workdir>/snapshots.jsonl`:
{"step", "wall_clock_s" (training time so far, all sessions of the run), "images_seen" (real images D has seen),
"path" (relative to the work dir)}. Only the chief writes them; evaluation costs the run nothing.

A run killed between a snapshot and its next checkpoint redoes those steps on resume and writes that snapshot
again (the same weights: resume is exact; a later wall clock): `read_snapshots` keeps the last line per step.
"""

from __future__ import annotations

import json
import os
import shutil

SNAPSHOT_DIR = "snapshots"
SNAPSHOT_LOG = "snapshots.jsonl"


def snapshot_folder(workdir: str, step: int) -> str:
    return os.path.join(workdir, SNAPSHOT_DIR, f"step_{int(step):07d}")


def save_snapshot(workdir: str, generator, step: int, wall_clock_s: float, images_seen: int) -> dict:
    """Write the generator of `step` (into a temporary folder, then renamed: never half a snapshot) and its
    line in snapshots.jsonl; returns that line."""
    from zoo.models.serialization import save_model_files

    folder = snapshot_folder(workdir, step)
    partial = folder + ".partial"
    shutil.rmtree(partial, ignore_errors=True)
    try:
        save_model_files(partial, generator)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)  # e.g. a full disk: no partial snapshot is left behind
        raise
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(partial, folder)
    line = {"step": int(step), "wall_clock_s": round(float(wall_clock_s), 2), "images_seen": int(images_seen),
            "path": os.path.relpath(folder, workdir)}
    with open(os.path.join(workdir, SNAPSHOT_LOG), "a") as f:
        f.write(json.dumps(line) + "\n")
    return line


def read_snapshots(workdir: str) -> list[dict]:
    """The run's snapshot lines in step order, the last one per step, each with "folder" (absolute path);
    lines whose folder is gone are dropped. A line that is not JSON (a write cut by a kill) is skipped."""
    path = os.path.join(workdir, SNAPSHOT_LOG)
    if not os.path.exists(path):
        return []
    by_step = {}
    with open(path) as f:
        for text in f:
            try:
                line = json.loads(text)
            except json.JSONDecodeError:
                continue
            by_step[int(line["step"])] = line
    out = []
    for step in sorted(by_step):
        line = dict(by_step[step], folder=os.path.join(workdir, by_step[step]["path"]))
        if os.path.isdir(line["folder"]):
            out.append(line)
    return out
