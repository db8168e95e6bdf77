"""`zoo` command line: list | sample | train | imp | eval | release | export | publish.

`zoo.cli` is the application layer: it uses training, hub, metrics and export, and no library module
imports it. One module per group of subcommands, each with `add_subcommands(subparsers)`:
`train` (train, imp), `hub` (list, sample, publish, release), `metrics` (eval), `export` (export);
`release` (evaluate + publish a finished run) and `support` (model name or work dir -> generator) are
the pieces they share.
"""

from __future__ import annotations

import argparse
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before any TensorFlow import


def build_parser() -> argparse.ArgumentParser:
    from zoo.cli import export, hub, metrics, train

    parser = argparse.ArgumentParser(prog="zoo", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for module in (train, hub, metrics, export):
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


__all__ = ["build_parser", "main"]
