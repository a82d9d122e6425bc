"""The openai backend against a stub server speaking the OpenAI chat-completions protocol (loopback only)."""

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


class StubOpenAI(ScriptedHandler):
    """GET /v1/models and POST /v1/chat/completions, answering from the server's script."""

    def do_GET(self):
        if self.path.rstrip("/").endswith("/models"):
            self._json(200, {"object": "list", "data": [{"id": "stub-model", "object": "model", "owned_by": "me"}]})
        else:
            self._json(404, {"error": {"message": "not found"}})

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        self.server.requests.append(body)
        kind, *args = self.server.script.pop(0) if self.server.script else ("text", "")
        if kind == "status":
            self._json(args[0], {"error": {"message": "the stub failed on purpose", "type": "server_error"}})
        elif kind == "sleep":
            time.sleep(args[0])
            self._json(200, completion(GOOD))
        elif kind == "malformed":
            data = b"data: {this is not json\n\n"
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        elif body.get("stream"):
            self.sse(args[0], delay=args[1] if len(args) > 1 else 0.0)
        else:
            self._json(200, completion(args[0]))

    def sse(self, text: str, delay: float) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        words = text.split(" ")
        try:
            for i, word in enumerate(words):
                piece = word if i == len(words) - 1 else word + " "
                self.wfile.write(f"data: {json.dumps(chunk({'content': piece}))}\n\n".encode())
                self.wfile.flush()
                self.server.sent += 1
                if delay:
                    time.sleep(delay)
            self.wfile.write(f"data: {json.dumps(chunk({}, 'stop'))}\n\n".encode())
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.server.disconnected += 1
        self.close_connection = True


def completion(text: str) -> dict:
    return {"id": "c1", "object": "chat.completion", "created": 0, "model": "stub-model",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}


def chunk(delta: dict, finish: str | None = None) -> dict:
    return {"id": "c1", "object": "chat.completion.chunk", "created": 0, "model": "stub-model",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}


@pytest.fixture
def stub():
    with scripted_stub(StubOpenAI, "/v1") as server:
        yield server


def backend_for(stub, embeddings, tmp_path, **overrides):
    settings = Settings(data_dir=tmp_path, backend="openai", llm_base_url=stub.url, llm_model="stub-model",
                        llm_retry_backoff=0.0, **overrides)
    return create_backend("openai", settings, embeddings=embeddings)


def run(backend, ctx):
    items = list(backend.stream(ctx))
    assert isinstance(items[-1], Composition)
    return [i for i in items[:-1] if isinstance(i, str)], items[-1]


def test_streams_verified_sentences_from_sse_chunks(stub, embeddings, tutor, tmp_path):
    stub.script = [("text", GOOD + "\nIt was first synthesized in 1962 [1].")]
    backend = backend_for(stub, embeddings, tmp_path)
    pieces, composition = run(backend, context(tutor))
    assert stub.requests[0]["stream"] is True
    assert stub.requests[0]["model"] == "stub-model" and stub.requests[0]["temperature"] == 0
    cap = Settings().llm_max_tokens  # the cap reaches the endpoint, under both names servers use
    assert stub.requests[0]["max_tokens"] == cap and stub.requests[0]["max_completion_tokens"] == cap
    assert stub.sent > 10  # the endpoint streamed token by token
    assert "".join(pieces) == composition.answer
    assert composition.answer.startswith("Ketamine acts as an antagonist at NMDA receptors. [1]")
    assert "1962" not in composition.answer
    assert composition.citations[0].text.startswith(ANTAGONIST)
    assert all(span_problems(c, tutor.sources) == [] for c in composition.citations)
    assert backend.last_stats.tokens == stub.sent


def test_select_mode_sends_a_json_schema(stub, embeddings, tutor, tmp_path):
    stub.script = [("text", json.dumps({"steps": [{"id": 2, "connective": ""}, {"id": 4, "connective": "Also,"}]}))]
    # Every one of the context's five sentences offered, so the ids below are all valid.
    backend = backend_for(stub, embeddings, tmp_path, generation_mode="select", llm_sources=6)
    _, composition = run(backend, context(tutor))
    schema = stub.requests[0]["response_format"]["json_schema"]["schema"]
    assert schema["properties"]["steps"]["items"]["properties"]["id"]["enum"] == [1, 2, 3, 4, 5]
    assert composition.answer.startswith("Ketamine’s primary action is to act as an antagonist at these NMDA "
                                         "receptors. [1] Also, as ketamine’s effects fade")


def test_server_errors_are_retried_then_fall_back(stub, embeddings, tutor, tmp_path):
    stub.script = [("status", 500), ("status", 500), ("text", GOOD)]
    backend = backend_for(stub, embeddings, tmp_path, llm_retries=2)
    _, composition = run(backend, context(tutor))
    assert len(stub.requests) == 3 and composition.notice is None and "antagonist" in composition.answer

    stub.script, stub.requests = [("status", 500), ("status", 500)], []
    backend = backend_for(stub, embeddings, tmp_path, llm_retries=1)
    _, composition = run(backend, context(tutor))
    assert len(stub.requests) == 2
    assert "HTTP 500" in composition.notice
    assert composition.answer == ExtractiveBackend().compose(context(tutor)).answer


def test_a_client_error_is_not_retried(stub, embeddings, tutor, tmp_path):
    stub.script = [("status", 404)]
    _, composition = run(backend_for(stub, embeddings, tmp_path, llm_retries=3), context(tutor))
    assert len(stub.requests) == 1 and "no model 'stub-model'" in composition.notice


def test_a_malformed_stream_falls_back(stub, embeddings, tutor, tmp_path):
    stub.script = [("malformed",)]
    _, composition = run(backend_for(stub, embeddings, tmp_path, llm_retries=0), context(tutor))
    assert composition.notice and "could not answer" in composition.notice
    assert composition.answer == ExtractiveBackend().compose(context(tutor)).answer


def test_a_slow_endpoint_times_out(stub, embeddings, tutor, tmp_path):
    stub.script = [("sleep", 3.0), ("sleep", 3.0)]
    backend = backend_for(stub, embeddings, tmp_path, llm_timeout=0.5, llm_retries=1)
    started = time.perf_counter()
    _, composition = run(backend, context(tutor))
    assert time.perf_counter() - started < 2.8  # neither request waited for the stub's answer
    assert len(stub.requests) == 2
    assert "did not answer within 0.5 s" in composition.notice


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


def test_an_unreachable_endpoint_fails_at_load_naming_the_fix(embeddings, tmp_path):
    settings = Settings(data_dir=tmp_path, backend="openai", llm_base_url="http://127.0.0.1:9/v1")
    with pytest.raises(BackendUnavailable, match="TUTOR_LLM_BASE_URL"):
        create_backend("openai", settings, embeddings=embeddings)
    with pytest.raises(BackendUnavailable, match="TUTOR_LLM_BASE_URL"):
        create_backend("openai", Settings(data_dir=tmp_path, backend="openai"), embeddings=embeddings)


def test_ollama_unreachable_names_ollama_serve(embeddings, tmp_path):
    settings = Settings(data_dir=tmp_path, backend="ollama", llm_base_url="http://127.0.0.1:9", llm_model="llama3")
    with pytest.raises(BackendUnavailable, match="ollama serve"):
        create_backend("ollama", settings, embeddings=embeddings)
