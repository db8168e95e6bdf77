import copy
import hashlib
import json

import pytest

from zoo.hub.manifest import parse_name, sha256_file, validate_manifest

GOOD = {
    "name": "sngan-fmnist-32", "architecture": "zoo.models.sngan.SNGANGenerator", "config": {"latent_dim": 128},
    "dataset": {"name": "fmnist", "split": "train", "num_examples": 60000}, "resolution": [32, 32], "params": 12,
    "files": {"model.weights.h5": {"sha256": "a" * 64, "size": 10},
              "config.json": {"sha256": "b" * 64, "size": 3},
              "metadata.json": {"sha256": "c" * 64, "size": 2}},
    "hub": {"repo_id": "zoo-gan/sngan-fmnist-32", "revision": None},
    "metrics": [{"name": "fid", "value": 12.5, "num_fake": 10000, "reference": "fmnist/test", "num_real": 10000,
                 "feature_extractor": "fid-inception-2015-12-05 sha256:" + "c" * 64, "weights": "ema",
                 "truncation": None, "seed": 0}],
    "recipe": {"path": "recipes/sngan_fmnist32.py", "git_commit": "d" * 40, "steps": 100, "wall_clock_s": 3.5,
               "hardware": "2 CPU cores"},
    "golden": {"seed": 0, "num": 2, "slice": [[0.1]], "atol": 1e-4},
    "versions": {"zoo": "0.1.0", "tensorflow": "2.21.0", "keras": "3.15.1"}, "license": "apache-2.0",
}


def test_good_manifest_passes():
    assert validate_manifest(copy.deepcopy(GOOD)) == GOOD


@pytest.mark.parametrize("name", ["sngan-fmnist-32", "tganv2-mfmnist-16x64", "sngan-fmnist-32.onestage",
                                  "biggan-fmnist10pct-32.lth_diffaug_advaug", "latent2s-emoji-64"])
def test_design_names_parse(name):
    assert parse_name(name)["arch"] == name.split("-")[0]


@pytest.mark.parametrize("name", ["SNGAN-fmnist-32", "sngan-fmnist", "sngan_fmnist_32", "sngan-fmnist-32.",
                                  "sngan-fmnist-32.One", "sngan-fmnist-x32", "-fmnist-32", "sngan-fmnist-32-a"])
def test_bad_names_rejected(name):
    with pytest.raises(ValueError, match="name"):
        parse_name(name)


def _set(path, value):
    def mutate(m):
        *parents, last = path
        for p in parents:
            m = m[p]
        if value is KeyError:
            del m[last]
        else:
            m[last] = value
    return mutate


# a two-stage model's first run (zoo.models.latent2s), recipe.stage1
STAGE1 = {"path": "recipes/latent2s_emoji64_stage1.py", "git_commit": "c" * 40, "steps": 2000,
          "wall_clock_s": 1500.0, "hardware": "2 CPU cores", "command": "zoo train recipes/latent2s_emoji64_stage1.py"}

BAD = {
    "missing top-level key": (_set(["license"], KeyError), "missing required key.*license"),
    "unknown top-level key": (_set(["weights"], 1), "unknown key.*weights"),
    "bad name": (_set(["name"], "SNGAN-fmnist-32"), "name"),
    "non-zoo architecture": (_set(["architecture"], "os.system"), "architecture"),
    "config not a dict": (_set(["config"], []), "config"),
    "num_examples negative": (_set(["dataset", "num_examples"], -1), r"dataset\.num_examples"),
    "dataset missing split": (_set(["dataset", "split"], KeyError), "dataset.*split"),
    "resolution strings": (_set(["resolution"], ["32", "32"]), r"resolution\[0\]"),
    "resolution vs name": (_set(["resolution"], [64, 64]), "resolution"),
    "params float": (_set(["params"], 1.5), "params"),
    "params bool": (_set(["params"], True), "params"),
    "short sha256": (_set(["files", "model.weights.h5", "sha256"], "abc"), r"model\.weights\.h5.*sha256"),
    "uppercase sha256": (_set(["files", "model.weights.h5", "sha256"], "A" * 64), "sha256"),
    "size missing": (_set(["files", "config.json", "size"], KeyError), "config.json.*size"),
    "generator file missing": (_set(["files", "model.weights.h5"], KeyError), r"files.*model\.weights\.h5"),
    "generator metadata missing": (_set(["files", "metadata.json"], KeyError), r"files.*metadata\.json"),
    "file outside the folder": (_set(["files", "../x.h5"], {"sha256": "a" * 64, "size": 1}), "bad file name"),
    "file in an unknown subfolder": (_set(["files", "other/model.weights.h5"], {"sha256": "a" * 64, "size": 1}),
                                     "bad file name.*part folder"),
    "absolute file": (_set(["files", "/model.weights.h5"], {"sha256": "a" * 64, "size": 1}), "bad file name"),
    "manifest lists itself": (_set(["files", "manifest.json"], {"sha256": "a" * 64, "size": 1}), "bad file name"),
    "repo_id without org": (_set(["hub", "repo_id"], "sngan-fmnist-32"), r"hub\.repo_id"),
    "repo_id other name": (_set(["hub", "repo_id"], "org/other-fmnist-32"), r"hub\.repo_id.*model name"),
    "revision branch": (_set(["hub", "revision"], "main"), r"hub\.revision"),
    "metric value string": (_set(["metrics", 0, "value"], "12.5"), r"metrics\[0\]\.value"),
    "metric num_fake zero": (_set(["metrics", 0, "num_fake"], 0), r"metrics\[0\]\.num_fake"),
    "metric weights": (_set(["metrics", 0, "weights"], "best"), r"metrics\[0\]\.weights"),
    "metric missing seed": (_set(["metrics", 0, "seed"], KeyError), r"metrics\[0\].*seed"),
    "metrics not list": (_set(["metrics"], {}), "metrics"),
    "git_commit short": (_set(["recipe", "git_commit"], "abc"), r"recipe\.git_commit"),
    "recipe steps": (_set(["recipe", "steps"], "100"), r"recipe\.steps"),
    "golden atol zero": (_set(["golden", "atol"], 0), r"golden\.atol"),
    "golden slice": (_set(["golden", "slice"], "x"), r"golden\.slice"),
    "versions missing keras": (_set(["versions", "keras"], KeyError), "versions.*keras"),
    "license empty": (_set(["license"], ""), "license"),
    "sparsity without masks file": (_set(["sparsity"], {"generator": 0.79}), "sparsity.*masks.h5"),
    "floor_num zero": (_set(["metrics", 0, "floor_num"], 0), r"metrics\[0\]\.floor_num"),
    "floor_num float": (_set(["metrics", 0, "floor_num"], 392.0), r"metrics\[0\]\.floor_num"),
    "truncation_space unknown": (_set(["truncation_space"], "psi"), r"truncation_space.*'z', 'w', 'call'"),
    "stage1 unknown key": (_set(["recipe", "stage1"], dict(STAGE1, extra=1)), r"recipe\.stage1.*unknown key"),
    "stage1 steps string": (_set(["recipe", "stage1"], dict(STAGE1, steps="5")), r"recipe\.stage1\.steps"),
    "stage1 of stage1": (_set(["recipe", "stage1"], dict(STAGE1, stage1=STAGE1)), r"recipe\.stage1.*unknown key"),
    "resolved not a recipe": (_set(["recipe", "resolved"], ["steps", 100]), r"recipe\.resolved"),
    "resolved without name": (_set(["recipe", "resolved"], {"run": {}}), r"recipe\.resolved"),
    "stage1 missing hardware": (_set(["recipe", "stage1"], {k: v for k, v in STAGE1.items() if k != "hardware"}),
                                r"recipe\.stage1.*hardware"),
    "masks file without sparsity": (_set(["files", "masks.h5"], {"sha256": "a" * 64, "size": 1}),
                                    "sparsity.*masks.h5"),
}

TICKET_BAD = {
    "sparsity one": (_set(["sparsity", "generator"], 1.0), r"sparsity\.generator"),
    "sparsity string": (_set(["sparsity", "discriminator"], "0.79"), r"sparsity\.discriminator"),
    "sparsity unknown part": (_set(["sparsity", "ema"], 0.5), r"sparsity.*unknown key.*ema"),
    "sparsity missing generator": (_set(["sparsity", "generator"], KeyError), r"sparsity.*generator"),
    "sparsity of a discriminator not shipped": (_set(["files", "discriminator/model.weights.h5"], KeyError),
                                                r"sparsity\.discriminator"),
}


def ticket_manifest():
    """GOOD as a lottery ticket: masks.h5 and discriminator listed, sparsity recorded."""
    manifest = copy.deepcopy(GOOD)
    manifest["files"]["masks.h5"] = {"sha256": "e" * 64, "size": 5}
    for f in ("config.json", "model.weights.h5", "metadata.json"):
        manifest["files"][f"discriminator/{f}"] = {"sha256": "f" * 64, "size": 7}
    manifest["sparsity"] = {"generator": 0.79, "discriminator": 0.79}
    return manifest


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_manifest_names_the_field(case):
    mutate, pattern = BAD[case]
    manifest = copy.deepcopy(GOOD)
    mutate(manifest)
    with pytest.raises(ValueError, match=pattern):
        validate_manifest(manifest)


def test_optional_fields_accepted():
    manifest = copy.deepcopy(GOOD)
    manifest["recipe"]["git_commit"] = None
    manifest["recipe"]["command"] = "zoo train recipes/sngan_fmnist32.py"
    manifest["recipe"]["resolved"] = {"name": "sngan-fmnist-32", "run": {"steps": 100}}
    manifest["hub"]["revision"] = "e" * 40
    manifest["metrics"][0].update(floor=2.4, truncation=0.5)
    manifest["metrics"].append(dict(manifest["metrics"][0], name="kid", value=0.01))
    validate_manifest(manifest)
    manifest["metrics"][0].update(floor_num=392, floor_reference="emoji/train (n=392, permutation seed 0) vs "
                                                                 "emoji/test (n=392)")
    for space in ("z", "w", "call"):
        validate_manifest(dict(manifest, truncation_space=space))
    manifest["recipe"]["stage1"] = dict(STAGE1, git_commit=None)
    validate_manifest(manifest)


def test_ticket_sparsity_accepted():
    validate_manifest(ticket_manifest())


@pytest.mark.parametrize("case", sorted(TICKET_BAD))
def test_bad_ticket_sparsity_names_the_field(case):
    mutate, pattern = TICKET_BAD[case]
    manifest = ticket_manifest()
    mutate(manifest)
    with pytest.raises(ValueError, match=pattern):
        validate_manifest(manifest)


@pytest.mark.parametrize("extra", ["discriminator/model.weights.h5", "discriminator/config.json", "masks.h5",
                                   "generator.weights.h5"])
def test_folder_must_list_every_model_file(tmp_path, extra):
    folder = tmp_path / "sngan-fmnist-32"
    (folder / "discriminator").mkdir(parents=True)
    for f in ("model.weights.h5", "config.json", "metadata.json", "README.md", "samples.png", "manifest.json"):
        (folder / f).write_bytes(b"x")
    validate_manifest(copy.deepcopy(GOOD), folder=str(folder))
    (folder / extra).write_bytes(b"x")
    with pytest.raises(ValueError, match=f"files: .*{extra}.*does not list"):
        validate_manifest(copy.deepcopy(GOOD), folder=str(folder))


def test_folder_name_must_be_the_model_name(tmp_path):
    with pytest.raises(ValueError, match="folder"):
        validate_manifest(copy.deepcopy(GOOD), folder=str(tmp_path))


def test_sha256_file_streams(tmp_path):
    data = bytes(range(256)) * 5000
    path = tmp_path / "blob"
    path.write_bytes(data)
    assert sha256_file(str(path), chunk_size=1000) == hashlib.sha256(data).hexdigest()
    assert sha256_file(str(path)) == hashlib.sha256(data).hexdigest()


def test_good_manifest_is_json():
    assert json.loads(json.dumps(GOOD)) == GOOD


def prdc_and_frame_entries(fid: dict) -> list:
    """precision / recall / density / coverage (with k) and two frame_fid entries built from an FID entry."""
    prdc = [dict(fid, name=name, value=value, floor=floor, k=k) for name, value, floor, k in (
        ("precision", 0.71, 0.78, 3), ("recall", 0.32, 0.77, 3), ("density", 0.9, 1.01, 5), ("coverage", 0.6, 0.96, 5))]
    frames = [dict(fid, name="frame_fid", frame=frame, value=value, floor=60.0) for frame, value in ((0, 150.0),
                                                                                                    (15, 230.0))]
    return prdc + frames


def test_prdc_and_frame_fid_entries_accepted_and_checked():
    manifest = copy.deepcopy(GOOD)
    manifest["metrics"] += prdc_and_frame_entries(manifest["metrics"][0])
    validate_manifest(manifest)
    for mutate, pattern in ((lambda m: m.pop("k"), r"metrics\[1\]\.k: missing for 'precision'"),
                            (lambda m: m.update(k=0), r"metrics\[1\]\.k: got 0"),
                            (lambda m: m.update(frame=-1), r"metrics\[1\]\.frame: got -1"),
                            (lambda m: m.update(k="3"), r"metrics\[1\]\.k: got '3'")):
        bad = copy.deepcopy(manifest)
        mutate(bad["metrics"][1])
        with pytest.raises(ValueError, match=pattern):
            validate_manifest(bad)
