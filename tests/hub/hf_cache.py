"""Build a Hugging Face cache folder the way `huggingface_hub` lays one out, without network.

    <cache>/models--<org>--<name>/
        blobs/<id>                      file contents; id = sha256 for LFS files (*.h5), git blob sha1 otherwise
        snapshots/<revision>/<file>     relative symlinks ../../blobs/<id> (one more ../ per subfolder)
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
    """Put `filenames` (paths relative to `source_folder`, "/" separators) into the cache as `repo_id` at
    `revision`, with refs/main pointing at it; returns the snapshot path."""
    storage = os.path.join(cache_dir, "models--" + repo_id.replace("/", "--"))
    snapshot = os.path.join(storage, "snapshots", revision)
    os.makedirs(os.path.join(storage, "blobs"), exist_ok=True)
    os.makedirs(os.path.join(storage, "refs"), exist_ok=True)
    os.makedirs(snapshot, exist_ok=True)
    for name in filenames:
        with open(os.path.join(source_folder, *name.split("/")), "rb") as f:
            data = f.read()
        blob_id = hashlib.sha256(data).hexdigest() if name.endswith((".h5", ".png")) else git_blob_sha1(data)
        with open(os.path.join(storage, "blobs", blob_id), "wb") as f:
            f.write(data)
        link = os.path.join(snapshot, *name.split("/"))
        os.makedirs(os.path.dirname(link), exist_ok=True)
        up = [".."] * (2 + name.count("/"))
        os.symlink(os.path.join(*up, "blobs", blob_id), link)
    with open(os.path.join(storage, "refs", "main"), "w") as f:
        f.write(revision)
    return snapshot
