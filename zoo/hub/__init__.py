"""Pretrained generators: the registry (`weights_manifest/`), the manifest schema, sha256-checked loading
(local folder, else the Hugging Face Hub at a pinned revision) and publishing.

    import zoo
    zoo.list_pretrained()
    g = zoo.load("sngan-fmnist-32")
"""

from zoo.hub.load import ChecksumError, load
from zoo.hub.manifest import sha256_file, validate_manifest
from zoo.hub.registry import list_pretrained, weights_dir

__all__ = ["ChecksumError", "list_pretrained", "load", "sha256_file", "validate_manifest", "weights_dir"]
