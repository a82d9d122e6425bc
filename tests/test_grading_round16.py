"""Grading round 16: the question's words are left out of the cosines that say an idea and back a clause."""

from __future__ import annotations

import pytest

from evals.pedagogy import FOREIGN, LENGTH, LENGTH_ALONE_COVERAGE, GradedCase, fit_boundaries, locate
from tests.tutoring_fixtures import tutoring  # noqa: F401  (fixture)
from tutor.grading import CORRECT_WEIGHTS, PARTLY_WEIGHTS, without_asked
from tutor.quiz import item_from_passage
from tutor.text import content_stems

_GLUTAMATE = ("What is glutamate and what role does it play?",
              ["The brain’s communication network relies on neurotransmitters to transmit signals between neurons.",
               "The most abundant of these is glutamate, which plays a role in nearly all brain activities."])
_BDNF = ("Explain what BDNF is and what it does.",
         ["One of these is Brain-Derived Neurotrophic Factor (BDNF), which functions like a fertilizer for brain cells.",
          "BDNF encourages the growth of new synapses (connections between neurons) and helps repair neuronal pathways."])


def _item(tutor, question, passages):
    return item_from_passage(question, [locate(tutor, p, n) for n, p in enumerate(passages, 1)])


def test_without_asked_drops_the_words_the_question_uses_by_stem():
    asked = set(content_stems("What is glutamate and what role does it play?"))
    assert without_asked("The most abundant of these is glutamate", asked) == "The most abundant of these is"
    assert without_asked("Glutamate plays roles everywhere.", asked) == "roles everywhere ."
    # Nothing of its own left: the text itself, so a clause that only restates the question still has something to match.
    assert without_asked("glutamate", asked) == "glutamate"


@pytest.mark.parametrize("case, answer", [
    (_GLUTAMATE, "Glutamate is a sugar the liver stores for energy."),
    (_BDNF, "BDNF is a kind of X-ray machine used in hospitals."),
    (_BDNF, "BDNF is a vitamin found in oranges."),
])
def test_naming_the_asked_thing_says_no_idea_of_the_key(tutor, tutoring, case, answer):
    # The shared name alone once matched an idea that holds it ("The most abundant of these is glutamate") at 0.6–0.95.
    grade, ev = tutoring.grader.grade_with_evidence(_item(tutor, *case), answer)
    assert ev.best < 0.2, ev.scores
    assert grade.label == "incorrect", (ev.features, grade.reasons)


@pytest.mark.parametrize("case, answer", [
    (_GLUTAMATE, "It's the most plentiful neurotransmitter, and it takes part in almost everything the brain does."),
    (_GLUTAMATE, "Glutamate is the most common chemical messenger and is involved in nearly all brain activity."),
    (_BDNF, "It's a growth factor that acts like fertilizer for brain cells: it helps new synapses grow and repairs "
            "damaged pathways."),
])
def test_faithful_paraphrases_are_still_said(tutor, tutoring, case, answer):
    grade, ev = tutoring.grader.grade_with_evidence(_item(tutor, *case), answer)
    assert grade.label == "correct", (ev.features, grade.reasons)


def _case(split, expected, features):
    return GradedCase(question_id=f"q-{split}", split=split, kind="partly", answer="a", expected=expected, got=expected,
                      reasons=[], features=features)


def test_the_boundaries_weigh_no_foreign_share_and_length_alone_never_earns_correct():
    # Labelled so that foreign words go with partial credit and length with correctness, as the development sets do:
    # the partly fit still gives the foreign share no weight, and the correct fit passes through the coverage an answer
    # at the length cap needs.
    cases = []
    for i in range(40):
        cov, foreign, length = (i % 10) / 10, (i % 7) / 7, (i % 8 + 1) / 8
        expected = "correct" if cov + length > 1.2 else ("partly" if foreign > 0.4 or cov > 0.3 else "incorrect")
        cases.append(_case(f"s{i % 3}", expected, [cov, cov, 0.5, foreign, 0.8, length, 1.0]))
    partly, correct = fit_boundaries(cases)
    assert partly[FOREIGN] == 0.0 and PARTLY_WEIGHTS[FOREIGN] == 0.0
    at_cap = correct[0] * LENGTH_ALONE_COVERAGE + correct[LENGTH] + correct[-1]
    assert at_cap == pytest.approx(0.0, abs=1e-9) and correct[LENGTH] + correct[-1] < 0
    assert CORRECT_WEIGHTS[LENGTH] + CORRECT_WEIGHTS[-1] < 0

