"""Bayesian Knowledge Tracing arithmetic against hand-computed values, and the SQLite store."""

from __future__ import annotations

import pytest

from tutor.mastery import BKTParams, MasteryStore, guess_for, posterior, update

P = BKTParams(p_init=0.2, p_transit=0.15, p_slip=0.1, p_guess=0.2)


def test_posterior_by_hand():
    # correct: 0.2·0.9 / (0.2·0.9 + 0.8·0.2) = 0.18 / 0.34
    assert posterior(0.2, True, 0.1, 0.2) == pytest.approx(0.18 / 0.34)
    # incorrect: 0.2·0.1 / (0.2·0.1 + 0.8·0.8) = 0.02 / 0.66
    assert posterior(0.2, False, 0.1, 0.2) == pytest.approx(0.02 / 0.66)


def test_update_by_hand():
    # correct: 0.529412 + (1 - 0.529412)·0.15 = 0.6 exactly
    assert update(0.2, 1.0, P) == pytest.approx(0.6)
    # incorrect: 0.030303 + 0.969697·0.15 = 0.175758
    assert update(0.2, 0.0, P) == pytest.approx(0.1757576, abs=1e-6)
    # partly (soft evidence): 0.5·0.529412 + 0.5·0.030303 = 0.279857; + 0.720143·0.15 = 0.387879
    assert update(0.2, 0.5, P) == pytest.approx(0.3878788, abs=1e-6)
    # a true/false guess is worth less: 0.18 / (0.18 + 0.8·0.5) = 0.310345; + 0.689655·0.15 = 0.413793
    assert update(0.2, 1.0, P, guess=guess_for("true_false")) == pytest.approx(0.4137931, abs=1e-6)


def test_guess_per_item_kind():
    assert guess_for("true_false") == 0.5
    assert guess_for("multiple_choice", 4) == 0.25
    assert guess_for("short_answer") == 0.1


def test_store_accumulates_per_learner_and_objective(tmp_path):
    store = MasteryStore(tmp_path / "m.sqlite3", P)
    try:
        assert store.get("ann", "o1").p_known == 0.2
        assert store.record("ann", "o1", 1.0).p_known == pytest.approx(0.6)
        # second correct answer: 0.54 / (0.54 + 0.4·0.2) = 0.870968; + 0.129032·0.15 = 0.890323
        second = store.record("ann", "o1", 1.0)
        assert second.p_known == pytest.approx(0.8903226, abs=1e-6)
        assert (second.attempts, second.correct, second.mastered) == (2, 2, False)
        assert store.get("bob", "o1").p_known == 0.2  # learners are separate
        for _ in range(3):
            last = store.record("ann", "o1", 1.0)
        assert last.mastered and last.p_known >= 0.95
        assert set(store.all("ann")) == {"o1"} and store.all("bob") == {}
    finally:
        store.close()
    reopened = MasteryStore(tmp_path / "m.sqlite3", P)  # survives a restart
    assert reopened.get("ann", "o1").attempts == 5
    reopened.close()
