"""The HTTP API through a real uvicorn server on loopback (SSE, concurrency, the OpenAI client) and
fastapi's TestClient (apps with other settings): auth, scopes, origins, rate limits, sessions, errors."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.conftest import CORPUS, REPO
from tests.live_server import LiveServer
from tutor.api import create_app
from tutor.errors import BackendUnavailable
from tutor.keys import KeyStore
from tutor.types import TutorReply

QUESTION = "What receptor does ketamine block?"
TUTOR_BIN = Path(sys.executable).parent / "tutor"



@pytest.fixture(scope="module")
def keys(tutor) -> dict[str, str]:
    """Keys in the tutor's data directory: two chat keys, an admin key, an origin-restricted chat key."""
    store = KeyStore(tutor.settings.api_keys_path)
    made = {
        "chat": store.create(["chat"], name="lms-a")[1],
        "chat2": store.create(["chat"], name="lms-b")[1],
        "admin": store.create(["admin"], name="ops")[1],
        "browser": store.create(["chat"], ["https://lms.example"], name="widget")[1],
    }
    store.close()
    return made


@pytest.fixture(scope="module")
def live(tutor, keys) -> Iterator[LiveServer]:
    """The API (with the web app under /ui) served by uvicorn; rate limits high enough not to interfere."""
    settings = tutor.settings.model_copy(update={"api_rate_limit": 100000, "api_rate_burst": 1000})
    server = LiveServer(create_app(tutor, settings, ui=True))
    yield server
    server.stop()


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def sse_events(response: httpx.Response) -> list[tuple[str, dict]]:
    """(event, data) pairs of an SSE response."""
    return parse_sse(response.iter_lines())


def parse_sse(lines) -> list[tuple[str, dict]]:
    """(event, data) pairs of SSE lines; comments (`: ping`) carry no event."""
    events, name, data = [], "message", []
    for line in lines:
        if line.startswith("event:"):
            name = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].strip())
        elif not line and data:
            events.append((name, json.loads("\n".join(data))))
            name, data = "message", []
    return events


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"]["code"] == code and body["error"]["message"]
    return body


# -- health, corpus, passages ----------------------------------------------------------------------

def test_health_and_readiness_need_no_key(live):
    assert httpx.get(f"{live.url}/healthz").json() == {"status": "ok"}
    ready = httpx.get(f"{live.url}/readyz").json()
    assert ready["status"] == "ready" and ready["chunks"] > 0


def test_corpus_lists_documents_and_every_passage_resolves(live, keys, tutor):
    corpus = httpx.get(f"{live.url}/v1/corpus", headers=auth(keys["chat"])).json()
    assert [d["source"] for d in corpus["documents"]] == [d.source for d in tutor.corpus.documents]
    ids = [cid for d in corpus["documents"] for cid in d["chunk_ids"]]
    assert len(ids) == corpus["chunks"] > 0
    for d in corpus["documents"]:
        assert d["sections"] and all(0 <= s["start"] <= s["end"] <= d["chars"] for s in d["sections"])
    for cid in ids:
        passage = httpx.get(f"{live.url}/v1/passages/{quote(cid, safe='')}", headers=auth(keys["chat"])).json()
        source = (CORPUS / passage["source"]).read_text(encoding="utf-8")
        assert passage["chunk_id"] == cid and source[passage["start"]:passage["end"]] == passage["text"]
        assert all(source[s["start"]:s["end"]] == s["text"] for s in passage["sentences"])
    assert_error(httpx.get(f"{live.url}/v1/passages/no-such-passage", headers=auth(keys["chat"])),
                 404, "passage_not_found")


# -- chat: JSON and SSE ----------------------------------------------------------------------------

def test_chat_json_reply_is_a_tutor_reply_with_exact_citations(live, keys):
    r = httpx.post(f"{live.url}/v1/chat", json={"question": QUESTION}, headers=auth(keys["chat"]), timeout=60)
    reply = TutorReply.model_validate(r.json())
    assert reply.kind == "answer" and reply.citations
    for c in reply.citations:
        assert (CORPUS / c.source).read_text(encoding="utf-8")[c.start:c.end] == c.text


def test_sse_events_come_in_order_and_match_the_json_reply(live, keys):
    h = auth(keys["chat"])
    plain = httpx.post(f"{live.url}/v1/chat", json={"question": QUESTION}, headers=h, timeout=60).json()
    for request in ({"json": {"question": QUESTION, "stream": True}, "headers": h},
                    {"json": {"question": QUESTION}, "headers": {**h, "Accept": "text/event-stream"}}):
        with httpx.stream("POST", f"{live.url}/v1/chat", timeout=60, **request) as r:
            assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
            events = sse_events(r)
        names = [n for n, _ in events]
        assert names[-2:] == ["citations", "reply"] and set(names[:-2]) == {"delta"}, names
        streamed = events[-1][1]
        assert events[-2][1]["citations"] == streamed["citations"]
        assert "".join(d["text"] for _, d in events[:-2]).strip() == streamed["answer"].strip()
        # the same content either way (only the new session's id and the reply's own id differ)
        assert streamed["reply_id"] != plain["reply_id"]
        assert {**streamed, "session_id": None, "reply_id": None} == {**plain, "session_id": None, "reply_id": None}


class GatedModel:
    """Stands in for a slow language model: it starts answering only when the test opens the gate."""

    def __init__(self, inner):
        self.inner, self.name, self.gate = inner, inner.name, threading.Event()

    def stream(self, context):
        assert self.gate.wait(120), "the test never let the model answer"
        yield from self.inner.stream(context)

    def compose(self, context):  # pragma: no cover - the API streams
        assert self.gate.wait(120), "the test never let the model answer"
        return self.inner.compose(context)


def test_sse_starts_at_once_and_pings_while_a_slow_model_works(tutor, keys, monkeypatch):
    settings = tutor.settings.model_copy(update={"api_sse_ping_seconds": 0.05, "api_rate_limit": 100000,
                                                 "api_rate_burst": 1000})
    model = GatedModel(tutor.backend)
    monkeypatch.setattr(tutor, "backend", model)
    app = create_app(tutor, settings, ui=False)
    app.state.keys.claim("another-keys-session", "another-key")
    server = LiveServer(app)
    try:
        url, h = f"{server.url}/v1/chat", auth(keys["chat"])
        # What a request can get wrong is still an HTTP status, although a stream starts at once.
        assert_error(httpx.post(url, json={"question": "  ", "stream": True}, headers=h), 422, "question_empty")
        assert_error(httpx.post(url, json={"question": QUESTION, "stream": True, "session_id": "another-keys-session"},
                                headers=h), 404, "session_not_found")
        with httpx.stream("POST", url, json={"question": QUESTION, "stream": True}, headers=h, timeout=120) as r:
            assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
            lines = r.iter_lines()
            before: list[str] = []
            for line in lines:  # the model is still held: what arrives now can only be keep-alive comments
                before.append(line)
                if before.count(": ping") == 3:
                    break
            model.gate.set()
            rest = list(lines)
        assert {line for line in before if line} == {": ping"}
        events = parse_sse(before + rest)
        names = [n for n, _ in events]
        assert names[-2:] == ["citations", "reply"] and set(names[:-2]) == {"delta"}, names
        reply = events[-1][1]
        assert reply["kind"] == "answer" and reply["reply_id"]
        assert "".join(d["text"] for _, d in events[:-2]).strip() == reply["answer"].strip()
        assert events[-2][1]["citations"] == reply["citations"]

        # The OpenAI-compatible stream keeps alive the same way; SDKs skip the comments.
        model.gate.clear()
        with httpx.stream("POST", f"{server.url}/v1/chat/completions", headers=h, timeout=120,
                          json={"model": "tutor", "stream": True, "messages": [{"role": "user", "content": QUESTION}]}) as r:
            lines = r.iter_lines()
            before = []
            for line in lines:
                before.append(line)
                if before.count(": ping") == 3:
                    break
            model.gate.set()
            rest = list(lines)
        held = [json.loads(line[6:]) for line in before if line.startswith("data: ")]
        assert all(not c["choices"][0]["delta"].get("content") for c in held)  # at most the role, no answer yet
        data = [line for line in before + rest if line.startswith("data: ")]
        assert data[-1] == "data: [DONE]" and json.loads(data[-2][6:])["choices"][0]["finish_reason"] == "stop"
    finally:
        model.gate.set()
        server.stop()


def test_an_error_mid_stream_is_an_error_event(live, keys, tutor, monkeypatch):
    class DroppingModel:
        """Stands in for a language model whose endpoint drops the connection after the first words."""

        name = "dropping"

        def stream(self, context):
            yield "The material says this. "
            raise BackendUnavailable("the model endpoint closed the connection")

        def compose(self, context):  # pragma: no cover - the API streams
            raise BackendUnavailable("the model endpoint closed the connection")

    monkeypatch.setattr(tutor, "backend", DroppingModel())
    with httpx.stream("POST", f"{live.url}/v1/chat", json={"question": QUESTION, "stream": True},
                      headers=auth(keys["chat"]), timeout=60) as r:
        assert r.status_code == 200
        events = sse_events(r)
    assert [n for n, _ in events] == ["delta", "error"]
    assert events[-1][1]["error"]["code"] == "backend_unavailable"


def test_many_concurrent_sse_clients_all_get_a_full_reply(live, keys):
    def one(i: int) -> list[str]:
        question = [QUESTION, "What does BDNF do?", "Why does ketamine cause dissociation?"][i % 3]
        with httpx.stream("POST", f"{live.url}/v1/chat", json={"question": question, "stream": True},
                          headers=auth(keys["chat"]), timeout=120) as r:
            return [n for n, _ in sse_events(r)]

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(one, range(16)))
    assert all(names and names[-1] == "reply" and "error" not in names for names in results), results
    assert httpx.get(f"{live.url}/healthz").status_code == 200


# -- feedback ----------------------------------------------------------------------------------------

def test_feedback_rates_replies_of_ones_own_sessions_in_the_web_apps_store(live, keys, tutor):
    a, b, admin = auth(keys["chat"]), auth(keys["chat2"]), auth(keys["admin"])
    rate = lambda body, h=a: httpx.post(f"{live.url}/v1/feedback", json=body, headers=h)  # noqa: E731
    store = live.app.state.feedback
    reply = httpx.post(f"{live.url}/v1/chat", json={"question": QUESTION}, headers=a, timeout=60).json()
    rid, sid = reply["reply_id"], reply["session_id"]
    assert store.reply(rid).answer == reply["answer"]
    r = rate({"reply_id": rid, "rating": "down", "comment": "I wanted\x00 more detail."})
    assert r.status_code == 200 and r.json() == {"reply_id": rid, "session_id": sid, "rating": "down"}
    assert {x.key: x.comment for x in store.rated()}[rid] == "I wanted  more detail."
    # only the key that owns the session: others (admins too) get the answer an unknown id gets
    assert_error(rate({"reply_id": rid, "rating": "up"}, b), 404, "reply_not_found")
    assert_error(rate({"reply_id": rid, "rating": "up"}, admin), 404, "reply_not_found")
    assert_error(rate({"reply_id": "0" * 32, "rating": "up"}), 404, "reply_not_found")
    assert store.rating(rid) == "down"
    assert_error(rate({"reply_id": rid, "rating": "meh"}), 422, "invalid_request")
    assert_error(rate({"reply_id": rid}), 422, "invalid_request")  # withdrawing is an explicit null
    assert_error(rate({"reply_id": rid, "rating": "up", "comment": "x" * 2001}), 422, "invalid_request")
    # changing the rating keeps the comment; `tutor feedback export` sees the API's ratings
    assert rate({"reply_id": rid, "rating": "up"}).json()["rating"] == "up"
    out = subprocess.run([str(TUTOR_BIN), "--data-dir", str(tutor.settings.data_dir), "feedback", "export",
                          "--rating", "up"], capture_output=True, text=True, check=True).stdout
    assert f"feedback-up-{rid[:10]}" in out and "I wanted more detail." in out
    assert rate({"reply_id": rid, "rating": None}).json()["rating"] is None
    assert store.rating(rid) is None
    # a streamed reply is rateable the same way
    with httpx.stream("POST", f"{live.url}/v1/chat", json={"question": "What does BDNF do?", "session_id": sid,
                                                          "stream": True}, headers=a, timeout=60) as r:
        streamed = sse_events(r)[-1][1]
    assert rate({"reply_id": streamed["reply_id"], "rating": "up"}).json()["rating"] == "up"
    # erasing the conversation erases its recorded replies and ratings
    assert httpx.delete(f"{live.url}/v1/sessions/{sid}", headers=a).status_code == 200
    assert store.reply(rid) is None and store.reply(streamed["reply_id"]) is None
    assert_error(rate({"reply_id": rid, "rating": "up"}), 404, "reply_not_found")


def test_a_rating_becomes_an_xapi_rated_statement(tutor, tmp_path):
    from tests.test_xapi import LrsStub, settings_for
    from tests.test_xapi import free_port as lrs_port
    from tutor.xapi import VERBS

    port = lrs_port()
    lrs = LrsStub(port)
    app = create_app(tutor, settings_for(tmp_path, port, api_mount_ui=False), ui=False)
    record, secret = app.state.keys.create(["chat"], name="rating learner")
    try:
        with TestClient(app) as client:
            reply = client.post("/v1/chat", json={"question": QUESTION}, headers=auth(secret)).json()
            r = client.post("/v1/feedback", headers=auth(secret),
                            json={"reply_id": reply["reply_id"], "rating": "down", "comment": "Too short."})
            assert r.status_code == 200
            assert app.state.xapi.flush()
    finally:
        lrs.stop()
    by_verb = {s["verb"]["id"]: s for s in lrs.statements}
    rated, asked = by_verb[VERBS["rated"]], by_verb[VERBS["asked"]]
    assert rated["result"]["score"]["scaled"] == -1.0 and rated["result"]["response"] == "Too short."
    assert rated["actor"] == asked["actor"] and rated["actor"]["account"]["name"] == f"key:{record.key_id}"
    assert rated["object"]["id"] == asked["object"]["id"]  # the rating is about that very question and answer


# -- sessions ----------------------------------------------------------------------------------------

def test_sessions_belong_to_the_key_that_created_them(live, keys):
    a, b, admin = auth(keys["chat"]), auth(keys["chat2"]), auth(keys["admin"])
    first = httpx.post(f"{live.url}/v1/chat", json={"question": QUESTION}, headers=a, timeout=60).json()
    sid = first["session_id"]
    follow = httpx.post(f"{live.url}/v1/chat", json={"question": "And what happens after that?", "session_id": sid},
                        headers=a, timeout=60).json()
    assert follow["session_id"] == sid
    mine = httpx.get(f"{live.url}/v1/sessions/{sid}", headers=a).json()
    assert [t["question"] for t in mine["turns"]] == [QUESTION, "And what happens after that?"]
    # another key: the same 404 as for a session that does not exist
    assert_error(httpx.get(f"{live.url}/v1/sessions/{sid}", headers=b), 404, "session_not_found")
    assert_error(httpx.delete(f"{live.url}/v1/sessions/{sid}", headers=b), 404, "session_not_found")
    assert_error(httpx.post(f"{live.url}/v1/chat", json={"question": QUESTION, "session_id": sid}, headers=b,
                            timeout=60), 404, "session_not_found")
    assert_error(httpx.get(f"{live.url}/v1/sessions/never-made-{sid}", headers=a), 404, "session_not_found")
    # admin reads any session
    assert len(httpx.get(f"{live.url}/v1/sessions/{sid}", headers=admin).json()["turns"]) == 2
    erased = httpx.delete(f"{live.url}/v1/sessions/{sid}", headers=a).json()
    assert erased == {"session_id": sid, "deleted_turns": 2}
    assert_error(httpx.get(f"{live.url}/v1/sessions/{sid}", headers=a), 404, "session_not_found")
    assert_error(httpx.get(f"{live.url}/v1/sessions/{sid}", headers=admin), 404, "session_not_found")


def test_a_chat_key_cannot_take_over_a_session_made_outside_the_api(live, keys, tutor):
    tutor.ask(QUESTION, session_id="made-by-the-web-app")
    assert_error(httpx.get(f"{live.url}/v1/sessions/made-by-the-web-app", headers=auth(keys["chat"])),
                 404, "session_not_found")
    assert_error(httpx.post(f"{live.url}/v1/chat", json={"question": QUESTION, "session_id": "made-by-the-web-app"},
                            headers=auth(keys["chat"]), timeout=60), 404, "session_not_found")
    assert httpx.get(f"{live.url}/v1/sessions/made-by-the-web-app", headers=auth(keys["admin"])).status_code == 200


# -- auth, scopes, origins -------------------------------------------------------------------------

def test_no_key_bad_key_and_revoked_key_are_refused(live, keys, tutor):
    r = httpx.get(f"{live.url}/v1/corpus")
    assert_error(r, 401, "auth_required")
    assert r.headers["www-authenticate"] == "Bearer"
    assert_error(httpx.get(f"{live.url}/v1/corpus", headers=auth("tk_nope_nope")), 401, "invalid_key")
    forged = keys["chat"][:-4] + ("AAAA" if not keys["chat"].endswith("AAAA") else "BBBB")
    assert_error(httpx.get(f"{live.url}/v1/corpus", headers=auth(forged)), 401, "invalid_key")
    assert httpx.get(f"{live.url}/v1/corpus", headers={"X-API-Key": keys["chat"]}).status_code == 200
    store = KeyStore(tutor.settings.api_keys_path)
    record, secret = store.create(["chat"], name="short-lived")
    assert httpx.get(f"{live.url}/v1/corpus", headers=auth(secret)).status_code == 200
    store.close()
    revoked = httpx.delete(f"{live.url}/v1/keys/{record.key_id}", headers=auth(keys["admin"])).json()
    assert revoked["key_id"] == record.key_id and revoked["revoked_at"]
    assert_error(httpx.get(f"{live.url}/v1/corpus", headers=auth(secret)), 401, "invalid_key")


def test_admin_endpoints_need_the_admin_scope(live, keys):
    assert_error(httpx.get(f"{live.url}/v1/keys", headers=auth(keys["chat"])), 403, "scope_required")
    assert_error(httpx.delete(f"{live.url}/v1/keys/whatever", headers=auth(keys["chat"])), 403, "scope_required")
    listed = httpx.get(f"{live.url}/v1/keys", headers=auth(keys["admin"])).json()
    assert {"lms-a", "ops", "widget"} <= {k["name"] for k in listed}
    assert all("hash" not in k and not any(s in json.dumps(k) for s in keys.values()) for k in listed)
    assert_error(httpx.delete(f"{live.url}/v1/keys/no-such-key", headers=auth(keys["admin"])), 404, "key_not_found")


def test_keys_are_stored_hashed(tutor, keys):
    raw = tutor.settings.api_keys_path.read_bytes() + (tutor.settings.api_keys_path.with_name(
        tutor.settings.api_keys_path.name + "-wal").read_bytes() if tutor.settings.api_keys_path.with_name(
        tutor.settings.api_keys_path.name + "-wal").exists() else b"")
    for secret in keys.values():
        assert secret.encode() not in raw and secret.split("_", 2)[2].encode() not in raw


def test_a_key_works_only_from_its_allowed_origins(live, keys):
    url = f"{live.url}/v1/corpus"
    assert httpx.get(url, headers={**auth(keys["browser"]), "Origin": "https://lms.example"}).status_code == 200
    assert_error(httpx.get(url, headers={**auth(keys["browser"]), "Origin": "https://evil.example"}),
                 403, "origin_not_allowed")
    # a key made for servers is refused in a browser on another site, but not server-side (no Origin)
    assert_error(httpx.get(url, headers={**auth(keys["chat"]), "Origin": "https://lms.example"}),
                 403, "origin_not_allowed")
    assert httpx.get(url, headers=auth(keys["browser"])).status_code == 200


def test_a_key_made_on_the_command_line_works(live, tutor):
    out = subprocess.run([str(TUTOR_BIN), "--data-dir", str(tutor.settings.data_dir), "keys", "create",
                          "--scope", "chat", "--name", "cli"], capture_output=True, text=True, check=True)
    secret = out.stdout.strip()
    assert "shown only this once" in out.stderr and secret.startswith("tk_")
    assert httpx.get(f"{live.url}/v1/corpus", headers=auth(secret)).status_code == 200
    listed = subprocess.run([str(TUTOR_BIN), "--data-dir", str(tutor.settings.data_dir), "keys", "list"],
                            capture_output=True, text=True, check=True).stdout
    assert "cli" in listed and secret not in listed
    bad = subprocess.run([str(TUTOR_BIN), "--data-dir", str(tutor.settings.data_dir), "keys", "create", "--scope", "chat",
                          "--origin", "lms.example.edu/course"], capture_output=True, text=True)
    assert bad.returncode == 2 and "not an origin" in bad.stderr and not bad.stdout


def test_rate_limit_gives_429_with_retry_after(tutor, keys):
    settings = tutor.settings.model_copy(update={"api_rate_limit": 1, "api_rate_burst": 3})
    with TestClient(create_app(tutor, settings, ui=False)) as client:
        statuses = [client.get("/v1/corpus", headers=auth(keys["chat"])).status_code for _ in range(3)]
        assert statuses == [200, 200, 200]
        r = client.post("/v1/chat", json={"question": QUESTION, "stream": True}, headers=auth(keys["chat"]))
        assert_error(r, 429, "rate_limited")  # checked before a stream starts
        assert int(r.headers["retry-after"]) >= 1
        # buckets are per key: another key is unaffected
        assert client.get("/v1/corpus", headers=auth(keys["chat2"])).status_code == 200


def test_dev_mode_needs_no_key(tutor):
    settings = tutor.settings.model_copy(update={"api_dev_mode": True})
    with TestClient(create_app(tutor, settings, ui=False)) as client:
        assert client.get("/v1/corpus").status_code == 200
        assert client.get("/v1/keys").status_code == 200  # the dev principal is an admin
    with TestClient(create_app(tutor, ui=False)) as client:  # off by default
        assert_error(client.get("/v1/corpus"), 401, "auth_required")


def test_serve_refuses_dev_mode_on_a_public_address():
    out = subprocess.run([str(TUTOR_BIN), "serve", "--dev", "--host", "0.0.0.0"], capture_output=True, text=True)
    assert out.returncode == 2 and "--force" in out.stderr


def test_cors_follows_the_setting(tutor, keys):
    settings = tutor.settings.model_copy(update={"api_cors_origins": ["https://lms.example"]})
    with TestClient(create_app(tutor, settings, ui=False)) as client:
        pre = client.options("/v1/chat", headers={"Origin": "https://lms.example", "Access-Control-Request-Method": "POST",
                                                  "Access-Control-Request-Headers": "authorization,content-type"})
        assert pre.status_code == 200 and pre.headers["access-control-allow-origin"] == "https://lms.example"
        other = client.options("/v1/chat", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
        assert "access-control-allow-origin" not in other.headers
        r = client.get("/v1/corpus", headers={**auth(keys["browser"]), "Origin": "https://lms.example"})
        assert r.headers["access-control-allow-origin"] == "https://lms.example"


# -- validation and malformed requests ---------------------------------------------------------------

def test_validation_errors_have_stable_codes(live, keys, tutor):
    h = auth(keys["chat"])
    post = lambda path, **kw: httpx.post(f"{live.url}{path}", headers={**h, **kw.pop("headers", {})}, timeout=60, **kw)  # noqa: E731
    assert_error(post("/v1/chat", json={"question": "   "}), 422, "question_empty")
    too_long = "why " * (tutor.settings.max_question_chars // 4 + 1)
    assert_error(post("/v1/chat", json={"question": too_long}), 422, "question_too_long")
    assert_error(post("/v1/chat", json={}), 422, "invalid_request")
    assert_error(post("/v1/chat", json={"question": QUESTION, "session_id": "../../etc"}), 422, "invalid_request")
    assert_error(post("/v1/chat", json={"question": QUESTION, "backend": "nonexistent"}), 422, "unknown_backend")
    assert_error(post("/v1/chat", content=b'{"question": "unfinished', headers={"Content-Type": "application/json"}),
                 400, "malformed_json")
    many = [{"role": "user", "content": "hi"}] * (tutor.settings.api_max_messages + 1)
    assert_error(post("/v1/chat/completions", json={"model": "tutor", "messages": many}), 422, "history_too_long")
    assert_error(post("/v1/chat/completions", json={"model": "tutor", "messages": [{"role": "system", "content": "x"}]}),
                 422, "no_user_message")
    assert_error(httpx.get(f"{live.url}/v1/nothing-here", headers=h), 404, "not_found")


def test_oversized_bodies_are_refused(live, keys, tutor):
    limit = tutor.settings.api_max_body_bytes
    body = json.dumps({"question": "x" * (limit + 10)}).encode()
    h = {**auth(keys["chat"]), "Content-Type": "application/json"}
    assert_error(httpx.post(f"{live.url}/v1/chat", content=body, headers=h), 413, "body_too_large")

    def chunked() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        for i in range(0, len(body), 4096):
            yield body[i:i + 4096]

    assert_error(httpx.post(f"{live.url}/v1/chat", content=chunked(), headers=h), 413, "body_too_large")


# -- OpenAI compatibility ------------------------------------------------------------------------------

def test_openai_client_gets_answers_with_citations(live, keys):
    openai = pytest.importorskip("openai")
    client = openai.OpenAI(base_url=f"{live.url}/v1", api_key=keys["chat"], max_retries=0)
    assert "tutor" in [m.id for m in client.models.list().data]
    completion = client.chat.completions.create(model="tutor", messages=[{"role": "user", "content": QUESTION}])
    content = completion.choices[0].message.content
    extra = completion.model_extra
    reply = TutorReply.model_validate(extra["tutor_reply"])
    assert content.startswith(reply.answer) and reply.citations
    assert all(c["text"] in content for c in extra["citations"])
    # the throwaway session is gone
    assert_error(httpx.get(f"{live.url}/v1/sessions/{reply.session_id}", headers=auth(keys["admin"])),
                 404, "session_not_found")

    pieces, last = [], None
    for chunk in client.chat.completions.create(model="tutor", stream=True,
                                                messages=[{"role": "user", "content": QUESTION}]):
        assert chunk.object == "chat.completion.chunk"
        pieces.append(chunk.choices[0].delta.content or "")
        last = chunk
    assert last.choices[0].finish_reason == "stop"
    assert "".join(pieces).strip() == content.strip()
    assert last.model_extra["citations"] == extra["citations"]
    # errors reach the SDK as its own exception types, with our code and message
    with pytest.raises(openai.AuthenticationError) as refused:
        openai.OpenAI(base_url=f"{live.url}/v1", api_key="tk_wrong_key", max_retries=0).chat.completions.create(
            model="tutor", messages=[{"role": "user", "content": QUESTION}])
    assert refused.value.body["code"] == "invalid_key"


def test_openai_earlier_messages_are_context_for_a_follow_up(live, keys):
    h = auth(keys["chat"])
    first = httpx.post(f"{live.url}/v1/chat/completions", headers=h, timeout=60,
                       json={"model": "tutor", "messages": [{"role": "user", "content": "What does BDNF do?"}]}).json()
    follow_up = "And how long does that last?"
    r = httpx.post(f"{live.url}/v1/chat/completions", headers=h, timeout=60, json={"model": "tutor", "messages": [
        {"role": "system", "content": "You are a tutor."},
        {"role": "user", "content": "What does BDNF do?"},
        {"role": "assistant", "content": first["choices"][0]["message"]["content"]},
        {"role": "user", "content": follow_up}]}).json()
    reply = r["tutor_reply"]
    assert reply["question"] == follow_up
    assert reply["standalone_question"] != follow_up  # the earlier question was folded in


def test_openai_stream_ends_with_done(live, keys):
    with httpx.stream("POST", f"{live.url}/v1/chat/completions", headers=auth(keys["chat"]), timeout=60,
                      json={"model": "tutor", "stream": True, "messages": [{"role": "user", "content": QUESTION}]}) as r:
        lines = [line for line in r.iter_lines() if line.startswith("data: ")]
    assert lines[-1] == "data: [DONE]"
    chunks = [json.loads(line[6:]) for line in lines[:-1]]
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    assert [c["choices"][0]["finish_reason"] for c in chunks][-1] == "stop"


# -- the web app and the docs on the same server -------------------------------------------------------

def test_web_app_and_docs_are_served(live):
    ui = httpx.get(f"{live.url}/ui/", follow_redirects=True, timeout=30)
    assert ui.status_code == 200 and "<html" in ui.text.lower()
    assert httpx.get(f"{live.url}/docs").status_code == 200
    assert httpx.get(f"{live.url}/openapi.json").json()["paths"]["/v1/chat"]
    # the API's lifespan still runs with Gradio mounted (it sets up the answer workers)
    assert live.app.state.workers.total_tokens == live.app.state.settings.api_workers


# -- a Chroma server that goes down ----------------------------------------------------------------------

@pytest.mark.server
def test_store_down_gives_503(chroma_process, make_tutor, tmp_path):
    proc, port = chroma_process
    tutor = make_tutor(CORPUS, tmp_path / "data", chroma_host="127.0.0.1", chroma_port=port)
    settings = tutor.settings.model_copy(update={"api_dev_mode": True})
    with TestClient(create_app(tutor, settings, ui=False)) as client:
        assert client.get("/readyz").status_code == 200
        assert client.post("/v1/chat", json={"question": QUESTION}).status_code == 200
        proc.terminate()
        proc.wait(timeout=10)
        assert_error(client.get("/readyz"), 503, "store_unavailable")
        assert_error(client.post("/v1/chat", json={"question": QUESTION}), 503, "store_unavailable")
        # A stream starts before the store is asked: its failure arrives as the `error` event.
        with client.stream("POST", "/v1/chat", json={"question": QUESTION, "stream": True}) as r:
            assert r.status_code == 200
            events = sse_events(r)
        assert [n for n, _ in events] == ["error"] and events[0][1]["error"]["code"] == "store_unavailable"
        assert client.get("/healthz").status_code == 200  # alive, just not ready


def test_docs_name_every_error_code():
    """docs/api.md's errors table lists every code the API can return."""
    import re

    source = "\n".join((REPO / "tutor" / name).read_text(encoding="utf-8") for name in ("api.py", "api_deps.py"))
    codes = set(re.findall(r'ApiError\(\d+, "([a-z_]+)"', source)) | set(re.findall(r'error_response\(\d+, "([a-z_]+)"', source))
    codes |= set(re.findall(r'\d+: "([a-z_]+)"', source)) | set(re.findall(r'error_body\("([a-z_]+)"', source))
    guide = (REPO / "docs" / "api.md").read_text(encoding="utf-8")
    assert codes and not [c for c in sorted(codes) if f"`{c}`" not in guide]


def test_the_mounted_web_app_answers(live, tutor):
    """The Gradio app under /ui works through the API server (its queue and streaming under the sub-path)."""
    from gradio_client import Client

    client = Client(f"{live.url}/ui/", verbose=False)
    params = client.view_api(return_format="dict", print_info=False)["named_endpoints"]["/respond"]["parameters"]
    session = "ui-through-the-api"
    values = {"question": QUESTION, "session_id": session}
    args = [values.get(p["parameter_name"], p["parameter_default"]) for p in params]
    client.predict(*args, api_name="/respond")
    turns = tutor.sessions.history(session)
    assert [t.question for t in turns] == [QUESTION] and turns[0].reply_kind == "answer"
