"""`zoo train | imp`: train a recipe, or run lottery-ticket rounds (iterative magnitude pruning) on it."""

from __future__ import annotations

import os
import sys


def add_subcommands(subparsers) -> None:
    """Register `train` and `imp` on the `zoo` command's subparsers."""
    p = subparsers.add_parser("train", help="train a recipe (recipes/*.py)")
    _add_run_arguments(p, "run directory (default: runs/<recipe name>)")
    p.add_argument("--steps", type=int, help="train up to this many generator steps (default: the recipe's)")
    p.add_argument("--resume", action="store_true", help="continue the work dir's latest checkpoint")
    p.add_argument("--init-from", help="start from a published model's weights (fine-tuning)")
    p.set_defaults(func=run_train)

    p = subparsers.add_parser("imp", help="lottery tickets: train, prune 20%% of G's and D's remaining weights by "
                                          "global magnitude, rewind, repeat (the recipe's prune_* fields)")
    _add_run_arguments(p, "IMP directory, one round_<k>/ work dir per round (default: runs/<name>.imp)")
    p.add_argument("--rounds", type=int, help="pruning rounds (default: the recipe's prune_rounds)")
    p.set_defaults(func=run_imp)


def _add_run_arguments(p, workdir_help):
    """The arguments every command that trains a recipe takes."""
    p.add_argument("recipe", help="path of a recipe file defining RECIPE")
    p.add_argument("--workdir", help=workdir_help)
    p.add_argument("--strategy", default="default", choices=("default", "mirrored", "multiworker"))
    p.add_argument("--devices", type=int, default=2, help="logical CPU devices for --strategy mirrored without GPU")
    p.add_argument("--smoke", action="store_true", help="the recipe's tiny smoke() variant")


def run_train(args) -> None:
    from zoo.cli.support import command_line
    from zoo.training.loop import train
    from zoo.training.recipe import load_recipe
    from zoo.training.stages import smoke_recipe

    recipe = load_recipe(args.recipe)
    workdir = args.workdir or os.path.join("runs", recipe.name)
    if args.smoke:  # a stage-2 recipe's smoke trains on its stage-1 smoke run, kept in <workdir>/stage1
        recipe = smoke_recipe(args.recipe, workdir, strategy=args.strategy)
        workdir = args.workdir or os.path.join("runs", recipe.name)
    if recipe.techniques.prune_rounds:
        print(f"note: this recipe sets prune_rounds={recipe.techniques.prune_rounds}; `zoo train` trains one run "
              f"({'the ticket ' + recipe.techniques.init_masks if recipe.techniques.init_masks else 'dense'}), `zoo imp` runs the "
              f"lottery-ticket rounds", file=sys.stderr)
    init_from = args.init_from
    if init_from and not os.path.isdir(init_from):  # a published name: its sha256-verified folder
        from zoo.cli.support import registry_entry
        from zoo.hub.load import verified_folder

        init_from = verified_folder(registry_entry(init_from))
    state = train(recipe, workdir, steps=args.steps, strategy=args.strategy, resume=args.resume,
                  init_from=init_from, num_devices=args.devices, command=command_line())
    print(f"done: step {state.get('step')} in {state.get('wall_clock_s', 0):.0f} s; model in {workdir}/export")


def run_imp(args) -> None:
    from zoo.training.imp import run_imp as imp
    from zoo.training.recipe import load_recipe

    recipe = load_recipe(args.recipe, smoke=args.smoke)
    workdir = args.workdir or os.path.join("runs", f"{recipe.name}.imp")
    summary = imp(recipe, workdir, rounds=args.rounds, strategy=args.strategy, num_devices=args.devices)
    for info in summary:
        density = ", ".join(f"{part} {value:.4f}" for part, value in info["density"].items())
        print(f"round {info['round']}: density {density}; {info['steps']} steps in {info['wall_clock_s']:.0f} s")
    print(f"ticket: {summary[-1]['workdir']}/export (with masks.h5)")
