import copy

import yaml

from tests.hub.test_manifest import GOOD
from zoo.hub.model_card import make_model_card, write_model_card


def front_matter(text):
    assert text.startswith("---\n")
    head, _, body = text[4:].partition("\n---\n")
    return yaml.safe_load(head), body


def test_card_has_yaml_metadata():
    meta, body = front_matter(make_model_card(GOOD))
    assert meta["library_name"] == "keras"
    assert set(meta["tags"]) >= {"zoo", "gan", "tensorflow", "keras", "sngan"}
    assert meta["license"] == "apache-2.0"
    assert meta["datasets"] == ["fmnist"]
    assert meta["pipeline_tag"] == "unconditional-image-generation"
    assert body.lstrip().startswith("# sngan-fmnist-32")


def test_card_is_read_by_huggingface_hub():
    from huggingface_hub import ModelCard

    card = ModelCard(make_model_card(GOOD))
    assert card.data.library_name == "keras" and card.data.pipeline_tag == "unconditional-image-generation"


def test_card_shows_samples_metrics_recipe_and_command():
    manifest = copy.deepcopy(GOOD)
    manifest["metrics"][0].update(floor=2.42)
    manifest["recipe"]["command"] = "zoo train recipes/sngan_fmnist32.py --workdir runs/x"
    text = make_model_card(manifest)
    assert "![samples](samples.png)" in text
    row = next(line for line in text.splitlines() if line.startswith("| fid"))
    for cell in ("12.5", "10,000", "fmnist/test (10,000)", "2.42", "fid-inception-2015-12-05", "ema", "| 0 |"):
        assert cell in row, cell
    assert "recipes/sngan_fmnist32.py" in text and "d" * 40 in text
    assert "zoo train recipes/sngan_fmnist32.py --workdir runs/x" in text
    assert 'zoo.load("sngan-fmnist-32")' in text
    assert "a" * 64 in text  # file hashes


def test_card_without_metrics_or_command():
    manifest = copy.deepcopy(GOOD)
    manifest["metrics"] = []
    text = make_model_card(manifest, samples_png=None)
    assert "No metrics measured yet" in text and "![samples]" not in text
    assert "zoo train recipes/sngan_fmnist32.py" in text


def test_conditional_and_video_tags():
    manifest = copy.deepcopy(GOOD)
    manifest["config"]["num_classes"] = 10
    meta, body = front_matter(make_model_card(manifest))
    assert "class-conditional" in meta["tags"] and "labels=[3] * 16" in body
    manifest = copy.deepcopy(GOOD)
    manifest.update(name="tganv2-mfmnist-16x64", resolution=[16, 64, 64])
    meta, body = front_matter(make_model_card(manifest))
    assert "video-generation" in meta["tags"] and "save_video_grid" in body


def test_write_model_card_links_picture_only_if_present(tmp_path):
    path = write_model_card(str(tmp_path), GOOD)
    assert "![samples]" not in open(path).read()
    (tmp_path / "samples.png").write_bytes(b"png")
    assert "![samples](samples.png)" in open(write_model_card(str(tmp_path), GOOD)).read()


def test_card_of_a_manifest_before_floor_num_and_truncation_space():
    """Shipped manifests have neither: the floor is at the figure's n, truncation is z-space."""
    manifest = copy.deepcopy(GOOD)
    manifest["metrics"][0].update(floor=2.42)
    manifest["metrics"].append(dict(manifest["metrics"][0], truncation=0.5, value=20.0))
    text = make_model_card(manifest)
    assert "2.42 (same n)" in text and "| truncation | seed |" in text
    assert "FID over the truncation threshold T (z drawn from a normal truncated at +-T" in text
    assert "with t the truncation threshold T" in text


def test_card_of_a_w_space_model_says_psi():
    manifest = copy.deepcopy(GOOD)
    manifest["truncation_space"] = "w"
    manifest["metrics"][0].update(floor=9.5, floor_num=392)
    manifest["metrics"].append(dict(manifest["metrics"][0], truncation=0.7, value=20.0, num_fake=5000))
    text = make_model_card(manifest)
    assert "| psi | seed |" in text and "9.5 (n=392)" in text
    assert "FID over the truncation psi (w-space truncation" in text and "0.7: 20" in text
    assert "n = 5,000 samples each" in text and "truncated at +-T" not in text


def test_card_of_a_two_stage_model_shows_stage1_and_both_commands():
    from tests.hub.test_manifest import STAGE1

    manifest = copy.deepcopy(GOOD)
    manifest["recipe"].update(command="zoo train recipes/latent2s_emoji64.py", wall_clock_s=600.0,
                              stage1=dict(STAGE1, wall_clock_s=1500.0))
    text = make_model_card(manifest)
    line = next(line for line in text.splitlines() if line.startswith("- stage 1"))
    assert "recipes/latent2s_emoji64_stage1.py" in line and "c" * 40 in line and "2,000 steps" in line
    assert "25.0 min wall clock" in line and "both stages: 35.0 min" in line, line
    commands = text[text.index("```bash"):]
    assert commands.index(STAGE1["command"]) < commands.index("zoo train recipes/latent2s_emoji64.py")
    assert "- stage 1" not in make_model_card(GOOD)


def test_card_shows_prdc_with_k_and_floor_and_fid_by_frame():
    from tests.hub.test_manifest import prdc_and_frame_entries

    manifest = copy.deepcopy(GOOD)
    manifest["metrics"][0].update(floor=2.42)
    manifest["metrics"] += prdc_and_frame_entries(manifest["metrics"][0])
    text = make_model_card(manifest)
    row = next(line for line in text.splitlines() if line.startswith("| recall (k=3) | "))
    assert "| 0.32 |" in row and "| 0.77 (same n) |" in row
    assert any(line.startswith("| coverage (k=5) | 0.6 |") for line in text.splitlines())
    assert "Kynkäänniemi et al., NeurIPS 2019" in text and "Naeem et al., ICML 2020" in text
    assert "Recall or coverage well below its floor means missing modes" in text
    assert "| frame_fid (frame 15) | 230 |" in text
    assert ("FID by frame position (10,000 clips, one frame of each): frame 0: 150 (floor 60), frame 15: 230 "
            "(floor 60). Frame 15 / frame 0: 1.53 (floors: 1.00).") in text
    assert "zoo eval NAME --metric prdc" in text
    plain = make_model_card(GOOD)
    assert "Kynkäänniemi" not in plain and "FID by frame position" not in plain
