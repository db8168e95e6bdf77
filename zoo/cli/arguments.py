"""argparse value types for the `zoo` subcommands: a bad number is refused while the command line is parsed,
so its one-line usage error (exit code 2) comes before any progress line, model loading or TensorFlow import."""

from __future__ import annotations

import argparse


def _integer(text: str, minimum: int, what: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
    if value < minimum:
        raise argparse.ArgumentTypeError(f"expected {what}, got {value}")
    return value


def positive_int(text: str) -> int:
    """'64' -> 64; '0', '-3', 'x' -> ArgumentTypeError (a count: samples, steps, version, batch size)."""
    return _integer(text, 1, "an integer >= 1")


def non_negative_int(text: str) -> int:
    """'0' -> 0; '-1', 'x' -> ArgumentTypeError (a seed: NumPy's generators take seeds >= 0)."""
    return _integer(text, 0, "an integer >= 0")


def non_negative_float(text: str) -> float:
    """'0.7' -> 0.7; '-1', 'nan', 'x' -> ArgumentTypeError (a truncation: a threshold T > 0 in z-space, psi >= 0
    in w-space; the model decides between the two, see `zoo.cli.hub.check_sample_arguments`)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {text!r}") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a finite number >= 0, got {text!r}")
    return value
