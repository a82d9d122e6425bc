"""Grading round 15: partial credit is the partly boundary alone (the floor on the best idea score was removed)."""

from __future__ import annotations

import pytest

from evals.pedagogy import locate
from tests.tutoring_fixtures import tutoring  # noqa: F401  (fixture)
from tutor.grading import PARTLY_WEIGHTS, decide
from tutor.quiz import item_from_passage

_DREAMLIKE = ["This altered state of consciousness is often described as dream-like or can involve hallucinatory "
              "experiences at higher doses.",
              "The user may feel as though they are an observer of their own life."]


@pytest.fixture(scope="module")
def dreamlike_item(tutor):
    return item_from_passage("How is the altered state of consciousness caused by ketamine often described?",
                             [locate(tutor, p, n) for n, p in enumerate(_DREAMLIKE, 1)])


def test_a_terse_true_fragment_whose_best_idea_scores_below_the_old_floor_is_partly_right(tutoring, dreamlike_item):
    # "Dream-like." says one word of a long key: its best idea score is under 0.2, which alone used to make it incorrect,
    # but it is true and on the point, and the partly boundary (which weighs the best idea already) credits it.
    grade, ev = tutoring.grader.grade_with_evidence(dreamlike_item, "Dream-like.")
    assert ev.best < 0.2 and not ev.reversal
    assert grade.label == "partly"


@pytest.mark.parametrize("answer", ["It is a kind of bone disease that makes your joints ache.",
                                    "It's described as a burst of euphoria and energy, like a stimulant high."])
def test_answers_about_something_else_stay_incorrect_without_the_floor(tutoring, dreamlike_item, answer):
    grade, ev = tutoring.grader.grade_with_evidence(dreamlike_item, answer)
    assert grade.label == "incorrect", (ev.features, grade.reasons)


def test_the_label_follows_the_partly_boundary_alone(tutoring, dreamlike_item):
    _, ev = tutoring.grader.grade_with_evidence(dreamlike_item, "Dream-like.")
    above = sum(w * x for w, x in zip(PARTLY_WEIGHTS, ev.features)) >= 0
    assert (decide(ev) != "incorrect") == above
