"""One way to open the small SQLite databases in the data directory (sessions, feedback, safety, keys…)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class SqliteFile:
    """A SQLite file shared by threads: one connection, serialised by a lock, WAL for concurrent readers."""

    def __init__(self, path: Path, schema: str):
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        # check_same_thread=False: Gradio and the API call in from worker threads; the lock serialises them.
        self._db = sqlite3.connect(str(path), check_same_thread=False, timeout=10)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(schema)
        self._db.commit()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """The connection, held exclusively; commits on success, rolls back on error."""
        with self._lock:
            try:
                yield self._db
                self._db.commit()
            except BaseException:
                self._db.rollback()
                raise

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._db.close()
