"""Grading: the hand-labelled learner answers, choices, answers that differ by one fact, feedback that quotes."""

from __future__ import annotations

import pytest

from evals.pedagogy import grade_dataset, grading_metrics, load_cases, locate
from tests.conftest import ARTICLE
from tests.tutoring_fixtures import tutoring  # noqa: F401  (fixture)
from tutor.quiz import item_from_passage

# Measured 0.89 overall (dev 0.92, test 0.86; docs/pedagogy.md); the goal is 0.9. The gate sits a
# little below the measurement so judge improvements can only raise it, and a regression fails.
MIN_ACCURACY = 0.85


def test_dataset_passages_are_verbatim_and_cover_every_kind():
    text = ARTICLE.read_text(encoding="utf-8")
    cases = load_cases()
    answers = [a for q in cases for a in q["answers"]]
    assert len(answers) >= 100
    assert {a["kind"] for a in answers} == {"correct", "paraphrased", "partly", "wrong", "contradicting"}
    for q in cases:
        for p in q["passages"]:
            assert p in text, p


@pytest.fixture(scope="module")
def measured(tutoring):
    cases = grade_dataset(tutoring)
    return cases, grading_metrics(cases)


def test_grading_accuracy_on_labelled_answers(measured):
    cases, m = measured
    misses = [(c.kind, c.got, c.answer) for c in cases if c.got != c.expected]
    assert m["accuracy"] >= MIN_ACCURACY, misses
    assert m["contradicting_marked_correct"] == 0, misses
    assert m["by_kind"]["wrong"] >= 0.85 and m["by_kind"]["correct"] >= 0.9


def test_no_contradicting_or_wrong_answer_is_ever_marked_correct(measured):
    cases, _ = measured
    assert not [c.answer for c in cases if c.kind in ("contradicting", "wrong") and c.got == "correct"]


@pytest.fixture(scope="module")
def bdnf_item(tutor):
    passages = ["One of these is Brain-Derived Neurotrophic Factor (BDNF), which functions like a fertilizer for brain cells.",
                "BDNF encourages the growth of new synapses (connections between neurons) and helps repair neuronal pathways."]
    return item_from_passage("What does BDNF do?", [locate(tutor, p, n) for n, p in enumerate(passages, 1)])


@pytest.mark.parametrize("right, wrong", [
    ("BDNF encourages the growth of new synapses and helps repair neuronal pathways.",
     "BDNF discourages the growth of new synapses and helps repair neuronal pathways."),
    ("It works like a fertilizer for brain cells, helping new synapses grow.",
     "It works like a poison for brain cells, stopping new synapses from growing."),
])
def test_answers_differing_by_one_fact(tutoring, bdnf_item, right, wrong):
    assert tutoring.grader.grade(bdnf_item, right).label == "correct"
    assert tutoring.grader.grade(bdnf_item, wrong).label == "incorrect"


def test_feedback_quotes_the_exact_passage(tutor, tutoring, bdnf_item):
    for answer in ("It makes synapses grow.", "It breaks down synapses.", ""):
        grade = tutoring.grader.grade(bdnf_item, answer)
        c = grade.citation
        assert c is not None and c.text in grade.feedback
        assert tutor.sources[c.source][c.start:c.end] == c.text


def test_choices(tutoring):
    bank = tutoring.bank().items
    mc = next(i for i in bank if i.kind == "multiple_choice")
    letter = "abcd"[mc.options.index(mc.answer)]
    wrong = next(o for o in mc.options if o != mc.answer)
    assert tutoring.grader.grade(mc, letter.upper()).label == "correct"
    assert tutoring.grader.grade(mc, mc.answer.lower()).label == "correct"
    assert tutoring.grader.grade(mc, wrong).label == "incorrect"
    assert tutoring.grader.grade(mc, "no idea").label == "incorrect"
    tf = next(i for i in bank if i.kind == "true_false" and i.answer == "False")
    assert tutoring.grader.grade(tf, "false").label == "correct"
    assert tutoring.grader.grade(tf, "True.").label == "incorrect"
    assert "material" in tutoring.grader.grade(tf, "true").feedback
