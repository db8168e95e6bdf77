"""`zoo.hub.migrate`: a published folder of the layout before `zoo.models.parts` becomes the current layout with
bit-identical weights, the same golden slice and manifest (but `files`), and loads through `zoo.load`."""

import json
import os
import shutil

import numpy as np
import pytest

import zoo
from tests.hub.conftest import NAME
from tests.models.test_serialization import write_legacy_folder
from zoo.hub.manifest import validate_manifest
from zoo.hub.migrate import convert_legacy_folder, migrate_published
from zoo.hub.publish import copy_model_files, file_entries
from zoo.models.parts import part_files
from zoo.models.serialization import is_legacy_folder, load_model_files, save_masks


def to_legacy(folder) -> dict:
    """Rewrite a published folder (current layout) as the layout before parts, manifest included."""
    g, d = load_model_files(str(folder), "generator"), load_model_files(str(folder), "discriminator")
    for part in ("generator", "discriminator"):
        for f in part_files(part):
            os.remove(folder / f)
    os.rmdir(folder / "discriminator")
    write_legacy_folder(str(folder), g, d)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["files"] = file_entries(str(folder))
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return manifest


def test_migrate_a_published_folder(weights_root, expected_samples):
    folder = weights_root / NAME
    published = json.loads((folder / "manifest.json").read_text())
    legacy = to_legacy(folder)
    assert sorted(legacy["files"]) == ["config.json", "discriminator.weights.h5", "generator.weights.h5"]
    manifest = migrate_published(str(folder))
    assert not is_legacy_folder(str(folder))
    assert sorted(manifest["files"]) == sorted([*part_files("generator"), *part_files("discriminator")])
    assert {k: v for k, v in manifest.items() if k != "files"} == {k: v for k, v in published.items() if k != "files"}
    validate_manifest(manifest, folder=str(folder))
    assert "discriminator/model.weights.h5" in (folder / "README.md").read_text()
    np.testing.assert_array_equal(zoo.load(NAME).sample(4, seed=0), expected_samples)


def test_migration_refuses_a_folder_that_fails_its_checksums(weights_root):
    folder = weights_root / NAME
    to_legacy(folder)
    (folder / "generator.weights.h5").write_bytes(b"x")
    with pytest.raises(ValueError, match="sha256"):
        migrate_published(str(folder))


def test_an_old_training_export_is_converted_when_copied(weights_root, tmp_path):
    """An old run's export/ (with a ticket's masks) goes into a published folder in the current layout."""
    folder = weights_root / NAME
    g = load_model_files(str(folder), "generator")
    export = tmp_path / "export"
    shutil.copytree(folder, export)
    to_legacy(export)
    save_masks(str(export / "masks.h5"), {"generator": {}}, attrs={"round": 3})
    target = tmp_path / "published"
    copied = copy_model_files(str(export), str(target))
    assert copied == sorted([*part_files("generator"), *part_files("discriminator"), "masks.h5"])
    np.testing.assert_array_equal(load_model_files(str(target)).sample(2, seed=1), g.sample(2, seed=1))
    with pytest.raises(ValueError, match="not in the old layout"):
        convert_legacy_folder(str(target))
