"""Mastery per learner and objective: Bayesian Knowledge Tracing, stored in SQLite in the data directory.

Standard BKT (Corbett & Anderson 1995), one skill per lesson objective. Parameters:

- `p_init` P(L0) = 0.2: chance the learner already knows an objective before any attempt.
- `p_transit` P(T) = 0.15: chance of learning it at each practice opportunity.
- `p_slip` P(S) = 0.1: chance of answering wrong while knowing it.
- `p_guess` P(G): chance of answering right without knowing it; per item kind, because a true/false
  item is guessed far more easily than a free-text one: true/false 0.5, multiple choice 1/options,
  short answer 0.1.

After an attempt the posterior is
  correct:   P(L|c) = P(L)(1-S) / (P(L)(1-S) + (1-P(L))G)
  incorrect: P(L|w) = P(L)S / (P(L)S + (1-P(L))(1-G))
and a "partly" grade (score 0.5) is soft evidence: score·P(L|c) + (1-score)·P(L|w).
Then learning may happen: P(L') = P(L|obs) + (1 - P(L|obs))·T. An objective counts as mastered at 0.95.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from pydantic import BaseModel, Field

from tutor.storage import SqliteFile

MASTERED = 0.95


class BKTParams(BaseModel):
    """The four BKT parameters (guess given per attempt; this is its default)."""

    p_init: float = Field(0.2, ge=0, le=1)
    p_transit: float = Field(0.15, ge=0, le=1)
    p_slip: float = Field(0.1, ge=0, lt=1)
    p_guess: float = Field(0.2, gt=0, le=1)


def guess_for(kind: str, options: int = 0) -> float:
    """P(G) for an item kind: true/false 0.5, multiple choice 1/options, short answer 0.1."""
    if kind == "true_false":
        return 0.5
    if kind == "multiple_choice":
        return 1.0 / max(options, 2)
    return 0.1


def posterior(p_known: float, correct: bool, slip: float, guess: float) -> float:
    """P(known | one observed answer), before any learning."""
    if correct:
        num = p_known * (1 - slip)
        den = num + (1 - p_known) * guess
    else:
        num = p_known * slip
        den = num + (1 - p_known) * (1 - guess)
    return num / den if den > 0 else p_known


def update(p_known: float, score: float, params: BKTParams, guess: float | None = None) -> float:
    """P(known) after an attempt graded `score` (1 correct, 0 incorrect, in between: soft evidence)."""
    g = params.p_guess if guess is None else guess
    score = min(max(score, 0.0), 1.0)
    observed = score * posterior(p_known, True, params.p_slip, g) + \
        (1 - score) * posterior(p_known, False, params.p_slip, g)
    return observed + (1 - observed) * params.p_transit


class ObjectiveMastery(BaseModel):
    """One learner's estimate for one objective."""

    objective_id: str
    p_known: float
    attempts: int = 0
    correct: int = 0
    mastered: bool = False
    updated_at: str | None = None


_SCHEMA = """
CREATE TABLE IF NOT EXISTS mastery (
    learner TEXT NOT NULL, objective_id TEXT NOT NULL, p_known REAL NOT NULL, attempts INTEGER NOT NULL,
    correct INTEGER NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (learner, objective_id));
"""


class MasteryStore:
    """BKT estimates per (learner, objective) in one SQLite file."""

    def __init__(self, path: Path, params: BKTParams | None = None):
        self.params = params or BKTParams()
        self._file = SqliteFile(path, _SCHEMA)

    def get(self, learner: str, objective_id: str) -> ObjectiveMastery:
        """The learner's estimate for an objective (the prior when never attempted)."""
        with self._file.transaction() as db:
            row = db.execute("SELECT p_known, attempts, correct, updated_at FROM mastery WHERE learner=? AND "
                             "objective_id=?", (learner, objective_id)).fetchone()
        if row is None:
            return ObjectiveMastery(objective_id=objective_id, p_known=self.params.p_init)
        return ObjectiveMastery(objective_id=objective_id, p_known=row[0], attempts=row[1], correct=row[2],
                                mastered=row[0] >= MASTERED, updated_at=row[3])

    def record(self, learner: str, objective_id: str, score: float, guess: float | None = None) -> ObjectiveMastery:
        """Update the estimate with one graded attempt; returns the new state."""
        now = datetime.now(timezone.utc).isoformat()
        with self._file.transaction() as db:
            row = db.execute("SELECT p_known, attempts, correct FROM mastery WHERE learner=? AND objective_id=?",
                             (learner, objective_id)).fetchone()
            p, attempts, correct = row if row else (self.params.p_init, 0, 0)
            p = update(p, score, self.params, guess)
            attempts, correct = attempts + 1, correct + (score >= 1.0)
            db.execute("INSERT INTO mastery VALUES (?,?,?,?,?,?) ON CONFLICT(learner, objective_id) DO UPDATE SET "
                       "p_known=excluded.p_known, attempts=excluded.attempts, correct=excluded.correct, "
                       "updated_at=excluded.updated_at", (learner, objective_id, p, attempts, correct, now))
        return ObjectiveMastery(objective_id=objective_id, p_known=p, attempts=attempts, correct=correct,
                                mastered=p >= MASTERED, updated_at=now)

    def all(self, learner: str) -> dict[str, ObjectiveMastery]:
        """Every objective the learner has attempted."""
        with self._file.transaction() as db:
            rows = db.execute("SELECT objective_id, p_known, attempts, correct, updated_at FROM mastery "
                              "WHERE learner=?", (learner,)).fetchall()
        return {r[0]: ObjectiveMastery(objective_id=r[0], p_known=r[1], attempts=r[2], correct=r[3],
                                       mastered=r[1] >= MASTERED, updated_at=r[4]) for r in rows}

    def close(self) -> None:
        """Close the database."""
        self._file.close()
