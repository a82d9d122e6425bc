"""Premise round 5: a word of how long something lasts contradicts a claim only when said of the same thing; a
demonstrative points back at the message, not at the material's subject."""

from __future__ import annotations

import uuid

import pytest

from tests.test_premise import corrected
from tutor.grounding import analyse
from tutor.premise import _about_another_thing, _with_subject, described

TOPIC = {"ketamin"}
BLOCKS = ("This means it temporarily blocks the receptor, preventing glutamate from activating it and disrupting the "
          "normal flow of signals between neurons.")
INTERRUPTION = ("This experience stems from the temporary interruption of the brain’s communication network, changing "
                "how reality is perceived.")
LONG_TERM = ("Long-term, high-dose ketamine use, often seen recreationally, has markedly different consequences than "
             "use in controlled, therapeutic settings.")


def _said_of(text: str, word: str) -> tuple[set[str], bool]:
    a = analyse(text)
    return described(a, next(t.index for t in a.tokens if t.text == word), TOPIC)


@pytest.mark.parametrize("text, word, thing, attribute", [
    ("Ketamine damage the brain permanently.", "permanently", {"damag", "brain"}, False),  # the verb and its object
    (BLOCKS, "temporarily", {"block"}, False),
    (INTERRUPTION, "temporary", {"interrupt"}, True),  # an attribute: the words after it, not "of the brain's …"
    ("The damage is permanent.", "permanent", {"damag"}, False),  # after a linking verb: the words before it
    (LONG_TERM, "long_term", {"high", "dose", "use"}, True),  # stacked attributes
])
def test_what_a_word_of_how_long_says_something_of(text, word, thing, attribute):
    words, is_attribute = _said_of(text, word)
    assert thing <= words and is_attribute == attribute, words
    assert "ketamin" not in words


def test_a_lasting_word_about_another_thing_is_no_contradiction():
    permanently = ["antonym: claim says “permanently”, source says “temporary”"]
    # the damage is never called temporary: the interruption and the block are
    assert _about_another_thing("Ketamine damage the brain permanently.", INTERRUPTION, permanently, TOPIC)
    assert _about_another_thing("Ketamine damage the brain permanently.", BLOCKS,
                                ["antonym: claim says “permanently”, source says “temporarily”"], TOPIC)
    # the same act, said to last: ruled out ("shuts down" and "blocks" are one act)
    assert not _about_another_thing("Ketamine blocks NMDA receptors permanently.", BLOCKS,
                                    ["antonym: claim says “permanently”, source says “temporarily”"], TOPIC)
    assert not _about_another_thing("Ketamine permanently shuts down NMDA receptors.", BLOCKS,
                                    ["antonym: claim says “permanently”, source says “temporarily”"], TOPIC)
    # another thing in the same place of a sentence that says the same around it: where the experience comes from
    assert not _about_another_thing("The dissociative trip caused by permanent brain damage.", INTERRUPTION,
                                    ["antonym: claim says “permanent”, source says “temporary”"], TOPIC)


def test_an_attribute_of_another_case_is_no_contradiction():
    single = ["antonym: claim says “a single”, source says “long term”"]
    # what long-term use does says nothing of what one session does
    assert _about_another_thing("A single ketamine session's antidepressant effect typically lasts about two weeks.",
                                LONG_TERM, single, TOPIC)
    assert _about_another_thing("A single dose of ketamine cause excitotoxicity.", LONG_TERM, single, TOPIC)
    # the same thing with the same said of it: one cycle against repeated cycles, both causing excitotoxicity
    assert not _about_another_thing(
        "Excitotoxicity comes from a single cycle of receptor blockade and glutamate surge.",
        "Excitotoxicity occurs when neurons are damaged or die from being overstimulated by excessive glutamate "
        "activity from repeated cycles of receptor blockade and glutamate surges.",
        ["antonym: claim says “a single”, source says “repeated”"], TOPIC)


def test_other_opposites_are_left_to_the_judge():
    assert not _about_another_thing("Ketamine activate NMDA receptors.", BLOCKS,
                                    ["antonym: claim says “activate”, source says “blocks”"], TOPIC)
    assert not _about_another_thing("Ketamine damage the brain permanently.", INTERRUPTION,
                                    ["swapped entity: claim names gaba, source names glutam"], TOPIC)


def test_asking_whether_the_damage_is_permanent_is_not_corrected(tutor):
    for question in ("does ketamine damage the brain permanently?", "can ketamine cause permanent brain damage?"):
        reply = tutor.ask(question, uuid.uuid4().hex)
        assert not corrected(reply), reply.answer
    reply = tutor.ask("Since ketamine blocks NMDA receptors permanently, wouldn't one dose change your brain for good?",
                      uuid.uuid4().hex)
    assert corrected(reply) and any("temporarily" in c.text for c in reply.citations), reply.answer


def test_a_demonstrative_points_back_at_the_message_not_at_the_material_subject():
    # "that same region" is the prefrontal cortex the question has just named, not ketamine
    assert _with_subject("That same region involved in both ketamine's benefits and its harms.", "ketamine") is None
    assert _with_subject("That lead to dissociation.", "ketamine") is None
    assert _with_subject("It blocks NMDA receptors.", "ketamine") == "Ketamine blocks NMDA receptors."
    assert _with_subject("It blocks NMDA receptors.", None) is None


def test_a_question_about_what_it_has_just_named_is_not_corrected(tutor):
    reply = tutor.ask("Given that executive functions are handled by the prefrontal cortex, why is that same region "
                      "involved in both ketamine's benefits and its harms?", uuid.uuid4().hex)
    assert not corrected(reply), reply.answer
