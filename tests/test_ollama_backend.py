"""The ollama backend (langchain-ollama's ChatOllama) against a stub server speaking Ollama's /api protocol.

The stub answers GET /api/tags and POST /api/chat the way `ollama serve` does: one JSON object per
line (NDJSON), `"done": false` chunks with `message.content`, then a `"done": true` summary; errors as
`{"error": "…"}` with an HTTP status. Loopback only; the language model is the only thing faked.
"""

from __future__ import annotations

import json
import time

import pytest

from tests.chat_fakes import ANTAGONIST, context
from tests.live_server import ScriptedHandler, scripted_stub
from tutor.answering import Composition, ExtractiveBackend
from tutor.backends import create_backend
from tutor.citations import span_problems
from tutor.config import Settings
from tutor.errors import BackendUnavailable

GOOD = "Ketamine acts as an antagonist at NMDA receptors [2].\nIt temporarily blocks the receptor [3]."
MODEL = "stub-llama"


class StubOllama(ScriptedHandler):
    """GET /api/tags and POST /api/chat, answering from the server's script."""

    content_type = "application/json; charset=utf-8"

    def do_GET(self):
        if self.path == "/api/tags":
            self._json(200, {"models": [{"name": f"{MODEL}:latest", "model": f"{MODEL}:latest", "size": 1}]})
        else:
            self._json(404, {"error": "not found"})

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        self.server.requests.append(body)
        if self.path != "/api/chat":
            self._json(404, {"error": "not found"})
            return
        kind, *args = self.server.script.pop(0) if self.server.script else ("text", "")
        if kind == "status":
            self._json(args[0], {"error": args[1] if len(args) > 1 else "the stub failed on purpose"})
        elif kind == "sleep":
            time.sleep(args[0])
            self.ndjson([message(GOOD)])
        elif kind == "error-midstream":  # what Ollama sends when a runner dies after it started answering
            self.ndjson([message("Ketamine "), {"error": "llama runner process has terminated"}])
        elif kind == "malformed":
            self.ndjson([message("Ketamine ")], tail=b"{this is not json\n")
        elif body.get("stream", True):
            words = args[0].split(" ")
            pieces = [w if i == len(words) - 1 else w + " " for i, w in enumerate(words)]
            self.ndjson([message(p) for p in pieces] + [done()], delay=args[1] if len(args) > 1 else 0.0)
        else:
            self._json(200, {**done(), "message": {"role": "assistant", "content": args[0]}})

    def ndjson(self, lines: list[dict], delay: float = 0.0, tail: bytes = b"") -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/x-ndjson")
        self.send_header("Connection", "close")
        self.end_headers()
        try:
            for line in lines:
                self.wfile.write(json.dumps(line).encode() + b"\n")
                self.wfile.flush()
                if not line.get("done") and "error" not in line:
                    self.server.sent += 1
                if delay:
                    time.sleep(delay)
            self.wfile.write(tail)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.server.disconnected += 1
        self.close_connection = True


def message(content: str) -> dict:
    return {"model": MODEL, "created_at": "2026-11-27T10:00:00.000000Z",
            "message": {"role": "assistant", "content": content}, "done": False}


def done() -> dict:
    return {"model": MODEL, "created_at": "2026-11-27T10:00:01.000000Z",
            "message": {"role": "assistant", "content": ""}, "done": True, "done_reason": "stop",
            "total_duration": 1000, "load_duration": 10, "prompt_eval_count": 100, "prompt_eval_duration": 100,
            "eval_count": 20, "eval_duration": 500}


@pytest.fixture
def stub():
    with scripted_stub(StubOllama, "") as server:
        yield server


def backend_for(stub, embeddings, tmp_path, **overrides):
    values = dict(data_dir=tmp_path, backend="ollama", llm_base_url=stub.url, llm_model=MODEL,
                  llm_retry_backoff=0.0)
    settings = Settings(**{**values, **overrides})
    return create_backend("ollama", settings, embeddings=embeddings)


def run(backend, ctx):
    items = list(backend.stream(ctx))
    assert isinstance(items[-1], Composition)
    return [i for i in items[:-1] if isinstance(i, str)], items[-1]


def test_streams_verified_sentences_from_ndjson_chunks(stub, embeddings, tutor, tmp_path):
    stub.script = [("text", GOOD + "\nIt was first synthesized in 1962 [1].")]
    backend = backend_for(stub, embeddings, tmp_path)
    pieces, composition = run(backend, context(tutor))
    request = stub.requests[0]
    assert request["model"] == MODEL and request["stream"] is True
    assert request["messages"][0]["role"] == "system" and "<sources>" in request["messages"][-1]["content"]
    options = request["options"]  # temperature 0 and the token cap reach the server as Ollama options
    assert options["temperature"] == 0 and options["num_predict"] == Settings().llm_max_tokens
    assert "format" not in request or not request["format"]
    assert stub.sent > 10  # the server streamed word by word
    assert backend.last_stats.tokens == stub.sent
    assert "".join(pieces) == composition.answer
    assert composition.answer.startswith("Ketamine acts as an antagonist at NMDA receptors. [1]")
    assert "1962" not in composition.answer  # uncited and unsupported: dropped by the verifier
    assert composition.citations[0].text.startswith(ANTAGONIST)
    assert all(span_problems(c, tutor.sources) == [] for c in composition.citations)


def test_select_mode_sends_the_schema_as_format(stub, embeddings, tutor, tmp_path):
    stub.script = [("text", json.dumps({"steps": [{"id": 2, "connective": ""}, {"id": 4, "connective": "Also,"}]}))]
    # Every one of the context's five sentences offered, so the ids below are all valid.
    backend = backend_for(stub, embeddings, tmp_path, generation_mode="select", llm_sources=6)
    _, composition = run(backend, context(tutor))
    schema = stub.requests[0]["format"]
    assert schema["properties"]["steps"]["items"]["properties"]["id"]["enum"] == [1, 2, 3, 4, 5]
    assert composition.answer.startswith("Ketamine’s primary action is to act as an antagonist at these NMDA "
                                         "receptors. [1] Also, as ketamine’s effects fade")


def test_a_model_that_is_not_pulled_fails_at_load_naming_ollama_pull(stub, embeddings, tmp_path):
    with pytest.raises(BackendUnavailable, match="ollama pull llama3"):
        backend_for(stub, embeddings, tmp_path, llm_model="llama3")
    backend_for(stub, embeddings, tmp_path, llm_model=f"{MODEL}:latest")  # the tag spelled out is the same model


def test_server_errors_are_retried_then_fall_back(stub, embeddings, tutor, tmp_path):
    stub.script = [("status", 500), ("status", 503), ("text", GOOD)]
    backend = backend_for(stub, embeddings, tmp_path, llm_retries=2)
    _, composition = run(backend, context(tutor))
    assert len(stub.requests) == 3 and composition.notice is None and "antagonist" in composition.answer

    stub.script, stub.requests = [("status", 500), ("status", 500)], []
    backend = backend_for(stub, embeddings, tmp_path, llm_retries=1)
    _, composition = run(backend, context(tutor))
    assert len(stub.requests) == 2
    assert "HTTP 500" in composition.notice and "the stub failed on purpose" in composition.notice
    assert composition.answer == ExtractiveBackend().compose(context(tutor)).answer


def test_a_missing_model_is_not_retried_and_names_the_fix(stub, embeddings, tutor, tmp_path):
    stub.script = [("status", 404, f"model '{MODEL}' not found")]
    _, composition = run(backend_for(stub, embeddings, tmp_path, llm_retries=3), context(tutor))
    assert len(stub.requests) == 1
    assert f"ollama pull {MODEL}" in composition.notice


@pytest.mark.parametrize("kind", ["error-midstream", "malformed"])
def test_a_broken_stream_falls_back(stub, embeddings, tutor, tmp_path, kind):
    stub.script = [(kind,)]
    _, composition = run(backend_for(stub, embeddings, tmp_path, llm_retries=2), context(tutor))
    assert len(stub.requests) == 1  # it failed after the first token: retrying would repeat what was shown
    assert composition.notice and "could not answer" in composition.notice
    if kind == "error-midstream":
        assert "llama runner process has terminated" in composition.notice
    assert composition.answer == ExtractiveBackend().compose(context(tutor)).answer


def test_a_slow_server_times_out(stub, embeddings, tutor, tmp_path):
    stub.script = [("sleep", 3.0), ("sleep", 3.0)]
    backend = backend_for(stub, embeddings, tmp_path, llm_timeout=0.5, llm_retries=1)
    started = time.perf_counter()
    _, composition = run(backend, context(tutor))
    assert time.perf_counter() - started < 2.8  # neither request waited for the stub's answer
    assert len(stub.requests) == 2
    assert "did not answer within 0.5 s" in composition.notice and "TUTOR_LLM_TIMEOUT" in composition.notice


def test_closing_the_stream_drops_the_connection(stub, embeddings, tutor, tmp_path):
    stub.script = [("text", GOOD + "\n" + "BDNF encourages the growth of new synapses [5]. " * 40, 0.02)]
    stream = backend_for(stub, embeddings, tmp_path).stream(context(tutor))
    assert "antagonist" in next(stream)
    stream.close()
    deadline = time.time() + 5
    while not stub.disconnected and time.time() < deadline:
        time.sleep(0.05)
    assert stub.disconnected == 1
    assert stub.sent < 200


def test_a_server_that_goes_down_gives_a_notice_naming_ollama_serve(stub, embeddings, tutor, tmp_path):
    backend = backend_for(stub, embeddings, tmp_path, llm_retries=1)
    stub.shutdown()
    stub.server_close()  # nothing listens on the port any more
    _, composition = run(backend, context(tutor))
    assert f"cannot reach Ollama at {stub.url}" in composition.notice and "ollama serve" in composition.notice
    assert composition.answer == ExtractiveBackend().compose(context(tutor)).answer


def test_an_unreachable_server_fails_at_load_naming_the_fix(embeddings, tmp_path):
    settings = Settings(data_dir=tmp_path, backend="ollama", llm_base_url="http://127.0.0.1:9", llm_model="llama3")
    with pytest.raises(BackendUnavailable, match="ollama serve"):
        create_backend("ollama", settings, embeddings=embeddings)
