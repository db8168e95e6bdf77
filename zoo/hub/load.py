"""`zoo.load(name)`: a pretrained generator (or discriminator) with every file checked against its sha256.

Where the files come from, first match wins:
1. the local registry folder `weights_manifest/<name>/` when it holds every file of the manifest (offline);
2. the Hugging Face Hub repo `hub.repo_id` at the pinned commit `hub.revision`, through
   `huggingface_hub.snapshot_download` (needs network the first time; afterwards, and with
   `HF_HUB_OFFLINE=1`, it is served from the HF cache `models--<org>--<name>/snapshots/<revision>/`).

The manifest that is trusted is always the local registry's; files from the Hub are checked against it.
Nothing is unpickled: config.json is JSON and the weights are Keras HDF5 weight files. The folder layout (one
Keras model directory per part) is `zoo.models.parts`'; the same folder also loads with
`keras.saving.load_model(folder)` (no checksums there).
"""

from __future__ import annotations

import json
import os

from zoo.hub.manifest import sha256_file
from zoo.hub.registry import get_entry
from zoo.models.parts import GENERATOR, check_part, part_files


class ChecksumError(ValueError):
    """A model file whose sha256 differs from its manifest (tampered, truncated or replaced)."""


def verify_files(folder: str, files: dict) -> None:
    """Check every `{filename: {"sha256", "size"}}` entry against the file in `folder`.

    Raises FileNotFoundError for a missing file, ChecksumError naming the file and both hashes otherwise.
    """
    for filename in sorted(files):
        expected = files[filename]
        path = os.path.join(folder, *filename.split("/"))
        if not os.path.isfile(path):
            raise FileNotFoundError(f"{path} is missing; the manifest lists {filename} "
                                    f"(sha256 {expected['sha256']}, {expected['size']} bytes)")
        actual = sha256_file(path)
        if actual != expected["sha256"]:
            size = os.path.getsize(path)
            # in the HF cache the snapshot file is a link to a blob: deleting the link alone brings the blob back
            target = os.path.realpath(path) if os.path.islink(path) else "it"
            raise ChecksumError(f"{filename} in {folder} failed its sha256 check: expected {expected['sha256']} "
                                f"({expected['size']} bytes), got {actual} ({size} bytes); the file is corrupt, "
                                f"truncated or not the published one: delete {target} and fetch it again")


def missing_files(folder: str, files: dict) -> list[str]:
    """Files of the manifest that are not present in `folder`."""
    return sorted(f for f in files if not os.path.isfile(os.path.join(folder, *f.split("/"))))


def download_snapshot(manifest: dict, force_download: bool = False) -> str:
    """The folder of `manifest`'s files from the Hub at the pinned revision (or from the HF cache offline).

    Needs network unless the HF cache already holds that revision (`force_download`: always fetch the files
    again, replacing the cached copies).
    """
    hub = manifest["hub"]
    if hub["revision"] is None:
        raise FileNotFoundError(f"{manifest['name']} is not uploaded yet (hub.revision is null) and its files are "
                                f"not all in the local folder; expected the weight files beside its manifest")
    import huggingface_hub

    from zoo.version import __version__

    try:
        return huggingface_hub.snapshot_download(
            repo_id=hub["repo_id"], revision=hub["revision"], repo_type="model",
            allow_patterns=sorted(manifest["files"]), library_name="zoo", library_version=__version__,
            force_download=force_download)
    except Exception as e:  # network, auth, missing cache: say what was tried and how to get the files
        raise OSError(f"could not get {manifest['name']} from the Hugging Face Hub repo {hub['repo_id']} at "
                      f"revision {hub['revision']}: {type(e).__name__}: {e}. Offline, set HF_HUB_OFFLINE=1 with a "
                      f"cache holding that revision, or put the files into the local weights_manifest folder"
                      ) from e


def verified_folder(entry) -> str:
    """A folder holding every file of a registry entry, all sha256-verified: the local one first, else the Hub.

    Files from the Hub that fail the check are fetched once more (a blob corrupted in the HF cache is never
    replaced otherwise: the cache serves it at that revision for good); a second failure raises ChecksumError.
    """
    manifest = entry.manifest
    folder = entry.folder
    if missing_files(folder, manifest["files"]):
        folder = download_snapshot(manifest)
        try:
            verify_files(folder, manifest["files"])
        except ChecksumError as bad_cache:
            try:
                folder = download_snapshot(manifest, force_download=True)
            except OSError:  # offline: report the bad file, which names the blob to delete
                raise bad_cache from None
    verify_files(folder, manifest["files"])
    check_config_matches(folder, manifest)
    return folder


def check_config_matches(folder: str, manifest: dict) -> None:
    """The generator's config.json must be the manifest's `architecture` + `config` (a zoo class)."""
    from zoo.models.serialization import part_spec

    spec = part_spec(folder, GENERATOR)
    if spec["class"] != manifest["architecture"] or spec["config"] != manifest["config"]:
        raise ValueError(f"{folder}: its generator config describes {spec['class']} with config {spec['config']}, "
                         f"but the manifest says {manifest['architecture']} with config {manifest['config']}; "
                         f"expected both to describe the same generator (rewrite the manifest with "
                         f"zoo.hub.publish.write_manifest)")


def load(name: str, part: str = GENERATOR):
    """The pretrained `part` ("generator" or "discriminator") of model `name`, weights verified by sha256.

    Every file listed in the manifest is checked before anything is built. The returned model carries
    `zoo_name` (the name) and `manifest` (the manifest dict).

    Example:
        >>> g = zoo.load("sngan-fmnist-32")
        >>> images = g.sample(16, seed=0)       # uint8 (16, 32, 32, 1)
        >>> d = zoo.load("sngan-fmnist-32", part="discriminator")
    """
    check_part(part)
    entry = get_entry(name)
    missing = [f for f in part_files(part) if f not in entry.manifest["files"]]
    if missing:
        raise ValueError(f"{name} ships no {part} ({missing} not in its manifest's files: "
                         f"{sorted(entry.manifest['files'])})")
    folder = verified_folder(entry)
    from zoo.models.serialization import load_model_files

    model = load_model_files(folder, part)
    # plain attributes, set past Keras' attribute tracking: they are information, not model state
    object.__setattr__(model, "zoo_name", name)
    object.__setattr__(model, "manifest", json.loads(json.dumps(entry.manifest)))
    return model


HF_PREFIX = "hf://"


def pretrained_folder(source: str) -> tuple[str, dict]:
    """(folder, provenance) of a pretrained model to start a run from (a recipe's `finetune.init_from`):

    - a folder (a work dir's export/, a copy of a published folder): itself, as it is;
    - a published name ("stylegan2-emoji-64"): its sha256-verified folder, as `zoo.load` checks it;
    - "hf://org/name[@revision]": that Hub repo's snapshot (offline: from the HF cache), every file of its
      manifest.json checked by sha256.

    The provenance names the source: {"source", "name", "revision", "sha256"} (sha256 of the generator's
    weights), for the fine-tuned model's manifest and card."""
    from zoo.models.parts import weights_file

    if source.startswith(HF_PREFIX):
        repo_id, _, revision = source[len(HF_PREFIX):].partition("@")
        if repo_id.count("/") != 1:
            raise ValueError(f"init_from {source!r}: expected hf://org/name or hf://org/name@revision")
        import huggingface_hub

        try:
            folder = huggingface_hub.snapshot_download(repo_id=repo_id, revision=revision or None, repo_type="model")
        except Exception as e:
            raise OSError(f"could not get {source} from the Hugging Face Hub: {type(e).__name__}: {e}. Offline, set "
                          f"HF_HUB_OFFLINE=1 with a cache holding that revision") from e
        manifest_path = os.path.join(folder, "manifest.json")
        if not os.path.isfile(manifest_path):
            raise ValueError(f"init_from {source!r}: the repo has no manifest.json, so its weights cannot be verified")
        with open(manifest_path) as f:
            manifest = json.load(f)
        verify_files(folder, manifest["files"])
        name = manifest.get("name", repo_id.split("/")[1])
    elif os.path.isdir(source):
        folder, name, revision = source, None, None
    else:
        entry = get_entry(source)
        folder = verified_folder(entry)
        name, revision = source, entry.manifest["hub"]["revision"]
    path = os.path.join(folder, weights_file(GENERATOR))
    digest = sha256_file(path) if os.path.isfile(path) else None
    return folder, {"source": source, "name": name, "revision": revision or None, "sha256": digest}
