"""API keys (hashed at rest, scoped, optionally origin-restricted) and which key owns which session."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from tutor.errors import ConfigError
from tutor.storage import SqliteFile

Scope = Literal["chat", "admin"]
SCOPES: tuple[str, ...] = ("chat", "admin")
KEY_PREFIX = "tk"
_ORIGIN = re.compile(r"^https?://[^/\s?#]+$")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS api_keys (
    key_id TEXT PRIMARY KEY, name TEXT NOT NULL, hash TEXT NOT NULL, scopes TEXT NOT NULL,
    origins TEXT NOT NULL, created_at TEXT NOT NULL, revoked_at TEXT
);
CREATE TABLE IF NOT EXISTS session_owners (session_id TEXT PRIMARY KEY, key_id TEXT NOT NULL, created_at TEXT NOT NULL);
"""


class ApiKey(BaseModel):
    """A stored key's public record (never the secret)."""

    key_id: str
    name: str
    scopes: list[str]
    origins: list[str] = Field(default_factory=list, description="Browser origins allowed to use the key; '*' for any.")
    created_at: datetime
    revoked_at: datetime | None = None

    @property
    def active(self) -> bool:
        """Whether the key can still be used."""
        return self.revoked_at is None


def _digest(secret: str) -> str:
    # The secret is 256 random bits, so a plain sha256 is enough: there is nothing to brute-force.
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()


def parse_key(secret: str) -> str | None:
    """The key id inside a presented key `tk_<id>_<random>`, or None when it is not of that form."""
    parts = secret.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1]


class KeyStore:
    """API keys and session ownership in one SQLite file in the data directory."""

    def __init__(self, path: Path):
        self._file = SqliteFile(path, _SCHEMA)

    def create(self, scopes: list[str], origins: list[str] | None = None, name: str = "") -> tuple[ApiKey, str]:
        """Make a key; returns its record and the secret, which is shown once and never stored."""
        unknown = [s for s in scopes if s not in SCOPES]
        if unknown or not scopes:
            raise ConfigError(f"unknown scope(s) {unknown or scopes}; choose from {', '.join(SCOPES)}")
        # Browsers send Origin as scheme://host[:port]; anything else could never match.
        bad = [o for o in origins or [] if o != "*" and not _ORIGIN.match(o.rstrip("/"))]
        if bad:
            raise ConfigError(f"not an origin: {', '.join(bad)}; use scheme://host[:port], e.g. https://lms.example.edu")
        key_id = secrets.token_hex(6)
        secret = f"{KEY_PREFIX}_{key_id}_{secrets.token_urlsafe(32)}"
        record = ApiKey(key_id=key_id, name=name or key_id, scopes=list(dict.fromkeys(scopes)),
                        origins=[o.rstrip("/") for o in origins or []], created_at=datetime.now(timezone.utc))
        with self._file.transaction() as db:
            db.execute("INSERT INTO api_keys(key_id, name, hash, scopes, origins, created_at) VALUES (?,?,?,?,?,?)",
                       (key_id, record.name, _digest(secret), json.dumps(record.scopes), json.dumps(record.origins),
                        record.created_at.isoformat()))
        return record, secret

    def list(self) -> list[ApiKey]:
        """Every key, oldest first (revoked ones too)."""
        with self._file.transaction() as db:
            rows = db.execute("SELECT key_id, name, scopes, origins, created_at, revoked_at FROM api_keys "
                              "ORDER BY created_at").fetchall()
        return [self._record(r) for r in rows]

    def revoke(self, key_id: str) -> bool:
        """Revoke a key by id; False when no active key has that id."""
        with self._file.transaction() as db:
            cur = db.execute("UPDATE api_keys SET revoked_at = ? WHERE key_id = ? AND revoked_at IS NULL", (_now(), key_id))
        return cur.rowcount > 0

    def authenticate(self, secret: str) -> ApiKey | None:
        """The active key matching a presented secret, or None."""
        key_id = parse_key(secret)
        if key_id is None:
            return None
        with self._file.transaction() as db:
            row = db.execute("SELECT key_id, name, scopes, origins, created_at, revoked_at, hash FROM api_keys "
                             "WHERE key_id = ?", (key_id,)).fetchone()
        if row is None or not hmac.compare_digest(row[6], _digest(secret)):
            return None
        record = self._record(row[:6])
        return record if record.active else None

    # -- session ownership -------------------------------------------------------------------

    def owner(self, session_id: str) -> str | None:
        """Id of the key that created a session, or None when no key did."""
        with self._file.transaction() as db:
            row = db.execute("SELECT key_id FROM session_owners WHERE session_id = ?", (session_id,)).fetchone()
        return row[0] if row else None

    def claim(self, session_id: str, key_id: str) -> str:
        """Record `key_id` as the owner unless the session already has one; returns the owner."""
        with self._file.transaction() as db:
            db.execute("INSERT OR IGNORE INTO session_owners(session_id, key_id, created_at) VALUES (?,?,?)",
                       (session_id, key_id, _now()))
            return db.execute("SELECT key_id FROM session_owners WHERE session_id = ?", (session_id,)).fetchone()[0]

    def release(self, session_id: str) -> None:
        """Forget who owned a session (after it was erased)."""
        with self._file.transaction() as db:
            db.execute("DELETE FROM session_owners WHERE session_id = ?", (session_id,))

    def close(self) -> None:
        """Close the database."""
        self._file.close()

    @staticmethod
    def _record(row: tuple) -> ApiKey:
        return ApiKey(key_id=row[0], name=row[1], scopes=json.loads(row[2]), origins=json.loads(row[3]),
                      created_at=datetime.fromisoformat(row[4]),
                      revoked_at=datetime.fromisoformat(row[5]) if row[5] else None)
