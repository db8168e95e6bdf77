"""Every model folder shipped in `weights_manifest/`: schema, sha256 of every file, golden slice through
`zoo.load`, through `keras.saving.load_model(folder)` and through `keras.saving.load_model("hf://ORG/NAME")`
from an offline Hugging Face cache, and packaging. Image (NHWC) and video (NTHWC) generators alike: the golden
z is the model's own `latents` and the window is taken on the last three axes but one."""

import configparser
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from tests.hub.hf_cache import make_hf_cache
from zoo.hub.load import load, verify_files
from zoo.hub.publish import golden_labels, golden_window, upload_patterns
from zoo.hub.registry import INSTALLED_SUBDIR, read_manifest
from zoo.models.parts import PARTS, part_subdir

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROOT = os.path.join(REPO, "weights_manifest")
SHIPPED = sorted(n for n in os.listdir(ROOT) if not n.startswith((".", "_"))
                 and os.path.isdir(os.path.join(ROOT, n))) if os.path.isdir(ROOT) else []


def expected_data_files(name: str) -> dict:
    """{install dir: source pattern} setup.cfg needs for model `name`: its folder's files, and each part folder."""
    target = os.path.join(INSTALLED_SUBDIR, name).replace(os.sep, "/")
    entries = {target: f"weights_manifest/{name}/*.*"}
    for subdir in sorted({part_subdir(p) for p in PARTS} - {""}):
        entries[f"{target}/{subdir}"] = f"weights_manifest/{name}/{subdir}/*"
    return entries


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
    z = g.latents(golden["num"], seed=golden["seed"])
    window = golden_window(g(z, labels=golden_labels(g, golden["num"]), training=False))
    np.testing.assert_allclose(window, np.asarray(golden["slice"]), atol=golden["atol"])


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_folder_is_installed_by_pip(name):
    """`pip install .` installs a folder only if setup.cfg [options.data_files] names it and its part folders."""
    entries = data_files_entries(os.path.join(REPO, "setup.cfg"))
    for target, pattern in expected_data_files(name).items():
        assert entries.get(target) == pattern, f"add to setup.cfg [options.data_files]: {target} = {pattern}"


# one fresh process, `import zoo` before Keras: every shipped folder and Hub repo loads with Keras alone
KERAS_LOAD = """
import json, sys
import numpy as np
import zoo
import keras
out = {}
for path, golden in json.loads(sys.argv[1]).items():
    g = keras.saving.load_model(path)
    z = g.latents(golden["num"], seed=golden["seed"])
    labels = None if golden.get("labels") is None else np.asarray(golden["labels"], np.int32)
    x = np.asarray(g(z, labels=labels, training=False))
    y, c = x.shape[-3] // 2 - 2, x.shape[-2] // 2 - 2  # NHWC or NTHWC (video): the centre of every frame
    out[path] = {"class": type(g).__name__, "window": x[..., y:y + 4, c:c + 4, :1].astype(float).tolist()}
print(json.dumps(out))
"""
REVISION = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture(scope="module")
def keras_loaded(tmp_path_factory):
    """{path: {"class", "window"}} from `keras.saving.load_model(path)` in a fresh process, for every shipped
    folder and for "hf://<repo_id>" of each, served offline (HF_HUB_OFFLINE=1) from a cache laid out as the
    Hub lays it out (refs/main -> snapshots/<rev>/, every uploaded file as a blob symlink). Two fresh processes
    side by side (2 cores): one loads the folders, the other the hf:// repos."""
    root = tmp_path_factory.mktemp("hf")
    folders, repos = {}, {}
    for name in SHIPPED:
        folder = os.path.join(ROOT, name)
        manifest = read_manifest(folder)
        make_hf_cache(root / "hub", manifest["hub"]["repo_id"], REVISION, folder, upload_patterns(folder, manifest))
        folders[folder] = repos[f"hf://{manifest['hub']['repo_id']}"] = manifest["golden"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("HF_")}
    env.update(HF_HUB_OFFLINE="1", HF_HUB_CACHE=str(root / "hub"), HF_HOME=str(root / "hf_home"),
               HF_ENDPOINT="http://127.0.0.1:9", TF_CPP_MIN_LOG_LEVEL="3")
    procs = [subprocess.Popen([sys.executable, "-c", KERAS_LOAD, json.dumps(jobs)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env, cwd=str(root)) for jobs in (folders, repos)]
    loaded = {}
    try:
        for proc in procs:
            out, err = proc.communicate(timeout=600)
            assert proc.returncode == 0, err[-3000:]
            loaded.update(json.loads(out.strip().splitlines()[-1]))
    finally:
        for proc in procs:
            proc.kill()
            proc.wait()
    return loaded


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_folder_loads_with_keras_alone(name, keras_loaded):
    """`keras.saving.load_model(folder)` after `import zoo`: the folder (with its manifest, card, pictures and
    discriminator/ beside the generator's files) gives the generator with its golden slice."""
    manifest = read_manifest(os.path.join(ROOT, name))
    result = keras_loaded[os.path.join(ROOT, name)]
    assert result["class"] == manifest["architecture"].rsplit(".", 1)[-1]
    np.testing.assert_allclose(result["window"], manifest["golden"]["slice"], atol=manifest["golden"]["atol"])


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_repo_loads_from_an_offline_hf_cache(name, keras_loaded):
    """`keras.saving.load_model("hf://ORG/NAME")` from the offline Hugging Face cache."""
    manifest = read_manifest(os.path.join(ROOT, name))
    result = keras_loaded[f"hf://{manifest['hub']['repo_id']}"]
    assert result["class"] == manifest["architecture"].rsplit(".", 1)[-1]
    np.testing.assert_allclose(result["window"], manifest["golden"]["slice"], atol=manifest["golden"]["atol"])
