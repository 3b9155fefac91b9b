"""A weights server on 127.0.0.1 that counts what it serves, standing in for
weights.replicate.delivery and the Hugging Face Hub in cold-start tests."""

from __future__ import annotations

import io
import tarfile
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def tar_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name, data in sorted(files.items()):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 0
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


class WeightsServer:
    """`with WeightsServer({"/m.tar": data}) as server:` serves the files at `server.url`;
    `server.downloads` counts successful GETs per path."""

    def __init__(self, files: dict[str, bytes], delay: float = 0.0):
        self.files, self.delay = files, delay
        self.downloads: Counter[str] = Counter()
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's spelling
                data = server.files.get(self.path)
                if data is None:
                    self.send_error(404)
                    return
                if server.delay:
                    threading.Event().wait(server.delay)
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                with server._lock:
                    server.downloads[self.path] += 1

            def log_message(self, *args: object) -> None:
                pass

        self._http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._http.server_address[1]}"
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)

    def __enter__(self) -> WeightsServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._http.shutdown()
        self._http.server_close()
        self._thread.join()

    @property
    def total(self) -> int:
        return sum(self.downloads.values())
