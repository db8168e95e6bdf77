"""`zoo train | imp`: train a recipe, or run lottery-ticket rounds (iterative magnitude pruning) on it.

Stopped by SIGTERM or SIGINT (Ctrl-C), both finish the current step and write a verified checkpoint
(`zoo.training.interrupt`), print `zoo train: interrupted by SIGTERM after step N: checkpoint ckpt-N written;
continue with --resume` on stderr and exit with the shell's code for the signal: 143 (SIGTERM), 130 (SIGINT).
"""

from __future__ import annotations

import contextlib
import os
import sys

from zoo.cli.arguments import positive_int


def add_subcommands(subparsers) -> None:
    """Register `train` and `imp` on the `zoo` command's subparsers."""
    p = subparsers.add_parser("train", help="train a recipe (recipes/*.py)")
    _add_run_arguments(p, "run directory (default: runs/<recipe name>)")
    p.add_argument("--steps", type=positive_int, help="train up to this many generator steps (default: the recipe's)")
    p.add_argument("--resume", action="store_true", help="continue the work dir's latest checkpoint")
    p.add_argument("--init-from", help="start from a published model's weights (fine-tuning)")
    p.set_defaults(func=run_train)

    p = subparsers.add_parser("imp", help="lottery tickets: train, prune 20%% of G's and D's remaining weights by "
                                          "global magnitude, rewind, repeat (the recipe's prune_* fields)")
    _add_run_arguments(p, "IMP directory, one round_<k>/ work dir per round (default: runs/<name>.imp)")
    p.add_argument("--rounds", type=positive_int, help="pruning rounds (default: the recipe's prune_rounds)")
    p.set_defaults(func=run_imp)


def _add_run_arguments(p, workdir_help):
    """The arguments every command that trains a recipe takes."""
    p.add_argument("recipe", help="path of a recipe file defining RECIPE")
    p.add_argument("--workdir", help=workdir_help)
    p.add_argument("--strategy", default="default", choices=("default", "mirrored", "multiworker"))
    p.add_argument("--devices", type=positive_int, default=2, help="logical CPU devices for --strategy mirrored without GPU")
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
    if recipe.techniques is not None and recipe.techniques.prune_rounds:
        print(f"note: this recipe sets prune_rounds={recipe.techniques.prune_rounds}; `zoo train` trains one run "
              f"({'the ticket ' + recipe.techniques.init_masks if recipe.techniques.init_masks else 'dense'}), `zoo imp` runs the "
              f"lottery-ticket rounds", file=sys.stderr)
    if args.init_from:  # --init-from overrides the recipe's finetune.init_from (and adds the section if absent)
        recipe = recipe.replace(init_from=args.init_from).validate()
    init_from = None
    if recipe.finetune is not None and recipe.finetune.init_from:  # a name / hf:// id: its sha256-verified folder
        init_from = pretrained_source(recipe.finetune.init_from)
    with _exit_on_interrupt("zoo train"):
        state = train(recipe, workdir, steps=args.steps, strategy=args.strategy, resume=args.resume,
                      init_from=init_from, num_devices=args.devices, command=command_line())
    print(f"done: step {state.get('step')} in {state.get('wall_clock_s', 0):.0f} s; model in {workdir}/export")


def run_imp(args) -> None:
    from zoo.training.imp import run_imp as imp
    from zoo.training.recipe import load_recipe

    recipe = load_recipe(args.recipe, smoke=args.smoke)
    workdir = args.workdir or os.path.join("runs", f"{recipe.name}.imp")
    with _exit_on_interrupt("zoo imp", "run the same command again to continue (finished rounds are re-read)"):
        summary = imp(recipe, workdir, rounds=args.rounds, strategy=args.strategy, num_devices=args.devices)
    for info in summary:
        density = ", ".join(f"{part} {value:.4f}" for part, value in info["density"].items())
        print(f"round {info['round']}: density {density}; {info['steps']} steps in {info['wall_clock_s']:.0f} s")
    print(f"ticket: {summary[-1]['workdir']}/export (with masks.h5)")


def pretrained_source(source: str) -> str:
    """The verified folder of a recipe's `init_from` (`zoo.hub.load.pretrained_folder`); an unknown name is a
    usage error naming the close names."""
    from zoo.cli.support import UsageError
    from zoo.hub.load import pretrained_folder

    try:
        folder, info = pretrained_folder(source)
    except KeyError as e:
        message = e.args[0] if e.args else str(e)
        raise UsageError(f"init_from {source!r} is not a folder, an hf:// id or a pretrained model name: "
                         f"{message}") from None
    print(f"init_from {source}: {folder}" + (f" (generator sha256 {info['sha256'][:12]}...)" if info["sha256"]
                                               else ""), file=sys.stderr)
    return folder


@contextlib.contextmanager
def _exit_on_interrupt(prog: str, how: str = ""):
    """Within: a run stopped by a signal (`TrainingInterrupted`, its checkpoint written) prints where it stopped
    and how to continue (`how`, instead of "continue with --resume"), and exits with its code (143 SIGTERM,
    130 SIGINT) instead of the generic 130 of `zoo.cli`."""
    from zoo.training.interrupt import TrainingInterrupted

    try:
        yield
    except TrainingInterrupted as e:
        sys.stdout.flush()
        message = str(e).replace("continue with --resume", how) if how else str(e)
        print(f"{prog}: {message}", file=sys.stderr, flush=True)
        raise SystemExit(e.exit_code) from None
