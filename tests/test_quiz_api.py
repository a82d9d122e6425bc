"""The tutoring endpoints: start a quiz, answer it, see progress and lessons; keys never see each other's learners."""

from __future__ import annotations

import pytest

from tests.tutoring_fixtures import tutoring  # noqa: F401  (fixture)
from tutor.api import create_app
from tutor.keys import KeyStore


@pytest.fixture(scope="module")
def client(tutor, tutoring):
    from fastapi.testclient import TestClient

    store = KeyStore(tutor.settings.api_keys_path)
    keys = {"a": store.create(["chat"], name="lms-a")[1], "b": store.create(["chat"], name="lms-b")[1]}
    store.close()
    with TestClient(create_app(tutor, ui=False)) as c:
        c.keys = keys
        yield c


def auth(client, who: str) -> dict:
    return {"Authorization": f"Bearer {client.keys[who]}"}


def test_quiz_answer_progress(client, tutor):
    r = client.post("/v1/quiz", json={"scope": "neuroplasticity", "questions": 3, "learner": "u-1"}, headers=auth(client, "a"))
    assert r.status_code == 200, r.text
    quiz = r.json()
    assert quiz["scope"] == "Promoting Neuroplasticity and New Connections" and len(quiz["items"]) == 3
    assert all("answer" not in i and "key" not in i for i in quiz["items"])  # no answer keys before answering
    before = client.get("/v1/progress", params={"learner": "u-1"}, headers=auth(client, "a")).json()
    for n, item in enumerate(quiz["items"], 1):
        answer = item["options"][0] if item["options"] else "It helps new synapses grow."
        r = client.post(f"/v1/quiz/{quiz['quiz_id']}/answer", json={"answer": answer, "item_id": item["item_id"]},
                        headers=auth(client, "a"))
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["grade"]["label"] in ("correct", "partly", "incorrect") and body["answered"] == n
        assert body["citations"] and all(tutor.sources[c["source"]][c["start"]:c["end"]] == c["text"]
                                         for c in body["citations"])
        assert body["grade"]["citation"]["text"] in body["grade"]["feedback"]
        assert body["finished"] == (n == 3)
    after = client.get("/v1/progress", params={"learner": "u-1"}, headers=auth(client, "a")).json()
    tried = {i["objective_id"] for i in quiz["items"]}
    changed = {o["objective_id"] for o, b in zip(after["objectives"], before["objectives"]) if o["p_known"] != b["p_known"]}
    assert changed == tried and after["learner"] == "u-1"
    assert client.post(f"/v1/quiz/{quiz['quiz_id']}/answer", json={"answer": "x"}, headers=auth(client, "a")).status_code == 409
    # Another key sees neither the quiz nor the learner's progress.
    assert client.post(f"/v1/quiz/{quiz['quiz_id']}/answer", json={"answer": "x"},
                       headers=auth(client, "b")).status_code == 404
    other = client.get("/v1/progress", params={"learner": "u-1"}, headers=auth(client, "b")).json()
    assert all(o["attempts"] == 0 for o in other["objectives"])


def test_errors_and_auth(client):
    assert client.post("/v1/quiz", json={}).status_code == 401
    r = client.post("/v1/quiz/nope/answer", json={"answer": "x"}, headers=auth(client, "a"))
    assert r.status_code == 404 and r.json()["error"]["code"] == "quiz_not_found"
    assert client.post("/v1/quiz", json={"questions": 0}, headers=auth(client, "a")).status_code == 422


def test_lessons_endpoint(client, tutoring):
    r = client.get("/v1/lessons", headers=auth(client, "a"))
    assert r.status_code == 200
    assert r.json() == tutoring.lessons().model_dump(mode="json")


def test_a_quiz_over_the_api_sends_attempted_scored_completed(tutor, tutoring, tmp_path):
    from fastapi.testclient import TestClient

    from tests.test_xapi import LrsStub, free_port, settings_for
    from tutor.xapi import VERBS

    port = free_port()
    lrs = LrsStub(port)
    try:
        app = create_app(tutor, settings_for(tmp_path, port, api_mount_ui=False), ui=False)
        record, secret = app.state.keys.create(["chat"], name="xapi quiz")
        auth_ = {"Authorization": f"Bearer {secret}"}
        with TestClient(app) as c:
            quiz = c.post("/v1/quiz", json={"questions": 2, "learner": "x-1"}, headers=auth_).json()
            for item in quiz["items"]:
                answer = item["options"][0] if item["options"] else "I don't know"
                c.post(f"/v1/quiz/{quiz['quiz_id']}/answer", json={"answer": answer, "item_id": item["item_id"]},
                       headers=auth_)
            assert app.state.xapi.flush()
        verbs = lrs.verbs()
        assert [v for v in verbs if v in (VERBS["attempted"], VERBS["scored"], VERBS["completed"])] == [
            VERBS["attempted"], VERBS["scored"], VERBS["completed"]]
        completed = next(s for s in lrs.statements if s["verb"]["id"] == VERBS["completed"])
        assert completed["object"]["id"].endswith(quiz["quiz_id"]) and completed["result"]["completion"] is True
    finally:
        lrs.stop()


def test_a_quiz_taken_in_the_chat_sends_its_result_to_the_lrs_too(tutor, tutoring, tmp_path):
    """The web app and terminal run quizzes through chat commands: the export must not depend on the API."""
    import uuid

    from tests.test_xapi import LrsStub, free_port, settings_for
    from tutor.xapi import VERBS, XapiRecorder

    port = free_port()
    lrs = LrsStub(port)
    recorder = XapiRecorder(settings_for(tmp_path, port))
    tutoring.add_observer(recorder)
    session = uuid.uuid4().hex
    try:
        tutor.ask("quiz me", session)
        for _ in range(2 * tutor.settings.quiz_questions):
            if tutoring.pending(session) is None:
                break
            tutor.ask("show me the answer", session)  # a reveal scores the item 0 and moves on
        assert tutoring.pending(session) is None, "the quiz did not finish"
        assert recorder.flush()
        quiz_verbs = [s for s in lrs.statements if s["verb"]["id"] in
                      (VERBS["attempted"], VERBS["scored"], VERBS["completed"])]
        assert [s["verb"]["id"] for s in quiz_verbs] == [VERBS["attempted"], VERBS["scored"], VERBS["completed"]]
        assert {s["actor"]["account"]["name"] for s in quiz_verbs} == {f"session:{session}"}
        completed = quiz_verbs[-1]
        assert completed["result"]["success"] is False and completed["result"]["score"]["raw"] == 0
    finally:
        tutoring.remove_observer(recorder)
        recorder.close()
        lrs.stop()
