"""Pilot runs at a fixed wall-clock budget each, continued across sessions, then compared on time-to-quality.

Each pilot recipe (e.g. `recipes/pilots/stylegan2_emoji64_p*.py`: one base, one change each, snapshots on) trains
with `zoo train` in `<runs>/<recipe file stem>` until its run's training wall clock (`train_state.json`,
summed over sessions) reaches --minutes; then the pilot gets SIGTERM, which makes `zoo train` finish its step,
write a verified checkpoint and exit 143. Pilots run one after the other (2 cores: two at once would halve both
and make their clocks incomparable). A pilot cut short by the end of a session (SIGTERM too) is resumed by the
next invocation with `--resume`; a pilot that already has its budget is skipped, so the same command continues
the whole plan. With --evaluate, each finished pilot's snapshots go through `benchmarks/time_to_quality.py`,
and a table compares the pilots: last and best FID, recall and coverage, steps and images in the budget.

On a machine shared with other jobs, wall clocks are not comparable (a job at nice 19 still halves the step rate
of a run at nice 5: TF's worker threads wait for each other). Then give the budget in images, --kimg K: each pilot
trains to step K x 1000 / its batch (`zoo train --steps`), and the pilots are compared at equal images seen, with
each recipe's idle seconds per step (`benchmarks/step_efficiency.py`) to turn images into time.

    nohup nice -n 5 .venv/bin/python benchmarks/pilots.py recipes/pilots/stylegan2_emoji64_p*.py \\
        --minutes 30 --runs ~/zoo-runs/pilots --evaluate > ~/zoo-runs/pilots.log 2>&1 &
    .venv/bin/python benchmarks/pilots.py recipes/pilots/stylegan2_emoji64_p*.py --runs ~/zoo-runs/pilots --table
"""

from __future__ import annotations

import argparse
import json
import math
import os
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import time_to_quality  # noqa: E402

RESULTS = time_to_quality.RESULTS
POLL_S = 5.0


def workdir_of(recipe_file: str, runs: str) -> str:
    return os.path.join(os.path.expanduser(runs), os.path.splitext(os.path.basename(recipe_file))[0])


def train_state(workdir: str) -> dict:
    """The run's train_state.json ({} for a new run)."""
    path = os.path.join(workdir, "train_state.json")
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        return json.load(f)


def trained_seconds(workdir: str) -> float:
    """The run's training wall clock so far (0 for a new run)."""
    return float(train_state(workdir).get("wall_clock_s", 0.0))


def trained_steps(workdir: str) -> int:
    """The run's generator steps so far (0 for a new run)."""
    return int(train_state(workdir).get("step", 0))


def steps_for(recipe_file: str, kimg: float) -> int:
    """Generator steps of `kimg` thousand real images at the recipe's batch size."""
    from zoo.training.recipe import load_recipe

    return int(math.ceil(kimg * 1000 / load_recipe(recipe_file).data.batch_size))


def run_pilot_steps(recipe_file: str, workdir: str, steps: int, zoo: str) -> int | None:
    """Train to generator step `steps` (`zoo train --steps`); returns its exit code (None: already there)."""
    if trained_steps(workdir) >= steps:
        return None
    cmd = [zoo, "train", recipe_file, "--workdir", workdir, "--steps", str(steps)]
    cmd += ["--resume"] if has_checkpoints(workdir) else []
    print(f"[pilots] {os.path.basename(recipe_file)}: to step {steps}: {' '.join(cmd)}", flush=True)
    proc = subprocess.Popen(cmd)
    stop = lambda signum, frame: proc.send_signal(signal.SIGTERM)  # noqa: E731  (our own stop reaches the run)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    code = proc.wait()
    print(f"[pilots] {os.path.basename(recipe_file)}: exit {code}, step {trained_steps(workdir)}, "
          f"{trained_seconds(workdir) / 60:.1f} min", flush=True)
    return code


def has_checkpoints(workdir: str) -> bool:
    folder = os.path.join(workdir, "checkpoints")
    return os.path.isdir(folder) and any(name.startswith("ckpt-") for name in os.listdir(folder))


def run_pilot(recipe_file: str, workdir: str, budget_s: float, zoo: str) -> int | None:
    """Train until the run's wall clock reaches `budget_s`; returns zoo train's exit code (None: skipped)."""
    remaining = budget_s - trained_seconds(workdir)
    if remaining <= 0:
        return None
    cmd = [zoo, "train", recipe_file, "--workdir", workdir] + (["--resume"] if has_checkpoints(workdir) else [])
    print(f"[pilots] {os.path.basename(recipe_file)}: {remaining / 60:.1f} min to go: {' '.join(cmd)}", flush=True)
    proc = subprocess.Popen(cmd)
    stop = lambda signum, frame: proc.send_signal(signal.SIGTERM)  # noqa: E731  (our own stop reaches the run)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    start = time.monotonic()
    # the run's clock starts after its startup (data, tracing); SIGTERM once its own wall clock is spent
    while proc.poll() is None:
        time.sleep(POLL_S)
        if trained_seconds(workdir) >= budget_s or time.monotonic() - start > remaining + 600:
            proc.send_signal(signal.SIGTERM)
            break
    code = proc.wait()
    print(f"[pilots] {os.path.basename(recipe_file)}: exit {code}, trained {trained_seconds(workdir) / 60:.1f} min",
          flush=True)
    return code


COLUMNS = {"image": ("recall", "coverage"), "video": ("fid_first_frame", "fid_last_frame", "zvd")}


def table(recipe_files: list[str], runs: str, num: int | None) -> list[dict]:
    """One summary per pilot from the recorded time-to-quality points (`num` None: at any n); prints them.
    Beside FID: recall and coverage for image runs; for video runs the first and last frame position's FID and
    ZVD (`benchmarks/video_time_to_quality.py`)."""
    summaries, header = [], None
    for recipe_file in recipe_files:
        workdir = os.path.abspath(workdir_of(recipe_file, runs))
        rows = time_to_quality.run_rows(RESULTS, workdir, num)
        name = os.path.basename(recipe_file)[:-3]
        if not rows:
            print(f"{name:28} (no evaluated snapshots)")
            continue
        last, best = rows[-1], min(rows, key=lambda r: r["fid"])
        extra = COLUMNS[last.get("kind", "image")]
        summary = {"pilot": name, "minutes": round(last["wall_clock_s"] / 60, 1), "steps": last["step"],
                   "kimg": round(last["images_seen"] / 1000, 1), "fid_last": last["fid"], "fid_best": best["fid"],
                   "fid_best_step": best["step"], **{key: last[key] for key in extra},
                   "floor_fid": last["floor"]["fid"], "num": last["num"]}
        if extra != header:  # a header before the first pilot and when the kind of run changes
            header = extra
            print(f"{'pilot':28} {'min':>5} {'steps':>7} {'kimg':>6} {'FID last':>9} {'FID best':>9} "
                  + " ".join(f"{key:>9}" for key in extra) + f" {'floor FID':>9}")
        summaries.append(summary)
        print(f"{name:28} {summary['minutes']:5.1f} {summary['steps']:7d} {summary['kimg']:6.1f} "
              f"{summary['fid_last']:9.2f} {summary['fid_best']:9.2f} "
              + " ".join(f"{summary[key]:9.3f}" for key in extra) + f" {summary['floor_fid']:9.2f}")
    return summaries


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("recipes", nargs="+", help="pilot recipe files, run in this order")
    p.add_argument("--runs", required=True, help="folder of the pilots' work dirs (outside the git tree)")
    budget = p.add_mutually_exclusive_group()
    budget.add_argument("--minutes", type=float, default=30.0, help="training wall clock per pilot (default 30)")
    budget.add_argument("--kimg", type=float,
                        help="instead of --minutes: thousands of real images per pilot (steps = kimg x 1000 / "
                             "batch), for a machine shared with other jobs, where wall clocks are not comparable; "
                             "compare the pilots at equal images and convert with each recipe's idle s/step")
    p.add_argument("--evaluate", action="store_true", help="evaluate each finished pilot's snapshots")
    p.add_argument("--num", type=int, help="time-to-quality samples per point (default: 500 images, 100 clips)")
    p.add_argument("--table", action="store_true", help="only print the comparison table")
    args = p.parse_args(argv)
    zoo = os.path.join(os.path.dirname(sys.executable), "zoo")
    if not args.table:
        for recipe_file in args.recipes:
            workdir = workdir_of(recipe_file, args.runs)
            if args.kimg:
                steps = steps_for(recipe_file, args.kimg)
                code = run_pilot_steps(recipe_file, workdir, steps, zoo)
                done = trained_steps(workdir) >= steps
            else:
                code = run_pilot(recipe_file, workdir, args.minutes * 60, zoo)
                done = trained_seconds(workdir) >= args.minutes * 60
            if code not in (None, 0, 143):
                raise SystemExit(f"[pilots] {recipe_file}: zoo train exited {code}; stopping the plan")
            if not done:
                raise SystemExit(f"[pilots] {recipe_file} stopped before its budget (interrupted); run the same "
                                 f"command again to continue")
            if args.evaluate:
                num = ["--num", str(args.num)] if args.num else []
                subprocess.run([sys.executable, os.path.join(HERE, "time_to_quality.py"), workdir, *num], check=True)
    table(args.recipes, args.runs, args.num)


if __name__ == "__main__":
    main()
