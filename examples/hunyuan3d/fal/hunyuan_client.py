"""Minimal client for a hosted Hunyuan3D-2 API server.

The server exposes the endpoints of Hunyuan3D-2's `api_server.py`:
  POST /send          start a job, returns {"uid": ...}
  GET  /status/{uid}  {"status": "processing" | "completed" | "error", "model_base64": ...}
Requests are authenticated with a bearer token.
"""

import base64
import time
from typing import Any, Dict, Optional

import requests


class Hunyuan3DError(RuntimeError):
    pass


class Hunyuan3DClient:
    def __init__(self, base_url: str, token: str, timeout: float = 600.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()
        self.session.headers.update(
            {
                "Authorization": f"Bearer {token}",
                "User-Agent": "replicate-hunyuan3d-proxy/1.0",
            }
        )

    def submit(self, image_bytes: bytes, params: Dict[str, Any]) -> str:
        payload = dict(params, image=base64.b64encode(image_bytes).decode("ascii"))
        resp = self.session.post(f"{self.base_url}/send", json=payload, timeout=60)
        self._raise_for_status(resp)
        uid = resp.json().get("uid")
        if not uid:
            raise Hunyuan3DError(f"server did not return a job id: {resp.text[:200]}")
        return uid

    def wait(self, uid: str, poll_interval: float = 2.0) -> bytes:
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            resp = self.session.get(f"{self.base_url}/status/{uid}", timeout=60)
            self._raise_for_status(resp)
            data = resp.json()
            status = data.get("status")
            if status == "completed":
                return base64.b64decode(data["model_base64"])
            if status == "error":
                raise Hunyuan3DError(data.get("message", "generation failed"))
            time.sleep(poll_interval)
        raise Hunyuan3DError(f"job {uid} did not finish within {self.timeout:.0f}s")

    def generate(self, image_bytes: bytes, params: Dict[str, Any], poll_interval: Optional[float] = None) -> bytes:
        uid = self.submit(image_bytes, params)
        print(f"submitted job {uid}")
        return self.wait(uid, poll_interval or 2.0)

    @staticmethod
    def _raise_for_status(resp: requests.Response) -> None:
        if resp.status_code == 401:
            raise Hunyuan3DError("the API token was rejected (401)")
        if resp.status_code >= 400:
            raise Hunyuan3DError(f"HTTP {resp.status_code}: {resp.text[:300]}")
