"""Conversation turns persisted in SQLite, so a follow-up works across processes."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from tutor.types import Turn


class SessionStore:
    """Append-only turns per session id, in one SQLite file."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, timeout=10)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS turns ("
            " id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL, turn TEXT NOT NULL)"
        )
        self._db.execute("CREATE INDEX IF NOT EXISTS turns_session ON turns(session_id, id)")
        self._db.commit()

    def append(self, session_id: str, turn: Turn) -> None:
        """Record one turn at the end of a session."""
        with self._lock:
            self._db.execute("INSERT INTO turns(session_id, turn) VALUES (?, ?)", (session_id, turn.model_dump_json()))
            self._db.commit()

    def history(self, session_id: str, limit: int | None = None) -> list[Turn]:
        """The session's turns, oldest first; only the last `limit` when given."""
        with self._lock:
            rows = self._db.execute(
                "SELECT turn FROM turns WHERE session_id = ? ORDER BY id DESC LIMIT ?",
                (session_id, -1 if limit is None else limit),
            ).fetchall()
        return [Turn.model_validate_json(r[0]) for r in reversed(rows)]

    def delete(self, session_id: str) -> int:
        """Erase a session; returns how many turns were removed."""
        with self._lock:
            cur = self._db.execute("DELETE FROM turns WHERE session_id = ?", (session_id,))
            self._db.commit()
        return cur.rowcount

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._db.close()
