"""What a follow-up borrows from the conversation: the frame of earlier questions, not a topic it replaced."""

from __future__ import annotations

import uuid

import pytest

from tutor.retrieval import Vocabulary, condense, lexical_stems, refers_back
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
