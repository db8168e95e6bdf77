"""`zoo recipe show FILE`: the resolved recipe of a recipe file, every field, marking what a variant changes."""

from __future__ import annotations

import json


def add_subcommands(subparsers) -> None:
    """Register `recipe show` on the `zoo` command's subparsers."""
    p = subparsers.add_parser("recipe", help="inspect recipe files")
    sub = p.add_subparsers(dest="recipe_command", required=True, metavar="ACTION")
    show = sub.add_parser("show", help="print the resolved recipe of FILE, every field; '*' marks the fields a "
                                       "derived recipe changes from its base")
    show.add_argument("recipe", help="path of a recipe file defining RECIPE")
    show.add_argument("--smoke", action="store_true", help="the recipe's tiny smoke() variant")
    show.add_argument("--json", action="store_true", help="the resolved recipe as JSON (recipe.json's format)")
    show.set_defaults(func=run_show)


def show_lines(recipe, base=None, base_path: str | None = None, path: str = "") -> list[str]:
    """The lines `zoo recipe show` prints: a header, then `  section.field = value` for every field, prefixed
    with '*' where `recipe` differs from `base` (fields absent from the base are marked too)."""
    changed = set(recipe.differences(base)) if base is not None else set()
    header = f"{path or recipe.name}: task {recipe.task.kind!r}"
    if base is not None:
        header += f", derived from {base_path} ({len(changed)} field{'s' if len(changed) != 1 else ''} changed, " \
                  f"marked *)"
    lines = [header]
    flat = recipe.flat()
    width = max(len(k) for k in flat)
    for key, value in flat.items():
        mark = "*" if key in changed else " "
        lines.append(f"{mark} {key:<{width}} = {json.dumps(value, default=list)}")
    if base is not None:
        gone = sorted(k for k in changed if k not in flat)
        lines += [f"* {key:<{width}} = (absent; base: {json.dumps(base.flat()[key], default=list)})" for key in gone]
    return lines


def run_show(args) -> None:
    from zoo.training.recipe import load_recipe, recipe_base

    recipe = load_recipe(args.recipe, smoke=args.smoke)
    if args.json:
        print(json.dumps(recipe.to_dict(), indent=2, sort_keys=True))
        return
    base_path, base = recipe_base(args.recipe)
    if base is not None and args.smoke:
        base = load_recipe(base_path, smoke=True)
    print("\n".join(show_lines(recipe, base, base_path, args.recipe)))
