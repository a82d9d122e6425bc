"""Conversation turns persisted in SQLite, so a follow-up works across processes."""

from __future__ import annotations

from pathlib import Path

from tutor.storage import SqliteFile
from tutor.types import Turn

_SCHEMA = """
CREATE TABLE IF NOT EXISTS turns (id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL, turn TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS turns_session ON turns(session_id, id);
"""


class SessionStore:
    """Append-only turns per session id, in one SQLite file."""

    def __init__(self, path: Path):
        self._file = SqliteFile(path, _SCHEMA)

    def append(self, session_id: str, turn: Turn) -> None:
        """Record one turn at the end of a session."""
        with self._file.transaction() as db:
            db.execute("INSERT INTO turns(session_id, turn) VALUES (?, ?)", (session_id, turn.model_dump_json()))

    def history(self, session_id: str, limit: int | None = None) -> list[Turn]:
        """The session's turns, oldest first; only the last `limit` when given."""
        with self._file.transaction() as db:
            rows = db.execute(
                "SELECT turn FROM turns WHERE session_id = ? ORDER BY id DESC LIMIT ?",
                (session_id, -1 if limit is None else limit),
            ).fetchall()
        return [Turn.model_validate_json(r[0]) for r in reversed(rows)]

    def delete(self, session_id: str) -> int:
        """Erase a session; returns how many turns were removed."""
        with self._file.transaction() as db:
            cur = db.execute("DELETE FROM turns WHERE session_id = ?", (session_id,))
        return cur.rowcount

    def close(self) -> None:
        """Close the database connection."""
        self._file.close()
