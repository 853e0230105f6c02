#!/usr/bin/env python3
"""Serves www/ (what a deployment serves: the drop-in script, the widget page, the
built widget in pkg/) and demo/ (the demo console and pages, the vendor SDK
stand-ins, the seed samples) as one tree, on loopback only.

Usage: python3 scripts/serve.py [PORT] [--allow-host ORIGIN]... [--inject] [--frame-src SOURCE]...

  PORT                 default 8080; 0 picks a free port
  --allow-host ORIGIN  serve this server as the widget's origin: a generated
                       /widget-config.json lists ORIGIN (repeatable) in
                       allowedHostOrigins, and the CSP lets ORIGIN frame the pages
                       (frame-ancestors)
  --inject             allowInject: true in that config (demo and tests only: the
                       host page may feed vendor messages to the widget)
  --cc-sim ORIGIN      with --allow-host: also offer widget-config.json?config=xuc
                       and ?config=axp, whose contactCentre is the simulator at
                       ORIGIN (`cti-bridge sim`), with the message trace on; the
                       widget page may then connect to ORIGIN (connect-src); and
                       ?config=agentdesktop: the widget page as an AgentDesktop
                       widget (the SDK's stand-in loaded by the page)
  --frame-src SOURCE   pages of this server may frame SOURCE (repeatable): the
                       widget's origin, for a host (CRM) page. A CSP source such
                       as http://localhost:8081 (a port may be *)

The demo (scripts/demo.sh) runs two: the CRM page on http://127.0.0.1:8080 with
--frame-src http://localhost:8081, and the widget on http://localhost:8081 with
--allow-host http://127.0.0.1:8080 --inject. Two host names: two origins, two sites.

Standard library only. Sends a strict Content-Security-Policy (no inline script
or style; wasm compilation allowed), the right MIME types for .wasm, .js/.mjs and
.jsonl, and the caching docs/package.md asks of a deployment: www/pkg/<hash>/ (the
content-hashed builds widget.html loads) `immutable`, widget-config.json `no-store`, every other
file `no-cache` (revalidated: a rebuild is picked up on reload). Binds 127.0.0.1
only. Nothing outside www/ and demo/ is served. Both folders answer at the same
URLs (a path is looked up in www/, then in demo/), so the demo pages load
cti-bridge.js, pkg/ and widget.html by the same relative URLs as before.
"""

import argparse
import http.server
import json
import os
import re
import sys
import urllib.parse

_REPO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
# Looked up in this order: the deployment's files first, then the demo's.
ROOTS = [os.path.realpath(os.path.join(_REPO, name)) for name in ("www", "demo")]
ROOT = ROOTS[0]
HOST = "127.0.0.1"

BASE_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self'"

# An exact origin (what the widget's allow-list compares with event.origin).
ORIGIN_RE = re.compile(r"^https?://(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$")
# A CSP host source for frame-src: an origin whose port may be `*`.
SOURCE_RE = re.compile(r"^https?://(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::(?:[0-9]{1,5}|\*))?$")

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


def build_csp(allow_hosts, frame_srcs, connect_srcs=()):
    """The CSP of every response: who may frame these pages, what they may frame and connect to."""
    csp = BASE_CSP
    if connect_srcs:
        csp += " " + " ".join(connect_srcs)
    if frame_srcs:
        csp += "; frame-src 'self' " + " ".join(frame_srcs)
    csp += "; frame-ancestors 'self'"
    if allow_hosts:
        csp += " " + " ".join(allow_hosts)
    return csp


def cc_sim_configs(base, sim):
    """The named widget configurations for the simulator at `sim` (an http origin)."""
    xuc = dict(base, trace=True, contactCentre={
        "kind": "xuc", "baseUrl": sim, "agentId": "19"})
    axp = dict(base, trace=True, contactCentre={
        "kind": "axp", "restBase": sim + "/api/notification/v1", "accountId": "DEMOAC",
        "appKey": "demo-app-key"})
    # The same widget page inside an AgentDesktop desktop (the SDK's stand-in loaded by the page).
    agentdesktop = {"vendor": {"scripts": ["stand-ins/agentdesktop-sdk.js"],
                               "config": {"vendors": ["agentdesktop"]}}}
    return {"xuc": xuc, "axp": axp, "agentdesktop": agentdesktop}


# The content-hashed copy of the builds widget.html loads (scripts/build.sh, scripts/hash-pkg.mjs).
HASHED_PKG_RE = re.compile(r"^/pkg/[0-9a-f]{12}/")


def cache_control(path, status):
    """The Cache-Control of a response, as docs/package.md tells a deployment: the content-hashed
    builds (pkg/<hash>/**) never change under their name, kept a year without asking again; the
    generated configuration and errors are not kept; every other file is revalidated at each load
    (Last-Modified, answered 304 when unchanged), so a rebuild is picked up on reload."""
    if status != 200 and status != 304:
        return "no-store"
    if path == "/widget-config.json":
        return "no-store"
    if HASHED_PKG_RE.match(path):
        return "public, max-age=31536000, immutable"
    return "no-cache"


def make_handler(csp, widget_config, named_configs=None):
    """A request handler class bound to this server's CSP and widget configuration."""
    config_body = json.dumps(widget_config).encode("utf-8") if widget_config is not None else None
    named_bodies = {k: json.dumps(v).encode("utf-8") for k, v in (named_configs or {}).items()}

    class Handler(http.server.SimpleHTTPRequestHandler):
        server_version = "cti-bridge-demo"

        def version_string(self):
            return self.server_version

        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=ROOT, **kwargs)

        def translate_path(self, path):
            """The file in the first root that has it (www/, then demo/); else www/'s path (a 404)."""
            for root in ROOTS:
                self.directory = root
                candidate = super().translate_path(path)
                if os.path.isfile(candidate) or os.path.isfile(os.path.join(candidate, "index.html")):
                    return candidate
            self.directory = ROOT
            return super().translate_path(path)

        def guess_type(self, path):
            ext = os.path.splitext(path)[1].lower()
            return TYPES.get(ext) or super().guess_type(path)

        def _inside_root(self):
            """Whether the request path resolves to a file or folder inside www/ or demo/."""
            raw = urllib.parse.urlsplit(self.path).path
            decoded = urllib.parse.unquote(raw)
            if "\x00" in decoded or "\\" in decoded:
                return False
            parts = decoded.split("/")
            if any(p == ".." for p in parts):
                return False
            for root in ROOTS:
                target = os.path.realpath(os.path.join(root, decoded.lstrip("/")))
                if not (target == root or target.startswith(root + os.sep)):
                    return False
            return True

        _status = 0

        def send_response(self, code, message=None):
            self._status = code
            super().send_response(code, message)

        def send_head(self):
            path = urllib.parse.urlsplit(self.path).path
            if path == "/favicon.ico":
                # No icon: answer quietly instead of a 404 in the browser console.
                self.send_response(204)
                self.end_headers()
                return None
            if path == "/widget-config.json" and config_body is not None:
                # Generated from the command line: the widget's own origin decides
                # which host pages may talk to it, not the host. `?config=NAME`
                # picks one of the configurations offered here, nothing more.
                query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
                name = (query.get("config") or [""])[0]
                # Any other name gets the default configuration.
                body = named_bodies.get(name, config_body)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                return _Body(body)
            if not self._inside_root():
                self.send_error(403, "Forbidden: outside www/ and demo/")
                return None
            return super().send_head()

        def list_directory(self, path):
            self.send_error(404, "Not found")
            return None

        def end_headers(self):
            self.send_header("Content-Security-Policy", csp)
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Cache-Control", cache_control(urllib.parse.urlsplit(self.path).path, self._status))
            self.send_header("Referrer-Policy", "no-referrer")
            super().end_headers()

        def log_message(self, fmt, *args):
            sys.stderr.write("serve: %s %s\n" % (self.address_string(), fmt % args))

    return Handler


class _Body:
    """A file-like body for send_head's caller (copyfile, then close)."""

    def __init__(self, data):
        self._data = data
        self._done = False

    def read(self, size=-1):
        if self._done:
            return b""
        self._done = True
        return self._data

    def close(self):
        pass


def shadowed():
    """Relative paths of the files that both roots have (www/'s hides demo/'s)."""
    found = []
    for dirpath, _dirs, files in os.walk(ROOTS[1]):
        for name in files:
            rel = os.path.relpath(os.path.join(dirpath, name), ROOTS[1])
            if os.path.exists(os.path.join(ROOTS[0], rel)):
                found.append(rel)
    return found


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="serve.py",
        description="Serve www/ and demo/ on 127.0.0.1 with a strict CSP.",
    )
    parser.add_argument("port", nargs="?", default="8080", help="port (default 8080; 0 picks a free one)")
    parser.add_argument("--allow-host", action="append", default=[], metavar="ORIGIN",
                        help="host page origin allowed to embed and talk to the widget (repeatable)")
    parser.add_argument("--inject", action="store_true",
                        help="let the host inject vendor messages (allowInject; demo and tests only)")
    parser.add_argument("--frame-src", action="append", default=[], metavar="SOURCE",
                        help="origin the pages may frame: the widget's, for a CRM page (repeatable)")
    parser.add_argument("--cc-sim", default=None, metavar="ORIGIN",
                        help="offer widget-config.json?config=xuc|axp with the simulator at ORIGIN as contactCentre")
    parser.add_argument("--connect-src", action="append", default=[], metavar="SOURCE",
                        help="origin the pages may fetch / open WebSockets to: the simulator (repeatable)")
    args = parser.parse_args(argv[1:])
    try:
        args.port = int(args.port)
        if not 0 <= args.port <= 65535:
            raise ValueError
    except ValueError:
        parser.error("PORT must be a number from 0 to 65535")
    for origin in args.allow_host:
        if not ORIGIN_RE.match(origin):
            parser.error("--allow-host wants an exact origin like http://127.0.0.1:8080, not %r" % origin)
    for source in args.frame_src:
        if not SOURCE_RE.match(source):
            parser.error("--frame-src wants an origin like http://localhost:8081, not %r" % source)
    for source in args.connect_src:
        if not SOURCE_RE.match(source.replace("ws://", "http://", 1)):
            parser.error("--connect-src wants an origin like http://127.0.0.1:8090, not %r" % source)
    if args.cc_sim and not args.allow_host:
        parser.error("--cc-sim needs --allow-host (it configures the widget served here)")
    if args.cc_sim and not ORIGIN_RE.match(args.cc_sim):
        parser.error("--cc-sim wants an exact origin like http://127.0.0.1:8090, not %r" % args.cc_sim)
    if args.inject and not args.allow_host:
        parser.error("--inject needs --allow-host (it configures the widget served here)")
    return args


def main(argv):
    args = parse_args(argv)
    for root in ROOTS:
        if not os.path.isdir(root):
            sys.stderr.write("serve.py: %s is missing\n" % root)
            return 1
    for rel in sorted(shadowed()):
        sys.stderr.write("serve.py: warning: %s is in both www/ and demo/; www/'s is served\n" % rel)
    if not os.path.isfile(os.path.join(ROOT, "pkg", "cti_bridge_bg.wasm")):
        sys.stderr.write("serve.py: warning: www/pkg/ is not built yet (run bash scripts/build.sh)\n")
    widget_config = None
    named = {}
    connect_src = list(args.connect_src)
    if args.allow_host:
        widget_config = {"allowedHostOrigins": args.allow_host, "allowInject": args.inject}
        if args.cc_sim:
            named = cc_sim_configs(widget_config, args.cc_sim)
            connect_src += [args.cc_sim, args.cc_sim.replace("http://", "ws://", 1)]
    csp = build_csp(args.allow_host, args.frame_src, connect_src)
    httpd = http.server.ThreadingHTTPServer((HOST, args.port), make_handler(csp, widget_config, named))
    httpd.daemon_threads = True
    print("serving %s on http://%s:%d/" % (" + ".join(ROOTS), HOST, httpd.server_address[1]), flush=True)
    if widget_config is not None:
        print("widget-config.json: %s" % json.dumps(widget_config), flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
