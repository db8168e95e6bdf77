"""One-stage (OSGAN) vs two-stage training at equal time: FID of the EMA generator along both runs of
`recipes/sngan_fmnist32.py` (two-stage) and `recipes/sngan_fmnist32_onestage.py` (one-stage), which differ only
in `training_mode` (same seed, data order, batch, optimizers and number of steps).

    python benchmarks/onestage_quality.py --num 5000 --seed 0 --two-stage runs/sngan-fmnist-32/checkpoints/ckpt-4500 \
        runs/sngan-fmnist-32/checkpoints/ckpt-4000 runs/sngan-fmnist-32/checkpoints.old/ckpt-1000 \
        runs/sngan-fmnist-32/checkpoints.old/ckpt-1500 \
        --one-stage runs/sngan-fmnist-32.onestage/checkpoints/ckpt-{4500,1250,1750,3000}

(the README's table; `checkpoints.old/` holds the two-stage run's checkpoints from before it was stopped and
resumed with a smaller `steps`, see its recipe; an arm may be left out).

Each point reads one training checkpoint (the EMA generator inside it) and measures FID of `num` samples
(seed `seed`) against the first `num` images of fmnist/test. Time axis: the two runs shared the machine with
different jobs, so their logged wall clocks are not comparable; the time of a point is `step x s/step` with the
s/step of each mode measured side by side in one process by `benchmarks/onestage.py`
(`benchmarks/results/onestage.jsonl`, family sngan), in two-stage-step units: one-stage step s costs
s / ratio two-stage steps. Prints one JSON line per point (with `equal_time_two_stage_steps`) and appends them
to `benchmarks/results/onestage_quality.jsonl`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
RESULTS = os.path.join(HERE, "results", "onestage_quality.jsonl")
SPEED = os.path.join(HERE, "results", "onestage.jsonl")


def speed_ratio(path: str = SPEED, family: str = "sngan") -> dict:
    """The latest same-run s/step measurement of `family` in benchmarks/onestage.py's results."""
    with open(path) as f:
        rows = [json.loads(line) for line in f if line.strip()]
    rows = [r for r in rows if r.get("family") == family]
    if not rows:
        raise ValueError(f"{path} has no {family} row; run benchmarks/onestage.py first")
    return rows[-1]


def ema_weights(checkpoint: str) -> tuple[list, int]:
    """The EMA generator's arrays of a training checkpoint, in weight order, and the checkpoint's step.

    Read by position (`ema_generator/variables_by_key/<NNNN>...`) rather than restored by path, so checkpoints
    written before zoo dropped model names from the keys (`0048/sngan_generator/conv_out/kernel`, the early
    two-stage ones) read the same as current ones (`0048/conv_out/kernel`)."""
    import tensorflow as tf

    reader = tf.train.load_checkpoint(checkpoint)
    names = reader.get_variable_to_shape_map()
    prefix = "ema_generator/variables_by_key/"
    keys = sorted(k for k in names if k.startswith(prefix))
    positions = [int(k[len(prefix):len(prefix) + 4]) for k in keys]
    if positions != list(range(len(keys))):
        raise ValueError(f"{checkpoint}: EMA generator variables are not numbered 0..{len(keys) - 1}")
    if "step/.ATTRIBUTES/VARIABLE_VALUE" in names:  # the loop's step counter
        step = int(reader.get_tensor("step/.ATTRIBUTES/VARIABLE_VALUE"))
    else:  # checkpoints written before the loop owned the counter: G's optimizer iterations = steps
        iterations = [k for k in names if k.startswith("g_optimizer/variables_by_key/0000")]
        step = int(reader.get_tensor(iterations[0]))
    return [reader.get_tensor(k) for k in keys], step


def ema_generator_at(recipe_path: str, checkpoint: str):
    """The generator of `recipe_path` (built as its trainer builds it) holding the EMA weights of `checkpoint`."""
    import tensorflow as tf

    from zoo.training.recipe import load_recipe
    from zoo.training.tasks import build_task

    trainer = build_task(load_recipe(recipe_path), tf.distribute.get_strategy(), {"images": (32, 32, 1)})
    arrays, step = ema_weights(checkpoint)
    trainer.ema_generator.set_weights(arrays)  # raises on a count or shape mismatch
    return trainer.ema_generator, step


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--two-stage", nargs="*", default=[], help="checkpoint prefixes of the two-stage run")
    parser.add_argument("--one-stage", nargs="*", default=[], help="checkpoint prefixes of the one-stage run")
    parser.add_argument("--two-stage-recipe", default="recipes/sngan_fmnist32.py")
    parser.add_argument("--one-stage-recipe", default="recipes/sngan_fmnist32_onestage.py")
    parser.add_argument("--num", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--reference", default="fmnist/test")
    parser.add_argument("--out", default=RESULTS)
    args = parser.parse_args(argv)

    from zoo.metrics.evaluate import evaluate_generator

    speed = speed_ratio()
    arms = (("two_stage", args.two_stage_recipe, args.two_stage, 1.0),
            ("one_stage", args.one_stage_recipe, args.one_stage, 1.0 / speed["ratio"]))
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    for mode, recipe_path, checkpoints, cost in arms:
        for checkpoint in checkpoints:
            g, step = ema_generator_at(recipe_path, checkpoint)
            result = evaluate_generator(g, "fid", num=args.num, reference=args.reference, seed=args.seed,
                                        progress=False)
            line = {"benchmark": "onestage_quality", "mode": mode, "step": step, "checkpoint": checkpoint,
                    "metric": "fid", "value": round(result["value"], 3), "num": args.num, "seed": args.seed,
                    "reference": args.reference, "equal_time_two_stage_steps": round(step * cost),
                    "speed_ratio": speed["ratio"], "speed_source": "benchmarks/results/onestage.jsonl",
                    "date": time.strftime("%Y-%m-%d")}
            print(json.dumps(line), flush=True)
            with open(args.out, "a") as f:  # one point at a time: a killed run keeps what it measured
                f.write(json.dumps(line) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
