"""Grading round 13: the public lexicon API the grader uses, and the round's changes."""

from __future__ import annotations

from tutor.grading import _contrast
from tutor.grounding import antonym_poles, valence_of_poles


def test_the_judges_antonym_poles_and_their_valence_are_public():
    higher, lower = set(antonym_poles("higher")), set(antonym_poles("lower"))
    assert any((concept, -sign) in lower for concept, sign in higher)
    assert antonym_poles("ketamine") == []
    assert valence_of_poles([("growth", 1)]) == 1 and valence_of_poles([("growth", -1)]) == -1
    assert valence_of_poles([("growth", 1), ("health", -1)]) == 0
    # The grader's slot check reads them: opposite poles are a known contrast, a word and itself are not.
    assert _contrast("lower", "higher") and not _contrast("higher", "higher")
