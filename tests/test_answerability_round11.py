"""Answerability round 11: a closing "though" makes a follow-up, a follow-up whose own words name nothing of the
material is off-topic though the conversation lends it the subject, and "where in the brain?" asks for a place, which
the answer quotes."""

from __future__ import annotations

import uuid

import pytest

from tests.test_answers import ask_case
from tutor.answerability import ANSWER_TYPES, STATES_PLACE, asks_place, vaguely_named
from tutor.retrieval import is_follow_up


@pytest.mark.parametrize("question,place", [
    ("where in the brain?", True),
    ("and where in the brain is that effect strongest?", True),
    ("where does ketamine mainly act in the brain?", True),
    # What it acts on answers a bare "where does X act?"; "come from" asks for a source.
    ("Where does glutamate act - what does it latch onto?", False),
    ("where does all the extra glutamate come from in a chronic user?", False),
    ("what is the prefrontal cortex?", False),
])
def test_where_in_a_named_space_asks_for_a_place(question, place):
    assert asks_place(question) is place


def test_a_sentence_naming_a_region_states_a_place():
    assert STATES_PLACE.search("This effect is prominent in brain regions like the prefrontal cortex.")
    assert not STATES_PLACE.search("BDNF encourages the growth of new synapses and helps repair neuronal pathways.")


def test_a_closing_though_makes_a_follow_up(tutor):
    assert is_follow_up("how long does the relief last though?", tutor.vocabulary)
    assert not is_follow_up("how long does the antidepressant effect of ketamine last?", tutor.vocabulary)


@pytest.mark.parametrize("question,standalone,off", [
    # Read with the conversation, but the learner's own words name nothing the material speaks of.
    ("thanks! and what's the weather going to be like tomorrow?",
     "and what's the weather going to be like tomorrow? (dissociation)", True),
    ("what is the capital of France though?", "what is the capital of France though? (bdnf)", True),
    # Their own words are the material's, point back, or name a thing of its field.
    ("how long does the relief last though?", "how long does the relief last though? (ketamine help depression)", False),
    ("why does that happen though", "why does that happen though (dissociative state)", False),
    ("what about the amygdala?", "what about the amygdala? (ketamine memory)", False),
    ("which animals?", "which animals? (ketamine veterinary medicine)", False),
    # A rare word may name a concept of the field: declined as not in the material, not called off-topic.
    ("what happens to your bladder?", "what happens to your bladder? (addictive)", False),
    # Not read with the conversation: the topic rules decide as for a first message.
    ("what's the weather like tomorrow?", "what's the weather like tomorrow?", False),
])
def test_a_follow_up_is_off_topic_by_its_own_words(tutor, question, standalone, off):
    assert tutor.answerability.off_in_conversation(question, standalone) is off


@pytest.mark.parametrize("history,question,kind", [
    (["How does ketamine help depression?"], "how long does the relief last though?", "not_in_material"),
    (["How do SSRIs compare to ketamine?"], "how many weeks exactly though?", "not_in_material"),
    (["explain the dissociative state"], "why does that happen though", "answer"),
    (["What is dissociation?"], "thanks! and what's the weather going to be like tomorrow?", "out_of_scope"),
    (["what is BDNF"], "thanks! what is the capital of France though?", "out_of_scope"),
])
def test_round11_follow_up_verdicts(tutor, history, question, kind):
    reply = ask_case(tutor, history, question)
    assert reply.kind == kind, reply.answer


def test_where_in_the_brain_quotes_the_sentence_naming_the_region(tutor):
    session = uuid.uuid4().hex
    tutor.ask("what does BDNF do?", session)
    reply = tutor.ask("where in the brain?", session)
    assert reply.kind == "answer"
    assert any("prominent in brain regions like the prefrontal cortex" in c.text for c in reply.citations), reply.answer


@pytest.mark.parametrize("kind,sentence,vague", [
    # Written whole as a bare plural: there are such things, not which.
    (["molecular", "events"], "This glutamate burst is thought to trigger molecular events that underlie its properties.",
     True),
    # Members follow, or it is one thing with an article: named.
    (["brain", "regions"], "This effect is prominent in brain regions like the prefrontal cortex.", False),
    (["nmda", "receptor"], "A primary one is the N-methyl-D-aspartate (NMDA) receptor, which is involved in learning.",
     False),
    # A name before it names one of the kind.
    (["lava", "flows"], "Pahoehoe lava flows are smooth.", False),
    # A one-word kind is left to the other readings ("receptors on neurons").
    (["receptors"], "Glutamate interacts with receptors on neurons.", False),
])
def test_a_kind_named_only_as_a_class_is_named_vaguely(kind, sentence, vague):
    assert vaguely_named(kind, [sentence]) is vague


def test_which_molecular_events_is_declined(tutor):
    reply = ask_case(tutor, [], "step by step, what molecular events does the glutamate burst set off?")
    assert reply.kind == "not_in_material" and "molecular events" in reply.answer, reply.answer


@pytest.mark.parametrize("question,evidence,lacking", [
    ("why do vets pick ketamine over other anesthetics?", "The substance is also used in veterinary medicine.",
     "comparisons with others of its kind"),
    ("Why do vets use ketamine instead of other anesthetics?", "Ketamine is a medication used for anesthesia.",
     "comparisons with others of its kind"),
    ("why does ketamine work faster than other antidepressants?",
     "This mechanism contrasts with traditional antidepressants, like SSRIs.", ""),
])
def test_a_comparison_with_others_of_its_kind_needs_a_passage_that_compares(question, evidence, lacking):
    found = ""
    for asks, holds, named in ANSWER_TYPES:
        if asks.search(question) and not holds.search(evidence):
            found = named
            break
    assert found == lacking
