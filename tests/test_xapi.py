"""xAPI statements against a real LRS stub on loopback: verbs, actors, context; down, bad credentials, restarts."""

from __future__ import annotations

import base64
import json
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.conftest import CORPUS
from tests.live_server import free_port
from tutor.config import Settings
from tutor.xapi import VERBS, XapiRecorder, account_actor


class LrsStub:
    """A minimal LRS: POST /xapi/statements with basic auth; records what it accepted."""

    def __init__(self, port: int, user: str = "lrs-key", password: str = "lrs-secret"):
        self.port, self.user, self.password = port, user, password
        self.statements: list[dict] = []
        self.requests = 0
        self.hold = threading.Event()  # cleared: requests wait until the test releases them
        self.hold.set()
        self.waiting = threading.Event()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                stub.requests += 1
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                expected = "Basic " + base64.b64encode(f"{stub.user}:{stub.password}".encode()).decode()
                if self.headers.get("Authorization") != expected:
                    return self._reply(401, {"error": "bad credentials"})
                if self.path != "/xapi/statements" or self.headers.get("X-Experience-API-Version") != "1.0.3":
                    return self._reply(400, {"error": "not an xAPI statements request"})
                statements = json.loads(body)
                if any("actor" not in s or "verb" not in s for s in statements):
                    return self._reply(400, {"error": "statement without actor or verb"})
                stub.waiting.set()
                stub.hold.wait()
                stub.statements.extend(statements)
                self._reply(200, [s["id"] for s in statements])

            def _reply(self, status, payload):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def verbs(self) -> list[str]:
        return [s["verb"]["id"] for s in self.statements]

    def stop(self) -> None:
        self.hold.set()
        self.server.shutdown()
        self.server.server_close()



def wait_until(condition, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def lrs(port):
    stub = LrsStub(port)
    yield stub
    stub.stop()


def settings_for(tmp_path, port: int, password: str = "lrs-secret", **extra) -> Settings:
    return Settings(corpus_dir=CORPUS, data_dir=tmp_path / "data", xapi_endpoint=f"http://127.0.0.1:{port}/xapi/",
                    xapi_username="lrs-key", xapi_password=password,
                    xapi_actor_homepage="https://tutor.example.org", **extra)


@pytest.fixture
def recorders():
    made: list[XapiRecorder] = []
    yield made
    for r in made:
        try:
            r.close()
        except Exception:
            pass


def test_a_turn_becomes_asked_and_answered_with_its_citations(tutor, lrs, port, tmp_path, recorders):
    recorder = XapiRecorder(settings_for(tmp_path, port))
    recorders.append(recorder)
    reply = tutor.ask("What receptor does ketamine block?", session_id="xapi-turn")
    assert reply.kind == "answer" and reply.citations

    asked_id, answered_id = recorder.record_turn(reply, principal="key-123")
    assert recorder.flush()

    by_id = {s["id"]: s for s in lrs.statements}
    asked, answered = by_id[asked_id], by_id[answered_id]
    assert asked["verb"]["id"] == VERBS["asked"] and answered["verb"]["id"] == VERBS["answered"]
    # The learner is the API key's account; the tutor answers, pointing back at the learner's question.
    assert asked["actor"]["account"] == {"homePage": "https://tutor.example.org", "name": "key:key-123"}
    assert answered["actor"]["account"]["name"] == "tutor"
    assert answered["context"]["statement"] == {"objectType": "StatementRef", "id": asked_id}
    assert asked["object"]["id"] == answered["object"]["id"]
    assert asked["result"]["response"] == reply.question
    assert answered["result"]["response"] == reply.answer
    assert asked["context"]["registration"] == answered["context"]["registration"]
    cited = answered["context"]["extensions"]["https://tutor.example.org/xapi/extensions/citations"]
    assert [(c["chunk_id"], c["start"], c["end"], c["text"]) for c in cited] == [
        (c.chunk_id, c.start, c.end, c.text) for c in reply.citations]
    assert answered["context"]["extensions"]["https://tutor.example.org/xapi/extensions/learner"] == asked["actor"]


def test_an_lti_session_names_the_platform_user_and_quiz_helpers_queue_their_verbs(lrs, port, tmp_path, recorders):
    recorder = XapiRecorder(settings_for(tmp_path, port))
    recorders.append(recorder)
    lti_user = account_actor("https://lms.example.edu", "user-42", "Ada Learner")
    recorder.remember_actor("lti-session", lti_user)

    rated = recorder.rated("lti-session", "down", "too short", question="What is BDNF?", answer="BDNF is [1].")
    attempted = recorder.attempted("lti-session", "quiz-1", "Receptors")
    completed = recorder.completed("lti-session", "quiz-1", "Receptors", success=True, raw=4, max_score=5)
    scored = recorder.scored("other-session", "quiz-1", 3, 5, principal="key-9")
    assert recorder.flush()

    by_id = {s["id"]: s for s in lrs.statements}
    assert by_id[rated]["actor"] == lti_user
    assert by_id[rated]["verb"]["id"] == VERBS["rated"]
    assert by_id[rated]["result"]["score"]["scaled"] == -1.0 and by_id[rated]["result"]["response"] == "too short"
    assert [by_id[i]["verb"]["id"] for i in (attempted, completed, scored)] == [
        VERBS["attempted"], VERBS["completed"], VERBS["scored"]]
    assert by_id[completed]["result"]["score"]["scaled"] == pytest.approx(0.8)
    assert by_id[completed]["actor"] == lti_user
    # A session without an LTI launch is recorded under the API key that used it...
    assert by_id[scored]["actor"]["account"]["name"] == "key:key-9"
    # ...unless that key was an LTI launch's: then anything it does names the platform's user.
    recorder.remember_key_actor("key-lti", lti_user)
    quiz = recorder.attempted("learner-of-key-lti", "quiz-2", principal="key-lti")
    assert recorder.flush()
    assert {s["id"]: s for s in lrs.statements}[quiz]["actor"] == lti_user


def test_recording_never_waits_for_the_lrs(lrs, port, tmp_path, recorders):
    recorder = XapiRecorder(settings_for(tmp_path, port, xapi_timeout=120))
    recorders.append(recorder)
    lrs.hold.clear()  # the LRS takes the request and does not answer until released
    recorder.attempted("s", "quiz-1")
    assert lrs.waiting.wait(15)
    # While the sender is stuck in a request, more statements are queued at once.
    recorder.completed("s", "quiz-1", success=False)
    recorder.scored("s", "quiz-1", 0, 5)
    assert lrs.statements == [] and recorder.pending() == 3
    lrs.hold.set()
    assert recorder.flush()
    assert sorted(lrs.verbs()) == sorted([VERBS["attempted"], VERBS["completed"], VERBS["scored"]])


def test_lrs_down_keeps_statements_across_a_restart_and_delivers_them_later(port, tmp_path, recorders):
    settings = settings_for(tmp_path, port)  # nothing listens on the port yet
    recorder = XapiRecorder(settings)
    recorders.append(recorder)
    ids = [recorder.attempted("s1", "quiz-1"), recorder.scored("s1", "quiz-1", 2, 4)]
    assert wait_until(lambda: recorder.failures >= 1)
    assert "unreachable" in (recorder.last_error or "")
    assert recorder.pending() == 2
    recorder.close()  # the process stops while the LRS is still down

    stub = LrsStub(port)
    try:
        later = XapiRecorder(settings)  # a new process: the queue is on disk
        recorders.append(later)
        assert later.flush()
        assert [s["id"] for s in stub.statements] == ids
        assert later.pending() == 0
    finally:
        stub.stop()


def test_lrs_coming_back_gets_the_queue_without_a_restart(port, tmp_path, recorders):
    recorder = XapiRecorder(settings_for(tmp_path, port))
    recorders.append(recorder)
    first = recorder.attempted("s1", "quiz-1")
    assert wait_until(lambda: recorder.failures >= 2)  # it retried, backing off
    second = recorder.completed("s1", "quiz-1")
    stub = LrsStub(port)
    try:
        recorder.retry_now()
        assert recorder.flush(timeout=30)
        assert [s["id"] for s in stub.statements] == [first, second]
    finally:
        stub.stop()


def test_bad_credentials_are_retried_kept_and_logged(lrs, port, tmp_path, recorders, caplog):
    caplog.set_level(logging.WARNING, logger="tutor.xapi")
    recorder = XapiRecorder(settings_for(tmp_path, port, password="wrong"))
    recorders.append(recorder)
    statement_id = recorder.attempted("s1", "quiz-1")
    assert wait_until(lambda: recorder.failures >= 2)
    assert lrs.statements == [] and lrs.requests >= 2
    assert recorder.pending() == 1
    assert "401" in recorder.last_error
    assert any("401" in r.getMessage() and "kept" in r.getMessage() for r in caplog.records)
    recorder.close()

    fixed = XapiRecorder(settings_for(tmp_path, port))  # the operator fixes the password and restarts
    recorders.append(fixed)
    assert fixed.flush()
    assert [s["id"] for s in lrs.statements] == [statement_id]


def test_a_malformed_statement_is_set_aside_without_blocking_the_rest(lrs, port, tmp_path, recorders):
    recorder = XapiRecorder(settings_for(tmp_path, port), start=False)
    recorders.append(recorder)
    good = recorder.attempted("s1", "quiz-1")
    recorder.enqueue({"id": "00000000-0000-4000-8000-000000000000", "object": {"id": "x"}})
    later = recorder.scored("s1", "quiz-1", 1, 2)
    recorder.start()
    assert recorder.flush()
    assert [s["id"] for s in lrs.statements] == [good, later]
    assert [s["id"] for s in recorder.rejected()] == ["00000000-0000-4000-8000-000000000000"]


def test_the_api_chat_path_records_each_turn_under_the_calling_key(tutor, lrs, port, tmp_path):
    from fastapi.testclient import TestClient

    from tutor.api import create_app

    settings = settings_for(tmp_path, port, api_mount_ui=False)
    app = create_app(tutor, settings, ui=False)
    record, secret = app.state.keys.create(["chat"], name="xapi test")
    auth = {"Authorization": f"Bearer {secret}"}
    with TestClient(app) as client:
        plain = client.post("/v1/chat", headers=auth, json={"question": "What receptor does ketamine block?"})
        streamed = client.post("/v1/chat", headers={**auth, "Accept": "text/event-stream"},
                               json={"question": "What is BDNF?", "session_id": plain.json()["session_id"]})
        refused = client.post("/v1/chat", json={"question": "What is BDNF?"})  # no key: no statement
        assert plain.status_code == 200 and streamed.status_code == 200 and refused.status_code == 401
        assert app.state.xapi.flush()
        questions = [s["result"]["response"] for s in lrs.statements if s["verb"]["id"] == VERBS["asked"]]
        assert questions == ["What receptor does ketamine block?", "What is BDNF?"]
        assert {s["actor"]["account"]["name"] for s in lrs.statements if s["verb"]["id"] == VERBS["asked"]} == {
            f"key:{record.key_id}"}
        answers = [s["result"]["response"] for s in lrs.statements if s["verb"]["id"] == VERBS["answered"]]
        assert answers[0] == plain.json()["answer"]
