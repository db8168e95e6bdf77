"""Projection of held-out real images into every shipped image model (`zoo.projection.project`), with PSNR.

For each model (default: every shipped image generator; video models are skipped) `--num` images of the test
split of its training dataset (Fashion-MNIST test for the fmnist models, the emoji test split for the emoji
models: images no model was trained on), evenly spaced through the split, are projected with `--steps` steps
(pixel L2 + `--perceptual-weight` x the FID-Inception feature distance; class-conditional models get the
image's true class, or search it with `--search`). Prints one JSON line per image:

    {"benchmark": "projection", "model": ..., "image": "<dataset>/test[<index>]", "label": ..., "space": "z",
     "steps": 300, "perceptual_weight": 1.0, "baseline": "start", "unit": "PSNR dB (uint8)",
     "baseline_value": <PSNR of the starting point, its first step's image>, "value": <PSNR after projection>, "ratio": value / baseline,
     "seconds": ...}

and writes `<out>/<model>.png`: the targets (top row) over their reconstructions (bottom row), for the README.

Cost: each step runs the generator and, with the perceptual term, the Inception network at 299x299 (about
0.18 s per image forward + backward on 2 CPU cores): the defaults (4 images x 300 steps x 6 models) take
roughly half an hour. Run: `nice -n 19 python benchmarks/projection_figure.py --out figures/projection`;
a quick check: `--models sngan-fmnist-32 --num 1 --steps 5 --perceptual-weight 0`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

from zoo.data import load_arrays  # noqa: E402
from zoo.hub.registry import registry  # noqa: E402
from zoo.images import save_image_grid  # noqa: E402
from zoo.projection import project, psnr  # noqa: E402


def image_models() -> list:
    """Shipped model names whose samples are images (a video model's resolution has 3 entries: T, H, W)."""
    return [name for name, entry in registry().items() if len(entry.manifest["resolution"]) == 2]


def held_out(dataset: str, num: int):
    """(name of the split, indices, images, labels) of `num` evenly spaced test images of `dataset`'s base
    set (a subset such as fmnist10pct has the whole fmnist test split)."""
    images, labels = load_arrays(dataset, "test")
    indices = np.linspace(0, len(images) - 1, num).round().astype(int)
    return f"{dataset}/test", indices, images[indices], None if labels is None else np.asarray(labels)[indices]


def run(name: str, args) -> list:
    import zoo

    g = zoo.load(name)
    dataset = registry()[name].manifest["dataset"]["name"]
    split, indices, targets, labels = held_out(dataset, args.num)
    if targets.shape[1:] != tuple(g.image_shape):
        raise ValueError(f"{name}: {split} images have shape {targets.shape[1:]}, the model makes {g.image_shape}")
    given = labels if g.num_classes and not args.search else None
    start = time.perf_counter()
    result = project(g, targets, steps=args.steps, labels=given, perceptual_weight=args.perceptual_weight,
                     seed=args.seed)
    seconds = (time.perf_counter() - start) / len(targets)
    first = psnr(result.frames[0], targets)
    rows = []
    for i, index in enumerate(indices):
        rows.append({"benchmark": "projection", "model": name, "image": f"{split}[{int(index)}]",
                     "label": None if result.labels is None else int(result.labels[i]), "space": result.space,
                     "steps": args.steps, "perceptual_weight": args.perceptual_weight, "baseline": "start",
                     "unit": "PSNR dB (uint8)", "baseline_value": round(float(first[i]), 2),
                     "value": round(float(result.psnr[i]), 2),
                     "ratio": round(float(result.psnr[i] / first[i]), 3), "seconds": round(seconds, 1)})
    if args.out:
        save_image_grid(np.concatenate([targets, result.images]), os.path.join(args.out, f"{name}.png"),
                        ncols=len(targets))
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", help="comma-separated model names (default: every shipped image model)")
    parser.add_argument("--num", type=int, default=4, help="held-out images per model (default 4)")
    parser.add_argument("--steps", type=int, default=300, help="optimisation steps (default 300)")
    parser.add_argument("--perceptual-weight", type=float, default=1.0, help="FID-Inception term (default 1)")
    parser.add_argument("--search", action="store_true", help="search the class instead of giving the true one")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", help="folder for the figures (<model>.png); none written without it")
    args = parser.parse_args(argv)
    names = args.models.split(",") if args.models else image_models()
    for name in names:
        for row in run(name, args):
            print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
