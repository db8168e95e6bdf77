"""Training throughput of the SNGAN presets: default strategy vs MirroredStrategy (2 logical CPU devices)
vs XLA (jit_compile), measured in one process, alternating, several repeats.

Prints one JSON object per (preset, candidate) pair, ratio = candidate steps/s / default steps/s
(> 1: the candidate is faster). Random uint8 data of the recipe's shape (the input pipeline is the real one).

    python benchmarks/train_throughput.py                       # sngan_32_small, batch 64
    python benchmarks/train_throughput.py --presets sngan_32_small sngan_32 --steps 5 --repeats 3
"""

from __future__ import annotations

import argparse
import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from zoo.training.strategy import mirrored_strategy, split_cpu  # noqa: E402

split_cpu(2)

import step_runner  # noqa: E402
from zoo.training.recipe import load_recipe  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def make_runner(recipe, strategy, jit):
    """steps -> steps/s of `recipe` under `strategy` (see `step_runner.make_runner`)."""
    run, _ = step_runner.make_runner(recipe, strategy, jit)
    return lambda steps: steps / run(steps)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--recipe", default=os.path.join(HERE, "..", "recipes", "sngan_fmnist32.py"))
    p.add_argument("--presets", nargs="+", default=["sngan_32_small"])
    p.add_argument("--batch-size", type=int, default=None, help="default: the recipe's")
    p.add_argument("--steps", type=int, default=20, help="timed steps per repeat")
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--repeats", type=int, default=3)
    args = p.parse_args()
    base = load_recipe(args.recipe)
    strategies = {"default": tf.distribute.get_strategy(),
                  "mirrored_2cpu": mirrored_strategy(["/cpu:0", "/cpu:1"])}
    for preset in args.presets:
        recipe = base.replace(preset=preset, batch_size=args.batch_size or base.data.batch_size)
        runners, errors = {}, {}
        for name, strategy, jit in (("default", strategies["default"], False),
                                    ("mirrored_2cpu", strategies["mirrored_2cpu"], False),
                                    ("jit_compile", strategies["default"], True)):
            try:
                runners[name] = make_runner(recipe, strategy, jit)
                runners[name](args.warmup)
            except Exception as e:  # a configuration that does not run is reported, not hidden
                errors[name] = f"{type(e).__name__}: {str(e).splitlines()[0][:300]}"
                runners.pop(name, None)
        rates = {name: [] for name in runners}
        for _ in range(args.repeats):
            for name, run in runners.items():
                rates[name].append(run(args.steps))
        baseline = float(np.median(rates["default"]))
        for name in ("mirrored_2cpu", "jit_compile"):
            record = {"benchmark": "train_throughput", "family": recipe.model.family, "preset": preset,
                      "baseline": "default", "candidate": name, "unit": "steps/s",
                      "batch_size": recipe.data.batch_size, "n_dis": recipe.task.batches_per_step,
                      "baseline_value": round(baseline, 4),
                      "baseline_images_per_s": round(baseline * recipe.data.batch_size, 2),
                      "repeats": args.repeats, "steps_per_repeat": args.steps}
            if name in rates:
                value = float(np.median(rates[name]))
                record.update(value=round(value, 4), images_per_s=round(value * recipe.data.batch_size, 2),
                              ratio=round(value / baseline, 3))
            else:
                record.update(value=None, ratio=None, error=errors[name])
            print(json.dumps(record), flush=True)


if __name__ == "__main__":
    main()
