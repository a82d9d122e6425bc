"""Grading round 14: the backing floor keeps out claims, not the learner's own images and rewordings."""

from __future__ import annotations

import pytest

from evals.pedagogy import locate
from tests.tutoring_fixtures import tutoring  # noqa: F401  (fixture)
from tutor.grading import ACCOUNTED_FLOOR, _STRONG_CLAIM, _opposes_a_pole
from tutor.quiz import item_from_passage

_MEMORY = ("Chronic exposure can lead to cognitive impairments, such as problems with recalling past events and forming "
           "new short-term memories.")
_BDNF = ["One of these is Brain-Derived Neurotrophic Factor (BDNF), which functions like a fertilizer for brain cells.",
         "BDNF encourages the growth of new synapses (connections between neurons) and helps repair neuronal pathways."]


@pytest.fixture(scope="module")
def memory_item(tutor):
    return item_from_passage("What kinds of memory problems can chronic exposure cause?", [locate(tutor, _MEMORY)])


@pytest.fixture(scope="module")
def bdnf_item(tutor):
    return item_from_passage("What does BDNF do?", [locate(tutor, p, n) for n, p in enumerate(_BDNF, 1)])


def test_a_weakly_backed_image_of_the_learners_own_does_not_keep_a_faithful_answer_from_correct(tutoring, memory_item):
    # "Two sides are hit" is backed by no passage clause (its cosine is below the floor) but claims nothing the material
    # could contradict: it is counted at the floor, and the answer that says both ideas is correct.
    grade, ev = tutoring.grader.grade_with_evidence(
        memory_item, "Two sides are hit: recalling past events gets harder and so does forming new short-term memories.")
    assert ev.accounted == pytest.approx(ACCOUNTED_FLOOR) and grade.label == "correct"


@pytest.mark.parametrize("item, answer", [
    ("memory_item", "Recalling past events gets harder, and so does forming new short-term memories, but only in people "
                    "over sixty."),
    ("bdnf_item", "Like fertilizer for brain cells, it grows new synapses and repairs pathways, which coffee suppresses."),
])
def test_a_weakly_backed_clause_that_restricts_or_prevents_still_keeps_the_answer_from_correct(tutoring, request, item,
                                                                                                 answer):
    grade, ev = tutoring.grader.grade_with_evidence(request.getfixturevalue(item), answer)
    assert 0.0 < ev.accounted < ACCOUNTED_FLOOR and grade.label == "partly"


def test_strong_claims_are_restrictions_and_preventions():
    assert _STRONG_CLAIM.search("only shows up after the drug has worn off")
    assert _STRONG_CLAIM.search("which ketamine blocks") and _STRONG_CLAIM.search("it can never change")
    assert not _STRONG_CLAIM.search("the jam spreads out") and not _STRONG_CLAIM.search("are slow to kick in")


_ROADBLOCK = ("The action is comparable to a temporary roadblock at a major intersection, altering system-wide traffic "
              "patterns.")


def test_a_weakly_backed_clause_at_the_other_pole_of_a_passage_word_is_a_claim():
    assert _opposes_a_pole("the block is permanent", [_ROADBLOCK])
    assert not _opposes_a_pole("the jam spreads out", [_ROADBLOCK])
    assert not _opposes_a_pole("the block is only for a while", [_ROADBLOCK])



def test_an_answer_at_the_other_pole_of_a_passage_word_gets_no_benefit_of_the_doubt_for_its_images(tutoring, tutor):
    # "permanent" against "temporary" beside an image of the learner's own ("like a dam across a river"): the image is
    # not raised to the floor, so the answer is not credited however long it is.
    item = item_from_passage("What does the roadblock comparison show about ketamine's action?",
                             [locate(tutor, _ROADBLOCK)])
    grade, ev = tutoring.grader.grade_with_evidence(
        item, "It shows that the block is permanent, like a dam across a river, which changes the flow everywhere.")
    assert ev.accounted < ACCOUNTED_FLOOR and grade.label != "correct"
