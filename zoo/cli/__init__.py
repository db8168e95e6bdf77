"""`zoo` command line: list | sample | project | interpolate | train | imp | recipe | eval | release | export |
publish.

`zoo.cli` is the application layer: it uses training, hub, metrics and export, and no library module
imports it. One module per group of subcommands, each with `add_subcommands(subparsers)`:
`train` (train, imp), `recipe` (recipe show), `hub` (list, sample, publish, release), `latent` (project,
interpolate), `metrics` (eval), `export` (export);
`release` (evaluate + publish a finished run) and `support` (model name or work dir -> generator) are
the pieces they share; `quiet` keeps TensorFlow's startup lines, logging and warnings off the terminal.

Without `--verbose`, an error is one line on stderr, `zoo <command>: error: <message>`, and the exit code
says whose it is: 2 for a usage error (bad arguments, an unknown model name, a bad recipe or value), 1 for
a failure (a run that fails, a work dir in use or with checkpoints, a checksum mismatch, a file error).
`--verbose` shows TensorFlow's logs, every warning and the traceback of an error.
"""

from __future__ import annotations

import argparse
import sys

from zoo.cli.support import UsageError

USAGE_ERROR, FAILURE, INTERRUPTED = 2, 1, 130


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (`zoo sample: error: ... (see zoo sample --help)`), exit code 2."""

    def error(self, message):
        self.exit(USAGE_ERROR, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    """The `zoo` parser; building and using it imports no TensorFlow."""
    from zoo.cli import export, hub, latent, metrics, recipe, train

    parser = _Parser(prog="zoo", description=__doc__.split("\n\n")[0])
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="show TensorFlow's logs, all warnings and the traceback of an error")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (train, recipe, hub, latent, metrics, export):
        module.add_subcommands(sub)
    for subparser in sub.choices.values():  # `zoo sample ... --verbose` works too
        subparser.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                               help="as `zoo --verbose`")
    return parser


def _loaded(*names: str) -> tuple:
    """The classes 'module:Class' of modules already imported (an error can only be raised by a loaded one)."""
    classes = []
    for name in names:
        module, cls = name.split(":")
        found = getattr(sys.modules.get(module), cls, None)
        if isinstance(found, type):
            classes.append(found)
    return tuple(classes)


def exit_code(error: BaseException) -> int:
    """The exit code of an error: the one mapping of `main` (first match wins)."""
    failures = _loaded("zoo.hub.load:ChecksumError", "zoo.metrics.fid_weights:WeightsChecksumError",
                       "zoo.metrics.reference_stats:CacheChecksumError", "zoo.data.errors:UnreadableImageError")
    mapping = (
        ((UsageError, argparse.ArgumentTypeError), USAGE_ERROR),  # unknown model name, bad argument value
        ((KeyboardInterrupt,), INTERRUPTED),
        (failures, FAILURE),                                      # ValueErrors that are not the user's input
        ((ValueError,), USAGE_ERROR),                             # incl. zoo.training.recipe.RecipeError
        ((OSError,), FAILURE),                                    # FileExistsError of a work dir, missing files
        ((Exception,), FAILURE),                                  # a run failing (CheckpointError, NaN loss, ...)
    )
    for classes, code in mapping:
        if classes and isinstance(error, classes):
            return code
    return FAILURE


def error_line(error: BaseException) -> str:
    """One line for an error: its message's first line; the type is named when the error is not one zoo
    expects (zoo's own classes, ValueError, OSError), with a pointer to `--verbose`."""
    if isinstance(error, KeyboardInterrupt):
        return "interrupted"
    text = error.args[0] if isinstance(error, KeyError) and len(error.args) == 1 else error  # no repr quotes
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    expected = isinstance(error, (UsageError, ValueError, OSError)) or type(error).__module__.startswith("zoo.")
    line = lines[0] if lines else ""
    if not expected or not line:
        line = f"{type(error).__name__}: {line}" if line else type(error).__name__
    if len(lines) > 1 or not expected:
        line += " (--verbose for details)"
    return line


def main(argv=None) -> int:
    """Run `zoo ARGS`; returns the exit code (argparse exits with 2 itself on bad arguments)."""
    args = build_parser().parse_args(argv)
    prog = f"zoo {args.command}"
    if args.verbose:
        return _run(args, prog, verbose=True)
    from zoo.cli.quiet import quiet

    with quiet(prog):
        return _run(args, prog, verbose=False)


def _run(args, prog: str, verbose: bool) -> int:
    try:
        args.func(args)
    except (Exception, KeyboardInterrupt) as e:
        if verbose:
            import traceback

            traceback.print_exc()
        sys.stdout.flush()
        print(f"{prog}: error: {error_line(e)}", file=sys.stderr, flush=True)
        return exit_code(e)
    return 0


__all__ = ["UsageError", "build_parser", "error_line", "exit_code", "main"]
