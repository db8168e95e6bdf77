"""benchmarks/pilots.py with a stand-in `zoo` executable (a script that "trains" by advancing train_state.json's
wall clock and, on SIGTERM, writes a checkpoint and exits 143 as `zoo train` does): a pilot runs until its run's
wall clock reaches the budget (or, with --kimg, to the step of that many images), is resumed with --resume when
it has checkpoints, and is skipped once done; the table reads the recorded time-to-quality points."""

import importlib.util
import json
import os
import stat
import sys

import pytest

from tests.conftest import REPO

FAKE_ZOO = r'''#!{python}
import json, os, signal, sys, time
args = sys.argv[1:]
workdir = args[args.index("--workdir") + 1]
os.makedirs(os.path.join(workdir, "checkpoints"), exist_ok=True)
with open(os.path.join(workdir, "calls.jsonl"), "a") as f:
    f.write(json.dumps(args) + "\n")
state_path = os.path.join(workdir, "train_state.json")
state = json.load(open(state_path)) if os.path.exists(state_path) else {{"wall_clock_s": 0.0}}
def stop(signum, frame):
    open(os.path.join(workdir, "checkpoints", "ckpt-1.index"), "w").close()
    sys.exit(143)
signal.signal(signal.SIGTERM, stop)
steps = int(args[args.index("--steps") + 1]) if "--steps" in args else None
while steps is None or state.get("step", 0) < steps:
    time.sleep(0.05)
    state["wall_clock_s"] += 1.0
    state["step"] = state.get("step", 0) + 1
    json.dump(state, open(state_path + ".tmp", "w"))  # as the loop: a temporary file, then a rename
    os.replace(state_path + ".tmp", state_path)
open(os.path.join(workdir, "checkpoints", "ckpt-2.index"), "w").close()
'''


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("pilots", os.path.join(REPO, "benchmarks", "pilots.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.POLL_S = 0.05
    return module


@pytest.fixture
def fake_zoo(tmp_path):
    path = tmp_path / "zoo"
    path.write_text(FAKE_ZOO.format(python=sys.executable))
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


def calls(workdir):
    with open(os.path.join(workdir, "calls.jsonl")) as f:
        return [json.loads(line) for line in f]


def test_budget_resume_and_skip(bench, fake_zoo, tmp_path):
    workdir = bench.workdir_of("recipes/pilots/x_p0.py", str(tmp_path / "runs"))
    assert workdir == str(tmp_path / "runs" / "x_p0")
    assert bench.run_pilot("recipes/pilots/x_p0.py", workdir, 5.0, fake_zoo) == 143
    assert 5.0 <= bench.trained_seconds(workdir) < 30.0
    assert "--resume" not in calls(workdir)[0] and bench.has_checkpoints(workdir)
    assert bench.run_pilot("recipes/pilots/x_p0.py", workdir, 40.0, fake_zoo) == 143  # a larger budget: resumed
    assert calls(workdir)[1][-1] == "--resume" and bench.trained_seconds(workdir) >= 40.0
    assert bench.run_pilot("recipes/pilots/x_p0.py", workdir, 40.0, fake_zoo) is None  # done: skipped
    assert len(calls(workdir)) == 2


def test_table_from_recorded_points(bench, tmp_path, monkeypatch, capsys):
    runs = tmp_path / "runs"
    workdir = os.path.abspath(bench.workdir_of("recipes/pilots/x_p1.py", str(runs)))
    results = tmp_path / "ttq.jsonl"
    floor = {"fid": 30.0, "kid": 0.0, "precision": 0.8, "recall": 0.8, "density": 1.0, "coverage": 0.95}
    rows = [{"benchmark": "time_to_quality", "workdir": workdir, "num": 500, "step": step, "wall_clock_s": wall,
             "images_seen": step * 32, "fid": fid, "recall": 0.1 * step / 500, "coverage": 0.2, "floor": floor}
            for step, wall, fid in ((500, 600.0, 120.0), (1000, 1200.0, 90.0), (1500, 1800.0, 95.0))]
    results.write_text("".join(json.dumps(r) + "\n" for r in rows))
    monkeypatch.setattr(bench, "RESULTS", str(results))
    (summary,) = bench.table(["recipes/pilots/x_p1.py"], str(runs), 500)
    assert summary["fid_last"] == 95.0 and summary["fid_best"] == 90.0 and summary["fid_best_step"] == 1000
    assert summary["minutes"] == 30.0 and summary["kimg"] == 48.0 and summary["floor_fid"] == 30.0
    assert "x_p1" in capsys.readouterr().out


def test_table_of_a_video_pilot(bench, tmp_path, monkeypatch, capsys):
    """Video pilots are compared on per-frame FID with the first / last frame position's FID and ZVD."""
    runs = tmp_path / "runs"
    workdir = os.path.abspath(bench.workdir_of("recipes/pilots/v_p0.py", str(runs)))
    floor = {"fid": 30.0, "kid": 0.0, "fid_first_frame": 40.0, "fid_last_frame": 41.0, "zvd": 11.0, "zvd_kid": 0.0}
    row = {"benchmark": "time_to_quality", "kind": "video", "workdir": workdir, "num": 100, "step": 500,
           "wall_clock_s": 600.0, "images_seen": 8000, "fid": 80.0, "fid_first_frame": 70.0,
           "fid_last_frame": 95.0, "zvd": 50.0, "floor": floor}
    results = tmp_path / "ttq.jsonl"
    results.write_text(json.dumps(row) + "\n")
    monkeypatch.setattr(bench, "RESULTS", str(results))
    (summary,) = bench.table(["recipes/pilots/v_p0.py"], str(runs), None)
    assert (summary["fid_first_frame"], summary["fid_last_frame"], summary["zvd"]) == (70.0, 95.0, 50.0)
    assert (summary["fid_last"], summary["num"]) == (80.0, 100) and "recall" not in summary
    assert "fid_last_frame" in capsys.readouterr().out


def test_image_budget(bench, fake_zoo, tmp_path):
    """--kimg: steps = kimg x 1000 / the recipe's batch (32 for the StyleGAN2 pilots), trained with
    `zoo train --steps`, resumed, then skipped."""
    pilot = os.path.join(REPO, "recipes", "pilots", "stylegan2_emoji64_p0.py")
    assert bench.steps_for(pilot, 0.32) == 10 and bench.steps_for(pilot, 0.33) == 11
    workdir = bench.workdir_of("recipes/pilots/x_p2.py", str(tmp_path / "runs"))
    assert bench.run_pilot_steps("recipes/pilots/x_p2.py", workdir, 3, fake_zoo) == 0
    assert bench.trained_steps(workdir) == 3 and calls(workdir)[0][-2:] == ["--steps", "3"]
    assert bench.run_pilot_steps("recipes/pilots/x_p2.py", workdir, 5, fake_zoo) == 0
    assert calls(workdir)[1][-3:] == ["--steps", "5", "--resume"] and bench.trained_steps(workdir) == 5
    assert bench.run_pilot_steps("recipes/pilots/x_p2.py", workdir, 5, fake_zoo) is None
