"""What a follow-up borrows from the conversation: the frame of earlier questions, not a topic it replaced."""

from __future__ import annotations

import uuid

import pytest

from tutor.retrieval import (Vocabulary, about_subject, condense, is_follow_up, lexical_stems, plain_question,
                             refers_back)
from tutor.text import content_stems

VOCABULARY = Vocabulary(["Chronic exposure can lead to problems with memory and other risks of long-term use."])


def test_an_acronyms_plural_matches_the_acronym():
    # Snowball keeps "ssris" whole (its only vowel ends it), so "SSRI" never matched the material's "SSRIs".
    assert lexical_stems("like SSRIs and MAOIs") == ["ssri", "maoi"]
    assert lexical_stems("an SSRI") == lexical_stems("SSRIs") == lexical_stems("ssris")  # typed or condensed
    assert lexical_stems("gas bus") == content_stems("gas bus")  # lower-case words ending in "s" are untouched


def test_a_follow_up_without_a_pointer_drops_the_earlier_topic_the_material_lacks():
    earlier = ["what about the bladder? (risks long term use)"]
    standalone = condense("and memory?", earlier, VOCABULARY)
    assert "bladder" not in standalone and "risks" in standalone and "memory" in standalone


def test_a_follow_up_pointing_back_keeps_the_earlier_topic():
    assert refers_back("how long does it last?") and not refers_back("and memory?")
    assert "bladder" in condense("is it common?", ["what about the bladder?"], VOCABULARY)


def sid() -> str:
    return uuid.uuid4().hex


def test_the_next_item_of_a_list_of_concerns_is_answered_on_its_own(tutor):
    session = sid()
    tutor.ask("tell me about the risks of long term use", session)
    assert tutor.ask("what about the bladder?", session).kind == "not_in_material"
    memory = tutor.ask("and memory?", session)  # was declined with "it never mentions bladder"
    assert memory.kind == "answer" and "bladder" not in memory.answer
    assert any("memor" in c.text for c in memory.citations)


def test_a_follow_up_on_a_street_name_stays_on_topic(tutor):
    session = sid()
    assert tutor.ask("what is a k-hole?", session).kind == "not_in_material"
    assert tutor.ask("how long does it last?", session).kind == "not_in_material"  # was "outside what I can teach"
    assert tutor.ask("what about football?", session).kind == "out_of_scope"


@pytest.mark.parametrize("asked", ["how is ketamine different from an SSRI?", "how do SSRIs compare to ketamine?"])
def test_a_comparison_quotes_the_sentence_on_the_other_drug(tutor, asked):
    reply = tutor.ask(asked, sid())
    assert reply.kind == "answer" and any("serotonin" in c.text for c in reply.citations), reply.answer


@pytest.mark.parametrize("asked", ["which brain region does BDNF act in?",
                                   "what part of the brain does BDNF work on?"])
def test_a_question_for_a_place_quotes_the_sentence_naming_it(tutor, asked):
    reply = tutor.ask(asked, sid())
    assert reply.kind == "answer" and any("prefrontal cortex" in c.text for c in reply.citations), reply.answer


@pytest.mark.parametrize("asked, plain", [
    ("true or false: BDNF is a neurotransmitter", "BDNF is a neurotransmitter"),
    ("ok true or false: glutamate is rare", "glutamate is rare"),
    ("ketamine blocks NMDA receptors - true or false?", "ketamine blocks NMDA receptors"),
    ("yes or no, is BDNF a protein?", "is BDNF a protein?"),
    ("is it true or false?", "is it true or false?"),  # asked about something said before: nothing to strip
])
def test_a_true_or_false_frame_is_no_word_of_the_question(asked, plain):
    assert plain_question(asked) == plain


def test_the_frame_of_an_answered_question_is_not_borrowed_by_the_next(tutor):
    session = sid()
    tutor.ask("true or false: BDNF is a neurotransmitter", session)
    reply = tutor.ask("what is it then", session)  # was declined: "it never mentions false"
    assert "false" not in reply.standalone_question and "false" not in reply.answer


@pytest.mark.parametrize("asked", ['what does "paradoxically" mean here?', "what does inhibitory mean in this context?",
                                   "what does the word antagonist mean?"])
def test_asking_what_a_quoted_word_means_here_names_its_own_topic(tutor, asked):
    assert not is_follow_up(asked, tutor.vocabulary)


def test_a_follow_up_in_the_materials_words_is_not_declined_for_an_earlier_word(tutor):
    session = sid()
    assert tutor.ask("is ketamine a psychedelic?", session).kind == "not_in_material"
    reply = tutor.ask("does it cause hallucinations?", session)  # was declined: "it never mentions psychedelic"
    assert reply.kind == "answer" and any("hallucinatory" in c.text for c in reply.citations), reply.answer
    bladder = sid()
    tutor.ask("what about the bladder?", bladder)
    assert tutor.ask("is it common?", bladder).kind != "answer"  # nothing of its own the material speaks of


def test_a_question_in_the_materials_words_leans_on_the_answer_before_it(tutor):
    session = sid()
    assert tutor.ask("my son uses ketamine at parties. what could it be doing to his brain?", session).kind == "answer"
    assert tutor.ask("is the damage permanent?", session).kind == "not_in_material"  # was "outside what I can teach"
    assert tutor.ask("what's the capital of France?", session).kind == "out_of_scope"


def test_an_off_topic_request_sharing_a_word_or_two_with_the_material_stays_off_topic(tutor):
    session = sid()
    tutor.ask("what does ketamine do to NMDA receptors?", session)
    # "help" and "derivative" ("Brain-Derived") are the material's words too, but few of the request's.
    reply = tutor.ask("cool, now can you help with my calculus homework? what's the derivative of x^3", session)
    assert reply.kind == "out_of_scope"


def test_a_first_messages_it_names_the_materials_subject():
    assert about_subject("is it addictive?", "ketamine") == "is it addictive? (ketamine)"
    assert about_subject("what's its half-life", "ketamine") == "what's its half-life (ketamine)"
    for untouched in ("does ketamine affect it?", "what is BDNF?", "what's the item list?"):
        assert about_subject(untouched, "ketamine") == untouched  # named already, or no "it"
    assert about_subject("is it addictive?", None) == "is it addictive?"  # a material with several subjects


def test_a_first_question_about_it_in_the_materials_words_is_about_the_subject(tutor):
    # "how long does it last?" opening a conversation was "outside what I can teach": nothing told the search what
    # "it" is. "is it going to rain this weekend?" is not in the material's words and stays off-topic.
    assert tutor.ask("how long does it last?", uuid.uuid4().hex).kind == "not_in_material"
    assert tutor.ask("is it going to rain this weekend?", uuid.uuid4().hex).kind == "out_of_scope"
