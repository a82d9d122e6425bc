"""Tutoring over a Tutor: the lesson map, quizzes with grading, mastery per learner, Socratic mode, chat commands.

`Tutoring(tutor)` is built on first use (`Tutor.tutoring`). The lesson map and question bank are
generated once per corpus state and cached in the data directory; quizzes, answers and per-session
settings live in `tutoring.sqlite3`, mastery in `mastery.sqlite3`. Every front end (chat commands,
the terminal `tutor quiz`, the web app, the HTTP API) goes through this class.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
from pydantic import BaseModel, Field

from tutor import grounding
from tutor.grading import Grade, Grader
from tutor.grounding import judge as judge_claim
from tutor.lessons import LessonMap, build_lesson_map
from tutor.mastery import MasteryStore, ObjectiveMastery, guess_for
from tutor.quiz import CachedEmbed, QuestionBank, Quiz, QuizItem
from tutor.storage import SqliteFile
from tutor.types import Citation, TutorReply

if TYPE_CHECKING:
    from tutor.service import Tutor

log = logging.getLogger(__name__)

GENERATOR_VERSION = "tutoring-v2"  # bump when lessons or quiz generation change, to rebuild the cache
SECTION_NEAREST = 2
SECTION_CLOSENESS = 0.25
SECTION_MARGIN = 0.05
"""A quiz scope in words no section title shares is the section whose `SECTION_NEAREST` closest sentences are at
least this close on average (cosine) and this much closer than the next section's. Measured on the article: "the
risks" 0.31 against 0.12, "hallucinations" 0.51 against 0.32; "hamlet", "cooking", "the basics" 0.13 or less."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS quizzes (quiz_id TEXT PRIMARY KEY, learner TEXT NOT NULL, quiz TEXT NOT NULL,
                                    created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS answers (id INTEGER PRIMARY KEY AUTOINCREMENT, quiz_id TEXT NOT NULL, item_id TEXT NOT NULL,
                                    learner TEXT NOT NULL, answer TEXT NOT NULL, grade TEXT NOT NULL,
                                    created_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS answers_quiz ON answers(quiz_id, id);
CREATE TABLE IF NOT EXISTS session_state (session_id TEXT PRIMARY KEY, socratic INTEGER, pending TEXT);
"""


class ObjectiveProgress(BaseModel):
    """One objective in a learner's progress view."""

    objective_id: str
    section: str
    text: str
    p_known: float
    attempts: int
    correct: int
    mastered: bool


class Progress(BaseModel):
    """A learner's mastery of every objective, and what to study next."""

    learner: str
    objectives: list[ObjectiveProgress]
    mastered: int
    total: int
    next: list[ObjectiveProgress] = Field(description="Objectives to study next, least known first.")


class AnswerResult(BaseModel):
    """The grade of one quiz answer, the mastery it moved, and what comes next."""

    quiz_id: str
    item_id: str
    grade: Grade
    mastery: ObjectiveMastery | None = None
    next_item: QuizItem | None = None
    finished: bool = False
    score: float = Field(description="Points so far in this quiz (correct 1, partly 0.5).")
    answered: int


class TutoringError(Exception):
    """Raised for an unknown quiz or item; front ends turn it into a message or a 404."""


class QuizObserver(Protocol):
    """Told when a learner starts or finishes a quiz, whichever front end ran it (xAPI export listens here)."""

    def quiz_started(self, learner: str, quiz: Quiz) -> None: ...

    def quiz_finished(self, learner: str, quiz: Quiz, score: float) -> None: ...


class Tutoring:
    """Lessons, quizzes, grading, mastery and Socratic mode for one Tutor."""

    def __init__(self, tutor: "Tutor"):
        self.tutor = tutor
        self.embed = CachedEmbed(tutor._embed)
        # The whole material's sentences: true detail from another section is neutral to a grade (round 11b).
        self.grader = Grader(self.judge, self.embed, [s.text for c in tutor.chunks for s in c.sentences])
        data = tutor.settings.data_dir
        self.mastery = MasteryStore(data / "mastery.sqlite3")
        self._db = SqliteFile(data / "tutoring.sqlite3", _SCHEMA)
        self._lessons: LessonMap | None = None
        self._bank: QuestionBank | None = None
        self._items: dict[str, QuizItem] = {}
        self._load_lock = threading.Lock()  # concurrent first requests wait for one build
        self._observers: list[QuizObserver] = []

    def judge(self, claim: str, passages: list[str]) -> Any:
        """The grounding judge, sharing the Tutor's embedding model."""
        return judge_claim(claim, passages, embed=self.embed)

    # -- material ------------------------------------------------------------------------------

    def _cache_path(self):
        # The judge decides which items exist, so a change to it rebuilds the bank too.
        judge_code = hashlib.sha1(Path(grounding.__file__).read_bytes()).hexdigest()
        digest = hashlib.sha1("\n".join([GENERATOR_VERSION, judge_code, self.tutor.settings.embedding_model,
                                         *(c.chunk_id for c in self.tutor.chunks)]).encode()).hexdigest()[:16]
        return self.tutor.settings.data_dir / f"tutoring-{digest}.json"

    def prepare_in_background(self) -> threading.Thread:
        """Build or load the lesson map and question bank off the request path (servers call this at start)."""
        thread = threading.Thread(target=self._load, name="tutoring-prepare", daemon=True)
        thread.start()
        return thread

    def _load(self) -> None:
        if self._bank is not None:
            return
        with self._load_lock:
            if self._bank is None:
                self._build_or_read()

    def _build_or_read(self) -> None:
        path = self._cache_path()
        lessons, bank = None, None
        if path.exists():
            try:
                cached = json.loads(path.read_text(encoding="utf-8"))
                lessons = LessonMap.model_validate(cached["lessons"])
                bank = QuestionBank([QuizItem.model_validate(i) for i in cached["items"]], cached["rejected"])
            except (ValueError, KeyError) as exc:  # a damaged cache is rebuilt
                log.warning("Rebuilding the tutoring cache (%s)", exc)
                bank = None
        if bank is None:
            log.info("Generating the lesson map and question bank")
            lessons = build_lesson_map(self.tutor.chunks, self.judge)
            bank = QuestionBank.build(self.tutor.chunks, lessons, self.judge, self.embed)
            path.write_text(json.dumps({"lessons": lessons.model_dump(mode="json"),
                                        "items": [i.model_dump(mode="json") for i in bank.items],
                                        "rejected": bank.rejected}), encoding="utf-8")
        # _bank last: readers take its presence to mean everything is in place.
        self._items = {i.item_id: i for i in bank.items}
        self._lessons = lessons
        self._bank = bank

    def ready(self) -> bool:
        """Whether the lesson map and question bank are built or cached (so progress views are cheap)."""
        return self._bank is not None or self._cache_path().exists()

    def lessons(self) -> LessonMap:
        """The lesson map of the material."""
        self._load()
        assert self._lessons is not None
        return self._lessons

    def bank(self) -> QuestionBank:
        """Every checked quiz item."""
        self._load()
        assert self._bank is not None
        return self._bank

    def section_for(self, scope: str) -> str | None:
        """The title of the section a learner's words name ("dissociation", "the risks"), or None when none does.

        Words shared with a title or its objectives decide (`LessonMap.section`). Failing that, the section whose
        closest sentences mean most nearly the same is taken when it is near enough and clearly nearer than any
        other: "the risks" is "Brain Alterations from Prolonged Use", though the material never says "risk"."""
        section = self.lessons().section(scope)
        if section is not None:
            return section.title
        from tutor.lessons import section_sentences

        wanted = np.asarray(self.embed([scope])[0], dtype=float)
        wanted /= np.linalg.norm(wanted) + 1e-12
        closeness: dict[str, float] = {}
        for _source, title, pairs in section_sentences(self.tutor.chunks):
            vectors = np.asarray(self.embed([s.text for _, s in pairs]), dtype=float)
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-12
            nearest = np.sort(vectors @ wanted)[-SECTION_NEAREST:]
            closeness[title] = max(closeness.get(title, -1.0), float(nearest.mean()))
        ranked = sorted(closeness.items(), key=lambda kv: -kv[1])
        if not ranked or ranked[0][1] < SECTION_CLOSENESS:
            return None
        if len(ranked) > 1 and ranked[0][1] - ranked[1][1] < SECTION_MARGIN:
            return None
        return ranked[0][0]

    def summary(self, section: str = "all") -> tuple[str, list[Citation]]:
        """The material (or the section with this title) in brief: its key sentences, quoted and cited."""
        from tutor.lessons import key_sentences, sentence_citation

        chunks = [c for c in self.tutor.chunks if section == "all" or c.section == section] or self.tutor.chunks
        per_section = 2 if len({c.section for c in chunks}) > 1 else 4
        citations: list[Citation] = []
        parts: list[str] = []
        for chunk, sentence in key_sentences(chunks, self.embed, per_section):
            citations.append(sentence_citation(chunk, sentence, marker=len(citations) + 1))
            line = f"{sentence.text} [{len(citations)}]"
            if parts and parts[-1][0] == chunk.section:
                parts[-1][1].append(line)
            else:
                parts.append((chunk.section, [line]))
        if len(parts) == 1:
            return f"“{parts[0][0]}” in brief, in its own words:\n\n" + " ".join(parts[0][1]), citations
        return "The material in brief, in its own words:\n\n" + "\n\n".join(
            f"{title}: " + " ".join(lines) for title, lines in parts), citations

    # -- quizzes -------------------------------------------------------------------------------

    def start_quiz(self, learner: str, scope: str = "all", n: int | None = None) -> Quiz:
        """A new quiz for a learner on everything or one section, least-mastered objectives first."""
        n = n or self.tutor.settings.quiz_questions
        progress = self.progress(learner)
        priority = [o.objective_id for o in sorted(progress.objectives, key=lambda o: (o.mastered, o.p_known))]
        with self._db.transaction() as db:
            taken = db.execute("SELECT COUNT(*) FROM quizzes WHERE learner=?", (learner,)).fetchone()[0]
        title = self.section_for(scope) if scope and scope != "all" else None
        quiz = self.bank().quiz(title or "all", n, seed=taken, priority=priority, lessons=self.lessons())
        quiz = quiz.model_copy(update={"quiz_id": f"{quiz.quiz_id}-{uuid.uuid4().hex[:8]}"})
        with self._db.transaction() as db:
            db.execute("INSERT INTO quizzes VALUES (?,?,?,?)", (quiz.quiz_id, learner, quiz.model_dump_json(), _now()))
        self._notify("quiz_started", learner, quiz)
        return quiz

    def quiz(self, quiz_id: str) -> tuple[Quiz, str]:
        """A stored quiz and its learner; raises TutoringError when unknown."""
        with self._db.transaction() as db:
            row = db.execute("SELECT quiz, learner FROM quizzes WHERE quiz_id=?", (quiz_id,)).fetchone()
        if row is None:
            raise TutoringError(f"No quiz {quiz_id!r}.")
        return Quiz.model_validate_json(row[0]), row[1]

    def last_quiz(self, learner: str) -> Quiz | None:
        """The learner's most recent quiz, if any."""
        with self._db.transaction() as db:
            row = db.execute("SELECT quiz FROM quizzes WHERE learner=? ORDER BY created_at DESC, rowid DESC LIMIT 1",
                             (learner,)).fetchone()
        return Quiz.model_validate_json(row[0]) if row else None

    def answered(self, quiz_id: str) -> dict[str, Grade]:
        """Grades given so far in a quiz, by item id (the latest per item)."""
        with self._db.transaction() as db:
            rows = db.execute("SELECT item_id, grade FROM answers WHERE quiz_id=? ORDER BY id", (quiz_id,)).fetchall()
        return {r[0]: Grade.model_validate_json(r[1]) for r in rows}

    def answer(self, quiz_id: str, item_id: str | None, answer: str) -> AnswerResult:
        """Grade an answer to an item of a quiz (the next unanswered one when item_id is None); update mastery."""
        quiz, learner = self.quiz(quiz_id)
        done = self.answered(quiz_id)
        if item_id is None:
            item = next((i for i in quiz.items if i.item_id not in done), None)
            if item is None:
                raise TutoringError("This quiz is finished.")
        else:
            item = next((i for i in quiz.items if i.item_id == item_id), None)
            if item is None:
                raise TutoringError(f"Quiz {quiz_id!r} has no item {item_id!r}.")
        grade = self.grader.grade(item, answer)
        with self._db.transaction() as db:
            db.execute("INSERT INTO answers(quiz_id, item_id, learner, answer, grade, created_at) VALUES (?,?,?,?,?,?)",
                       (quiz_id, item.item_id, learner, answer, grade.model_dump_json(), _now()))
        mastery = None
        if item.objective_id:
            mastery = self.mastery.record(learner, item.objective_id, grade.score,
                                          guess_for(item.kind, len(item.options)))
        done[item.item_id] = grade
        remaining = [i for i in quiz.items if i.item_id not in done]
        score = sum(g.score for g in done.values())
        if not remaining:
            self._notify("quiz_finished", learner, quiz, score)
        return AnswerResult(quiz_id=quiz_id, item_id=item.item_id, grade=grade, mastery=mastery,
                            next_item=remaining[0] if remaining else None, finished=not remaining,
                            score=score, answered=len(done))

    # -- observers -----------------------------------------------------------------------------

    def add_observer(self, observer: QuizObserver) -> None:
        """Tell `observer` about every quiz started or finished from now on."""
        self._observers.append(observer)

    def remove_observer(self, observer: QuizObserver) -> None:
        """Stop telling `observer` (a no-op when it was not added)."""
        if observer in self._observers:
            self._observers.remove(observer)

    def _notify(self, event: str, *args: Any) -> None:
        # An export failing must never cost the learner their quiz: log it and go on.
        for observer in list(self._observers):
            try:
                getattr(observer, event)(*args)
            except Exception:
                log.exception("quiz observer %r failed on %s", observer, event)

    # -- mastery -------------------------------------------------------------------------------

    def progress(self, learner: str, n_next: int = 3) -> Progress:
        """Mastery of every objective, and up to n_next objectives to study next."""
        known = self.mastery.all(learner)
        rows = []
        for o in self.lessons().objectives():
            m = known.get(o.objective_id) or self.mastery.get(learner, o.objective_id)
            rows.append(ObjectiveProgress(objective_id=o.objective_id, section=o.section, text=o.text,
                                          p_known=round(m.p_known, 4), attempts=m.attempts, correct=m.correct,
                                          mastered=m.mastered))
        order = {o.objective_id: i for i, o in enumerate(rows)}
        todo = sorted((r for r in rows if not r.mastered), key=lambda r: (r.p_known, order[r.objective_id]))
        return Progress(learner=learner, objectives=rows, mastered=sum(r.mastered for r in rows), total=len(rows),
                        next=todo[:n_next])

    # -- per-session state ---------------------------------------------------------------------

    def _state(self, session_id: str) -> tuple[bool, dict | None]:
        with self._db.transaction() as db:
            row = db.execute("SELECT socratic, pending FROM session_state WHERE session_id=?", (session_id,)).fetchone()
        if row is None:
            return self.tutor.settings.socratic_default, None
        socratic = self.tutor.settings.socratic_default if row[0] is None else bool(row[0])
        return socratic, json.loads(row[1]) if row[1] else None

    def _save_state(self, session_id: str, socratic: bool | None = None, pending: dict | None | str = "keep") -> None:
        current_socratic, current_pending = self._state(session_id)
        socratic = current_socratic if socratic is None else socratic
        pending = current_pending if pending == "keep" else pending
        with self._db.transaction() as db:
            db.execute("INSERT INTO session_state VALUES (?,?,?) ON CONFLICT(session_id) DO UPDATE SET "
                       "socratic=excluded.socratic, pending=excluded.pending",
                       (session_id, int(socratic), json.dumps(pending) if pending else None))

    def socratic(self, session_id: str) -> bool:
        """Whether Socratic mode is on for a session."""
        return self._state(session_id)[0]

    def set_socratic(self, session_id: str, on: bool) -> None:
        """Turn Socratic mode on or off for a session."""
        self._save_state(session_id, socratic=on, pending=None if not on else "keep")

    def pending(self, session_id: str) -> dict | None:
        """What the session waits for: {'type': 'quiz', …} or {'type': 'socratic', …}, else None."""
        return self._state(session_id)[1]

    def set_pending(self, session_id: str, pending: dict | None) -> None:
        """Record what the session waits for (None clears it)."""
        self._save_state(session_id, pending=pending)

    # -- chat ----------------------------------------------------------------------------------

    def fixed_command(self, message: str, session_id: str) -> bool:
        """Whether the message is a bare command for this session ("my progress"; "hint" while a round waits)."""
        from tutor.socratic import RETRY, fixed_command

        last_turn = self.tutor.sessions.history(session_id, 1) if RETRY.match(message) else []
        after_crisis = bool(last_turn) and last_turn[0].reply_kind == "crisis"
        return fixed_command(message, self.pending(session_id) is not None, after_crisis)

    def handle(self, message: str, session_id: str) -> TutorReply | None:
        """A reply when the message is a tutoring command or a turn of a quiz or Socratic exchange, else None.

        Called by `Tutor.stream` after the safety guard has passed the message.
        """
        from tutor.socratic import handle_message

        return handle_message(self, message, session_id)

    def close(self) -> None:
        """Close the databases."""
        self.mastery.close()
        self._db.close()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()


def cited(reply_text: str, citation: Citation | None) -> tuple[str, list[Citation]]:
    """Feedback text with a [1] marker and its citation (so front ends show the passage)."""
    if citation is None:
        return reply_text, []
    return f"{reply_text} [1]", [citation.model_copy(update={"marker": 1})]


def letters(options: list[str]) -> str:
    """Options as 'A) …' lines."""
    return "\n".join(f"{chr(65 + i)}) {o}" for i, o in enumerate(options))


def item_text(item: QuizItem, number: int, total: int) -> str:
    """How a quiz item is shown in a chat."""
    kind = {"multiple_choice": "multiple choice", "true_false": "true or false", "short_answer": "short answer"}[item.kind]
    text = f"Question {number} of {total} ({kind}, {item.section}):\n\n{item.question}"
    if item.kind == "multiple_choice":
        text += "\n\n" + letters(item.options) + "\n\nAnswer with a letter or the term."
    elif item.kind == "true_false":
        text += "\n\nAnswer true or false."
    else:
        text += "\n\nAnswer in a sentence or two, in your own words."
    return text

