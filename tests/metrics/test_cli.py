"""`zoo eval` registration and output."""

import json

import zoo.cli.support
from zoo.cli import metrics as cli
from zoo.metrics import evaluate


def test_eval_subcommand(tmp_path, monkeypatch, capsys):
    import argparse

    parser = argparse.ArgumentParser()
    cli.add_subcommands(parser.add_subparsers(dest="command"))
    out = tmp_path / "out" / "fid.json"
    args = parser.parse_args(["eval", "runs/x", "--metric", "kid", "--num", "64", "--reference", "fmnist/train",
                              "--seed", "2", "--batch-size", "8", "--json", str(out)])
    seen = {}
    monkeypatch.setattr(zoo.cli.support, "resolve_generator", lambda name: seen.setdefault("name", name))

    def fake_evaluate(generator, **kwargs):
        seen["kwargs"] = kwargs
        return {"metric": kwargs["metric"], "value": 0.5}

    monkeypatch.setattr(evaluate, "evaluate_generator", fake_evaluate)
    args.func(args)
    assert seen["name"] == "runs/x"
    assert seen["kwargs"] == {"metric": "kid", "num": 64, "reference": "fmnist/train", "seed": 2, "batch_size": 8,
                              "truncation": None}
    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads(out.read_text()) == {"model": "runs/x", "metric": "kid", "value": 0.5}


def test_registered_in_zoo_cli():
    from zoo.cli import build_parser

    args = build_parser().parse_args(["eval", "sngan-fmnist-32"])
    assert (args.metric, args.num, args.reference, args.seed) == ("fid", 10000, "fmnist/test", 0)
