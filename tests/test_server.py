"""Server mode: a real `chroma run` on a free loopback port, and what happens when it is down."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import CORPUS
from tutor.errors import StoreUnavailable

CHROMA = Path(sys.executable).parent / "chroma"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path):
    """Start `chroma run` on a free port, wait for its heartbeat, stop it afterwards."""
    port = free_port()
    log = (tmp_path / "chroma.log").open("w")
    proc = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(tmp_path / "server-data"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"chroma run did not start: {(tmp_path / 'chroma.log').read_text()[-2000:]}")
            time.sleep(0.2)
    yield port
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.mark.server
def test_tutor_works_against_a_chroma_server(chroma_server, tmp_path, make_tutor):
    tutor = make_tutor(CORPUS, tmp_path / "data", chroma_host="127.0.0.1", chroma_port=chroma_server)
    assert "server" in tutor.store.location
    assert tutor.last_ingest is not None and tutor.last_ingest.added == len(tutor.chunks)
    reply = tutor.ask("What does BDNF do?", "srv")
    assert reply.kind == "answer"
    assert any("BDNF" in c.text for c in reply.citations)
    # a second tutor on the same server finds the index already built
    again = make_tutor(CORPUS, tmp_path / "data2", chroma_host="127.0.0.1", chroma_port=chroma_server)
    assert again.last_ingest is None


def test_an_unreachable_server_is_a_clear_error(tmp_path, make_tutor):
    port = free_port()  # nothing listens here
    with pytest.raises(StoreUnavailable, match=f"127.0.0.1:{port}.*chroma run"):
        make_tutor(CORPUS, tmp_path / "data", chroma_host="127.0.0.1", chroma_port=port)
