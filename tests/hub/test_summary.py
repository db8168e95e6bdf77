"""`zoo list` / `zoo info` text (`zoo.hub.summary`): labels, n and floor, aligned lines, preset matching, and the
commands on the shipped manifests."""

import copy
import json
import os
import types

from tests.hub.test_manifest import GOOD, STAGE1
from zoo.hub.summary import (format_table, headline, info_lines, list_row, match_preset, metric_label,
                             n_and_floor, preset_text)

ROOT = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                    "weights_manifest")


def entry(**changes):
    return {**GOOD["metrics"][0], **changes}


def test_metric_labels_name_truncation_frame_and_k():
    assert metric_label(entry()) == "fid"
    assert metric_label(entry(truncation=0.5), "z") == "fid@T=0.5"
    assert metric_label(entry(truncation=0.7), "w") == "fid@psi=0.7"
    assert metric_label(entry(truncation=1.0), "call") == "fid@truncation=1"
    assert metric_label(entry(name="frame_fid", frame=15)) == "frame_fid@frame=15"
    assert metric_label(entry(name="recall", k=3)) == "recall@k=3"


def test_n_and_floor():
    assert n_and_floor(entry(floor=2.4112)) == "n=10k, floor 2.41"
    assert n_and_floor(entry()) == "n=10k, no floor"
    few_shot = entry(num_fake=3000, num_real=3926, floor=56.853, floor_num=392)
    assert n_and_floor(few_shot) == "n=3k vs 3,926 real, floor 56.85 at n=392"
    assert n_and_floor(entry(num_fake=250, num_real=250, floor=0.0013826, floor_num=250), video=True) == (
        "n=250 clips, floor 0.001383")


def test_headline_is_the_first_untruncated_whole_metric():
    manifest = copy.deepcopy(GOOD)
    manifest["metrics"] = [entry(truncation=0.5, value=99.0), entry(name="frame_fid", frame=0, value=5.0),
                           entry(value=12.5), entry(name="kid", value=0.01)]
    assert headline(manifest)["value"] == 12.5
    manifest["metrics"] = []
    assert headline(manifest) is None and list_row(manifest)[-1] == "-"


def test_list_lines_are_aligned():
    conditional = copy.deepcopy(GOOD)
    conditional.update(name="biggan-fmnist-32", architecture="zoo.models.biggan.BigGANGenerator", params=323138,
                       config={"num_classes": 10})
    conditional["metrics"][0].update(floor=2.41)
    lines = format_table([list_row(GOOD), list_row(conditional)])
    assert lines[0].split() == ["name", "family", "resolution", "conditioning", "params", "(G)", "headline", "metric"]
    assert lines[1].split()[:5] == ["sngan-fmnist-32", "sngan", "32x32", "unconditional", "12"]
    assert lines[2].endswith("fid 12.50 (n=10k, floor 2.41)") and "10 classes" in lines[2]
    column = lines[0].index("family")  # the second column starts at the same place on every line
    assert [line[column:].split()[0] for line in lines] == ["family", "sngan", "biggan"]
    assert lines[1][column - 2:column] == "  "


def test_match_preset_finds_the_named_size_and_its_overrides():
    presets = {"small": {"generator": {"channels": 64, "num_blocks": 3}},
               "paper": {"generator": {"channels": 256, "num_blocks": 3}}}
    assert match_preset({"channels": 64, "num_blocks": 3, "name": "g"}, presets) == ("small", {})
    assert match_preset({"channels": 64, "num_blocks": 2}, presets) == ("small", {"num_blocks": 2})
    assert match_preset({"other": 1}, presets) is None
    recorded = copy.deepcopy(GOOD)
    recorded["recipe"]["resolved"] = {"name": "x", "model": {"family": "sngan", "preset": "sngan_32_small",
                                                             "generator_overrides": {"channels": 16}}}
    assert preset_text(recorded, presets) == "sngan/sngan_32_small + {channels=16}"
    assert preset_text(GOOD) == "not recorded (release before recipe.resolved)"


def test_info_lines_show_every_metric_labelled_with_recipe_revision_and_sha256():
    manifest = copy.deepcopy(GOOD)
    manifest["truncation_space"] = "w"
    manifest["metrics"] += [entry(truncation=0.7, value=20.0, num_fake=5000, num_real=5000, floor=4.8)]
    manifest["recipe"].update(stage1=dict(STAGE1), wall_clock_s=600.0)
    text = "\n".join(info_lines(manifest, "sngan/sngan_32_small"))
    assert text.startswith("sngan-fmnist-32\n  family:")
    for expected in ("preset:     sngan/sngan_32_small", "recipes/sngan_fmnist32.py at commit " + "d" * 40,
                     "100 steps, 10.0 min wall clock on 2 CPU cores", "2,000 steps, 25.0 min wall clock",
                     "both stages 35.0 min", "revision:   not uploaded yet", "a" * 64 + " (model.weights.h5, 10 bytes)",
                     "psi: w-space truncation"):
        assert expected in text, expected
    rows = text.split("  metrics:\n")[1].splitlines()
    assert rows[1].split()[:2] == ["fid", "12.50"] and "n=10k, no floor" in rows[1]
    assert rows[2].split()[:2] == ["fid@psi=0.7", "20.00"] and "n=5k, floor 4.80" in rows[2]
    manifest["hub"]["revision"] = "e" * 40
    assert f"revision:   {'e' * 40} (zoo-gan/sngan-fmnist-32)" in "\n".join(info_lines(manifest, "p"))


def shipped(name):
    with open(os.path.join(ROOT, name, "manifest.json")) as f:
        return json.load(f)


def test_list_and_info_of_the_shipped_models(monkeypatch, capsys):
    """`zoo list` and `zoo info` on weights_manifest/: the truncation curve labelled by its T (z) or psi (w)."""
    from zoo.cli import main

    monkeypatch.delenv("ZOO_WEIGHTS_DIR", raising=False)
    assert main(["list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    names = sorted(n for n in os.listdir(ROOT) if os.path.isdir(os.path.join(ROOT, n)))
    assert [line.split()[0] for line in lines[1:]] == names
    biggan = next(line for line in lines if line.startswith("biggan-fmnist-32 "))
    m = shipped("biggan-fmnist-32")["metrics"][0]
    assert biggan.split()[1:5] == ["biggan", "32x32", "10", "classes"]
    assert biggan.endswith(f"fid {m['value']:.2f} (n={m['num_fake'] // 1000}k, floor {m['floor']:.2f})")
    curve = [x for x in shipped("stylegan2-emoji-64")["metrics"] if x["truncation"] is not None]
    # the shipped manifests predate recipe.resolved: `zoo info` matches presets (tested above) from the family's
    # PRESETS; an empty table here keeps TensorFlow out of this test
    monkeypatch.setattr("zoo.models.get_family", lambda family: types.SimpleNamespace(PRESETS={}))
    assert main(["info", "stylegan2-emoji-64"]) == 0
    out = capsys.readouterr().out
    for x in curve:
        assert any(line.split()[:2] == [f"fid@psi={x['truncation']:g}", f"{x['value']:.2f}"] for line in out.splitlines())
    assert "fid@T=" not in out and shipped("stylegan2-emoji-64")["files"]["model.weights.h5"]["sha256"] in out
    assert main(["info", "sngan-fmnist-3"]) == 2
    assert "did you mean" in capsys.readouterr().err


def test_info_matches_the_preset_of_a_release_before_recipe_resolved(monkeypatch, capsys):
    """The two-stage model: its code generator is the SNGAN CPU preset with the two overrides its recipe sets."""
    from zoo.cli import main

    monkeypatch.delenv("ZOO_WEIGHTS_DIR", raising=False)
    assert main(["info", "latent2s-emoji-64"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.strip().startswith("preset:"))
    assert "sngan/sngan_32_small + {image_channels=4, num_blocks=2} (code generator)" in line
