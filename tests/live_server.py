"""Real HTTP servers on loopback for tests: a free port, an ASGI app under uvicorn, scripted model stubs."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import uvicorn


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """An ASGI app served by uvicorn in a thread on a loopback port (a free one unless given)."""

    def __init__(self, app, port: int | None = None, url: str | None = None, **options):
        self.app = app
        self.port = port or free_port()
        self.url = url or f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                                    **options))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        """Ask uvicorn to exit and wait for its thread."""
        self.server.should_exit = True
        self.thread.join(timeout=30)


class ScriptedHandler(BaseHTTPRequestHandler):
    """Base of the language-model stubs: JSON replies, quiet logs; counts clients that left mid-reply."""

    protocol_version = "HTTP/1.1"
    content_type = "application/json"

    def log_message(self, *args):  # keep test output clean
        pass

    def _json(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", self.content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client timed out and left, as tested
            self.server.disconnected += 1


@contextmanager
def scripted_stub(handler: type[ScriptedHandler], path: str = "") -> Iterator[ThreadingHTTPServer]:
    """Serve `handler` on a free loopback port; the server holds the script, the requests and counters."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    server.script, server.requests, server.sent, server.disconnected = [], [], 0, 0
    threading.Thread(target=server.serve_forever, daemon=True).start()
    server.url = f"http://127.0.0.1:{server.server_address[1]}{path}"
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
