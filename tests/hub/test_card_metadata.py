"""The Hugging Face metadata of the model cards (`zoo.hub.card_metadata`): every shipped card is read with
`huggingface_hub`'s own card readers and its model-index numbers are checked against the manifest; the shipped
cards are the ones `write_model_card` writes from their manifests today."""

import copy
import json
import os
import shutil

import pytest
from huggingface_hub import ModelCard, metadata_load

from tests.hub.test_manifest import GOOD
from zoo.hub.card_metadata import card_metadata, front_matter
from zoo.hub.model_card import make_model_card, write_model_card

ROOT = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                    "weights_manifest")
SHIPPED = sorted(n for n in os.listdir(ROOT) if os.path.isdir(os.path.join(ROOT, n)) and not n.startswith((".", "_")))


def manifest_of(name):
    with open(os.path.join(ROOT, name, "manifest.json")) as f:
        return json.load(f)


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_card_metadata_matches_its_manifest(name):
    manifest = manifest_of(name)
    path = os.path.join(ROOT, name, "README.md")
    meta = metadata_load(path)
    assert meta["library_name"] == "keras" and meta["license"] == manifest["license"]
    assert meta["pipeline_tag"] == "unconditional-image-generation"  # the Hub's closest task for every family
    family = manifest["architecture"].split(".")[2]
    assert set(meta["tags"]) >= {"gan", "zoo", "tensorflow", "keras", family, manifest["dataset"]["name"]}
    assert meta["datasets"] == [manifest["dataset"]["name"]]
    assert ("class-conditional" in meta["tags"]) == bool(manifest["config"].get("num_classes"))
    assert ("video-generation" in meta["tags"]) == (len(manifest["resolution"]) == 3)

    card = ModelCard.load(path)  # the reader the Hub's Python client uses: model-index -> EvalResult
    results = card.data.eval_results
    assert card.data.model_name == name and len(results) == len(manifest["metrics"])
    for result, m in zip(results, manifest["metrics"]):
        dataset, split = m["reference"].split("/")
        assert (result.dataset_type, result.dataset_split, result.metric_type) == (dataset, split, m["name"])
        assert result.metric_value == m["value"]  # exact: YAML keeps the float's repr
        args = result.metric_args
        assert (args["num_fake"], args["num_real"]) == (m["num_fake"], m["num_real"])
        assert args.get("floor") == m.get("floor") and args.get("floor_num") == m.get("floor_num")
        assert args.get("truncation") == m["truncation"]
        if m["truncation"] is not None:
            symbol = {"z": "T", "w": "psi"}[manifest.get("truncation_space", "z")]
            assert result.metric_name.startswith(f"{m['name']}@{symbol}={m['truncation']:g} (")


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_card_is_the_one_written_from_its_manifest(name, tmp_path):
    """README.md is not hashed with the weights, so nothing else notices a stale card: rewrite it with
    `python -m zoo.hub.model_card weights_manifest/<name>` after changing the card code."""
    folder = tmp_path / name
    shutil.copytree(os.path.join(ROOT, name), folder, ignore=shutil.ignore_patterns("*.h5"))
    expected = open(write_model_card(str(folder), manifest_of(name))).read()
    assert open(os.path.join(ROOT, name, "README.md")).read() == expected


def test_model_index_of_a_w_space_curve_and_no_metrics():
    manifest = copy.deepcopy(GOOD)
    manifest.update(truncation_space="w", license="MIT")
    manifest["metrics"][0].update(floor=9.5, floor_num=392)
    manifest["metrics"].append(dict(manifest["metrics"][0], truncation=0.7, value=20.0, num_fake=5000))
    card = ModelCard(make_model_card(manifest))
    curve = card.data.eval_results[1]
    assert curve.metric_name == "fid@psi=0.7 (n=5k vs 10k real, floor 9.50 at n=392)"
    assert curve.metric_args["truncation"] == 0.7 and curve.metric_args["truncation_space"] == "w"
    assert curve.task_name == "Unconditional image generation" and card.data.license == "mit"
    assert "truncation_space" not in card.data.eval_results[0].metric_args
    manifest["metrics"] = []
    assert "eval_results" not in card_metadata(manifest) and "model-index" not in front_matter(manifest)


def test_video_and_ticket_tags_and_task_names():
    manifest = copy.deepcopy(GOOD)
    manifest.update(name="tganv2-mfmnist-16x64", resolution=[16, 64, 64],
                    architecture="zoo.models.tganv2.TGANv2Generator")
    manifest["dataset"]["name"] = "mfmnist"
    data = card_metadata(manifest)
    assert data["pipeline_tag"] == "unconditional-image-generation"
    assert data["tags"] == ["zoo", "gan", "tensorflow", "keras", "tganv2", "mfmnist", "video-generation"]
    assert data["eval_results"][0].task_name == "Unconditional video generation"
    manifest = copy.deepcopy(GOOD)
    manifest["config"]["num_classes"] = 10
    manifest["sparsity"] = {"generator": 0.79}
    data = card_metadata(manifest)
    assert {"class-conditional", "lottery-ticket"} <= set(data["tags"])
    assert data["eval_results"][0].task_name == "Class-conditional image generation"
