"""Premise round 7: an opposite word a sentence says of another named thing than the claim's ("BDNF … helps *repair*
neuronal pathways" against "chronic ketamine use *damages* neurons") does not rule the claim out."""

from __future__ import annotations

import uuid

import pytest

from tests.test_premise import corrected
from tutor.grounding import Judge, analyse
from tutor.premise import _said_by_another, doer_of

BDNF = ("BDNF encourages the growth of new synapses (connections between neurons) and helps repair neuronal "
        "pathways.")
SURGE = "The glutamate surge activates other receptors, leading to the release of neurotrophic factors."
FRAGMENTED = ("When glutamate signals are interrupted, the brain’s ability to integrate sensory inputs with its internal "
              "sense of self becomes fragmented.")
RAPID = ("This glutamate burst is thought to trigger molecular events that underlie the medication’s rapid "
         "antidepressant properties.")
TOPIC = {"ketamin"}


def word(sentence: str, text: str):
    a = analyse(sentence)
    return a, next(t for t in a.tokens if t.text == text)


@pytest.mark.parametrize("sentence, text, doer", [
    (BDNF, "repair", "bdnf"),          # past a parenthesis and "and helps": still BDNF's statement
    (BDNF, "growth", "bdnf"),
    (SURGE, "activates", "glutamate"),
    (SURGE, "release", None),          # after the comma: another statement
    (FRAGMENTED, "fragmented", None),  # the sentence opens with "when": the thing it names is not the doer
    (RAPID, "rapid", None),            # "that underlie the medication's rapid …": another statement
    ("Ketamine’s primary action is to act as an antagonist at these NMDA receptors.", "antagonist", "ketamine's"),
    ("As ketamine’s effects fade, a subsequent surge in glutamate release occurs.", "fade", None),
    ("Many neurons affected by this are inhibitory, meaning they normally dampen brain activity.", "inhibitory", None),
])
def test_what_a_sentence_word_is_said_of(sentence, text, doer):
    a, u = word(sentence, text)
    found = doer_of(a, u)
    assert (found.text if found else None) == doer


def test_an_opposite_word_said_of_another_thing_is_no_contradiction():
    assert _said_by_another("Chronic ketamine use damage neurons.", BDNF,
                            ["antonym: claim says “damage”, source says “repair”"], TOPIC)
    assert _said_by_another("Blocking a receptor make the brain more active.", SURGE,
                            ["antonym: claim says “blocking”, source says “activates”"], TOPIC)
    assert _said_by_another("Ketamine blocks NMDA receptors.", SURGE,
                            ["antonym: claim says “blocks”, source says “activates”"], TOPIC)


def test_an_opposite_word_about_the_claims_own_thing_still_counts():
    # the claim names the sentence's doer: the sentence speaks of it
    assert not _said_by_another("BDNF damages neuronal pathways.", BDNF,
                                ["antonym: claim says “damages”, source says “repair”"], TOPIC)
    assert not _said_by_another("The glutamate surge blocks other receptors.", SURGE,
                                ["antonym: claim says “blocks”, source says “activates”"], TOPIC)
    # the sentence names the claim's own thing too: left to the judge
    assert not _said_by_another("Ketamine slows antidepressant effects.",
                                "Ketamine’s rapid antidepressant effects come from the glutamate surge.",
                                ["antonym: claim says “slows”, source says “rapid”"], TOPIC)
    # the word is not said of the thing the sentence opens with
    assert not _said_by_another("Ketamine strengthen the brain's ability to integrate sensory inputs.", FRAGMENTED,
                                ["antonym: claim says “strengthen”, source says “fragmented”"], TOPIC)
    assert not _said_by_another("Ketamine's antidepressant properties are slow to show up.", RAPID,
                                ["antonym: claim says “slow”, source says “rapid”"], TOPIC)
    # a contradiction not made of antonyms alone is left to the judge
    assert not _said_by_another("Ketamine blocks NMDA receptors.", SURGE,
                                ["antonym: claim says “blocks”, source says “activates”",
                                 "swapped entity: claim names nmda, source names glutam"], TOPIC)


def test_the_claims_word_said_of_a_thing_the_sentence_never_names():
    fade = "As ketamine’s effects fade, a subsequent surge in glutamate release occurs."
    assert _said_by_another("BDNF levels peak about 24 hours after a ketamine dose.", fade,
                            ["antonym: claim says “peak”, source says “fade”"], TOPIC)
    # a sentence that may point back at the claim's thing ("this effect") is left to the judge
    assert not _said_by_another("The BDNF synapse-growth effect is weak in the prefrontal cortex.",
                                "This effect is prominent in brain regions like the prefrontal cortex, which is "
                                "involved in mood regulation.", ["antonym: claim says “weak”, source says “prominent”"],
                                TOPIC)
    # the claim's word said of the material's subject: left to the judge
    assert not _said_by_another("Ketamine's effects peak after a day.", fade,
                                ["antonym: claim says “peak”, source says “fade”"], TOPIC)


def test_the_lead_s_questions_are_not_corrected_and_their_false_twin_is(tutor):
    for question in ("why can chronic ketamine use damage neurons?", "does ketamine damage neurons?",
                     "why does blocking a receptor make the brain MORE active?"):
        reply = tutor.ask(question, uuid.uuid4().hex)
        assert not corrected(reply), (question, reply.answer)
    reply = tutor.ask("BDNF damages neuronal pathways, right?", uuid.uuid4().hex)
    assert corrected(reply), reply.answer
