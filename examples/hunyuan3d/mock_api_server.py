"""A stand-in for the hosted Hunyuan3D-2 API, for exercising the proxy offline.

Not part of the Cog project (it lives outside `cog/`). It accepts the bearer token
`test-token`, and its "mesh" is a few bytes starting with the glTF magic followed by
the parameters it received, so the proxy's output is deterministic:

    python mock_api_server.py 8765 &
    cd cog && HUNYUAN3D_API_URL=http://127.0.0.1:8765 \
        COG_PREDICT_TYPE_STUB=predict.py:Predictor PORT=5000 \
        python -m cog.server.http --host 127.0.0.1
"""

import base64
import hashlib
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKEN = "test-token"
JOBS = {}


class Handler(BaseHTTPRequestHandler):
    def _json(self, code, obj):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _authorized(self):
        return self.headers.get("Authorization") == f"Bearer {TOKEN}"

    def do_POST(self):
        if self.path != "/send":
            return self._json(404, {"detail": "not found"})
        if not self._authorized():
            return self._json(401, {"detail": "invalid token"})
        params = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        image = base64.b64decode(params.pop("image"))
        uid = hashlib.sha256(image + json.dumps(params, sort_keys=True).encode()).hexdigest()[:16]
        params["image_sha256"] = hashlib.sha256(image).hexdigest()
        JOBS[uid] = b"glTF" + json.dumps(params, sort_keys=True).encode()
        self._json(200, {"uid": uid})

    def do_GET(self):
        if not self.path.startswith("/status/"):
            return self._json(404, {"detail": "not found"})
        if not self._authorized():
            return self._json(401, {"detail": "invalid token"})
        uid = self.path.rsplit("/", 1)[-1]
        if uid not in JOBS:
            return self._json(200, {"status": "error", "message": f"unknown job {uid}"})
        self._json(200, {"status": "completed", "model_base64": base64.b64encode(JOBS[uid]).decode()})

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8765
    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
