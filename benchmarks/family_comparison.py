"""SNGAN vs SAGAN vs BigGAN on Fashion-MNIST 32x32 at an equal training budget (issue 4, "the claim").

The three shipped recipes (`recipes/{sngan,sagan,biggan}_fmnist32.py`) share the budget: batch 64, one D step
per G step, 4,500 G steps, hinge loss, EMA of G, the same data order and seed; each keeps its paper's
defining parts (SAGAN: attention, SN in G, conditional BN; BigGAN: + shared embedding, hierarchical z,
orthogonal regularization). Two kinds of lines are printed, one JSON object each, baseline = SNGAN:

1. quality, from the shipped manifests (`weights_manifest/<name>/manifest.json`, written by `zoo release`):
   FID-10k of the EMA generator vs fmnist/test (seed 0; class-conditional models sample labels uniformly),
   ratio = baseline FID / FID (> 1: better than SNGAN). The wall clock of each training run is reported
   too, but those runs shared the 2 cores with other jobs, so compare speed with the second kind of line.
2. speed, measured here: training steps/s of each recipe's model, alternating families in one process,
   `--repeats` rounds of `--steps` steps (after one warm-up round), random data of the recipe's shape;
   ratio = steps/s / SNGAN steps/s.

    python benchmarks/family_comparison.py --steps 10 --repeats 3
"""

from __future__ import annotations

import argparse
import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import step_runner  # noqa: E402

from zoo.training.recipe import load_recipe  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FAMILIES = ("sngan", "sagan", "biggan")


def recipe_of(family):
    return load_recipe(os.path.join(ROOT, "recipes", f"{family}_fmnist32.py"))


def make_runner(recipe):
    """steps -> steps/s of `recipe` (default strategy; see `step_runner.make_runner`)."""
    run, _ = step_runner.make_runner(recipe)
    return lambda steps: steps / run(steps)


def quality_lines():
    manifests = {}
    for family in FAMILIES:
        path = os.path.join(ROOT, "weights_manifest", f"{family}-fmnist-32", "manifest.json")
        if os.path.isfile(path):
            with open(path) as f:
                manifests[family] = json.load(f)
    base = manifests.get("sngan")
    lines = []
    for family, m in manifests.items():
        fid = next(x for x in m["metrics"] if x["name"] == "fid" and x["truncation"] is None)
        base_fid = next(x for x in base["metrics"] if x["name"] == "fid" and x["truncation"] is None)
        lines.append({"benchmark": "family_comparison", "family": family, "model": m["name"], "baseline": "sngan",
                      "unit": "FID-10k vs fmnist/test (lower is better)", "baseline_value": base_fid["value"],
                      "value": fid["value"], "ratio": base_fid["value"] / fid["value"], "floor": fid.get("floor"),
                      "steps": m["recipe"]["steps"], "wall_clock_s": m["recipe"]["wall_clock_s"],
                      "params_g": m["params"], "hardware": m["recipe"]["hardware"]})
    return lines


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--skip-speed", action="store_true")
    args = p.parse_args()
    for line in quality_lines():
        print(json.dumps(line), flush=True)
    if args.skip_speed:
        return
    runners = {f: make_runner(recipe_of(f)) for f in FAMILIES}
    for run in runners.values():
        run(2)  # warm-up: trace and build
    rates = {f: [] for f in FAMILIES}
    for _ in range(args.repeats):
        for f, run in runners.items():
            rates[f].append(run(args.steps))
    base = float(np.median(rates["sngan"]))
    for f in FAMILIES:
        value = float(np.median(rates[f]))
        r = recipe_of(f)
        print(json.dumps({"benchmark": "family_comparison", "family": f, "preset": r.preset, "baseline": "sngan",
                          "unit": "train steps/s (batch 64, median)", "baseline_value": base, "value": value,
                          "ratio": value / base, "repeats": args.repeats, "steps": args.steps}), flush=True)


if __name__ == "__main__":
    main()
