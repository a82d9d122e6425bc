"""Grading round 17: a contradiction the grader finds is incorrect, never partly right."""

from __future__ import annotations

import numpy as np
import pytest

from evals.pedagogy import GradedCase, fit_boundaries, locate
from tests.tutoring_fixtures import tutoring  # noqa: F401  (fixture)
from tutor.grading import Evidence, _swapped_pair, decide
from tutor.quiz import item_from_passage

_SSRI = ["This glutamate burst is thought to trigger molecular events that underlie the medication’s rapid antidepressant "
         "properties.",
         "This mechanism contrasts with traditional antidepressants, like SSRIs, which act on the serotonin system and take "
         "several weeks to produce a therapeutic effect."]
_SSRI_QUESTION = "How does ketamine's antidepressant action differ from that of SSRIs?"
_DOSES = ["While therapeutic doses can foster neuroplasticity, chronic overuse may trigger processes like excitotoxicity."]
_DOSES_QUESTION = "How do therapeutic doses and chronic overuse differ in their effect on the brain?"


def _item(tutor, question, passages):
    return item_from_passage(question, [locate(tutor, p, n) for n, p in enumerate(passages, 1)])


def _evidence(**kw):
    base = dict(ideas=["a", "b"], scores=[0.9, 0.6], asked=[True, True], judged="supported", supported=True,
                judge_score=0.9, foreign=0.1, accounted=0.9, words=8)
    return Evidence(**{**base, **kw})


def test_a_doubt_is_incorrect_however_much_of_the_key_the_rest_says():
    assert decide(_evidence()) == "correct"
    doubted = _evidence(doubt="the material sets two things against each other; the answer gives them one thing in common")
    assert decide(doubted) == "incorrect"
    assert decide(_evidence(reversal="names serotonin where the material names glutamate")) == "incorrect"
    # Coverage alone still decides between partly and incorrect when nothing is found against the answer.
    assert decide(_evidence(scores=[0.9, 0.0], words=2)) == "partly"


@pytest.mark.parametrize("answer", [
    "Both of them foster neuroplasticity; overuse simply does it faster.",
    "Therapeutic doses foster neuroplasticity, and chronic overuse makes that effect even stronger.",
])
def test_one_sides_property_given_to_both_sides_of_a_contrast_is_incorrect(tutor, tutoring, answer):
    grade, ev = tutoring.grader.grade_with_evidence(_item(tutor, _DOSES_QUESTION, _DOSES), answer)
    assert ev.doubt or ev.reversal, grade.reasons
    assert grade.label == "incorrect", (ev.features, grade.reasons)
    assert "goes against the material" in grade.feedback


def test_the_faithful_contrast_is_not_doubted(tutor, tutoring):
    grade, ev = tutoring.grader.grade_with_evidence(
        _item(tutor, _DOSES_QUESTION, _DOSES),
        "At therapeutic doses it can foster neuroplasticity, whereas chronic overuse may trigger excitotoxicity.")
    assert not ev.doubt and not ev.reversal, grade.reasons
    assert grade.label != "incorrect"


def test_a_pair_of_named_things_the_passages_pair_otherwise_is_a_reversal(tutor, tutoring):
    assert _swapped_pair("Ketamine works fast, while SSRIs act on the glutamate system.", _SSRI)
    assert _swapped_pair("SSRIs go through glutamate just like ketamine, and take weeks.", _SSRI)
    assert _swapped_pair("SSRIs act on the serotonin system and take several weeks.", _SSRI) is None
    assert _swapped_pair("It is fast, unlike SSRIs, which take weeks.", _SSRI) is None  # no pair named at all
    item = _item(tutor, _SSRI_QUESTION, _SSRI)
    grade, ev = tutoring.grader.grade_with_evidence(
        item, "Ketamine works through serotonin and acts fast, while SSRIs work through glutamate and take weeks.")
    assert ev.reversal and grade.label == "incorrect", grade.reasons
    grade, ev = tutoring.grader.grade_with_evidence(
        item, "Ketamine acts fast, while SSRIs work through serotonin and take several weeks.")
    assert not ev.reversal and grade.label != "incorrect", grade.reasons


def test_doubted_answers_pull_neither_boundary():
    # Answers the grader marks incorrect anyway carry no information about where partial credit begins.
    def case(i, expected, cov, doubt=False):
        return GradedCase(question_id=f"q{i}", split=f"s{i % 3}", kind="partly", answer="a", expected=expected,
                          got=expected, reasons=[], features=[cov, cov, 0.5, 0.2, 0.8, (i % 8 + 1) / 8, 1.0], doubt=doubt)
    plain = [case(i, "correct" if i % 10 > 6 else ("partly" if i % 10 > 2 else "incorrect"), (i % 10) / 10)
             for i in range(60)]
    doubted = [case(100 + i, "incorrect", 0.9, doubt=True) for i in range(20)]
    for fitted, alone in zip(fit_boundaries(plain + doubted), fit_boundaries(plain)):
        assert np.allclose(fitted, alone)
