"""`pip install .` into a fresh venv, then list and load pretrained models from outside the checkout."""

import os
import shutil
import subprocess
import sys
import sysconfig

import numpy as np
import pytest

from tests.hub.conftest import NAME, publish_folder, tiny_sngan
from tests.hub.test_shipped_manifests import SHIPPED, expected_data_files

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

SCRIPT = """
import json, os, sys
import numpy as np
import zoo
from zoo.hub.registry import weights_dir
names = zoo.list_pretrained()
g = zoo.load(sys.argv[1])
np.save(sys.argv[2], g.sample(4, seed=0))
zoo.load(sys.argv[1], part="discriminator")  # discriminator/ was installed too
print(json.dumps({"zoo": zoo.__file__, "names": names, "weights_dir": weights_dir()}))
"""


def run(cmd, **kwargs):
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900, **kwargs)
    assert proc.returncode == 0, f"{cmd}\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}"
    return proc.stdout


def copy_source(dst):
    """The checkout's packaging inputs, plus a tiny model folder and its data_files line."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(os.path.join(REPO, "zoo"), dst / "zoo", ignore=ignore)
    for f in ("setup.cfg", "pyproject.toml", "README.md", "MANIFEST.in", "LICENSE"):
        if os.path.exists(os.path.join(REPO, f)):
            shutil.copy(os.path.join(REPO, f), dst / f)
    if os.path.isdir(os.path.join(REPO, "weights_manifest")):
        shutil.copytree(os.path.join(REPO, "weights_manifest"), dst / "weights_manifest")
    g, d = tiny_sngan()
    publish_folder(str(dst / "weights_manifest" / NAME), g, d)
    setup_cfg = (dst / "setup.cfg").read_text()
    line = "".join(f"{target} = {pattern}\n" for target, pattern in expected_data_files(NAME).items())
    if "[options.data_files]" in setup_cfg:
        setup_cfg = setup_cfg.replace("[options.data_files]\n", "[options.data_files]\n" + line)
    else:
        setup_cfg += "\n[options.data_files]\n" + line
    (dst / "setup.cfg").write_text(setup_cfg)
    return g.sample(4, seed=0)


@pytest.mark.slow
def test_load_after_pip_install_outside_the_checkout(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    expected = copy_source(src)
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)])
    py = str(venv / "bin" / "python")
    # TensorFlow & co. come from this test's environment (a .pth line), so only zoo itself gets installed
    site = run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).strip()
    with open(os.path.join(site, "_zoo_test_deps.pth"), "w") as f:
        f.write(sysconfig.get_paths()["purelib"] + "\n")
    run([py, "-m", "pip", "install", "-q", "--no-deps", "--no-input", str(src)])

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("ZOO_WEIGHTS_DIR", "PYTHONPATH")}
    env["TF_CPP_MIN_LOG_LEVEL"] = "3"
    out = run([py, "-c", SCRIPT, NAME, str(tmp_path / "s.npy")], cwd=str(elsewhere), env=env)
    import json

    info = json.loads(out.strip().splitlines()[-1])
    assert info["zoo"].startswith(site), info["zoo"]  # the installed copy, not the checkout
    assert info["weights_dir"] == os.path.join(str(venv), "share", "zoo", "weights_manifest")
    assert info["names"] == sorted([*SHIPPED, NAME])
    np.testing.assert_array_equal(np.load(tmp_path / "s.npy"), expected)
