"""Build a Hugging Face cache folder the way `huggingface_hub` lays one out, without network.

    <cache>/models--<org>--<name>/
        blobs/<id>                      file contents; id = sha256 for LFS files (*.h5), git blob sha1 otherwise
        snapshots/<revision>/<file>     relative symlinks ../../blobs/<id>
        refs/main                       the revision the branch points to (no trailing newline)

(Recent huggingface_hub versions may also keep `trees/<revision>.json`, a listing used to spot incomplete
snapshots; without it the snapshot folder is used as it is, as with caches written by older versions.)
"""

from __future__ import annotations

import hashlib
import os


def git_blob_sha1(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def make_hf_cache(cache_dir, repo_id: str, revision: str, source_folder, filenames) -> str:
    """Put `filenames` of `source_folder` into the cache as `repo_id` at `revision`; returns the snapshot path."""
    storage = os.path.join(cache_dir, "models--" + repo_id.replace("/", "--"))
    snapshot = os.path.join(storage, "snapshots", revision)
    os.makedirs(os.path.join(storage, "blobs"), exist_ok=True)
    os.makedirs(os.path.join(storage, "refs"), exist_ok=True)
    os.makedirs(snapshot, exist_ok=True)
    for name in filenames:
        with open(os.path.join(source_folder, name), "rb") as f:
            data = f.read()
        blob_id = hashlib.sha256(data).hexdigest() if name.endswith(".h5") else git_blob_sha1(data)
        with open(os.path.join(storage, "blobs", blob_id), "wb") as f:
            f.write(data)
        os.symlink(os.path.join("..", "..", "blobs", blob_id), os.path.join(snapshot, name))
    with open(os.path.join(storage, "refs", "main"), "w") as f:
        f.write(revision)
    return snapshot
