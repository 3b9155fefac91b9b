"""A small `hf_hub_download`: one file of a Hub repository, kept in the Hugging Face cache
layout (HF_HUB_CACHE, else HF_HOME/hub, else ~/.cache/huggingface/hub) so it is fetched once.
The model's only dependency-free stand-in for huggingface_hub."""

import hashlib
import os
import urllib.request


def _cache() -> str:
    if os.environ.get("HF_HUB_CACHE"):
        return os.environ["HF_HUB_CACHE"]
    home = os.environ.get("HF_HOME") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "huggingface")
    return os.path.join(home, "hub")


def hf_hub_download(repo_id: str, filename: str, revision: str = "main") -> str:
    folder = os.path.join(_cache(), "models--" + repo_id.replace("/", "--"))
    snapshot = os.path.join(folder, "snapshots", revision, filename)
    if os.path.exists(snapshot):
        return snapshot
    endpoint = os.environ.get("HF_ENDPOINT", "https://huggingface.co").rstrip("/")
    with urllib.request.urlopen(f"{endpoint}/{repo_id}/resolve/{revision}/{filename}") as response:
        data = response.read()
    blob = os.path.join(folder, "blobs", hashlib.sha256(data).hexdigest())
    os.makedirs(os.path.dirname(blob), exist_ok=True)
    partial = f"{blob}.{os.getpid()}.incomplete"
    with open(partial, "wb") as handle:
        handle.write(data)
    os.replace(partial, blob)
    os.makedirs(os.path.dirname(snapshot), exist_ok=True)
    link = f"{snapshot}.{os.getpid()}.tmp"
    os.symlink(os.path.relpath(blob, os.path.dirname(snapshot)), link)
    os.replace(link, snapshot)
    return snapshot
