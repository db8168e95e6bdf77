"""`zoo release` of a video generator: per-frame FID / KID and ZVD, each with its floor at the same n, in the
manifest and the model card, the animated samples.gif, the golden slice of NTHWC clips. Real clips are stood in
for by random ones and the Inception network by the metric tests' random projection (tests/metrics/fakes.py);
the ZVD network zoo-mfmnist-c3d is the shipped one (a few clips take a fraction of a second)."""

import json
import sys

import numpy as np
import pytest

import zoo.data.mfmnist
from tests.metrics.fakes import FakeExtractor, FakeGenerator
from tests.metrics.test_video_metrics import FakeVideoFeatures
from zoo.hub.manifest import validate_manifest

NAME = "tganv2-mfmnist-16x64"


def _fake_clips(monkeypatch, shape, train=30, test=20):
    """Random uint8 clips for the mfmnist splits (`zoo.metrics.video_distance.reference_clips` reads them)."""
    rng = np.random.RandomState(0)
    data = {split: rng.randint(0, 256, (n, *shape)).astype(np.uint8) for split, n in (("train", train), ("test", test))}
    monkeypatch.setattr(zoo.data.mfmnist, "load_mfmnist_clips", lambda split: {"video": data[split]})
    return data


def frame_fids(fake, real, floor, frame_step=3):
    """fid_by_frame of the FakeExtractor features of fake and floor clips against real ones (frames every 3)."""
    from zoo.metrics.features import extract_features
    from zoo.metrics.video_distance import clip_frames, fid_by_frame

    real_f, fake_f, floor_f = (extract_features(clip_frames(c, frame_step), FakeExtractor(), progress=False)
                               for c in (real, fake, floor))
    per_clip = len(real_f) // len(real)
    return fid_by_frame(real_f, fake_f, per_clip), fid_by_frame(real_f, floor_f, per_clip)


def test_measure_video_is_video_metrics_beside_video_real_floors(monkeypatch):
    """The release's numbers are those of the public functions: video_metrics(fake, the first n test clips) and
    video_real_floors(n) (n permuted train clips vs the same test clips), at the same frame step."""
    from zoo.cli.release import measure_video
    from zoo.metrics import reference_clips, video_metrics, video_real_floors

    _fake_clips(monkeypatch, (4, 8, 8, 1))
    g = FakeGenerator(shape=(4, 8, 8, 1))
    extractors = dict(frame_extractor=FakeExtractor(), video_extractor=FakeVideoFeatures())
    entries = measure_video(g, num=12, reference="mfmnist/test", train="mfmnist/train", seed=3, frame_step=3,
                            progress=False, command="zoo release x", **extractors)
    assert [(e["name"], e.get("frame")) for e in entries] == [
        ("per_frame_fid", None), ("per_frame_kid", None), ("frame_fid", 0), ("frame_fid", 3), ("zvd", None),
        ("zvd_kid", None)]
    fake = g.sample(12, seed=3)
    direct = video_metrics(fake, reference_clips(12), frame_step=3, seed=3, **extractors)
    floors = video_real_floors(12, frame_step=3, seed=3, **extractors)
    by_frame, by_frame_floor = frame_fids(fake, reference_clips(12), reference_clips(12, "train", permutation_seed=3))
    for entry, (value, floor) in zip(entries[2:4], zip(by_frame, by_frame_floor)):
        assert (entry["value"], entry["floor"]) == (pytest.approx(value, rel=1e-9), pytest.approx(floor, rel=1e-9))
        assert (entry["num_fake"], entry["num_real"], entry["floor_num"]) == (12, 12, 12)
        assert entry["feature_extractor"] == "FakeExtractor" and "frame_step" not in entry
        assert entry["floor_reference"] == "mfmnist/train (n=12, permutation seed 3) vs mfmnist/test (n=12)"
        assert entry["command"] == "zoo release x" and "fid_by_frame" in entry["notes"]
    entries = entries[:2] + entries[4:]
    for entry, metric, key in zip(entries, ("per_frame_fid", "per_frame_fid", "zvd", "zvd"),
                                  ("value", "kid", "value", "kid")):
        assert entry["value"] == pytest.approx(direct[metric][key], rel=1e-9), entry["name"]
        assert entry["floor"] == pytest.approx(floors[metric][key], rel=1e-9), entry["name"]
        assert (entry["num_fake"], entry["num_real"], entry["floor_num"], entry["seed"]) == (12, 12, 12, 3)
        assert entry["floor_reference"] == "mfmnist/train (n=12, permutation seed 3) vs mfmnist/test (n=12)"
        assert entry["command"] == "zoo release x" and entry["seconds"] >= 0 and "CPU" in entry["hardware"]
    assert entries[1]["std"] == pytest.approx(direct["per_frame_fid"]["kid_std"], rel=1e-9)
    per_frame = entries[0]
    assert (per_frame["num_fake_frames"], per_frame["num_real_frames"], per_frame["frame_step"]) == (24, 24, 3)
    assert per_frame["feature_extractor"] == "FakeExtractor" and entries[2]["feature_extractor"] == "fake-video"
    assert "not FVD" in entries[2]["notes"] and "frame_step" not in entries[2]

    sampled = len(g.calls)
    with pytest.raises(ValueError, match="need 2 <= num <= 20"):
        measure_video(g, num=21, reference="mfmnist/test", train="mfmnist/train", progress=False, **extractors)
    with pytest.raises(ValueError, match="expected 'mfmnist/<split>'"):
        measure_video(g, num=4, reference="fmnist/test", train="mfmnist/train", progress=False, **extractors)
    assert len(g.calls) == sampled  # refused before sampling
    with pytest.raises(ValueError, match=r"clips of shape \(4, 8, 8, 3\).*expected the same"):
        measure_video(FakeGenerator(shape=(4, 8, 8, 3)), num=4, reference="mfmnist/test", train="mfmnist/train",
                      progress=False, **extractors)


def test_release_of_a_video_work_dir(tmp_path, monkeypatch):
    """`zoo release RUN --num 6 --frame-step 8` on a tiny TGANv2 work dir (16x64x64x1 clips, so the real ZVD
    network runs), then `zoo sample RUN --out grid.gif`."""
    from zoo.cli import main
    from zoo.cli.release import release
    from zoo.metrics import evaluate
    from zoo.models.serialization import save_model_files
    from zoo.models.tganv2 import TGANv2Generator

    monkeypatch.setattr(evaluate, "make_extractor", lambda batch_size, resize: FakeExtractor(batch_size or 16, resize))
    monkeypatch.setenv("ZOO_WEIGHTS_DIR", str(tmp_path / "weights"))
    monkeypatch.setenv("ZOO_CACHE", str(tmp_path / "cache"))
    (tmp_path / "weights").mkdir()
    _fake_clips(monkeypatch, (16, 64, 64, 1), train=12, test=10)
    g = TGANv2Generator(latent_dim=8, frames=16, base_size=2, clstm_channels=4, channels=[4] * 5, levels=2,
                        image_channels=1).build_for_inputs()
    workdir = tmp_path / "run"
    save_model_files(str(workdir / "export"), g)
    (workdir / "recipe.json").write_text(json.dumps({"name": NAME, "data": {"dataset": "mfmnist", "split": "train"}}))
    (workdir / "train_state.json").write_text(json.dumps({"step": 4, "wall_clock_s": 56.0, "hardware": "2 CPU cores",
                                                          "command": "zoo train recipes/tganv2_mfmnist64.py --smoke"}))
    common = ["--recipe", "recipes/tganv2_mfmnist64.py", "--repo-id", f"zoo-gan/{NAME}"]
    with pytest.raises(ValueError, match="truncations: image-generator options"):
        release(str(workdir), recipe_path="recipes/tganv2_mfmnist64.py", repo_id=f"zoo-gan/{NAME}",
                license="apache-2.0", truncations=(0.5,))
    argv = ["release", str(workdir), *common, "--num", "6", "--frame-step", "8", "--seed", "0"]
    monkeypatch.setattr(sys, "argv", ["zoo", *argv])  # the command recorded with every metric
    assert main(argv) == 0

    folder = tmp_path / "weights" / NAME
    manifest = json.loads((folder / "manifest.json").read_text())
    validate_manifest(manifest, str(folder))
    assert manifest["resolution"] == [16, 64, 64] and manifest["truncation_space"] == "none"
    assert manifest["dataset"] == {"name": "mfmnist", "split": "train", "num_examples": 8000}
    assert [(m["name"], m.get("frame")) for m in manifest["metrics"]] == [
        ("per_frame_fid", None), ("per_frame_kid", None), ("frame_fid", 0), ("frame_fid", 8), ("zvd", None),
        ("zvd_kid", None)]
    metrics = {m["name"]: m for m in manifest["metrics"]}
    for m in manifest["metrics"]:
        assert (m["num_fake"], m["num_real"], m["floor_num"], m["reference"]) == (6, 6, 6, "mfmnist/test")
        assert np.isfinite(m["value"]) and np.isfinite(m["floor"]) and m["truncation"] is None
        assert m["command"] == "zoo " + " ".join(argv)
        assert m["seconds"] >= 0 and m["hardware"]
    assert (metrics["per_frame_fid"]["num_fake_frames"], metrics["per_frame_fid"]["frame_step"]) == (12, 8)
    assert metrics["zvd"]["feature_extractor"].startswith("zoo-mfmnist-c3d sha256:")
    assert "not FVD" in metrics["zvd"]["notes"]

    assert (folder / "samples.gif").exists() and not (folder / "samples.png").exists()
    assert not list(folder.glob("style_mixing_*")) and not (folder / "classes.png").exists()
    card = (folder / "README.md").read_text()
    assert "![samples](samples.gif)" in card and "--out samples.gif" in card and "video-generation" in card
    for name in ("per_frame_fid", "per_frame_kid", "zvd", "zvd_kid"):
        row = next(line for line in card.splitlines() if line.startswith(f"| {name} | "))
        assert "| mfmnist/test (6 clips" in row and "(n=6 clips)" in row, row
    assert "6 clips, 12 frames" in card and "frame step 8" in card and "not FVD" in card
    first, last = (m for m in manifest["metrics"] if m["name"] == "frame_fid")
    assert "| frame_fid (frame 8) | " in card
    assert "FID by frame position (6 clips, one frame of each): frame 0: " in card
    assert f"Frame 8 / frame 0: {last['value'] / first['value']:.2f} (floors: " in card
    assert "Truncation: none" in card and "FID over the truncation" not in card

    import zoo
    from zoo.hub.publish import golden_window

    loaded = zoo.load(NAME)
    golden = manifest["golden"]
    window = golden_window(loaded(loaded.latents(golden["num"], seed=golden["seed"]), training=False))
    assert window.shape == (2, 16, 4, 4, 1)
    np.testing.assert_allclose(window, np.asarray(golden["slice"]), atol=golden["atol"])

    out = tmp_path / "grid.gif"
    assert main(["sample", str(workdir), "--num", "4", "--out", str(out)]) == 0
    from PIL import Image

    assert Image.open(out).n_frames == 16
