"""Answerability round 12: a "which X …?" question qualified by a concept of the material needs a sentence that names an
X and speaks of that concept, what a person would come to have ("do people build a tolerance …?") must be something the
material speaks of, and a message that points back ("what's the opposite?", "ok and after that?") takes its
topic from the conversation, so it is declined, never called off-topic."""

from __future__ import annotations

import uuid

import pytest

from tests.test_answers import ask_case
from tutor.answerability import names_a_member, qualified_kind

SENTENCES = [
    "Many neurons affected by this are inhibitory, meaning they normally dampen brain activity.",
    "The brain’s communication network relies on neurotransmitters to transmit signals between neurons.",
    "The most abundant of these is glutamate, which plays a role in nearly all brain activities.",
]


@pytest.mark.parametrize("kind,sentence,names", [
    (["neurotransmitter"], SENTENCES[1], True),  # the kind's own word
    (["neurotransmitter"], SENTENCES[2], True),  # a member of an entity kind
    (["factor"], "One of these is Brain-Derived Neurotrophic Factor (BDNF), a fertilizer for brain cells.", True),
    (["neurotransmitter"], SENTENCES[0], False),
])
def test_a_sentence_names_a_member_of_the_kind(kind, sentence, names):
    assert names_a_member(kind, sentence) is names


@pytest.mark.parametrize("question,unrelated", [
    # No sentence naming a neurotransmitter speaks of inhibitory neurons.
    ("which neurotransmitter do the inhibitory neurons use?", "inhibitory"),
    ("What neurotransmitter do the inhibitory neurons that ketamine suppresses use?", "inhibitory"),
    # "The most abundant of these is glutamate": the member and the qualifier in one sentence.
    ("Which neurotransmitter is the most abundant one in the brain?", ""),
    # Not a question asking for a kind.
    ("whats the difference between what neurotransmitters and inhibitory neurons do", ""),
])
def test_which_kind_needs_a_sentence_relating_it_to_the_qualifier(tutor, question, unrelated):
    assert tutor.answerability.unrelated_kind(["neurotransmitter"], question, SENTENCES) == unrelated


def test_a_sentence_naming_a_member_beside_the_qualifier_answers_which(tutor):
    question = "which neurotransmitter do the inhibitory neurons use?"
    related = SENTENCES + ["Inhibitory neurons release a different chemical than glutamate."]
    assert tutor.answerability.unrelated_kind(["neurotransmitter"], question, related) == ""


@pytest.mark.parametrize("question,kind", [
    ("what's the main inhibitory neurotransmitter in the brain?", ["neurotransmitter"]),
    ("what is the immediate psychological consequence of ketamine?", ["consequence"]),
    ("what is the NMDA receptor?", ["receptor"]),
    ("what is glutamate?", []),  # no kind, a term
    ("what's the difference between ketamine and SSRIs?", []),
])
def test_a_qualified_kind_after_what_is_the(question, kind):
    assert qualified_kind(question) == kind


@pytest.mark.parametrize("history,question,kind", [
    ([], "which neurotransmitter do the inhibitory neurons use?", "not_in_material"),
    ([], "Which neurotransmitter is the most abundant one in the brain?", "answer"),
    (["which neurotransmitter system do SSRIs act on?"], "what about ketamine?", "answer"),
    # The material never says what the opposite of an antagonist is; the question is about its term all the same.
    (["what is an antagonist?"], "what's the opposite?", "not_in_material"),
    (["what is an antagonist?"], "what's the opposite of that?", "not_in_material"),
    (["what is dissociation?"], "and after that?", "answer"),
    # A qualified kind after "what's the" asks which one, too.
    ([], "what's the main inhibitory neurotransmitter in the brain?", "not_in_material"),
    ([], "what is the altered state of consciousness like?", "answer"),
    ([], "what is the immediate psychological consequence of ketamine?", "answer"),
    # What a person would come to have is the question's target: the material never speaks of tolerance.
    ([], "Do people build a tolerance to ketamine?", "not_in_material"),
    ([], "can you hallucinate on it?", "answer"),
    ([], "can people lose memories from long-term use?", "answer"),
    # Own words that name another topic stay off-topic.
    (["what is an antagonist?"], "what's the capital of France?", "out_of_scope"),
    (["what is dissociation?"], "what's the weather like tomorrow?", "out_of_scope"),
])
def test_round12_verdicts(tutor, history, question, kind):
    reply = ask_case(tutor, history, question)
    assert reply.kind == kind, reply.answer


def test_after_the_study_next_list_a_bare_follow_up_is_not_off_topic(tutor):
    session = uuid.uuid4().hex
    tutor.ask("what should i study next?", session)
    reply = tutor.ask("ok and after that?", session)
    assert reply.kind == "not_in_material", reply.answer


def test_leaning_on_the_conversation_needs_a_pointer_and_no_words_of_its_own(tutor):
    leans = tutor.answerability.leans_on_conversation
    assert leans("what's the opposite?")  # a relational noun with nothing after it points back
    assert leans("what's the opposite of that?")
    assert leans("ok and after that?")
    assert not leans("what's the capital of France?")
    assert not leans("what's the opposite of love?")  # a topic of its own
    assert not leans("is it going to rain there?")  # points back, but asks about rain
