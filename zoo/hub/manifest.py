"""The `manifest.json` schema of a published generator (DESIGN.md), as a validator, plus streaming sha256.

A manifest is plain JSON, read with `json.load` and checked with `validate_manifest`; every error is a
ValueError that names the bad field (as a dotted path such as `files['model.weights.h5'].sha256`),
what it holds and what was expected.

Decisions the design left open, written down here:
- `files` lists every payload file of the folder with its sha256 and size, by its path relative to the folder
  ("/" separators): the Keras files of every part (`config.json`, which decides the architecture that gets
  built, `model.weights.h5`, `metadata.json`; the discriminator's under `discriminator/`, see
  `zoo.models.parts`) and `masks.h5` for a lottery ticket. At least the generator's three files. Not listed:
  `manifest.json` itself, `README.md` and the pictures (`samples.png`/`.gif`, `classes.png`,
  `style_mixing_<coarse|middle|fine>.png`: documentation, free to be edited without re-hashing; uploaded with
  the folder, `zoo.hub.publish.upload_patterns`).
- `hub.repo_id` ends in the model name (the name is also the Hub repo name); `hub.revision` is null until the
  folder is uploaded, then the 40-hex commit id returned by the Hub.
- `recipe.git_commit` is a 40-hex commit or null (trained outside a git checkout); `recipe.command` (optional)
  is the exact command that trained the model; `recipe.resolved` (optional; manifests of releases before
  2026-12-03 lack it) is the run's whole resolved recipe, its recipe.json (`TrainRecipe.to_dict`).
- A metric may carry `floor` (the same metric between two sets of real images), `floor_num` (the n of each of
  those two sets) and `floor_reference` (which images: "<train split> (n=..., permutation seed s) vs <split>
  (n=...)"), `std` (KID's spread over subsets), `resize`, `split`, `notes` or `command` (how it was measured).
  The floor is at the figure's n (`num_real`) by default, or one fixed pair for few-shot data sets (emoji: test
  vs as many train images, n = 392; `zoo.cli.release`). Manifests written before `floor_num` existed have the
  floor at the figure's n.
- `precision`, `recall` (Kynkaanniemi et al. 2019), `density`, `coverage` (Naeem et al. 2020; `zoo.metrics.prdc`)
  are four metrics of the same Inception features as `fid`, each carrying `k` (the k of its k-nearest-neighbour
  balls: 3, 5) and, like FID, its floor (the same metric of two real sets, `floor_num` images each). Written by
  `zoo release` from the releases after they existed; earlier manifests have none.
- Metrics of a video generator (`zoo.cli.release.measure_video`): `per_frame_fid` / `per_frame_kid` (FID / KID
  of frames through the FID Inception network) and `zvd` / `zvd_kid` (zoo's video Frechet distance and its KID
  on zoo-mfmnist-c3d features; not FVD, said in `notes`). Their n (`num_fake`, `num_real`, `floor_num`) count
  clips; the per-frame ones add `num_fake_frames`, `num_real_frames` and `frame_step` (frames 0, k, 2k, ... of
  every clip, the floor's too). `frame_fid` (one per frame position, which `frame` names, 0-based; n = clips,
  one frame each) is the FID of one frame position, so that later frames can be compared with the first. Any
  metric may say how long it took (`seconds`) and on what (`hardware`).
- Every metric carries `truncation`: null for untruncated samples, else the value its samples were drawn at
  (the FID-vs-truncation curve of `zoo release --truncation-curve`, one entry per point), read in the
  manifest's `truncation_space`; `zoo.hub.summary.metric_label` names such an entry `fid@T=0.5` / `fid@psi=0.7`.
- `truncation_space` (optional; absent means "z") says what a metric's `truncation` and `g.sample(...,
  truncation=t)` mean: "z" (z from a normal truncated at +-t, the truncation trick), "w" (psi in w-space:
  w_avg + psi (w - w_avg), StyleGAN2), "call" (another truncation inside the generator's `call`) or "none"
  (the family has no truncation and refuses one, e.g. TGANv2's z ~ U(-1, 1)); written by
  `zoo.hub.publish.write_manifest` from the generator (`zoo.hub.publish.truncation_space`).
- `sparsity` (optional; present iff `files` lists `masks.h5`, i.e. the model is a lottery ticket), with
  `scope` (optional) saying which weights the masks cover (`zoo.models.parts.MASKS_SCOPE`):
  `{"generator": s, "discriminator": s}` (discriminator only when it ships), s = the fraction of the
  network's prunable weights (conv / dense kernels, `zoo.training.pruning`) that are pruned, in [0, 1).
- `golden` is `{seed, num, slice, atol}` (+ `labels` for class-conditional generators): `slice` holds the
  float outputs of the centre 4x4 window (first channel; video: of every frame) of `g(z, labels,
  training=False)` (see `zoo.hub.publish.golden_slice`) for `z = g.latents(num, seed=seed)`, the z of
  `g.sample(num, seed=seed)` (`zoo.models.latents.sample_latents(num, latent_dim, seed)` for the families
  that draw z from a normal; U(-1, 1) for TGANv2).
"""

from __future__ import annotations

import numbers
import os
import re

from zoo.checksums import sha256_file  # noqa: F401  (re-exported by zoo.hub)
from zoo.hub.style_mixing import FILES as STYLE_MIXING_FILES
from zoo.models.parts import (DISCRIMINATOR, GENERATOR, KERAS_FILES, MASKS_FILE, PARTS, part_files, part_subdir,
                              weights_file)

MANIFEST_FILE = "manifest.json"
REQUIRED_FILES = part_files(GENERATOR)  # the sampler: config.json, model.weights.h5, metadata.json
# documentation files that may sit in a folder without being listed in `files`
UNLISTED_FILES = (MANIFEST_FILE, "README.md", "samples.png", "samples.gif", "classes.png", *STYLE_MIXING_FILES,
                  "truncation_curve.png", ".gitattributes")  # truncation_curve.png: zoo.hub.truncation_plot
TRUNCATION_SPACES = ("z", "w", "call", "none")  # see the module docstring
K_METRICS = ("precision", "recall", "density", "coverage")  # zoo.metrics.prdc.NAMES: metrics that carry `k`

_WORD = r"[a-z0-9]+(?:_[a-z0-9]+)*"
# <arch>-<dataset>-<res>[.<tag>]: sngan-fmnist-32, tganv2-mfmnist-16x64, biggan-fmnist10pct-32.lth_diffaug_advaug
NAME_PATTERN = re.compile(rf"^(?P<arch>[a-z][a-z0-9]*)-(?P<dataset>{_WORD})-(?P<res>[0-9]+(?:x[0-9]+)*)"
                          rf"(?:\.(?P<tag>{_WORD}))?$")
SHA256_PATTERN = re.compile(r"^[0-9a-f]{64}$")
COMMIT_PATTERN = re.compile(r"^[0-9a-f]{40}$")
REPO_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*$")




def parse_name(name: str) -> dict:
    """{'arch', 'dataset', 'res', 'tag'} of a model name; ValueError if it is not `<arch>-<dataset>-<res>[.<tag>]`."""
    match = NAME_PATTERN.match(name) if isinstance(name, str) else None
    if match is None:
        raise ValueError(f"name: {name!r} is not a model name; expected lowercase <arch>-<dataset>-<res>[.<tag>], "
                         f"e.g. 'sngan-fmnist-32', 'tganv2-mfmnist-16x64', 'sngan-fmnist-32.onestage'")
    return match.groupdict()


def validate_manifest(manifest: dict, folder: str | None = None) -> dict:
    """Check a manifest dict against the schema; returns it unchanged, raises ValueError naming the bad field.

    Args:
        manifest: the parsed `manifest.json`.
        folder: if given, the folder the manifest sits in: its name must equal `manifest["name"]` and every
            model file in it and in its part folders (`payload_files`) must be listed in `files`. Hashes are
            not computed here (see `zoo.hub.load.verify_files`).

    Example:
        >>> validate_manifest(json.load(open("weights_manifest/sngan-fmnist-32/manifest.json")))
    """
    _check_dict(manifest, "manifest", _TOP_REQUIRED, _TOP_OPTIONAL)
    parse_name(manifest["name"])
    for key, check in _TOP_FIELDS.items():
        if key in manifest:
            check(manifest[key], key)
    _check_cross_fields(manifest)
    if folder is not None:
        check_folder_coverage(manifest, folder)
    return manifest


def check_folder_coverage(manifest: dict, folder: str) -> None:
    """The folder is named after the model and every payload file in it is listed in `files`."""
    base = os.path.basename(os.path.normpath(folder))
    if base != manifest["name"]:
        raise ValueError(f"name: manifest says {manifest['name']!r} but its folder is {folder!r}; "
                         f"expected the folder to be named after the model")
    unlisted = [f for f in payload_files(folder) if f not in manifest["files"]]
    if unlisted:
        raise ValueError(f"files: {folder} holds {unlisted} which the manifest does not list; "
                         f"expected every model file with its sha256 and size (zoo.hub.publish.write_manifest)")


def is_payload(filename: str) -> bool:
    """A model file (to be listed with its hash): a Keras file of a part, or any *.h5 (e.g. masks.h5)."""
    return filename not in UNLISTED_FILES and (filename.endswith(".h5") or filename in KERAS_FILES)


def payload_files(folder: str) -> list[str]:
    """Sorted paths, relative to `folder` ("/" separators), of the model files in the folder and in the
    folders of its parts (`zoo.models.parts`)."""
    found = []
    for subdir in sorted({part_subdir(p) for p in PARTS}):
        directory = os.path.join(folder, subdir) if subdir else folder
        if os.path.isdir(directory):
            found += [f"{subdir}/{f}" if subdir else f for f in os.listdir(directory)
                      if os.path.isfile(os.path.join(directory, f)) and is_payload(f)]
    return sorted(found)


def is_file_key(filename) -> bool:
    """A `files` key: a plain file name in the model folder, or `<part folder>/<plain file name>`."""
    if not isinstance(filename, str):
        return False
    subdir, _, name = filename.rpartition("/")
    plain = bool(name) and not name.startswith(".") and "\\" not in name and name not in UNLISTED_FILES
    return plain and (subdir == "" and "/" not in filename or subdir in {part_subdir(p) for p in PARTS} - {""})


# ---- field checks: each takes (value, dotted field path) and raises ValueError naming the path ----

def _fail(path, value, expected):
    raise ValueError(f"manifest field {path}: got {value!r} ({type(value).__name__}); expected {expected}")


def _check_dict(value, path, required, optional=()):
    if not isinstance(value, dict):
        _fail(path, value, "an object (JSON dict)")
    missing = [k for k in required if k not in value]
    if missing:
        raise ValueError(f"manifest field {path}: missing required key(s) {missing}; present: {sorted(value)}")
    unknown = sorted(set(value) - set(required) - set(optional))
    if unknown:
        raise ValueError(f"manifest field {path}: unknown key(s) {unknown}; "
                         f"expected only {sorted(set(required) | set(optional))}")


def _str(value, path):
    if not isinstance(value, str) or not value:
        _fail(path, value, "a non-empty string")


def _int(value, path, minimum=0):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        _fail(path, value, f"an integer >= {minimum}")


def _num(value, path):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        _fail(path, value, "a number")


def _opt(check):
    def optional(value, path):
        if value is not None:
            check(value, path)
    return optional


def _architecture(value, path):
    if not isinstance(value, str) or not re.match(r"^zoo(\.[A-Za-z_][A-Za-z0-9_]*)+$", value):
        _fail(path, value, "a zoo class path such as 'zoo.models.sngan.SNGANGenerator'")


def _config(value, path):
    if not isinstance(value, dict):
        _fail(path, value, "the generator's get_config() as an object")


def _dataset(value, path):
    _check_dict(value, path, ("name", "split", "num_examples"))
    _str(value["name"], f"{path}.name")
    _str(value["split"], f"{path}.split")
    _int(value["num_examples"], f"{path}.num_examples")


def _resolution(value, path):
    if not isinstance(value, list) or len(value) not in (2, 3):
        _fail(path, value, "a list [H, W] (video: [T, H, W])")
    for i, v in enumerate(value):
        _int(v, f"{path}[{i}]", minimum=1)


def _files(value, path):
    if not isinstance(value, dict) or not value:
        _fail(path, value, "an object {filename: {sha256, size}} with at least "
                           f"{list(REQUIRED_FILES)}")
    missing = [f for f in REQUIRED_FILES if f not in value]
    if missing:
        raise ValueError(f"manifest field {path}: missing {missing}; expected every payload file "
                         f"(at least {list(REQUIRED_FILES)}) with its sha256 and size")
    part_folders = sorted({part_subdir(p) for p in PARTS} - {""})
    for filename, entry in value.items():
        where = f"{path}[{filename!r}]"
        if not is_file_key(filename):
            raise ValueError(f"manifest field {path}: bad file name {filename!r}; expected a plain file name in "
                             f"the model folder or in a part folder {part_folders} (e.g. "
                             f"{weights_file(DISCRIMINATOR)!r}), not one of {list(UNLISTED_FILES)}")
        _check_dict(entry, where, ("sha256", "size"))
        if not isinstance(entry["sha256"], str) or not SHA256_PATTERN.match(entry["sha256"]):
            _fail(f"{where}.sha256", entry["sha256"], "64 lowercase hex digits")
        _int(entry["size"], f"{where}.size")


def _hub(value, path):
    _check_dict(value, path, ("repo_id", "revision"))
    if not isinstance(value["repo_id"], str) or not REPO_ID_PATTERN.match(value["repo_id"]):
        _fail(f"{path}.repo_id", value["repo_id"], "'<org>/<model name>'")
    rev = value["revision"]
    if rev is not None and (not isinstance(rev, str) or not COMMIT_PATTERN.match(rev)):
        _fail(f"{path}.revision", rev, "null (not uploaded yet) or the 40-hex commit id of the upload")


_METRIC_REQUIRED = ("name", "value", "num_fake", "reference", "num_real", "feature_extractor", "weights",
                    "truncation", "seed")
_METRIC_OPTIONAL = ("floor", "floor_num", "floor_reference", "std", "resize", "split", "notes", "command",
                    "num_fake_frames", "num_real_frames", "frame_step", "seconds", "hardware", "k", "frame")


def _metrics(value, path):
    if not isinstance(value, list):
        _fail(path, value, "a list of metric objects (may be empty)")
    for i, m in enumerate(value):
        where = f"{path}[{i}]"
        _check_dict(m, where, _METRIC_REQUIRED, _METRIC_OPTIONAL)
        _str(m["name"], f"{where}.name")
        _num(m["value"], f"{where}.value")
        _int(m["num_fake"], f"{where}.num_fake", minimum=1)
        _int(m["num_real"], f"{where}.num_real", minimum=1)
        _str(m["reference"], f"{where}.reference")
        _str(m["feature_extractor"], f"{where}.feature_extractor")
        if m["weights"] not in ("ema", "raw"):
            _fail(f"{where}.weights", m["weights"], "'ema' or 'raw'")
        _opt(_num)(m["truncation"], f"{where}.truncation")
        _int(m["seed"], f"{where}.seed")
        _opt(_num)(m.get("floor"), f"{where}.floor")
        if m.get("floor_num") is not None:
            _int(m["floor_num"], f"{where}.floor_num", minimum=1)
        _opt(_num)(m.get("std"), f"{where}.std")
        for key, minimum in (("num_fake_frames", 1), ("num_real_frames", 1), ("frame_step", 1), ("k", 1),
                             ("frame", 0)):
            if m.get(key) is not None:
                _int(m[key], f"{where}.{key}", minimum=minimum)
        _opt(_num)(m.get("seconds"), f"{where}.seconds")
        if m["name"] in K_METRICS and m.get("k") is None:
            raise ValueError(f"manifest field {where}.k: missing for {m['name']!r}; expected the k of its "
                             f"k-nearest-neighbour balls (precision / recall: 3, density / coverage: 5)")
        for key in ("resize", "split", "notes", "floor_reference", "command", "hardware"):
            _opt(_str)(m.get(key), f"{where}.{key}")


def _recipe(value, path, stage=False):
    """A run's recipe entry; a two-stage model's (`zoo.models.latent2s`) carries its first stage as `stage1`,
    an entry of the same form."""
    _check_dict(value, path, ("path", "git_commit", "steps", "wall_clock_s", "hardware"),
                ("command", "resolved") if stage else ("command", "resolved", "stage1"))
    if "stage1" in value:
        _recipe(value["stage1"], f"{path}.stage1", stage=True)
    _str(value["path"], f"{path}.path")
    commit = value["git_commit"]
    if commit is not None and (not isinstance(commit, str) or not COMMIT_PATTERN.match(commit)):
        _fail(f"{path}.git_commit", commit, "null or a 40-hex git commit")
    _int(value["steps"], f"{path}.steps")
    _num(value["wall_clock_s"], f"{path}.wall_clock_s")
    _str(value["hardware"], f"{path}.hardware")
    _opt(_str)(value.get("command"), f"{path}.command")
    resolved = value.get("resolved")
    if resolved is not None and not (isinstance(resolved, dict) and isinstance(resolved.get("name"), str)):
        _fail(f"{path}.resolved", resolved, "the run's resolved recipe (its recipe.json: a dict with a name)")


def _golden(value, path):
    _check_dict(value, path, ("seed", "num", "slice", "atol"), ("labels",))
    _int(value["seed"], f"{path}.seed")
    _int(value["num"], f"{path}.num", minimum=1)
    if not isinstance(value["slice"], list):
        _fail(f"{path}.slice", value["slice"], "a (nested) list of floats")
    _num(value["atol"], f"{path}.atol")
    if not value["atol"] > 0:
        _fail(f"{path}.atol", value["atol"], "a tolerance > 0")
    labels = value.get("labels")
    if labels is not None and (not isinstance(labels, list) or len(labels) != value["num"]):
        _fail(f"{path}.labels", labels, f"null or a list of {value['num']} class ids")


def _sparsity(value, path):
    _check_dict(value, path, ("generator",), ("discriminator", "scope"))
    if "scope" in value:
        _str(value["scope"], f"{path}.scope")
    for key, fraction in value.items():
        if key == "scope":
            continue
        _num(fraction, f"{path}.{key}")
        if not 0 <= fraction < 1:
            _fail(f"{path}.{key}", fraction, "the pruned fraction of the network's prunable weights, in [0, 1)")


def _truncation_space(value, path):
    if value not in TRUNCATION_SPACES:
        _fail(path, value, f"one of {list(TRUNCATION_SPACES)} (z-space truncation trick, psi in w-space, "
                           f"another truncation inside the generator's call, no truncation)")


def _versions(value, path):
    _check_dict(value, path, ("zoo", "tensorflow", "keras"))
    for key in ("zoo", "tensorflow", "keras"):
        _str(value[key], f"{path}.{key}")


def _previous(value, path):
    """The release this one replaced (`zoo.hub.publish.previous_release`): its revision on the Hub (null if it
    was never uploaded), the sha256 of each of its files, its metrics and its recipe entry."""
    _check_dict(value, path, ("revision", "files", "metrics", "recipe", "params"))
    rev = value["revision"]
    if rev is not None and (not isinstance(rev, str) or not COMMIT_PATTERN.match(rev)):
        _fail(f"{path}.revision", rev, "null (never uploaded) or the 40-hex commit id of its upload")
    files = value["files"]
    if not isinstance(files, dict) or not files or not all(
            is_file_key(k) and isinstance(v, str) and SHA256_PATTERN.match(v) for k, v in files.items()):
        _fail(f"{path}.files", files, "{file name: sha256 hex} of the replaced release's model files")
    _metrics(value["metrics"], f"{path}.metrics")
    _recipe(value["recipe"], f"{path}.recipe")
    _int(value["params"], f"{path}.params")


_TOP_FIELDS = {
    "name": _str,
    "architecture": _architecture,
    "config": _config,
    "dataset": _dataset,
    "resolution": _resolution,
    "params": _int,
    "files": _files,
    "hub": _hub,
    "metrics": _metrics,
    "recipe": _recipe,
    "golden": _golden,
    "versions": _versions,
    "license": _str,
    "sparsity": _sparsity,
    "truncation_space": _truncation_space,
    "previous": _previous,
}
_TOP_OPTIONAL = ("sparsity", "truncation_space", "previous")
_TOP_REQUIRED = tuple(k for k in _TOP_FIELDS if k not in _TOP_OPTIONAL)


def _check_cross_fields(manifest: dict) -> None:
    name = manifest["name"]
    repo_name = manifest["hub"]["repo_id"].split("/")[1]
    if repo_name != name:
        raise ValueError(f"manifest field hub.repo_id: {manifest['hub']['repo_id']!r} does not end in the model name; "
                         f"expected '<org>/{name}' (the name is also the Hub repo name)")
    if (MASKS_FILE in manifest["files"]) != ("sparsity" in manifest):
        raise ValueError(f"manifest field sparsity: {'missing' if 'sparsity' not in manifest else 'present'} while "
                         f"files {'lists' if MASKS_FILE in manifest['files'] else 'does not list'} {MASKS_FILE}; "
                         f"expected both (a lottery ticket) or neither (zoo.hub.publish.write_manifest sets both)")
    if "sparsity" in manifest and (DISCRIMINATOR in manifest["sparsity"]) != (
            weights_file(DISCRIMINATOR) in manifest["files"]):
        raise ValueError(f"manifest field sparsity.discriminator: expected exactly when "
                         f"{weights_file(DISCRIMINATOR)} ships")
    res = [int(r) for r in parse_name(name)["res"].split("x")]
    if res[-1] != manifest["resolution"][-1] or not set(res) <= set(manifest["resolution"]):
        raise ValueError(f"manifest field resolution: {manifest['resolution']} does not match the name's "
                         f"resolution {parse_name(name)['res']!r}; expected e.g. '32' -> [32, 32], "
                         f"'16x64' -> [16, 64, 64]")
