"""The registry of pretrained generators: one `weights_manifest/<name>/manifest.json` per model.

Where the `weights_manifest` folder is found, first match wins:
1. the environment variable `ZOO_WEIGHTS_DIR` (must be a directory);
2. a source checkout: `<repo root>/weights_manifest`, the folder beside the `zoo` package;
3. an installed copy: `pip install .` ships every model folder as setup.cfg `[options.data_files]` into
   `<prefix>/share/zoo/weights_manifest/<name>/` (prefix: the venv / `sys.prefix`, or the user base for
   `pip install --user`).

The registry is read anew on every call (a few small JSON files), so changing `ZOO_WEIGHTS_DIR` takes effect
at once, and every manifest is validated when read: a broken shipped manifest fails loudly.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import os
import site
import sys
import sysconfig

from zoo.hub.manifest import MANIFEST_FILE, validate_manifest

ENV_VAR = "ZOO_WEIGHTS_DIR"
FOLDER_NAME = "weights_manifest"
INSTALLED_SUBDIR = os.path.join("share", "zoo", FOLDER_NAME)


@dataclasses.dataclass(frozen=True)
class RegistryEntry:
    """One pretrained model found in the registry.

    Args:
        name: the model name (`<arch>-<dataset>-<res>[.<tag>]`), also its folder and Hub repo name.
        folder: the local `weights_manifest/<name>` folder (holds at least manifest.json).
        manifest: the validated manifest dict.

    Example:
        >>> entry = registry()["sngan-fmnist-32"]
        >>> entry.manifest["hub"]["repo_id"]
    """

    name: str
    folder: str
    manifest: dict


def checkout_weights_dir() -> str:
    """`<repo root>/weights_manifest` for the checkout this `zoo` package sits in (may not exist)."""
    package_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return os.path.join(os.path.dirname(package_dir), FOLDER_NAME)


def installed_weights_dirs() -> list[str]:
    """Where `pip install .` puts the manifests: `<prefix>/share/zoo/weights_manifest` for each install prefix."""
    prefixes = [sysconfig.get_path("data"), sys.prefix, sys.exec_prefix, getattr(site, "USER_BASE", None)]
    dirs = []
    for prefix in prefixes:
        if prefix and os.path.join(prefix, INSTALLED_SUBDIR) not in dirs:
            dirs.append(os.path.join(prefix, INSTALLED_SUBDIR))
    return dirs


def weights_dir() -> str:
    """The `weights_manifest` folder in use (see the module docstring for the search order)."""
    env = os.environ.get(ENV_VAR)
    if env:
        if not os.path.isdir(env):
            raise FileNotFoundError(f"{ENV_VAR}={env!r} is not a directory; expected a folder of "
                                    f"<name>/manifest.json model folders")
        return env
    candidates = [checkout_weights_dir(), *installed_weights_dirs()]
    for candidate in candidates:
        if os.path.isdir(candidate):
            return candidate
    raise FileNotFoundError(f"no {FOLDER_NAME} folder found; looked in {candidates}. Set {ENV_VAR} to a folder "
                            f"of <name>/manifest.json, or reinstall zoo with `pip install .`")


def read_manifest(folder: str) -> dict:
    """Load and validate `<folder>/manifest.json` (also checks the folder's files are all listed)."""
    path = os.path.join(folder, MANIFEST_FILE)
    try:
        with open(path) as f:
            manifest = json.load(f)
    except FileNotFoundError:
        raise FileNotFoundError(f"{folder} has no {MANIFEST_FILE}; every folder of {FOLDER_NAME}/ is one "
                                f"published model with its manifest") from None
    except json.JSONDecodeError as e:
        raise ValueError(f"{path} is not valid JSON: {e}") from None
    try:
        return validate_manifest(manifest, folder=folder)
    except ValueError as e:
        raise ValueError(f"{path}: {e}") from None


def registry(root: str | None = None) -> dict[str, RegistryEntry]:
    """{name: RegistryEntry} of every model folder under `root` (default: `weights_dir()`)."""
    root = weights_dir() if root is None else root
    entries = {}
    for name in sorted(os.listdir(root)):
        folder = os.path.join(root, name)
        if name.startswith((".", "_")) or not os.path.isdir(folder):
            continue
        manifest = read_manifest(folder)
        entries[name] = RegistryEntry(name=name, folder=folder, manifest=manifest)
    return entries


def list_pretrained() -> list[str]:
    """Sorted names of every pretrained generator in the registry.

    Example:
        >>> zoo.list_pretrained()
        ['sngan-fmnist-32']
    """
    return sorted(registry())


def get_entry(name: str) -> RegistryEntry:
    """The registry entry of `name`; KeyError naming the close names when unknown (all names if none is close)."""
    entries = registry()
    if name not in entries:
        close = close_names(str(name), list(entries))
        hint = (f"did you mean {' or '.join(repr(n) for n in close)}?" if close
                else f"known models: {', '.join(sorted(entries)) or 'none'}")
        raise KeyError(f"unknown pretrained model {name!r}; {hint} (from {weights_dir()})")
    return entries[name]


def close_names(name: str, names: list[str]) -> list[str]:
    """The names a typo most likely meant: names starting with `name`, then difflib's close matches that score
    within 0.05 of the best one. The zoo's names share most of their letters (`-fmnist-32`), so a plain cutoff
    would offer every model."""
    matcher = difflib.SequenceMatcher(b=name)
    scores = {}
    for candidate in difflib.get_close_matches(name, names, n=len(names), cutoff=0.6):
        matcher.set_seq1(candidate)
        scores[candidate] = matcher.ratio()
    best = max(scores.values(), default=0.0)
    prefixed = [n for n in sorted(names) if name and n.startswith(name)]
    close = [n for n, score in scores.items() if score >= best - 0.05 and n not in prefixed]
    return prefixed + close[: max(0, 3 - len(prefixed))]
