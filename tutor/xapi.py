"""xAPI statements to a Learning Record Store: built here, queued in SQLite, delivered by a background thread.

The chat never waits on the LRS: `record_*` only writes a row. A sender thread posts due statements in
batches and deletes them once the LRS accepted them; while the LRS is down or refuses the credentials the
rows stay (across restarts too) and the sender backs off, doubling its wait up to `xapi_retry_max`.

Who is the actor: the LTI user (account on the platform's issuer) when the session came from an LTI
launch, else the API key or the session as an account on `xapi_actor_homepage`. The tutor's own replies
("answered") have the tutor as actor and point at the learner's "asked" statement.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import anyio.to_thread
import httpx

from tutor.config import Settings
from tutor.storage import SqliteFile
from tutor.types import TutorReply

if TYPE_CHECKING:
    from tutor.quiz import Quiz

log = logging.getLogger(__name__)

XAPI_VERSION = "1.0.3"
VERBS = {
    "asked": "http://adlnet.gov/expapi/verbs/asked",
    "answered": "http://adlnet.gov/expapi/verbs/answered",
    "rated": "http://id.tincanapi.com/verb/rated",
    "attempted": "http://adlnet.gov/expapi/verbs/attempted",
    "completed": "http://adlnet.gov/expapi/verbs/completed",
    "scored": "http://adlnet.gov/expapi/verbs/scored",
}
QUESTION_TYPE = "http://adlnet.gov/expapi/activities/question"
COURSE_TYPE = "http://adlnet.gov/expapi/activities/course"
ASSESSMENT_TYPE = "http://adlnet.gov/expapi/activities/assessment"
BATCH = 50
PASS_SHARE = 0.7  # share of the points that makes a quiz's `success` true

_SCHEMA = """
CREATE TABLE IF NOT EXISTS statements (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE NOT NULL,
    body TEXT NOT NULL, created_at REAL NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT,
    rejected INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS actors (session_id TEXT PRIMARY KEY, actor TEXT NOT NULL);
"""


def account_actor(homepage: str, name: str, display: str | None = None) -> dict[str, Any]:
    """An xAPI Agent identified by an account (`name`) on a system (`homepage`)."""
    actor: dict[str, Any] = {"objectType": "Agent", "account": {"homePage": homepage, "name": name}}
    if display:
        actor["name"] = display
    return actor


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _verb(name: str) -> dict[str, Any]:
    return {"id": VERBS[name], "display": {"en-US": name}}


def _turn_id(session_id: str, question: str, answer: str) -> str:
    """One question activity per reply, the same for its `asked`, `answered` and `rated` statements."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"tutor-turn:{session_id}\n{question}\n{answer}").hex


def _registration(session_id: str) -> str:
    """xAPI registrations are UUIDs; sessions are any string, so map them deterministically."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"tutor-session:{session_id}"))


class XapiRecorder:
    """Builds statements, keeps them in a durable queue and delivers them to the LRS in the background."""

    def __init__(self, settings: Settings, *, start: bool = True):
        if not settings.xapi_endpoint:
            raise ValueError("xapi_endpoint is not set")
        self.settings = settings
        self.base = settings.xapi_actor_homepage.rstrip("/")
        self.course_id = f"{self.base}/xapi/activities/tutor"
        self._file = SqliteFile(settings.data_dir / "xapi.sqlite3", _SCHEMA)
        password = settings.xapi_password.get_secret_value() if settings.xapi_password else ""
        auth = (settings.xapi_username, password) if settings.xapi_username else None
        self._http = httpx.Client(timeout=settings.xapi_timeout, auth=auth,
                                  headers={"X-Experience-API-Version": XAPI_VERSION})
        self._url = settings.xapi_endpoint.rstrip("/") + "/statements"
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._idle = threading.Event()
        self.failures = 0  # consecutive failed deliveries; drives the backoff
        self.last_error: str | None = None
        self._thread: threading.Thread | None = None
        if start:
            self.start()

    @classmethod
    def from_settings(cls, settings: Settings) -> XapiRecorder | None:
        """A started recorder when an LRS is configured, else None."""
        return cls(settings) if settings.xapi_endpoint else None

    # -- actors ---------------------------------------------------------------------------------

    def remember_actor(self, session_id: str, actor: dict[str, Any]) -> None:
        """Tie a session to an actor (an LTI launch does this), so its statements name that person."""
        with self._file.transaction() as db:
            db.execute("INSERT OR REPLACE INTO actors(session_id, actor) VALUES (?, ?)",
                       (session_id, json.dumps(actor)))

    def remember_key_actor(self, key_id: str, actor: dict[str, Any]) -> None:
        """Tie an API key to an actor (an LTI launch's key), so whatever it does (quizzes too) names that person."""
        self.remember_actor(f"key:{key_id}", actor)

    def actor_for(self, session_id: str, principal: str | None = None) -> dict[str, Any]:
        """The LTI user of the session or of the key if there is one, else the API key (`principal`), else the session."""
        with self._file.transaction() as db:
            rows = dict(db.execute("SELECT session_id, actor FROM actors WHERE session_id IN (?, ?)",
                                   (session_id, f"key:{principal}")).fetchall())
        known = rows.get(session_id) or rows.get(f"key:{principal}")
        if known:
            return json.loads(known)
        if principal:
            return account_actor(self.base, f"key:{principal}")
        return account_actor(self.base, f"session:{session_id}")

    def tutor_actor(self) -> dict[str, Any]:
        """The tutor itself, as the actor of its replies."""
        return account_actor(self.base, "tutor", "Tutor")

    # -- statements -----------------------------------------------------------------------------

    def _context(self, session_id: str, extensions: dict[str, Any] | None = None,
                 ref: str | None = None) -> dict[str, Any]:
        context: dict[str, Any] = {
            "registration": _registration(session_id),
            "contextActivities": {"parent": [{"objectType": "Activity", "id": self.course_id,
                                              "definition": {"type": COURSE_TYPE,
                                                             "name": {"en-US": "Tutor"}}}]},
            "extensions": {f"{self.base}/xapi/extensions/session": session_id, **(extensions or {})},
        }
        if ref:
            context["statement"] = {"objectType": "StatementRef", "id": ref}
        return context

    def _question(self, turn_id: str, question: str) -> dict[str, Any]:
        return {"objectType": "Activity", "id": f"{self.base}/xapi/activities/question/{turn_id}",
                "definition": {"type": QUESTION_TYPE, "name": {"en-US": question[:200]},
                               "description": {"en-US": question}}}

    def record_turn(self, reply: TutorReply, principal: str | None = None,
                    actor: dict[str, Any] | None = None) -> tuple[str, str]:
        """Queue `asked` (the learner) and `answered` (the tutor, citations as context); returns their ids."""
        turn_id = _turn_id(reply.session_id, reply.question, reply.answer)
        learner = actor or self.actor_for(reply.session_id, principal)
        question = self._question(turn_id, reply.question)
        asked = {
            "id": str(uuid.uuid4()), "actor": learner, "verb": _verb("asked"), "object": question,
            "result": {"response": reply.question}, "context": self._context(reply.session_id),
            "timestamp": _now(),
        }
        citations = [c.model_dump(mode="json") for c in reply.citations]
        answered = {
            "id": str(uuid.uuid4()), "actor": self.tutor_actor(), "verb": _verb("answered"), "object": question,
            "result": {"response": reply.answer, "success": reply.kind == "answer",
                       "extensions": {f"{self.base}/xapi/extensions/kind": reply.kind,
                                      f"{self.base}/xapi/extensions/citations": citations}},
            "context": self._context(reply.session_id, {f"{self.base}/xapi/extensions/citations": citations,
                                                        f"{self.base}/xapi/extensions/learner": learner},
                                     ref=asked["id"]),
            "timestamp": _now(),
        }
        self.enqueue(asked, answered)
        return asked["id"], answered["id"]

    def rated(self, session_id: str, rating: str, comment: str = "", *, question: str = "",
              answer: str = "", principal: str | None = None) -> str:
        """Queue `rated` (thumbs up = 1, down = -1) for one reply of a session."""
        statement = {
            "id": str(uuid.uuid4()), "actor": self.actor_for(session_id, principal), "verb": _verb("rated"),
            "object": self._question(_turn_id(session_id, question, answer), question or "a reply of the tutor"),
            "result": {"score": {"scaled": 1.0 if rating == "up" else -1.0, "min": -1, "max": 1},
                       "response": comment},
            "context": self._context(session_id, {f"{self.base}/xapi/extensions/answer": answer}),
            "timestamp": _now(),
        }
        self.enqueue(statement)
        return statement["id"]

    def _quiz(self, quiz_id: str, name: str | None) -> dict[str, Any]:
        return {"objectType": "Activity", "id": f"{self.base}/xapi/activities/quiz/{quiz_id}",
                "definition": {"type": ASSESSMENT_TYPE, "name": {"en-US": name or quiz_id}}}

    def _quiz_statement(self, verb: str, session_id: str, quiz_id: str, name: str | None,
                        result: dict[str, Any] | None, principal: str | None) -> str:
        statement: dict[str, Any] = {
            "id": str(uuid.uuid4()), "actor": self.actor_for(session_id, principal), "verb": _verb(verb),
            "object": self._quiz(quiz_id, name), "context": self._context(session_id), "timestamp": _now(),
        }
        if result:
            statement["result"] = result
        self.enqueue(statement)
        return statement["id"]

    def attempted(self, session_id: str, quiz_id: str, name: str | None = None, *,
                  principal: str | None = None) -> str:
        """Queue `attempted`: the learner started a quiz."""
        return self._quiz_statement("attempted", session_id, quiz_id, name, None, principal)

    def completed(self, session_id: str, quiz_id: str, name: str | None = None, *, success: bool | None = None,
                  raw: float | None = None, max_score: float | None = None, principal: str | None = None) -> str:
        """Queue `completed`: the learner finished a quiz, with success and score when known."""
        result: dict[str, Any] = {"completion": True}
        if success is not None:
            result["success"] = success
        if raw is not None and max_score:
            result["score"] = _score(raw, max_score)
        return self._quiz_statement("completed", session_id, quiz_id, name, result, principal)

    def scored(self, session_id: str, quiz_id: str, raw: float, max_score: float, name: str | None = None, *,
               principal: str | None = None) -> str:
        """Queue `scored`: the learner's score on a quiz."""
        return self._quiz_statement("scored", session_id, quiz_id, name, {"score": _score(raw, max_score)}, principal)

    # -- quizzes from any front end (a tutor.tutoring.QuizObserver) -------------------------------

    @staticmethod
    def _principal(learner: str) -> str | None:
        # API learners are stored as "<key id>:<name>" (tutor/tutoring_api.py); chat learners are session ids.
        key_id, sep, _ = learner.partition(":")
        return key_id if sep else None

    def quiz_started(self, learner: str, quiz: Quiz) -> None:
        """Queue `attempted` for a quiz a learner started."""
        self.attempted(learner, quiz.quiz_id, f"Quiz: {quiz.scope}", principal=self._principal(learner))

    def quiz_finished(self, learner: str, quiz: Quiz, score: float) -> None:
        """Queue `scored` and `completed` (success at PASS_SHARE of the points) for a finished quiz."""
        total, name, principal = float(len(quiz.items)), f"Quiz: {quiz.scope}", self._principal(learner)
        self.scored(learner, quiz.quiz_id, score, total, name, principal=principal)
        self.completed(learner, quiz.quiz_id, name, success=score >= PASS_SHARE * total, raw=score, max_score=total,
                       principal=principal)

    # -- the durable queue ----------------------------------------------------------------------

    def enqueue(self, *statements: dict[str, Any]) -> None:
        """Store statements for delivery and wake the sender; never blocks on the network."""
        with self._file.transaction() as db:
            db.executemany("INSERT OR IGNORE INTO statements(id, body, created_at) VALUES (?, ?, ?)",
                           [(s["id"], json.dumps(s), time.time()) for s in statements])
        self._idle.clear()
        self._wake.set()

    def pending(self) -> int:
        """Statements waiting for delivery (not counting ones the LRS rejected as malformed)."""
        with self._file.transaction() as db:
            return db.execute("SELECT count(*) FROM statements WHERE rejected = 0").fetchone()[0]

    def rejected(self) -> list[dict[str, Any]]:
        """Statements the LRS refused as malformed (kept for an operator to look at)."""
        with self._file.transaction() as db:
            rows = db.execute("SELECT body FROM statements WHERE rejected = 1 ORDER BY seq").fetchall()
        return [json.loads(body) for (body,) in rows]

    def deliver_once(self) -> bool:
        """Post one batch of due statements; True when the queue is empty afterwards."""
        with self._file.transaction() as db:
            rows = db.execute("SELECT id, body FROM statements WHERE rejected = 0 ORDER BY seq LIMIT ?",
                              (BATCH,)).fetchall()
        if not rows:
            return True
        ids = [r[0] for r in rows]
        error: str | None = None
        try:
            response = self._http.post(self._url, json=[json.loads(r[1]) for r in rows])
            status = response.status_code
        except httpx.HTTPError as exc:
            status, error = 0, f"LRS unreachable: {exc.__class__.__name__}: {exc}"
        marks = ",".join("?" * len(ids))
        if status in (200, 204):
            with self._file.transaction() as db:
                db.execute(f"DELETE FROM statements WHERE id IN ({marks})", ids)
            self.failures, self.last_error = 0, None
            return self.pending() == 0
        if status in (400, 409) and len(ids) == 1:
            # A statement the LRS refuses as malformed or conflicting will never pass; set it aside (kept,
            # logged) so the others flow.
            with self._file.transaction() as db:
                db.execute("UPDATE statements SET rejected = 1, last_error = ? WHERE id = ?",
                           (response.text[:500], ids[0]))
            log.error("LRS rejected statement %s as malformed: %s", ids[0], response.text[:200])
            return self.pending() == 0
        if status in (400, 409):
            # Find the bad one (malformed, or an id the LRS holds with other content): one by one for this batch.
            for statement_id in ids:
                self._deliver_single(statement_id)
            return self.pending() == 0
        if error is None:
            error = f"LRS answered {status}" + (" (check TUTOR_XAPI_USERNAME/PASSWORD)" if status in (401, 403) else "")
        with self._file.transaction() as db:
            db.execute(f"UPDATE statements SET attempts = attempts + 1, last_error = ? WHERE id IN ({marks})",
                       [error, *ids])
        self.failures += 1
        self.last_error = error
        log.warning("xAPI delivery failed (%s); %d statements kept, retrying in %.1fs",
                    error, len(ids), self.backoff())
        return False

    def _deliver_single(self, statement_id: str) -> None:
        with self._file.transaction() as db:
            row = db.execute("SELECT body FROM statements WHERE id = ?", (statement_id,)).fetchone()
        if not row:
            return
        try:
            response = self._http.post(self._url, json=[json.loads(row[0])])
        except httpx.HTTPError:
            return
        with self._file.transaction() as db:
            if response.status_code in (200, 204):
                db.execute("DELETE FROM statements WHERE id = ?", (statement_id,))
            elif response.status_code in (400, 409):
                db.execute("UPDATE statements SET rejected = 1, last_error = ? WHERE id = ?",
                           (response.text[:500], statement_id))
                log.error("LRS rejected statement %s as malformed: %s", statement_id, response.text[:200])

    def backoff(self) -> float:
        """Seconds to wait before the next try after `failures` consecutive failures."""
        if not self.failures:
            return 0.0
        return min(0.5 * 2 ** (self.failures - 1), self.settings.xapi_retry_max)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                empty = self.deliver_once()
            except Exception:  # never let the sender die: statements stay queued for the next round
                log.exception("xAPI sender failed; statements stay queued")
                self.failures += 1
                empty = False
            if empty:
                self._idle.set()
                self._wake.wait()
            else:
                self._wake.wait(self.backoff())
            self._wake.clear()

    def start(self) -> None:
        """Start the sender thread (it also delivers what earlier runs left queued)."""
        if self._thread is None or not self._thread.is_alive():
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="xapi-sender", daemon=True)
            self._thread.start()

    def retry_now(self) -> None:
        """Forget the backoff and try again at once (e.g. after the LRS is known to be back)."""
        self.failures = 0
        self._wake.set()

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything queued was delivered, at most `timeout` seconds; True if it was."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.pending() == 0:
                return True
            time.sleep(0.05)
        return self.pending() == 0

    def close(self) -> None:
        """Stop the sender; whatever was not delivered stays queued for the next start."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=self.settings.xapi_timeout + 1)
        self._http.close()
        self._file.close()


def _score(raw: float, max_score: float) -> dict[str, float]:
    return {"raw": raw, "min": 0, "max": max_score, "scaled": max(0.0, min(1.0, raw / max_score))}


class XapiMiddleware:
    """ASGI middleware: after each successful POST /v1/chat (JSON or SSE), queue its `asked`/`answered`.

    It reads the reply from the response itself (the `reply` SSE event, or the JSON body), so the chat
    code needs no hook and a client never waits: the statements are queued after the last byte is sent.
    """

    def __init__(self, app: Any, recorder: XapiRecorder, paths: tuple[str, ...] = ("/v1/chat",)):
        self.app, self.recorder, self.paths = app, recorder, paths

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("method") != "POST" or scope.get("path") not in self.paths:
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})  # request.state of the endpoint: auth puts the principal there
        seen: dict[str, Any] = {"status": 0, "body": bytearray(), "sse": False}

        async def tap(message: dict) -> None:
            if message["type"] == "http.response.start":
                seen["status"] = message["status"]
                ctype = dict(message.get("headers") or []).get(b"content-type", b"")
                seen["sse"] = ctype.startswith(b"text/event-stream")
            elif message["type"] == "http.response.body" and seen["status"] == 200:
                seen["body"] += message.get("body", b"")
            await send(message)

        await self.app(scope, receive, tap)
        if seen["status"] != 200:
            return
        try:
            reply = _reply_from(bytes(seen["body"]), seen["sse"])
            if reply is not None:
                principal = state.get("principal")
                # The statement write is a small SQLite insert; still, keep it off the event loop.
                await anyio.to_thread.run_sync(self.recorder.record_turn, reply, getattr(principal, "key_id", None))
        except Exception:  # a statement must never break the chat
            log.exception("could not queue xAPI statements for a chat reply")


def _reply_from(body: bytes, sse: bool) -> TutorReply | None:
    """The TutorReply in a /v1/chat response body: the `reply` event of a stream, or the JSON body."""
    if not sse:
        return TutorReply.model_validate_json(body)
    for block in body.decode("utf-8", "replace").replace("\r\n", "\n").split("\n\n"):
        lines = block.split("\n")
        if "event: reply" in lines:
            data = "\n".join(line[6:] for line in lines if line.startswith("data: "))
            return TutorReply.model_validate_json(data)
    return None


def install_xapi(app: Any, settings: Settings) -> XapiRecorder | None:
    """When an LRS is configured: a recorder on `app.state.xapi` and the middleware feeding it chat turns."""
    recorder = XapiRecorder.from_settings(settings)
    app.state.xapi = recorder
    if recorder is not None:
        app.add_middleware(XapiMiddleware, recorder=recorder)
        getattr(app.state, "closers", []).append(recorder.close)
    return recorder
