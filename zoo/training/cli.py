"""`zoo imp`: lottery tickets by iterative magnitude pruning, registered into `zoo.cli` by `add_subcommands`."""

from __future__ import annotations

import os


def add_subcommands(subparsers) -> None:
    """Register `imp` on an argparse sub-parser collection."""
    p = subparsers.add_parser("imp", help="lottery tickets: train, prune 20%% of G's and D's remaining weights by "
                                          "global magnitude, rewind, repeat (the recipe's prune_* fields)")
    p.add_argument("recipe", help="path of a recipe file defining RECIPE")
    p.add_argument("--workdir", help="IMP directory, one round_<k>/ work dir per round (default: runs/<name>.imp)")
    p.add_argument("--rounds", type=int, help="pruning rounds (default: the recipe's prune_rounds)")
    p.add_argument("--strategy", default="default", choices=("default", "mirrored", "multiworker"))
    p.add_argument("--devices", type=int, default=2, help="logical CPU devices for --strategy mirrored without GPU")
    p.add_argument("--smoke", action="store_true", help="the recipe's tiny smoke() variant")
    p.set_defaults(func=run_imp_command)


def run_imp_command(args) -> None:
    from zoo.training.lottery_ticket import run_imp
    from zoo.training.recipe import load_recipe

    recipe = load_recipe(args.recipe, smoke=args.smoke)
    workdir = args.workdir or os.path.join("runs", f"{recipe.name}.imp")
    summary = run_imp(recipe, workdir, rounds=args.rounds, strategy=args.strategy, num_devices=args.devices)
    for info in summary:
        density = ", ".join(f"{part} {value:.4f}" for part, value in info["density"].items())
        print(f"round {info['round']}: density {density}; {info['steps']} steps in {info['wall_clock_s']:.0f} s")
    print(f"ticket: {summary[-1]['workdir']}/export (with masks.h5)")
