"""`zoo eval` registration and output."""

import json

import pytest

import zoo.cli.support
import zoo.data
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


def test_eval_prdc_prints_the_four_and_their_real_vs_real_values(tmp_path, monkeypatch, capsys):
    """`zoo eval RUN --metric prdc --num 20 --reference emojione/rest_b --train emojione/rest_a`, end to end through
    evaluate_prdc with a noise generator, 8x8 noise 'halves' and the fixed random-projection features."""
    from tests.metrics.fakes import FakeExtractor, FakeGenerator, fake_dataset
    from zoo.cli import main
    from zoo.metrics.prdc import prdc

    halves = {"rest_a": fake_dataset(25, seed=1), "rest_b": fake_dataset(20, seed=2)}
    monkeypatch.setenv("ZOO_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(zoo.data, "load_arrays", lambda name, split: halves[split])
    monkeypatch.setattr(evaluate, "make_extractor", lambda batch_size, resize: FakeExtractor(batch_size or 16, resize))
    g = FakeGenerator()
    monkeypatch.setattr(zoo.cli.support, "resolve_generator", lambda name: g)
    out = tmp_path / "prdc.json"
    argv = ["eval", "runs/x", "--metric", "prdc", "--num", "20", "--reference", "emojione/rest_b", "--train",
            "emojione/rest_a", "--seed", "1", "--json", str(out)]
    assert main(argv) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads(out.read_text())
    names = ("precision", "recall", "density", "coverage")
    extractor = FakeExtractor()
    real = extractor.batch(halves["rest_b"][0])
    expected = prdc(real, extractor.batch(g.sample(20, seed=1)))
    assert {k: printed[k] for k in names} == pytest.approx({k: expected[k] for k in names})
    assert set(printed["real_vs_real"]) == set(names)
    assert (printed["model"], printed["metric"], printed["num_fake"], printed["num_real"]) == ("runs/x", "prdc", 20, 20)
    assert printed["floor_reference"] == "emojione/rest_a (n=20, permutation seed 1) vs emojione/rest_b (n=20)"
    assert (printed["precision_recall_k"], printed["density_coverage_k"]) == (3, 5)


def test_eval_train_is_for_prdc_only(monkeypatch):
    from zoo.cli.metrics import default_train

    assert default_train("fmnist/test") == "fmnist/train"
    import argparse

    parser = argparse.ArgumentParser()
    cli.add_subcommands(parser.add_subparsers(dest="command"))
    monkeypatch.setattr(zoo.cli.support, "resolve_generator", lambda name: pytest.fail("resolved before the check"))
    args = parser.parse_args(["eval", "runs/x", "--train", "fmnist/train"])
    with pytest.raises(ValueError, match="--train is the real-vs-real side of --metric prdc"):
        args.func(args)
