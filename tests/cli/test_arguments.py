"""Bad numbers on the command line are refused by argparse (`zoo.cli.arguments`), one line, exit code 2, before any
progress line or model loading: for every subcommand that takes a count, a seed or a truncation."""

import pytest

from zoo.cli import build_parser, main
from zoo.cli.arguments import non_negative_float, non_negative_int, positive_int

BAD = [
    ("sample", ["sample", "m", "--num", "0"], "--num", "expected an integer >= 1, got 0"),
    ("sample", ["sample", "m", "--seed", "-3"], "--seed", "expected an integer >= 0, got -3"),
    ("sample", ["sample", "m", "--truncation", "-1"], "--truncation", "expected a finite number >= 0"),
    ("eval", ["eval", "m", "--num", "0"], "--num", "expected an integer >= 1, got 0"),
    ("eval", ["eval", "m", "--batch-size", "x"], "--batch-size", "expected an integer >= 1, got 'x'"),
    ("eval", ["eval", "m", "--truncation", "nan"], "--truncation", "expected a finite number >= 0"),
    ("export", ["export", "m", "--out", "o", "--version", "0"], "--version", "expected an integer >= 1, got 0"),
    ("train", ["train", "r.py", "--steps", "0"], "--steps", "expected an integer >= 1, got 0"),
    ("train", ["train", "r.py", "--devices", "0"], "--devices", "expected an integer >= 1, got 0"),
    ("imp", ["imp", "r.py", "--rounds", "-1"], "--rounds", "expected an integer >= 1, got -1"),
    ("release", ["release", "w", "--recipe", "r", "--repo-id", "o/w", "--num", "0"], "--num",
     "expected an integer >= 1, got 0"),
    ("release", ["release", "w", "--recipe", "r", "--repo-id", "o/w", "--curve-num", "0"], "--curve-num",
     "expected an integer >= 1, got 0"),
    ("release", ["release", "w", "--recipe", "r", "--repo-id", "o/w", "--frame-step", "0"], "--frame-step",
     "expected an integer >= 1, got 0"),
]


@pytest.mark.parametrize("command, argv, flag, message", BAD, ids=[" ".join(b[1]) for b in BAD])
def test_bad_numbers_are_usage_errors_before_anything_runs(command, argv, flag, message, capsys):
    with pytest.raises(SystemExit) as error:
        main(argv)
    captured = capsys.readouterr()
    assert error.value.code == 2 and captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"zoo {command}: error: argument {flag}"), captured.err
    assert message in lines[0]


def test_good_values_parse():
    parser = build_parser()
    args = parser.parse_args(["sample", "m", "--num", "1", "--seed", "0", "--truncation", "0"])
    assert (args.num, args.seed, args.truncation) == (1, 0, 0.0)  # psi = 0 is the average w (StyleGAN2)
    assert parser.parse_args(["export", "m", "--out", "o"]).version == 1
    assert (positive_int("7"), non_negative_int("0"), non_negative_float("0.5")) == (7, 0, 0.5)
