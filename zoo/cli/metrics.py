"""`zoo eval NAME_OR_WORKDIR --metric fid|kid --num N ...`: prints the result as JSON (and writes it with --json)."""

from __future__ import annotations

import json
import os

METRICS = ("fid", "kid")  # zoo.metrics.evaluate.METRICS (not imported here: it loads TensorFlow; tested equal)


def add_subcommands(subparsers) -> None:
    """Register `eval` on the `zoo` command's subparsers."""
    p = subparsers.add_parser("eval", help="FID / KID of a generator against real data")
    p.add_argument("name_or_workdir", metavar="NAME_OR_WORKDIR",
                   help="a published model name or a training work dir / model folder")
    p.add_argument("--metric", default="fid", choices=METRICS)
    p.add_argument("--num", type=int, default=10000, help="generated (and real) images")
    p.add_argument("--reference", default="fmnist/test", help="real data as <dataset>/<split>")
    p.add_argument("--seed", type=int, default=0, help="sampling seed (z, labels, KID subsets)")
    p.add_argument("--batch-size", type=int, help="images per Inception forward pass (default: fastest measured)")
    p.add_argument("--truncation", type=float,
                   help="the model's truncation (default none): z-space families draw z from a normal truncated "
                        "at +-T; StyleGAN2 takes psi in w-space")
    p.add_argument("--json", metavar="OUT", help="also write the result to this JSON file")
    p.set_defaults(func=run_eval)


def run_eval(args):
    from zoo.cli.support import resolve_generator
    from zoo.metrics.evaluate import evaluate_generator

    generator = resolve_generator(args.name_or_workdir)
    result = evaluate_generator(generator, metric=args.metric, num=args.num, reference=args.reference,
                                seed=args.seed, batch_size=args.batch_size, truncation=args.truncation)
    result = {"model": args.name_or_workdir, **result}
    text = json.dumps(result, indent=2)
    if args.json:
        os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
        with open(args.json, "w") as f:
            f.write(text + "\n")
    print(text)
    return result
