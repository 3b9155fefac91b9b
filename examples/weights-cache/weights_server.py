"""The weights this example downloads, and a server for them on 127.0.0.1.

`python weights_server.py PORT` serves `/weights/tiny-scorer.tar` (letters.json, as pget -x
extracts it) and `/hf/tiny-models/scorer-words/resolve/main/words.json` (the Hub's URL layout),
and prints one line per download.
"""

import io
import json
import sys
import tarfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def weight_files() -> dict[str, bytes]:
    letters = {c: round((ord(c) - 96) / 26, 4) for c in "abcdefghijklmnopqrstuvwxyz"}
    words = {"the": 0.5, "quick": 2.0, "fox": 3.0, "cold": 1.5, "start": 1.25, "fal": 4.0}
    archive = io.BytesIO()
    with tarfile.open(fileobj=archive, mode="w") as tar:
        data = json.dumps(letters, sort_keys=True).encode()
        info = tarfile.TarInfo("letters.json")
        info.size, info.mtime = len(data), 0
        tar.addfile(info, io.BytesIO(data))
    return {
        "/weights/tiny-scorer.tar": archive.getvalue(),
        "/hf/tiny-models/scorer-words/resolve/main/words.json": json.dumps(words).encode(),
    }


def main(port: int) -> None:
    files = weight_files()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            data = files.get(self.path)
            if data is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            print(f"download {self.path}", flush=True)

        def log_message(self, *args: object) -> None:
            pass

    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


if __name__ == "__main__":
    main(int(sys.argv[1]))
