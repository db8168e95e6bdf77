"""Every model folder shipped in `weights_manifest/`: schema, sha256 of every file, golden slice, packaging."""

import configparser
import os

import numpy as np
import pytest

from zoo.hub.load import load, verify_files
from zoo.hub.publish import golden_labels, golden_window
from zoo.hub.registry import INSTALLED_SUBDIR, read_manifest
from zoo.models.latents import sample_latents

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROOT = os.path.join(REPO, "weights_manifest")
SHIPPED = sorted(n for n in os.listdir(ROOT) if not n.startswith((".", "_"))
                 and os.path.isdir(os.path.join(ROOT, n))) if os.path.isdir(ROOT) else []


def data_files_entries(setup_cfg: str) -> dict:
    """{target dir: source pattern} of setup.cfg's [options.data_files]."""
    parser = configparser.ConfigParser()
    parser.read(setup_cfg)
    if not parser.has_section("options.data_files"):
        return {}
    return {k: v.strip() for k, v in parser.items("options.data_files")}


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_manifest_and_files(name):
    folder = os.path.join(ROOT, name)
    manifest = read_manifest(folder)
    verify_files(folder, manifest["files"])


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_golden_slice(name, monkeypatch):
    monkeypatch.delenv("ZOO_WEIGHTS_DIR", raising=False)
    g = load(name)
    golden = g.manifest["golden"]
    z = sample_latents(golden["num"], g.latent_dim, seed=golden["seed"])
    window = golden_window(g(z, labels=golden_labels(g, golden["num"]), training=False))
    np.testing.assert_allclose(window, np.asarray(golden["slice"]), atol=golden["atol"])


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_folder_is_installed_by_pip(name):
    """`pip install .` installs a folder only if setup.cfg [options.data_files] names it (one line per model)."""
    entries = data_files_entries(os.path.join(REPO, "setup.cfg"))
    target = os.path.join(INSTALLED_SUBDIR, name).replace(os.sep, "/")
    assert entries.get(target) == f"weights_manifest/{name}/*", (
        f"add to setup.cfg [options.data_files]: {target} = weights_manifest/{name}/*")
