"""`zoo export`: write a TF Serving SavedModel of a published model or a work dir (`add_subcommands(subparsers)`)."""

from __future__ import annotations

import os

from zoo.cli.arguments import positive_int


def add_subcommands(subparsers) -> None:
    """Register `export NAME_OR_WORKDIR --out DIR [--version 1] [--overwrite]`."""
    p = subparsers.add_parser("export", help="write a TF Serving SavedModel (<out>/<version>/saved_model.pb)")
    p.add_argument("name_or_workdir", metavar="NAME_OR_WORKDIR",
                   help="a name from `zoo list`, or a training work dir / model folder")
    p.add_argument("--out", required=True, help="the model's base directory (TF Serving --model_base_path)")
    p.add_argument("--version", type=positive_int, default=1, help="version folder number (default 1)")
    p.add_argument("--overwrite", action="store_true", help="replace an existing version folder")
    p.set_defaults(func=run_export)


def run_export(args) -> None:
    from zoo.cli.support import resolve_generator
    from zoo.export.serving import export_serving, signature_names

    target = os.path.join(args.out, str(args.version))
    if os.path.exists(target) and not args.overwrite:  # before the model is loaded and the progress line
        raise FileExistsError(f"{target} already exists; pass --overwrite or a new --version")
    generator = resolve_generator(args.name_or_workdir)
    print(f"exporting {args.name_or_workdir} to {args.out}/{args.version}", flush=True)
    path = export_serving(generator, args.out, version=args.version, overwrite=args.overwrite)
    print(f"wrote {path} (signatures: {', '.join(signature_names(path))}); inspect with "
          f"`saved_model_cli show --dir {path} --all`")

