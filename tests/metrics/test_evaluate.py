"""evaluate_generator / real_floor plumbing with a fake feature extractor (the network is tested elsewhere)."""

import json

import numpy as np
import pytest

import zoo.data
from tests.metrics.fakes import FakeExtractor, FakeGenerator, fake_dataset
from zoo.metrics import evaluate
from zoo.metrics.evaluate import evaluate_generator, real_floor, sample_labels
from zoo.metrics.fid_weights import FEATURE_EXTRACTOR

KEYS = {"metric", "value", "num_fake", "num_real", "reference", "feature_extractor", "resize", "seed", "seconds"}


@pytest.fixture
def fake_env(tmp_path, monkeypatch):
    monkeypatch.setenv("ZOO_CACHE", str(tmp_path / "cache"))
    data = {"test": fake_dataset(60, seed=1), "train": fake_dataset(80, seed=2)}
    monkeypatch.setattr(zoo.data, "load_arrays", lambda name, split: data[split])
    monkeypatch.setattr(evaluate, "make_extractor", lambda batch_size, resize: FakeExtractor(batch_size or 16, resize))
    return data


def test_fid_result_dict(fake_env):
    g = FakeGenerator()
    result = evaluate_generator(g, num=40, seed=3, progress=False)
    assert KEYS <= set(result) and result["metric"] == "fid"
    assert result["num_fake"] == 40 and result["num_real"] == 40 and result["reference"] == "fmnist/test"
    assert result["feature_extractor"] == FEATURE_EXTRACTOR and result["resize"] == "tf1_bilinear"
    assert result["seed"] == 3 and result["value"] > 0
    assert g.calls == [{"num": 40, "seed": 3, "labels": None, "truncation": None}]
    json.dumps(result)  # JSON-serializable


def test_small_reference_split_is_used_whole_unless_num_real_is_given(fake_env):
    result = evaluate_generator(FakeGenerator(), num=100, progress=False)
    assert result["num_fake"] == 100 and result["num_real"] == 60
    with pytest.raises(ValueError, match="2 <= num <= 60"):
        evaluate_generator(FakeGenerator(), num=100, num_real=100, progress=False)


def test_same_seed_same_value(fake_env):
    a = evaluate_generator(FakeGenerator(), num=30, seed=1, progress=False)
    b = evaluate_generator(FakeGenerator(), num=30, seed=1, progress=False)
    assert a["value"] == b["value"]


def test_kid_result_has_std(fake_env):
    result = evaluate_generator(FakeGenerator(), metric="kid", num=30, kid_subsets=5, kid_subset_size=20,
                                progress=False)
    assert result["metric"] == "kid" and result["std"] >= 0 and result["subset_size"] == 20


def test_conditional_generators_get_uniform_seeded_labels(fake_env):
    g = FakeGenerator(num_classes=10)
    evaluate_generator(g, num=50, seed=7, progress=False)
    labels = g.calls[0]["labels"]
    np.testing.assert_array_equal(labels, sample_labels(50, 10, 7))
    assert labels.dtype == np.int32 and labels.min() >= 0 and labels.max() < 10 and len(set(labels)) > 5
    assert sample_labels(5, 0) is None


def test_real_floor_is_near_zero_for_one_distribution(fake_env):
    result = real_floor(num=40, progress=False)
    assert result["train"] == "fmnist/train" and result["num_fake"] == result["num_real"] == 40
    generated = evaluate_generator(FakeGenerator(shape=(8, 8, 1)), num=40, progress=False)
    assert 0 <= result["value"] and np.isfinite(generated["value"])


def test_unknown_metric(fake_env):
    with pytest.raises(ValueError, match="expected one of \\('fid', 'kid', 'prdc'\\)"):
        evaluate_generator(FakeGenerator(), metric="is", num=10)


def test_video_samples_are_refused(fake_env):
    with pytest.raises(ValueError, match="NHWC"):
        evaluate_generator(FakeGenerator(shape=(4, 8, 8, 1)), num=10, progress=False)


def test_prdc_beside_real_vs_real_at_one_n(fake_env):
    """evaluate_prdc: n fakes and n train images (seeded permutation) each against the first n test images."""
    from zoo.metrics.prdc import prdc
    from zoo.metrics.reference_stats import reference_statistics

    g = FakeGenerator()
    result = evaluate.evaluate_prdc(g, num=30, reference="fmnist/test", train="fmnist/train", seed=2, progress=False)
    extractor = FakeExtractor()
    real = extractor.batch(fake_env["test"][0][:30])
    other = reference_statistics("fmnist/train", 30, extractor=extractor, permutation_seed=2, progress=False)
    fake = prdc(real, extractor.batch(g.sample(30, seed=2)))
    floor = prdc(real, other["features"])
    names = ("precision", "recall", "density", "coverage")
    assert {k: result[k] for k in names} == pytest.approx({k: fake[k] for k in names})
    assert result["real_vs_real"] == pytest.approx({k: floor[k] for k in names})
    assert (result["metric"], result["num_fake"], result["num_real"], result["train"]) == ("prdc", 30, 30,
                                                                                           "fmnist/train")
    assert (result["precision_recall_k"], result["density_coverage_k"]) == (3, 5)
    assert result["floor_reference"] == "fmnist/train (n=30, permutation seed 2) vs fmnist/test (n=30)"
    json.dumps(result)
    calls = len(g.calls)
    with pytest.raises(ValueError, match=r"reference fmnist/test: need 2 <= num <= 60 .* num generated images"):
        evaluate.evaluate_prdc(g, num=61, progress=False)
    fake_env["few"] = fake_dataset(10, seed=3)
    with pytest.raises(ValueError, match="train fmnist/few: need 2 <= num <= 10"):
        evaluate.evaluate_prdc(g, num=20, train="fmnist/few", progress=False)
    assert len(g.calls) == calls  # refused before sampling


def test_prdc_through_evaluate_generator(fake_env):
    result = evaluate_generator(FakeGenerator(), metric="prdc", num=20, progress=False)
    assert {"precision", "recall", "density", "coverage"} <= set(result) and "value" not in result
