"""`zoo` command line: list | sample | train | imp | eval | export | publish."""

from __future__ import annotations

import argparse
import importlib
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before any TensorFlow import

# subcommands contributed by other packages: module with add_subcommands(subparsers)
PLUGINS = ("zoo.hub.cli", "zoo.metrics.cli", "zoo.export.cli", "zoo.training.cli")


def _add_train(sub):
    p = sub.add_parser("train", help="train a recipe (recipes/*.py)")
    p.add_argument("recipe", help="path of a recipe file defining RECIPE")
    p.add_argument("--workdir", help="run directory (default: runs/<recipe name>)")
    p.add_argument("--steps", type=int, help="train up to this many generator steps (default: the recipe's)")
    p.add_argument("--strategy", default="default", choices=("default", "mirrored", "multiworker"))
    p.add_argument("--devices", type=int, default=2, help="logical CPU devices for --strategy mirrored without GPU")
    p.add_argument("--resume", action="store_true", help="continue the work dir's latest checkpoint")
    p.add_argument("--init-from", help="start from a published model's weights (fine-tuning)")
    p.add_argument("--smoke", action="store_true", help="the recipe's tiny smoke() variant")
    p.set_defaults(func=_run_train)


def _run_train(args):
    from zoo.training.loop import train
    from zoo.training.recipe import load_recipe

    recipe = load_recipe(args.recipe, smoke=args.smoke)
    workdir = args.workdir or os.path.join("runs", recipe.name)
    state = train(recipe, workdir, steps=args.steps, strategy=args.strategy, resume=args.resume,
                  init_from=args.init_from, num_devices=args.devices)
    print(f"done: step {state.get('step')} in {state.get('wall_clock_s', 0):.0f} s; model in {workdir}/export")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="zoo", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    _add_train(sub)
    for name in PLUGINS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name != name:
                raise
            continue
        module.add_subcommands(sub)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        args.func(args)
    except (ValueError, KeyError, OSError) as e:
        print(f"zoo {args.command}: error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
