"""`zoo export`: write a TF Serving SavedModel of a published model or a work dir (`add_subcommands(subparsers)`)."""

from __future__ import annotations

import os

from zoo.cli.arguments import positive_int


def add_subcommands(subparsers) -> None:
    """Register `export NAME_OR_WORKDIR --out DIR [--version 1] [--overwrite] [--truncations T,...]
    [--no-standing-stats]`."""
    from zoo.cli.hub import parse_floats

    p = subparsers.add_parser("export", help="write a TF Serving SavedModel (<out>/<version>/saved_model.pb)")
    p.add_argument("name_or_workdir", metavar="NAME_OR_WORKDIR",
                   help="a name from `zoo list`, or a training work dir / model folder")
    p.add_argument("--out", required=True, help="the model's base directory (TF Serving --model_base_path)")
    p.add_argument("--version", type=positive_int, default=1, help="version folder number (default 1)")
    p.add_argument("--overwrite", action="store_true", help="replace an existing version folder")
    p.add_argument("--truncations", type=parse_floats, metavar="T,...",
                   help="batch-norm generators: bake the standing statistics of these truncations for the truncated "
                        "signatures, which then accept only these (default 0.25,0.5,0.75,1.0)")
    p.add_argument("--no-standing-stats", dest="standing_stats", action="store_false",
                   help="bake no standing statistics: truncated signatures normalise with the running statistics")
    p.set_defaults(func=run_export)


def run_export(args) -> None:
    from zoo.cli.support import resolve_generator
    from zoo.export.serving import export_serving, signature_names, standing_grid

    target = os.path.join(args.out, str(args.version))
    if os.path.exists(target) and not args.overwrite:  # before the model is loaded and the progress line
        raise FileExistsError(f"{target} already exists; pass --overwrite or a new --version")
    generator = resolve_generator(args.name_or_workdir)
    print(f"exporting {args.name_or_workdir} to {args.out}/{args.version}", flush=True)
    grid = standing_grid(generator, args.truncations, args.standing_stats)
    if grid:
        print(f"batch-norm standing statistics for truncations {', '.join(f'{t:g}' for t in grid)} "
              f"(zoo.models.standing_stats)", flush=True)
    path = export_serving(generator, args.out, version=args.version, overwrite=args.overwrite,
                          truncations=args.truncations, standing_stats=args.standing_stats)
    print(f"wrote {path} (signatures: {', '.join(signature_names(path))}); inspect with "
          f"`saved_model_cli show --dir {path} --all`")

