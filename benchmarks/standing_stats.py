"""Brightness of truncated samples with and without batch-norm standing statistics (`zoo.models.standing_stats`).

For each model (default: the shipped SAGAN and BigGAN generators) and each truncation T (default 0.25, 0.5):
the mean pixel value (0-255) of `--num` samples (seed 0; labels 0, 1, 2, ... cycling through the classes) of
- `g.sample(num, truncation=T, standing_stats=False)`: the running statistics of training (baseline);
- `g.sample(num, truncation=T)`: the standing statistics of T (candidate; defaults: 16 passes of 128 samples);
beside the untruncated samples' mean (`untruncated`). One JSON line per (model, T):

    {"benchmark": "standing_stats", "model": ..., "truncation": T, "baseline": "running_stats",
     "unit": "mean pixel value (0-255)", "untruncated": ..., "baseline_value": ..., "value": ...,
     "baseline_gap": |baseline_value - untruncated|, "gap": |value - untruncated|, "num": N,
     "num_draws": 16, "batch_size": 128, "stats_seconds": ...}

Each line is also appended to `benchmarks/results/standing_stats.jsonl` unless `--out ""`.
A gap near 0 means truncated samples as bright as untruncated ones; SAGAN's baseline at T = 0.25 is near-black.
`stats_seconds`: the wall clock of computing the standing statistics of T (once per T, then cached).

Run: `python benchmarks/standing_stats.py` (about 2 minutes on 2 CPU cores); `--models sagan-fmnist-32
--truncations 0.25 --num 200`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

MODELS = ("sagan-fmnist-32", "biggan-fmnist-32")
OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "benchmarks", "results",
                   "standing_stats.jsonl")


def mean_brightness(g, num: int, truncation=None, standing_stats: bool = True) -> float:
    """Mean pixel value (0-255) of `g.sample(num, seed=0, ...)`, labels cycling through the classes."""
    labels = (np.arange(num) % g.num_classes).astype(np.int32) if g.num_classes else None
    return float(g.sample(num, seed=0, labels=labels, truncation=truncation, standing_stats=standing_stats).mean())


def brightness_rows(g, truncations=(0.25, 0.5), num: int = 200) -> list:
    """[{"truncation": T, "untruncated", "running", "standing", "stats_seconds"}] for each T."""
    untruncated = mean_brightness(g, num)
    rows = []
    for t in truncations:
        start = time.perf_counter()
        g.standing_stats(float(t))
        seconds = time.perf_counter() - start
        rows.append({"truncation": float(t), "untruncated": untruncated,
                     "running": mean_brightness(g, num, t, standing_stats=False),
                     "standing": mean_brightness(g, num, t), "stats_seconds": round(seconds, 1)})
    return rows


def main(argv=None) -> int:
    import zoo
    from zoo.models.standing_stats import BATCH_SIZE, NUM_DRAWS

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--models", default=",".join(MODELS), help="comma-separated model names")
    p.add_argument("--truncations", default="0.25,0.5", help="comma-separated T")
    p.add_argument("--num", type=int, default=200, help="samples per brightness (default 200)")
    p.add_argument("--out", default=OUT, help="JSON lines appended here too ('' for none)")
    args = p.parse_args(argv)
    truncations = [float(t) for t in args.truncations.split(",") if t.strip()]
    for name in [n for n in args.models.split(",") if n.strip()]:
        g = zoo.load(name)
        for row in brightness_rows(g, truncations, args.num):
            line = json.dumps({"benchmark": "standing_stats", "model": name, "truncation": row["truncation"],
                              "baseline": "running_stats", "unit": "mean pixel value (0-255)",
                              "untruncated": round(row["untruncated"], 2),
                              "baseline_value": round(row["running"], 2), "value": round(row["standing"], 2),
                              "baseline_gap": round(abs(row["running"] - row["untruncated"]), 2),
                              "gap": round(abs(row["standing"] - row["untruncated"]), 2), "num": args.num,
                              "num_draws": NUM_DRAWS, "batch_size": BATCH_SIZE,
                              "stats_seconds": row["stats_seconds"]})
            print(line, flush=True)
            if args.out:
                with open(args.out, "a") as f:
                    f.write(line + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
