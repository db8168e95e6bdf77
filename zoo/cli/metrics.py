"""`zoo eval NAME_OR_WORKDIR --metric fid|kid|prdc --num N ...`: prints the result as JSON (and writes it with --json).

`--metric prdc` prints improved precision / recall (k = 3) and density / coverage (k = 5) of N samples against the
first N reference images, and under `real_vs_real` the same four of N `--train` images against those reference
images (the floor at the same n; `zoo.metrics.evaluate.evaluate_prdc`).
"""

from __future__ import annotations

import json
import os

from zoo.cli.arguments import non_negative_float, non_negative_int, positive_int

METRICS = ("fid", "kid", "prdc")  # zoo.metrics.evaluate.METRICS (not imported here: it loads TensorFlow; tested equal)


def add_subcommands(subparsers) -> None:
    """Register `eval` on the `zoo` command's subparsers."""
    p = subparsers.add_parser("eval", help="FID / KID / precision, recall, density, coverage of a generator "
                                           "against real data")
    p.add_argument("name_or_workdir", metavar="NAME_OR_WORKDIR",
                   help="a published model name or a training work dir / model folder")
    p.add_argument("--metric", default="fid", choices=METRICS,
                   help="fid, kid, or prdc: precision and recall (k=3), density and coverage (k=5) on the same "
                        "Inception features, each beside its real-vs-real value at the same n")
    p.add_argument("--num", type=positive_int, default=10000, help="generated (and real) images")
    p.add_argument("--reference", default="fmnist/test", help="real data as <dataset>/<split>")
    p.add_argument("--train", metavar="DATASET/SPLIT",
                   help="prdc: the other real split of the real-vs-real values, --num of its images (default "
                        "<reference dataset>/train; emojione: --reference emojione/rest_b --train emojione/rest_a "
                        "--num 847)")
    p.add_argument("--seed", type=non_negative_int, default=0, help="sampling seed (z, labels, KID subsets, --train permutation)")
    p.add_argument("--batch-size", type=positive_int, help="images per Inception forward pass (default: fastest measured)")
    p.add_argument("--truncation", type=non_negative_float,
                   help="the model's truncation (default none): z-space families draw z from a normal truncated "
                        "at +-T; StyleGAN2 takes psi in w-space")
    p.add_argument("--json", metavar="OUT", help="also write the result to this JSON file")
    p.set_defaults(func=run_eval)


def default_train(reference: str) -> str:
    """'<dataset>/train' of a '<dataset>/<split>' reference."""
    return f"{reference.split('/')[0]}/train"


def run_eval(args):
    from zoo.cli.support import resolve_generator
    from zoo.metrics import evaluate

    if args.train and args.metric != "prdc":
        raise ValueError(f"--train is the real-vs-real side of --metric prdc; --metric {args.metric} measures "
                         f"against --reference only (its floor: zoo.metrics.real_floor, or zoo release)")
    generator = resolve_generator(args.name_or_workdir)
    if args.truncation is not None:  # a truncation the family has not: refused before minutes of features
        generator.latents(1, seed=0, truncation=args.truncation)
    if args.metric == "prdc":
        result = evaluate.evaluate_prdc(generator, num=args.num, reference=args.reference,
                                        train=args.train or default_train(args.reference), seed=args.seed,
                                        batch_size=args.batch_size, truncation=args.truncation)
    else:
        result = evaluate.evaluate_generator(generator, metric=args.metric, num=args.num, reference=args.reference,
                                             seed=args.seed, batch_size=args.batch_size, truncation=args.truncation)
    result = {"model": args.name_or_workdir, **result}
    text = json.dumps(result, indent=2)
    if args.json:
        os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
        with open(args.json, "w") as f:
            f.write(text + "\n")
    print(text)
    return result
