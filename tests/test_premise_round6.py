"""Premise round 6: a claim that sets two things' statements side by side with when/while ("SSRIs take weeks to work
when ketamine acts quickly") is ruled out only when one of its statements is, not by pairing a word of one with a
sentence about the other; what a sentence says of the default state ("normally dampen") rules out only a claim about
the default."""

from __future__ import annotations

import uuid

import pytest

from tests.test_premise import corrected
from tutor.grounding import Judge
from tutor.premise import _across_clauses, _default_state, clauses_of

DAMPEN = "Many neurons affected by this are inhibitory, meaning they normally dampen brain activity."
SSRIS = ("This mechanism contrasts with traditional antidepressants, like SSRIs, which act on the serotonin system and "
         "take several weeks to produce a therapeutic effect.")


@pytest.fixture(scope="module")
def judge(embeddings):
    return Judge(embeddings, topic=["ketamin"])


@pytest.mark.parametrize("claim, parts", [
    ("SSRIs take weeks to work when ketamine acts quickly.", ["SSRIs take weeks to work.", "Ketamine acts quickly."]),
    ("Ketamine acts within hours, whereas SSRIs take weeks.", ["Ketamine acts within hours.", "SSRIs take weeks."]),
    # when says when something happens: one statement
    ("Hallucinations on ketamine mostly happen at low doses and fade when the dose goes up.", None),
    ("The glutamate surge happens while ketamine is at its peak.", None),
    # the same thing on both sides, or things of different kinds: no comparison of two things
    ("Ketamine blocks NMDA receptors when ketamine is given in high doses.", None),
    ("Glutamate floods the synapse when ketamine wears off.", None),
])
def test_two_things_statements_set_side_by_side(claim, parts):
    assert clauses_of(claim) == (parts or [claim])


def test_a_contradiction_across_the_two_statements_is_none(judge):
    claim = "SSRIs take weeks to work when ketamine acts quickly."
    # judged whole, "quickly" (ketamine's) is paired with the SSRIs' weeks
    assert judge.judge(claim, [SSRIS]).label == "contradicted"
    assert _across_clauses(claim, SSRIS, judge)
    # said the other way round, the SSRIs' statement is ruled out on its own
    assert not _across_clauses("SSRIs act within hours when ketamine takes weeks.", SSRIS, judge)
    # a claim that joins nothing is left to the judge
    assert not _across_clauses("SSRIs act quickly.", SSRIS, judge)


def test_the_comparison_found_by_hand_is_not_corrected(tutor):
    reply = tutor.ask("Why do SSRIs take weeks to work when ketamine acts quickly?", uuid.uuid4().hex)
    assert not corrected(reply), reply.answer


def test_its_false_twin_still_is(tutor):
    reply = tutor.ask("Since ketamine takes weeks to work while SSRIs act quickly, why use ketamine?", uuid.uuid4().hex)
    assert corrected(reply), reply.answer


def test_the_default_state_rules_out_only_a_claim_about_the_default():
    more = ["antonym: claim says “more”, source says “dampen”"]
    assert _default_state("Blocking them make the brain more active.", DAMPEN, more)
    assert _default_state("Activity go up.", DAMPEN, ["antonym: claim says “up”, source says “dampen”"])
    # the claim speaks of the default too: ruled out
    assert not _default_state("Inhibitory neurons normally boost brain activity.", DAMPEN,
                              ["antonym: claim says “boost”, source says “dampen”"])
    # a word of the sentence not said of the default: left to the judge
    assert not _default_state("Most of the neurons ketamine affects excitatory ones.", DAMPEN,
                              ["antonym: claim says “excitatory”, source says “inhibitory”"])


def test_what_happens_under_the_drug_is_not_corrected_by_the_default(tutor):
    reply = tutor.ask("Given that most of the neurons affected are the ones that calm the brain, why does activity go "
                      "up?", uuid.uuid4().hex)
    assert not corrected(reply), reply.answer
    reply = tutor.ask("Inhibitory neurons normally boost brain activity, right?", uuid.uuid4().hex)
    assert corrected(reply), reply.answer
