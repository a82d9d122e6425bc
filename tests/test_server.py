"""Server mode: a real `chroma run` on a free loopback port, and what happens when it is down."""

from __future__ import annotations

import pytest

from tests.conftest import CORPUS
from tests.live_server import free_port
from tutor.errors import StoreUnavailable


@pytest.fixture
def chroma_server(chroma_process):
    """The port of a running `chroma run` (conftest's chroma_process)."""
    return chroma_process[1]


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
