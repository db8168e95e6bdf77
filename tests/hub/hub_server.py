"""A small Hugging Face Hub on 127.0.0.1 for tests: the HTTP API `huggingface_hub` (2.x) uses for small files.

Endpoints (model repos only; revisions are branch names or full commit ids, URL-quoted as the client sends them):

    POST /api/repos/create                              {"name", "organization", "type"} -> {"url"}; 409 if it exists
    POST /api/validate-yaml                             README.md metadata check (create_commit sends the card)
    POST /api/models/{org}/{name}/preupload/{rev}       {"files": [{"path", "size", "sample"}]} -> uploadMode
                                                        "regular" for every file (no LFS, no Xet), oid of the file
                                                        already at rev (unchanged files are skipped by the client)
    POST /api/models/{org}/{name}/commit/{rev}          NDJSON: a header line, then "file" lines (base64 content),
                                                        "deletedFile" / "deletedFolder"; "lfsFile" is refused
                                                        -> {"commitOid", "commitUrl", "success", "pullRequestUrl"}
    GET  /api/models/{org}/{name}[/revision/{rev}]      {"id", "sha", "siblings": [{"rfilename", "size", "blobId"}]}
    GET  /api/models/{org}/{name}/tree/{rev}[/{path}]   [{"type": "file"|"directory", "oid", "size", "path"}]
                                                        (?recursive=true lists the whole tree)
    HEAD /{org}/{name}/resolve/{rev}/{path}             200, X-Repo-Commit, ETag "<git blob sha1>", Content-Length
    GET  /{org}/{name}/resolve/{rev}/{path}             the same headers and the bytes (Range: bytes=N- honoured)

A resolve by branch name answers a 307 to the same file at the branch's commit id, so the client's redirect
handling runs too (the Hub itself redirects renamed repos and LFS files; `huggingface_hub` follows redirects that
stay on the Hub host and takes the file's headers from the last hop).
Errors carry the Hub's `X-Error-Code` (RepoNotFound, RevisionNotFound, EntryNotFound), which `huggingface_hub`
turns into its typed errors. Writes need `Authorization: Bearer <token>` with the server's token.

Commits are real git objects: a file's id is its git blob sha1 (what the Hub sends as ETag for non-LFS files),
folders are git trees, and a commit id is the sha1 of the git commit object (tree, parent, author, message,
timestamps counted per repo so ids are reproducible), so the same content on the same parent gives the same id.
A new repo starts with one commit holding `.gitattributes`, as on the Hub.

The server is bounded: it stops by itself after `max_requests` requests (later ones get a 503) or after `timeout`
seconds, whichever comes first; `requests` records (method, path, status) of each request it answered.

    with HubServer(token="hf_test") as endpoint:       # "http://127.0.0.1:<port>"
        ...                                           # HF_ENDPOINT=endpoint, HF_HUB_DISABLE_XET=1, HF_TOKEN=hf_test

or, in a test module, the fixtures `hub` (the started HubServer: .endpoint, .tamper, .file, .requests) and
`hub_endpoint` (its URL): `from tests.hub.hub_server import hub, hub_endpoint  # noqa: F401`.
"""

from __future__ import annotations

import base64
import hashlib
import http.server
import json
import re
import threading
import time
from urllib.parse import parse_qs, quote, unquote, urlsplit

import pytest

GITATTRIBUTES = b"# zoo test Hub: every file is a plain git blob (no LFS, no Xet)\n"
COMMIT_RE = re.compile(r"^[0-9a-f]{40}$")
EPOCH = 1_700_000_000  # commit timestamps: EPOCH + the commit's number in its repo


def git_blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def git_tree_id(files: dict, prefix: str = "") -> str:
    """The git tree id of the folder `prefix` of {path: bytes} (every file mode 100644)."""
    entries = {}
    for path in files:
        if not path.startswith(prefix):
            continue
        head, _, rest = path[len(prefix):].partition("/")
        if rest:
            entries[head] = ("40000", bytes.fromhex(git_tree_id(files, prefix + head + "/")), head + "/")
        else:
            entries[head] = ("100644", bytes.fromhex(git_blob_id(files[path])), head)
    body = b"".join(mode.encode() + b" " + name.encode() + b"\0" + oid
                    for name, (mode, oid, _) in sorted(entries.items(), key=lambda kv: kv[1][2]))
    return hashlib.sha1(b"tree %d\0" % len(body) + body).hexdigest()


def git_commit_id(tree: str, parent: str | None, message: str, timestamp: int) -> str:
    who = f"zoo-test-hub <hub@127.0.0.1> {timestamp} +0000"
    text = f"tree {tree}\n" + (f"parent {parent}\n" if parent else "") + f"author {who}\ncommitter {who}\n\n{message}\n"
    data = text.encode()
    return hashlib.sha1(b"commit %d\0" % len(data) + data).hexdigest()


class HubError(Exception):
    def __init__(self, status: int, message: str, code: str | None = None, **extra):
        super().__init__(message)
        self.status, self.message, self.code, self.extra = status, message, code, extra


class Repo:
    """One model repo: commits {id: {"files": {path: bytes}, "parent", "message"}} and refs {branch: id}."""

    def __init__(self, repo_id: str):
        self.repo_id = repo_id
        self.commits: dict[str, dict] = {}
        self.refs: dict[str, str] = {}
        self.commit({".gitattributes": GITATTRIBUTES}, None, "initial commit")

    def commit(self, files: dict, parent: str | None, message: str, branch: str = "main") -> str:
        oid = git_commit_id(git_tree_id(files), parent, message, EPOCH + len(self.commits))
        self.commits[oid] = {"files": dict(files), "parent": parent, "message": message}
        self.refs[branch] = oid
        return oid

    def resolve(self, revision: str) -> str:
        if revision in self.refs:
            return self.refs[revision]
        if COMMIT_RE.match(revision) and revision in self.commits:
            return revision
        raise HubError(404, f"Invalid rev id: {revision}", "RevisionNotFound")


class HubState:
    """The in-memory repos, shared by the request threads (one lock around every access)."""

    def __init__(self):
        self.repos: dict[str, Repo] = {}
        self.lock = threading.Lock()

    def repo(self, repo_id: str) -> Repo:
        if repo_id not in self.repos:
            raise HubError(404, f"Repository not found: {repo_id}", "RepoNotFound")
        return self.repos[repo_id]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "BoundedHubHTTPServer"

    def log_message(self, format, *args):  # quiet: the server records requests itself
        pass

    # --- plumbing ---------------------------------------------------------------------------------------------
    def do_HEAD(self):
        self.dispatch("HEAD")

    def do_GET(self):
        self.dispatch("GET")

    def do_POST(self):
        self.dispatch("POST")

    def dispatch(self, method: str) -> None:
        url = urlsplit(self.path)
        self.method = method
        body = b""
        if method == "POST":
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if not self.server.count_request():
            return self.reply(503, {"error": "test Hub: request limit reached, shutting down"})
        try:
            # split first, unquote each segment: "refs%2Fpr%2F1" stays one segment
            segments = [unquote(s) for s in url.path.split("/")[1:]]
            with self.server.state.lock:
                self.route(method, segments, parse_qs(url.query), body)
        except HubError as e:
            headers = {"X-Error-Message": e.message, **({"X-Error-Code": e.code} if e.code else {})}
            self.reply(e.status, {"error": e.message, **e.extra}, headers=headers)
        except Exception as e:  # a bug in the test server: answer 500 and keep the message for the test's log
            self.reply(500, {"error": f"test Hub: {type(e).__name__}: {e}"})

    def reply(self, status: int, payload=None, *, headers: dict | None = None, raw: bytes | None = None) -> None:
        data = raw if raw is not None else (b"" if payload is None else json.dumps(payload).encode())
        self.send_response(status)
        if raw is None:
            self.send_header("Content-Type", "application/json")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.method != "HEAD":
            self.wfile.write(data)
        self.server.record(self.method, self.path, status)

    def require_token(self) -> None:
        if self.headers.get("Authorization") != f"Bearer {self.server.token}":
            raise HubError(401, "Invalid credentials in Authorization header")

    # --- routes -----------------------------------------------------------------------------------------------
    def route(self, method: str, s: list[str], query: dict, body: bytes) -> None:
        state = self.server.state
        if method == "POST" and s == ["api", "repos", "create"]:
            return self.create_repo(json.loads(body))
        if method == "POST" and s == ["api", "validate-yaml"]:
            return self.reply(200, {"errors": [], "warnings": []})
        if len(s) >= 4 and s[:2] == ["api", "models"]:
            repo = state.repo(f"{s[2]}/{s[3]}")
            rest = s[4:]
            if method == "POST" and len(rest) == 2 and rest[0] == "preupload":
                self.require_token()
                return self.preupload(repo, rest[1], json.loads(body))
            if method == "POST" and len(rest) == 2 and rest[0] == "commit":
                self.require_token()
                if query.get("create_pr"):
                    raise HubError(400, "test Hub: pull requests are not supported")
                return self.commit(repo, rest[1], body)
            if method == "GET" and (rest == [] or (len(rest) == 2 and rest[0] == "revision")):
                return self.info(repo, rest[1] if rest else "main")
            if method == "GET" and len(rest) >= 2 and rest[0] == "tree":
                recursive = query.get("recursive", ["false"])[0].lower() in ("true", "1")
                return self.tree(repo, rest[1], "/".join(rest[2:]), recursive)
        if method in ("GET", "HEAD") and len(s) >= 5 and s[2] == "resolve":
            return self.resolve(method, state.repo(f"{s[0]}/{s[1]}"), s[3], "/".join(s[4:]))
        raise HubError(404, f"test Hub: no route for {method} {self.path}")

    def create_repo(self, payload: dict) -> None:
        self.require_token()
        if payload.get("type", "model") != "model":
            raise HubError(400, "test Hub: only model repos")
        repo_id = f"{payload['organization']}/{payload['name']}" if payload.get("organization") else payload["name"]
        url = f"{self.server.endpoint}/{repo_id}"
        if repo_id in self.server.state.repos:
            raise HubError(409, "You already created this model repo", url=url)
        self.server.state.repos[repo_id] = Repo(repo_id)
        self.reply(200, {"url": url, "name": repo_id, "id": repo_id})

    def preupload(self, repo: Repo, revision: str, payload: dict) -> None:
        files = repo.commits[repo.resolve(revision)]["files"]
        answer = [{"path": f["path"], "uploadMode": "regular", "shouldIgnore": False,
                   "oid": git_blob_id(files[f["path"]]) if f["path"] in files else None}
                  for f in payload["files"]]
        self.reply(200, {"files": answer, "commitOid": repo.resolve(revision)})

    def commit(self, repo: Repo, revision: str, body: bytes) -> None:
        if revision not in repo.refs:
            raise HubError(400, f"Invalid rev id: {revision} (commits go to a branch)", "RevisionNotFound")
        head = repo.refs[revision]
        lines = [json.loads(line) for line in body.splitlines() if line.strip()]
        if not lines or lines[0].get("key") != "header":
            raise HubError(400, "the first NDJSON line must be the commit header")
        header = lines[0]["value"]
        parent = header.get("parentCommit")
        if parent is not None and parent != head:
            raise HubError(412, f"A commit has happened since; parent {parent} is not the head {head}")
        files = dict(repo.commits[head]["files"])
        for line in lines[1:]:
            key, value = line["key"], line["value"]
            if key == "file":
                if value.get("encoding") != "base64":
                    raise HubError(400, f"unsupported encoding {value.get('encoding')!r}")
                files[value["path"]] = base64.b64decode(value["content"])
            elif key == "deletedFile":
                if files.pop(value["path"], None) is None:
                    raise HubError(404, "A file with this name doesn't exist", "EntryNotFound")
            elif key == "deletedFolder":
                folder = value["path"].rstrip("/") + "/"
                for path in [p for p in files if p.startswith(folder)]:
                    del files[path]
            else:  # lfsFile: this Hub keeps everything in git (preupload never answers "lfs")
                raise HubError(400, f"test Hub: {key!r} operations are not supported")
        message = header.get("summary", "") + (f"\n\n{header['description']}" if header.get("description") else "")
        oid = repo.commit(files, head, message, branch=revision)
        url = f"{self.server.endpoint}/{repo.repo_id}/commit/{oid}"
        self.reply(200, {"success": True, "commitOid": oid, "commitUrl": url,
                         "commitMessage": header.get("summary", ""), "pullRequestUrl": None})

    def info(self, repo: Repo, revision: str) -> None:
        sha = repo.resolve(revision)
        files = repo.commits[sha]["files"]
        siblings = [{"rfilename": p, "size": len(d), "blobId": git_blob_id(d)} for p, d in sorted(files.items())]
        org, name = repo.repo_id.split("/")
        self.reply(200, {"_id": sha[:24], "id": repo.repo_id, "modelId": repo.repo_id, "author": org, "sha": sha,
                         "private": False, "gated": False, "disabled": False, "tags": [], "downloads": 0, "likes": 0,
                         "lastModified": "2024-01-01T00:00:00.000Z", "createdAt": "2024-01-01T00:00:00.000Z",
                         "siblings": siblings})

    def tree(self, repo: Repo, revision: str, path: str, recursive: bool) -> None:
        files = repo.commits[repo.resolve(revision)]["files"]
        prefix = path.strip("/") + "/" if path.strip("/") else ""
        if prefix and not any(p.startswith(prefix) for p in files):
            raise HubError(404, f"{path} does not exist at {revision}", "EntryNotFound")
        entries, folders = [], set()
        for p in sorted(files):
            if not p.startswith(prefix):
                continue
            parts = p[len(prefix):].split("/")
            for depth in range(1, len(parts) if recursive else min(len(parts), 2)):
                folders.add(prefix + "/".join(parts[:depth]))
            if recursive or len(parts) == 1:
                entries.append({"type": "file", "oid": git_blob_id(files[p]), "size": len(files[p]), "path": p})
        entries += [{"type": "directory", "oid": git_tree_id(files, f + "/"), "size": 0, "path": f} for f in folders]
        self.reply(200, sorted(entries, key=lambda e: e["path"]))

    def resolve(self, method: str, repo: Repo, revision: str, path: str) -> None:
        sha = repo.resolve(revision)
        if sha != revision:  # a branch: pin the download to its commit, as the Hub does
            location = f"/{repo.repo_id}/resolve/{sha}/{quote(path)}"
            return self.reply(307, None, headers={"Location": location, "X-Repo-Commit": sha})
        files = repo.commits[sha]["files"]
        if path not in files:
            raise HubError(404, f"Entry not found: {path}", "EntryNotFound")
        data = files[path]
        headers = {"X-Repo-Commit": sha, "ETag": f'"{git_blob_id(data)}"', "Accept-Ranges": "bytes"}
        status, start = 200, 0
        match = re.fullmatch(r"bytes=(\d+)-", self.headers.get("Range", ""))
        if match and method == "GET" and 0 < int(match.group(1)) < len(data):
            status, start = 206, int(match.group(1))
            headers["Content-Range"] = f"bytes {start}-{len(data) - 1}/{len(data)}"
        self.reply(status, raw=data[start:], headers={"Content-Type": "application/octet-stream", **headers})


class BoundedHubHTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, token: str, max_requests: int):
        super().__init__(("127.0.0.1", 0), Handler)
        self.state = HubState()
        self.token = token
        self.max_requests = max_requests
        self.endpoint = f"http://127.0.0.1:{self.server_address[1]}"
        self.requests: list[tuple[str, str, int]] = []
        self.limit_hit = False
        self._count = 0
        self._count_lock = threading.Lock()

    def count_request(self) -> bool:
        with self._count_lock:
            self._count += 1
            if self._count <= self.max_requests:
                return True
            self.limit_hit = True
        threading.Thread(target=self.shutdown, daemon=True).start()
        return False

    def record(self, method: str, path: str, status: int) -> None:
        with self._count_lock:
            self.requests.append((method, path, status))


class HubServer:
    """A `BoundedHubHTTPServer` serving from a daemon thread; a context manager yielding the endpoint URL.

    Args:
        token: the write token (clients send it as `Authorization: Bearer <token>`).
        max_requests: requests answered before the server stops (later ones get a 503).
        timeout: seconds after which the server stops by itself.
    """

    def __init__(self, token: str = "hf_zoo_test_token", max_requests: int = 500, timeout: float = 120.0):
        self.httpd = BoundedHubHTTPServer(token, max_requests)
        self.token = token
        self.timeout = timeout
        self.endpoint = self.httpd.endpoint
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="zoo-test-hub", daemon=True)
        self._timer = threading.Timer(timeout, self.httpd.shutdown)
        self._timer.daemon = True

    @property
    def state(self) -> HubState:
        return self.httpd.state

    @property
    def requests(self) -> list:
        return list(self.httpd.requests)

    def start(self) -> str:
        self._thread.start()
        self._timer.start()
        return self.endpoint

    def stop(self) -> None:
        self._timer.cancel()
        self.httpd.shutdown()  # returns at once if the timer or the request limit already stopped it
        self._thread.join(timeout=5)
        self.httpd.server_close()

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- test helpers -----------------------------------------------------------------------------------------
    def file(self, repo_id: str, path: str, revision: str = "main") -> bytes:
        with self.state.lock:
            repo = self.state.repo(repo_id)
            return repo.commits[repo.resolve(revision)]["files"][path]

    def tamper(self, repo_id: str, path: str, revision: str = "main", offset: int | None = None) -> None:
        """Flip one byte of `path` as stored at `revision` (the middle byte unless `offset`), keeping the commit id:
        what a corrupted or malicious mirror would serve."""
        with self.state.lock:
            repo = self.state.repo(repo_id)
            files = repo.commits[repo.resolve(revision)]["files"]
            data = bytearray(files[path])
            offset = len(data) // 2 if offset is None else offset
            data[offset] ^= 0xFF
            files[path] = bytes(data)


@pytest.fixture
def hub():
    """A started `HubServer` (token `HubServer().token`), stopped after the test."""
    server = HubServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def hub_endpoint(hub):
    """The URL of the `hub` fixture's server, for HF_ENDPOINT."""
    return hub.endpoint
