"""Replies of the web UI and the HTTP API and learners' ratings of them, in SQLite; export as a draft eval set."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel

from tutor.storage import SqliteFile
from tutor.types import TutorReply

Rating = Literal["up", "down"]
_MARKER = re.compile(r"\s*\[\d+(?:\s*,\s*\d+)*\]")
MAX_COMMENT_CHARS = 2000


class Rated(BaseModel):
    """A rated reply with what led to it: the learner's earlier questions in the same session."""

    key: str
    reply: TutorReply
    rating: Rating
    comment: str
    rated_at: datetime
    earlier_questions: list[str]


_SCHEMA = """
CREATE TABLE IF NOT EXISTS replies (seq INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT UNIQUE NOT NULL,
    session_id TEXT NOT NULL, created_at TEXT NOT NULL, reply TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS replies_session ON replies(session_id, seq);
CREATE TABLE IF NOT EXISTS feedback (reply_key TEXT PRIMARY KEY REFERENCES replies(key),
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down')), comment TEXT NOT NULL DEFAULT '', rated_at TEXT NOT NULL);
"""


class FeedbackStore:
    """Every reply the UI showed (so citations survive a reload) and at most one rating per reply."""

    def __init__(self, path: Path):
        self._file = SqliteFile(path, _SCHEMA)

    @classmethod
    def open(cls, data_dir: Path) -> FeedbackStore:
        """The store in a data directory."""
        return cls(Path(data_dir) / "feedback.sqlite3")

    def save_reply(self, reply: TutorReply) -> str:
        """Record a reply; returns the key that names it in the page and in ratings."""
        key = uuid.uuid4().hex
        with self._file.transaction() as db:
            db.execute("INSERT INTO replies(key, session_id, created_at, reply) VALUES (?, ?, ?, ?)",
                       (key, reply.session_id, _now(), reply.model_dump_json()))
        return key

    def reply(self, key: str) -> TutorReply | None:
        """The reply recorded under `key`, if any."""
        with self._file.transaction() as db:
            row = db.execute("SELECT reply FROM replies WHERE key = ?", (key,)).fetchone()
        return TutorReply.model_validate_json(row[0]) if row else None

    def replies(self, session_id: str) -> list[tuple[str, TutorReply]]:
        """(key, reply) for every reply recorded in a session, oldest first."""
        with self._file.transaction() as db:
            rows = db.execute("SELECT key, reply FROM replies WHERE session_id = ? ORDER BY seq",
                              (session_id,)).fetchall()
        return [(k, TutorReply.model_validate_json(r)) for k, r in rows]

    def forget_session(self, session_id: str) -> int:
        """Erase a session's recorded replies and their ratings; returns how many replies were removed."""
        with self._file.transaction() as db:
            db.execute("DELETE FROM feedback WHERE reply_key IN (SELECT key FROM replies WHERE session_id = ?)",
                       (session_id,))
            return db.execute("DELETE FROM replies WHERE session_id = ?", (session_id,)).rowcount

    def rate(self, key: str, rating: Rating | None, comment: str | None = None) -> bool:
        """Set (or with None, withdraw) the rating of a reply; a None comment keeps the one stored."""
        with self._file.transaction() as db:
            if not db.execute("SELECT 1 FROM replies WHERE key = ?", (key,)).fetchone():
                return False
            if rating is None:
                db.execute("DELETE FROM feedback WHERE reply_key = ?", (key,))
            else:
                db.execute(
                    "INSERT INTO feedback(reply_key, rating, comment, rated_at) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT(reply_key) DO UPDATE SET rating = excluded.rating, rated_at = excluded.rated_at"
                    + (", comment = excluded.comment" if comment is not None else ""),
                    (key, rating, (comment or "")[:MAX_COMMENT_CHARS], _now()),
                )
        return True

    def comment(self, key: str, comment: str) -> bool:
        """Attach a comment to an already rated reply; False when the reply has no rating."""
        with self._file.transaction() as db:
            cur = db.execute("UPDATE feedback SET comment = ? WHERE reply_key = ?",
                             (comment.strip()[:MAX_COMMENT_CHARS], key))
        return cur.rowcount > 0

    def rating(self, key: str) -> Rating | None:
        """The current rating of a reply."""
        with self._file.transaction() as db:
            row = db.execute("SELECT rating FROM feedback WHERE reply_key = ?", (key,)).fetchone()
        return row[0] if row else None

    def rated(self, ratings: Iterable[Rating] = ("up", "down"), history_turns: int = 3) -> list[Rated]:
        """Every rated reply (oldest first) with up to `history_turns` earlier questions of its session."""
        wanted = set(ratings)
        with self._file.transaction() as db:
            rows = db.execute(
                "SELECT r.key, r.seq, r.session_id, r.reply, f.rating, f.comment, f.rated_at"
                " FROM feedback f JOIN replies r ON r.key = f.reply_key ORDER BY r.seq").fetchall()
            out = []
            for key, seq, session_id, reply_json, rating, comment, rated_at in rows:
                if rating not in wanted:
                    continue
                earlier = db.execute(
                    "SELECT reply FROM replies WHERE session_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?",
                    (session_id, seq, history_turns)).fetchall()
                out.append(Rated(
                    key=key, reply=TutorReply.model_validate_json(reply_json), rating=rating, comment=comment,
                    rated_at=datetime.fromisoformat(rated_at),
                    earlier_questions=[TutorReply.model_validate_json(r[0]).question for r in reversed(earlier)],
                ))
        return out

    def close(self) -> None:
        """Close the database connection."""
        self._file.close()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def strip_markers(answer: str) -> str:
    """The answer text without its [n] citation markers."""
    return _MARKER.sub("", answer).strip()


def draft_case(item: Rated) -> dict:
    """One golden-set case drafted from a rating; a thumbs-down leaves the expectations for a reviewer."""
    reply = item.reply
    up = item.rating == "up"
    return {
        "id": f"feedback-{item.rating}-{item.key[:10]}",
        "category": "feedback_positive" if up else "feedback_negative",
        "turns": [*item.earlier_questions, reply.question],
        "expected_kind": reply.kind,
        # Cited texts are exact corpus substrings, which is what the golden set's passages must be.
        "expected_passages": list(dict.fromkeys(c.text for c in reply.citations)) if up else [],
        "reference_answer": strip_markers(reply.answer) if up else "",
        "must_not_say": [],
    }


def export_dataset(store: FeedbackStore, ratings: Iterable[Rating] = ("up", "down"), history_turns: int = 3) -> str:
    """Rated replies as a YAML list in the golden-set format, each case preceded by comments for its reviewer."""
    items = store.rated(ratings, history_turns)
    parts = [
        "# Draft eval cases from learners' ratings in the web UI and over the API (`tutor feedback export`).",
        "# Review every case before adding it to evals/datasets: thumbs-down cases need expected_kind,",
        "# expected_passages and reference_answer filled in by hand.",
        "" if items else "[]",
    ]
    for item in items:
        lines = [f"rated {item.rating} at {item.rated_at.isoformat()} (backend {item.reply.backend})"]
        if item.comment:
            lines.append(f"learner's comment: {item.comment}")
        if item.rating == "down":
            lines.append(f"the tutor replied ({item.reply.kind}): {strip_markers(item.reply.answer)}")
        comment = "\n".join("# " + " ".join(line.split()) for line in lines)
        body = yaml.safe_dump([draft_case(item)], allow_unicode=True, sort_keys=False, width=110)
        parts.append(f"{comment}\n{body}")
    return "\n".join(parts).rstrip() + "\n"
