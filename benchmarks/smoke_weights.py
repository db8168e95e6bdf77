"""sha256 of G's, EMA G's and D's weights (the autoencoder task: its networks') after 20 steps of every recipe's `smoke()` run, per strategy.

The training core must keep every number it produced: this script is run once on the code before a
refactor (its output is committed as `tests/training/data/smoke_weights.json`) and
`tests/training/test_smoke_weights.py` re-runs it on the current code and asserts bit-identical digests.

Each digest is the sha256 over the float32 bytes of one network's variables in checkpoint order (the variable
map of `zoo.training.checkpoint`, keyed by position), read from the run's final checkpoint, so it depends on
the values only, not on file formats or variable names.

Command:
    python benchmarks/smoke_weights.py --out tests/training/data/smoke_weights.json [--steps 20]
    python benchmarks/smoke_weights.py --recipes sngan_fmnist32 --strategies default   # a subset

Re-recording after a change that moves float bits (only the cases run are replaced, with this CPU's vendor as
`recorded_on`), and measuring how far the weights moved (run --values on the code before and after):
    python benchmarks/smoke_weights.py --recipes stylegan2_emoji64 --update tests/training/data/smoke_weights.json \
        --values /tmp/after.npz
    python benchmarks/smoke_weights.py --compare /tmp/before.npz /tmp/after.npz
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import json
import os
import sys
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from zoo.training.strategy import split_cpu  # noqa: E402

PARTS = ("generator", "ema_generator", "discriminator")


def checkpoint_digests(prefix: str, values: dict | None = None) -> dict:
    """{part: sha256 of its variables' values, in position order} of a training checkpoint; with `values` (a
    dict), also stores each variable's array there under "<part>/<position>"."""
    reader = tf.train.load_checkpoint(prefix)
    keys = sorted(reader.get_variable_to_shape_map())
    out = {}
    present = [p for p in PARTS if any(k.startswith(f"{p}/") for k in keys)]
    parts = PARTS if present == list(PARTS) else sorted(  # a task with other networks (the autoencoder task)
        {k.split("/")[0] for k in keys if k.endswith(".ATTRIBUTES/VARIABLE_VALUE") and "optimizer" not in k
         and not k.startswith(("step", "objective_", "save_counter"))})
    for part in parts:
        h = hashlib.sha256()
        mine = [k for k in keys if k.startswith(f"{part}/") and k.endswith(".ATTRIBUTES/VARIABLE_VALUE")]
        if not mine:
            raise ValueError(f"checkpoint {prefix} has no {part} variables")
        for i, k in enumerate(mine):
            array = np.ascontiguousarray(reader.get_tensor(k))
            h.update(array.tobytes())
            if values is not None:
                values[f"{part}/{i}"] = array
        out[part] = h.hexdigest()
    return out


def run(recipe_path: str, strategy: str, steps: int, values: dict | None = None) -> dict:
    from zoo.training.loop import train
    from zoo.training.stages import smoke_recipe

    with tempfile.TemporaryDirectory() as scratch:  # a stage-2 recipe's stage-1 smoke run goes here first
        recipe = smoke_recipe(recipe_path, scratch, stream=open(os.devnull, "w"), strategy=strategy, steps=steps)
        workdir = os.path.join(scratch, "run")
        train(recipe, workdir, steps=steps, strategy=strategy, stream=open(os.devnull, "w"))
        latest = tf.train.latest_checkpoint(os.path.join(workdir, "checkpoints"))
        return checkpoint_digests(latest, values)


def cpu_vendor() -> str:
    with open("/proc/cpuinfo") as f:
        return next((line.split(":", 1)[1].strip() for line in f if line.startswith("vendor_id")), "unknown")


def compare(before: str, after: str) -> dict:
    """{case/part: {"max_abs", "max_rel"}} between two --values files (max_rel: max |a - b| / max |b| per
    variable); equal parts are reported with 0."""
    a, b = np.load(before, allow_pickle=False), np.load(after, allow_pickle=False)
    if sorted(a.files) != sorted(b.files):
        raise SystemExit(f"{before} and {after} hold different variables")
    out = {}
    for key in a.files:
        case_part = key.rsplit("/", 1)[0]
        diff = float(np.max(np.abs(a[key] - b[key]))) if a[key].size else 0.0
        scale = float(np.max(np.abs(a[key]))) if a[key].size else 0.0
        entry = out.setdefault(case_part, {"max_abs": 0.0, "max_rel": 0.0})
        entry["max_abs"] = max(entry["max_abs"], diff)
        entry["max_rel"] = max(entry["max_rel"], diff / scale if scale else 0.0)
    return out


def recipe_names() -> list[str]:
    return sorted(os.path.basename(p)[:-3] for p in glob.glob(os.path.join(REPO, "recipes", "*.py")))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipes", default="", help="comma-separated recipe names (default: all)")
    parser.add_argument("--strategies", default="default,mirrored")
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--out", default="")
    parser.add_argument("--update", default="", help="a digest file whose cases run here are replaced")
    parser.add_argument("--values", default="", help="also write every variable's values (.npz) here")
    parser.add_argument("--compare", nargs=2, metavar=("BEFORE", "AFTER"), help="compare two --values files")
    args = parser.parse_args(argv)
    if args.compare:
        for case_part, entry in compare(*args.compare).items():
            print(json.dumps({"part": case_part, **entry}))
        return
    split_cpu(2)
    tf.config.experimental.enable_op_determinism()
    names = args.recipes.split(",") if args.recipes else recipe_names()
    result = {"steps": args.steps, "digests": {}}
    values = {} if args.values else None
    for name in names:
        for strategy in args.strategies.split(","):
            mine = {} if values is not None else None
            digests = run(os.path.join(REPO, "recipes", f"{name}.py"), strategy, args.steps, mine)
            if mine is not None:
                values.update({f"{name}/{strategy}/{k}": v for k, v in mine.items()})
            result["digests"][f"{name}/{strategy}"] = digests
            print(json.dumps({"recipe": name, "strategy": strategy, **digests}), flush=True)
    if args.values:
        np.savez_compressed(args.values, **values)
    if args.update:
        with open(args.update) as f:
            recorded = json.load(f)
        if recorded["steps"] != args.steps:
            raise SystemExit(f"{args.update} was recorded with {recorded['steps']} steps, not {args.steps}")
        recorded["digests"].update(result["digests"])
        recorded.setdefault("recorded_on", {}).update({case: cpu_vendor() for case in result["digests"]})
        with open(args.update, "w") as f:
            json.dump(recorded, f, indent=2, sort_keys=True)
            f.write("\n")
    if args.out:
        with open(args.out, "w") as f:
            json.dump(result, f, indent=2, sort_keys=True)
            f.write("\n")


if __name__ == "__main__":
    main()
