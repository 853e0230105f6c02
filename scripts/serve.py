#!/usr/bin/env python3
"""Serves www/ (the demo page and the built widget) on loopback only.

Usage: python3 scripts/serve.py [PORT]   (default 8080; 0 picks a free port)

Standard library only. Sends the demo's Content-Security-Policy (no inline
script or style; wasm compilation allowed), the right MIME types for .wasm,
.js/.mjs and .jsonl, and no caching, so a rebuild is picked up on reload.
Nothing outside www/ is served.
"""

import http.server
import os
import sys
import urllib.parse

ROOT = os.path.realpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "www"))
HOST = "127.0.0.1"

CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
    "connect-src 'self'; frame-ancestors 'self'"
)

TYPES = {
    ".wasm": "application/wasm",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".jsonl": "application/x-ndjson",
    ".json": "application/json",
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".map": "application/json",
    ".txt": "text/plain; charset=utf-8",
}


class Handler(http.server.SimpleHTTPRequestHandler):
    server_version = "cti-bridge-demo"

    def version_string(self):
        return self.server_version

    def __init__(self, *args, **kwargs):
        super().__init__(*args, directory=ROOT, **kwargs)

    def guess_type(self, path):
        ext = os.path.splitext(path)[1].lower()
        return TYPES.get(ext) or super().guess_type(path)

    def _inside_root(self):
        """Whether the request path resolves to a file or folder inside www/."""
        raw = urllib.parse.urlsplit(self.path).path
        decoded = urllib.parse.unquote(raw)
        if "\x00" in decoded or "\\" in decoded:
            return False
        parts = decoded.split("/")
        if any(p == ".." for p in parts):
            return False
        target = os.path.realpath(os.path.join(ROOT, decoded.lstrip("/")))
        return target == ROOT or target.startswith(ROOT + os.sep)

    def send_head(self):
        if urllib.parse.urlsplit(self.path).path == "/favicon.ico":
            # No icon: answer quietly instead of a 404 in the browser console.
            self.send_response(204)
            self.end_headers()
            return None
        if not self._inside_root():
            self.send_error(403, "Forbidden: outside www/")
            return None
        return super().send_head()

    def list_directory(self, path):
        self.send_error(404, "Not found")
        return None

    def end_headers(self):
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Referrer-Policy", "no-referrer")
        super().end_headers()

    def log_message(self, fmt, *args):
        sys.stderr.write("serve: %s %s\n" % (self.address_string(), fmt % args))


def main(argv):
    if len(argv) > 2:
        sys.stderr.write("usage: serve.py [PORT]\n")
        return 2
    try:
        port = int(argv[1]) if len(argv) > 1 else 8080
        if not 0 <= port <= 65535:
            raise ValueError
    except ValueError:
        sys.stderr.write("serve.py: PORT must be a number from 0 to 65535\n")
        return 2
    if not os.path.isdir(ROOT):
        sys.stderr.write("serve.py: %s is missing\n" % ROOT)
        return 1
    if not os.path.isfile(os.path.join(ROOT, "pkg", "cti_bridge_bg.wasm")):
        sys.stderr.write("serve.py: warning: www/pkg/ is not built yet (run bash scripts/build.sh)\n")
    httpd = http.server.ThreadingHTTPServer((HOST, port), Handler)
    httpd.daemon_threads = True
    print("serving %s on http://%s:%d/" % (ROOT, HOST, httpd.server_address[1]), flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
