"""Premise round 8: an opposite word that is not about the claim's thing, or not its opposite in that sense, does not
rule it out — "the same drug" names one drug and likens nothing; the people who feel something are not what a word of
how good is said of; "a few minutes" counts time, not things. And the wording: "how do X compare with Y?" and "is it
normal to see …?" take nothing for granted; "If S, why …?" takes S for granted as "since S" does; "only ever" is
"only"."""

from __future__ import annotations

import uuid

import pytest

from tests.test_premise import corrected
from tutor.grounding import analyse
from tutor.premise import _counted_time, _identity, _near, _opposed_pair, counts_time, premises_of, stated_premises

DISTORTED = ("Individuals may experience a distorted sense of time, where moments feel stretched or compressed, and their "
             "perception of space can also be altered.")
ALL_OF = "This interference with glutamate signaling underlies all of ketamine’s effects."
NEARLY_ALL = "The most abundant of these is glutamate, which plays a role in nearly all brain activities."
TOPIC = {"ketamin"}


def test_the_same_thing_named_is_no_likeness():
    reasons = ["antonym: claim says “the same”, source says “markedly”"]
    assert _identity("The same drug foster neuroplasticity at therapeutic doses but risk excitotoxicity with chronic "
                     "overuse.", reasons)
    # likening two things is left to the judge
    assert not _identity("Recreational use is basically the same as therapy.", reasons)
    assert not _identity("Ketamine work the same way SSRIs do.", reasons)
    assert not _identity("Long-term recreational use basically has the same effects as therapeutic use.", reasons)
    # a contradiction not made of antonyms alone is left to the judge
    assert not _identity("The same drug blocks serotonin.", reasons + ["swapped entity: claim names serotonin, "
                                                                       "source names glutam"])


def test_people_are_not_what_a_word_of_how_good_is_said_of():
    claim = analyse("Some people feel better after ketamine but worse after months of using it.")
    assert _opposed_pair(claim, analyse(DISTORTED), TOPIC) is None
    assert "syn:individual" not in _near(analyse(DISTORTED), 4, TOPIC, 4)
    # the thing itself shared still pairs the words ("sense of time sharper" / "a distorted sense of time")
    assert _opposed_pair(analyse("Ketamine makes your sense of time sharper."), analyse(DISTORTED), TOPIC) is not None


def test_a_word_of_how_many_that_counts_time_is_no_quantity_of_things():
    a = analyse("A few minutes feel like forever on ketamine.")
    assert counts_time(a, a.tokens[0])
    assert _counted_time("A few minutes feel like forever on ketamine.", ALL_OF,
                         ["antonym: claim says “a few”, source says “all of”"])
    # both count things: left to the judge ("a handful of brain functions" / "nearly all brain activities")
    assert not _counted_time("Glutamate only matters for a handful of brain functions.", NEARLY_ALL,
                             ["antonym: claim says “a handful”, source says “nearly all”"])
    # both count time: left to the judge
    assert not _counted_time("The effects last a few hours.", "It takes several weeks to work.",
                             ["antonym: claim says “a few”, source says “several”"])


@pytest.mark.parametrize("question", [
    "how do therapeutic doses compare with chronic overuse?",
    "How does ketamine compare to SSRIs?",
    "is it normal to see things that aren't there on ketamine?",
])
def test_questions_that_take_nothing_for_granted(question):
    assert premises_of(question) == []


def test_a_cleft_still_asks_which_thing():
    assert stated_premises("Is it the surge that blocks the receptor?") == [("The surge blocks the receptor.", False)]


def test_only_ever_is_only():
    assert premises_of("Since ketamine is only ever given to humans, why do vets keep it?")[0] == \
        "Ketamine is only given to humans."


def test_the_probe_questions_are_not_corrected_and_false_twins_are(tutor):
    for question in ("why do some people feel better after ketamine but worse after months of using it",
                     "how do therapeutic doses compare with chronic overuse for neuroplasticity?",
                     "How can a few minutes feel like forever on ketamine?",
                     "is it normal to see things that aren't there on ketamine?",
                     "How can the same drug foster neuroplasticity at therapeutic doses but risk excitotoxicity with "
                     "chronic overuse?"):
        reply = tutor.ask(question, uuid.uuid4().hex)
        assert not corrected(reply), (question, reply.answer)
    for question in ("does ketamine block the receptor permanently?", "is ketamine only given to humans?",
                     "Since ketamine is only ever given to humans, why do vets keep it in their clinics?"):
        reply = tutor.ask(question, uuid.uuid4().hex)
        assert corrected(reply), (question, reply.answer)
