"""Hub round trip over real HTTP: `zoo publish` -> test Hub on 127.0.0.1 -> `zoo.load` / `keras.saving.load_model`.

Everything goes through the installed `huggingface_hub` talking HTTP to `tests.hub.hub_server` (HF_ENDPOINT), with
Xet disabled, a fake token and an empty HF cache in tmp_path. Publishing runs the real command
(`python -m zoo.cli publish`); loading runs in a fresh process whose registry folder holds only manifest.json, so
every file has to come from the Hub at the revision `zoo publish` pinned.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request

import numpy as np
import pytest

from tests.hub.hub_server import HubServer, hub  # noqa: F401  (fixture)
from zoo.hub.manifest import MANIFEST_FILE
from zoo.hub.publish import upload_patterns

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NAME = "sngan-fmnist-32"
REPO_ID = f"zoo-test/{NAME}"

LOAD_AND_SAMPLE = r"""
import json, os, sys
import zoo
from zoo.hub.publish import golden_slice

name, repo_id = sys.argv[1], sys.argv[2]
g = zoo.load(name)
golden = g.manifest["golden"]
out = {"zoo": golden_slice(g, golden["seed"], golden["num"]), "zoo_class": type(g).__name__}
import keras
k = keras.saving.load_model("hf://" + repo_id)
out["keras"] = golden_slice(k, golden["seed"], golden["num"])
out["keras_class"] = type(k).__name__
print(json.dumps(out))
"""

LOAD_EXPECTING_FAILURE = r"""
import json, sys
import zoo
from zoo.hub.load import ChecksumError
try:
    zoo.load(sys.argv[1])
except Exception as e:
    print(json.dumps({"error": type(e).__name__, "checksum_error": isinstance(e, ChecksumError), "message": str(e)}))
else:
    print(json.dumps({"error": None}))
"""

CORRUPT_THE_CACHE = r"""
import json, os, sys
from zoo.hub.load import verified_folder
from zoo.hub.registry import get_entry

entry = get_entry(sys.argv[1])
first = verified_folder(entry)
blob = os.path.realpath(os.path.join(first, "model.weights.h5"))
os.chmod(blob, 0o644)
with open(blob, "r+b") as f:  # a bit flipped on disk, in the blob the snapshot links to
    f.seek(1000)
    byte = f.read(1)[0]
    f.seek(1000)
    f.write(bytes([byte ^ 1]))
again = verified_folder(entry)
print(json.dumps({"first": first, "again": again, "blob": blob}))
"""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def registry(tmp_path):
    """tmp_path/weights_manifest holding a copy of the shipped sngan-fmnist-32 folder."""
    root = tmp_path / "weights_manifest"
    shutil.copytree(os.path.join(REPO, "weights_manifest", NAME), root / NAME)
    return root


@pytest.fixture
def hub_env(tmp_path, hub, registry):  # noqa: F811
    """The environment of every zoo process: the test Hub, Xet off, a fake token, an empty HF home and cache."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HUGGING_FACE_"))}
    env.update(HF_ENDPOINT=hub.endpoint, HF_HUB_DISABLE_XET="1", HF_TOKEN=hub.token,
               HF_HOME=str(tmp_path / "hf_home"), HF_HUB_CACHE=str(tmp_path / "hf_home" / "hub"),
               HF_HUB_DISABLE_TELEMETRY="1", HF_HUB_DISABLE_PROGRESS_BARS="1", ZOO_WEIGHTS_DIR=str(registry),
               TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH=os.pathsep.join(filter(None, [REPO, env.get("PYTHONPATH")])))
    return env


def run(args, env, cwd, timeout=180):
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, cwd=str(cwd),
                          timeout=timeout)


def publish_with_cli(env, cwd) -> str:
    """`zoo publish NAME --repo-id ORG/NAME` in its own process; returns the revision it printed."""
    proc = run(["-m", "zoo.cli", "publish", NAME, "--repo-id", REPO_ID], env, cwd, timeout=120)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    printed = re.findall(r"\b[0-9a-f]{40}\b", proc.stdout)
    assert len(printed) == 1, proc.stdout
    return printed[0]


def keep_only_manifest(folder) -> None:
    """Remove every file but manifest.json: the weights can only come from the Hub now."""
    for entry in os.listdir(folder):
        path = os.path.join(folder, entry)
        if entry != MANIFEST_FILE:
            shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)


def test_publish_then_load_in_a_fresh_process_over_http(tmp_path, hub, hub_env, registry):  # noqa: F811
    folder = registry / NAME
    shipped = json.loads((folder / MANIFEST_FILE).read_text())
    uploaded = {f: (folder / f).read_bytes() for f in upload_patterns(str(folder), shipped)}

    revision = publish_with_cli(hub_env, tmp_path)

    # the local manifest pins the commit the Hub answered, in the repo the command named
    manifest = json.loads((folder / MANIFEST_FILE).read_text())
    repo = hub.state.repos[REPO_ID]
    assert manifest["hub"] == {"repo_id": REPO_ID, "revision": revision}
    assert revision == repo.refs["main"] and re.fullmatch(r"[0-9a-f]{40}", revision)
    assert {k: v for k, v in manifest.items() if k != "hub"} == {k: v for k, v in shipped.items() if k != "hub"}
    # that commit holds the payload, the card and the manifest byte for byte (the uploaded manifest names the
    # repo; its revision is still the previous one: a commit cannot hold its own id)
    files = repo.commits[revision]["files"]
    assert set(files) == {".gitattributes", *uploaded} >= {*shipped["files"], MANIFEST_FILE, "README.md"}
    for f, entry in shipped["files"].items():
        assert files[f] == uploaded[f] and sha256(files[f]) == entry["sha256"], f
    assert json.loads(files[MANIFEST_FILE])["hub"] == {"repo_id": REPO_ID, "revision": None}
    # one commit on top of the repo's initial one, through preupload (regular mode) and the NDJSON commit
    assert repo.commits[revision]["parent"] is not None
    calls = [(m, p.split("?")[0]) for m, p, _ in hub.requests]
    assert ("POST", "/api/repos/create") in calls
    assert ("POST", f"/api/models/{REPO_ID}/preupload/main") in calls
    assert ("POST", f"/api/models/{REPO_ID}/commit/main") in calls

    keep_only_manifest(folder)
    before = len(hub.requests)
    proc = run(["-c", LOAD_AND_SAMPLE, NAME, REPO_ID], hub_env, tmp_path, timeout=240)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])

    golden = shipped["golden"]
    assert out["zoo_class"] == out["keras_class"] == shipped["architecture"].rsplit(".", 1)[-1]
    np.testing.assert_allclose(out["zoo"], golden["slice"], atol=golden["atol"])
    np.testing.assert_allclose(out["keras"], golden["slice"], atol=golden["atol"])

    # the files came over HTTP at the pinned revision (zoo.load) and at main (hf://), into the empty HF cache
    served = {(m, p.split("?")[0]) for m, p, status in hub.requests[before:] if status == 200}
    assert ("GET", f"/api/models/{REPO_ID}/tree/{revision}") in served
    assert ("GET", f"/api/models/{REPO_ID}/revision/main") in served
    for f in shipped["files"]:
        assert ("HEAD", f"/{REPO_ID}/resolve/{revision}/{f}") in served, f
    # a GET per distinct content: the cache keeps one blob per ETag (metadata.json twice is one download)
    got = {shipped["files"][f]["sha256"] for f in shipped["files"]
           if ("GET", f"/{REPO_ID}/resolve/{revision}/{f}") in served}
    assert got == {entry["sha256"] for entry in shipped["files"].values()}
    snapshot = tmp_path / "hf_home" / "hub" / f"models--{REPO_ID.replace('/', '--')}" / "snapshots" / revision
    for f, entry in shipped["files"].items():
        assert sha256((snapshot / f).read_bytes()) == entry["sha256"], f
    assert sorted(os.listdir(folder)) == [MANIFEST_FILE]  # nothing was written into the registry folder


def test_a_tampered_file_on_the_hub_fails_the_sha256_check(tmp_path, hub, hub_env, registry):  # noqa: F811
    revision = publish_with_cli(hub_env, tmp_path)
    hub.tamper(REPO_ID, "model.weights.h5", revision=revision)  # same commit id, one byte flipped
    keep_only_manifest(registry / NAME)

    proc = run(["-c", LOAD_EXPECTING_FAILURE, NAME], hub_env, tmp_path, timeout=120)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["error"] == "ChecksumError" and out["checksum_error"], out
    assert "model.weights.h5" in out["message"], out
    # the file was really fetched from the Hub at the pinned revision before the check refused it
    assert ("GET", f"/{REPO_ID}/resolve/{revision}/model.weights.h5", 200) in hub.requests


def test_a_corrupted_blob_in_the_hf_cache_is_fetched_again(tmp_path, hub, hub_env, registry):  # noqa: F811
    """The HF cache serves a pinned revision from disk without asking the Hub, so a blob that went bad there
    would fail every later load; zoo fetches the files once more when the cached ones fail their sha256."""
    revision = publish_with_cli(hub_env, tmp_path)
    keep_only_manifest(registry / NAME)
    proc = run(["-c", CORRUPT_THE_CACHE, NAME], hub_env, tmp_path, timeout=120)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["again"] == out["first"]
    expected = json.loads((registry / NAME / MANIFEST_FILE).read_text())["files"]["model.weights.h5"]["sha256"]
    with open(os.path.join(out["again"], "model.weights.h5"), "rb") as f:
        assert sha256(f.read()) == expected
    gets = [r for r in hub.requests if r == ("GET", f"/{REPO_ID}/resolve/{revision}/model.weights.h5", 200)]
    assert len(gets) == 2


def test_a_bad_file_in_the_hf_cache_names_the_blob_to_delete(tmp_path):
    """Deleting the snapshot's link alone would bring the same blob back: the error names the blob."""
    from zoo.hub.load import ChecksumError, verify_files

    blob = tmp_path / "blobs" / "0123"
    blob.parent.mkdir()
    blob.write_bytes(b"bad")
    (tmp_path / "snapshot").mkdir()
    os.symlink(os.path.join("..", "blobs", "0123"), tmp_path / "snapshot" / "model.weights.h5")
    with pytest.raises(ChecksumError, match=f"delete {re.escape(str(blob))} and fetch it again"):
        verify_files(str(tmp_path / "snapshot"), {"model.weights.h5": {"sha256": "0" * 64, "size": 3}})


def test_the_hub_server_stops_by_itself():
    """Bounded: a 503 past `max_requests`, then it stops; and it stops after `timeout` seconds in any case."""
    server = HubServer(max_requests=2, timeout=60)
    with server as endpoint:
        codes = []
        for _ in range(3):
            try:
                with urllib.request.urlopen(f"{endpoint}/api/models/a/b", timeout=5) as r:
                    codes.append(r.status)
            except urllib.error.HTTPError as e:
                codes.append(e.code)
        assert codes == [404, 404, 503]  # no repo a/b; then the limit
        deadline = time.monotonic() + 5
        while server.running and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not server.running and server.httpd.limit_hit

    server = HubServer(timeout=0.3)
    with server:
        deadline = time.monotonic() + 5
        while server.running and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not server.running
