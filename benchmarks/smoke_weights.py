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


def checkpoint_digests(prefix: str) -> dict:
    """{part: sha256 of its variables' values, in position order} of a training checkpoint."""
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
        for k in mine:
            h.update(np.ascontiguousarray(reader.get_tensor(k)).tobytes())
        out[part] = h.hexdigest()
    return out


def run(recipe_path: str, strategy: str, steps: int) -> dict:
    from zoo.training.loop import train
    from zoo.training.stages import smoke_recipe

    with tempfile.TemporaryDirectory() as scratch:  # a stage-2 recipe's stage-1 smoke run goes here first
        recipe = smoke_recipe(recipe_path, scratch, stream=open(os.devnull, "w"), strategy=strategy, steps=steps)
        workdir = os.path.join(scratch, "run")
        train(recipe, workdir, steps=steps, strategy=strategy, stream=open(os.devnull, "w"))
        latest = tf.train.latest_checkpoint(os.path.join(workdir, "checkpoints"))
        return checkpoint_digests(latest)


def recipe_names() -> list[str]:
    return sorted(os.path.basename(p)[:-3] for p in glob.glob(os.path.join(REPO, "recipes", "*.py")))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipes", default="", help="comma-separated recipe names (default: all)")
    parser.add_argument("--strategies", default="default,mirrored")
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--out", default="")
    args = parser.parse_args(argv)
    split_cpu(2)
    tf.config.experimental.enable_op_determinism()
    names = args.recipes.split(",") if args.recipes else recipe_names()
    result = {"steps": args.steps, "digests": {}}
    for name in names:
        for strategy in args.strategies.split(","):
            digests = run(os.path.join(REPO, "recipes", f"{name}.py"), strategy, args.steps)
            result["digests"][f"{name}/{strategy}"] = digests
            print(json.dumps({"recipe": name, "strategy": strategy, **digests}), flush=True)
    if args.out:
        with open(args.out, "w") as f:
            json.dump(result, f, indent=2, sort_keys=True)
            f.write("\n")


if __name__ == "__main__":
    main()
