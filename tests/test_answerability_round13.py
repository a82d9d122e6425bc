"""Answerability round 13: a question comparing with something the material never speaks of needs a sentence that
compares and names one of the sides ("is that the same thing as dissociative identity disorder?" is declined), and a
message that chooses among what was said ("which is worse?") or asks for what something has without saying of what
("what signs should I look for?") leans on the conversation: declined when the material does not say it, never called
off-topic."""

from __future__ import annotations

import pytest

from tests.test_answers import ask_case
from tutor.answerability import COMPARES, asks_comparison


@pytest.mark.parametrize("question,asks", [
    ("How is ketamine different from SSRIs?", True),
    ("what's the difference between being sedated and being under general anesthesia?", True),
    ("is that the same thing as dissociative identity disorder?", True),
    ("laughing gas blocks NMDA receptors too I think - how does it compare to ketamine?", True),
    ("ketamine vs ssris, whats the difference in how they work", True),
    ("Does ketamine work differently in depressed people than in healthy people?", True),
    # A comparison the material makes is asked about, not one the learner makes.
    ("What's the roadblock comparison about?", False),
    ("Why is BDNF compared to fertilizer?", False),
    ("Why does the article compare it to a roadblock?", False),
    # "different" as a plain adjective compares nothing.
    ("How many different neurotransmitters does the brain have?", False),
    ("what is the one thing underneath all of ketamine's different effects?", False),
])
def test_a_question_asking_how_two_things_compare(question, asks):
    assert asks_comparison(question) is asks


@pytest.mark.parametrize("sentence,compares", [
    ("This mechanism contrasts with traditional antidepressants, like SSRIs, which act on the serotonin system.", True),
    ("Long-term, high-dose ketamine use has markedly different consequences than use in controlled settings.", True),
    ("While therapeutic doses can foster neuroplasticity, chronic overuse may trigger processes like excitotoxicity.", True),
    ("The substance is also used in veterinary medicine.", False),
    ("As ketamine’s effects fade, a subsequent surge in glutamate release occurs.", False),
])
def test_a_sentence_that_compares(sentence, compares):
    assert bool(COMPARES.search(sentence.lower())) is compares


def test_a_comparison_needs_a_comparing_sentence_naming_a_side(tutor):
    sentences = ["Long-term, high-dose ketamine use, often seen recreationally, has markedly different consequences than "
                 "use in controlled, therapeutic settings.",
                 "Ketamine is a medication used for anesthesia in medical settings."]
    uncompared = tutor.answerability.uncompared
    # The comparing sentence compares other things than laughing gas, which the material never speaks of.
    assert uncompared("how is ketamine different from laughing gas?", sentences)
    # … and the very things a question about recreational and therapeutic use asks about.
    assert not uncompared("Is heavy recreational ketamine use different from therapeutic use?", sentences)
    # No sentence compares anything.
    assert uncompared("is ketamine dissociation the same thing as dissociative identity disorder?", sentences[1:])
    assert not uncompared("what does ketamine do?", sentences[1:])  # no comparison asked
    # Two things the material describes are contrasted from what it says of each.
    assert not uncompared("Is dissociation the same thing as hallucinating?", sentences[1:])


@pytest.mark.parametrize("history,question,kind", [
    ([], "How is ketamine different from SSRIs?", "answer"),
    ([], "Are the effects of recreational ketamine use basically the same as therapeutic use?", "answer"),
    ([], "What's the difference between ketamine's immediate effects and what happens with chronic use?", "answer"),
    ([], "why is BDNF compared to fertilizer?", "answer"),
    # tests/data/answer_relevance_fresh.yaml, _fresh2.yaml: both sides are things the material describes.
    ([], "Is dissociation the same thing as hallucinating?", "answer"),
    ([], "what's the difference between ketamine blocking glutamate and the glutamate surge afterwards?", "answer"),
    ([], "How is ketamine anesthesia different from the gas they use for surgery?", "not_in_material"),
    (["What is dissociation?"], "is that the same thing as dissociative identity disorder?", "not_in_material"),
    # The lead's hand cases: a choice among what was said, and signs of what the parent just asked about.
    (["can ketamine cause memory problems?", "what about bladder damage?"], "which is worse", "not_in_material"),
    (["my son uses ketamine at parties, should i be worried?"], "what signs should i look for", "not_in_material"),
    # A topic of the message's own stays off-topic.
    (["can ketamine cause memory problems?"], "which is the best pizza in town?", "out_of_scope"),
])
def test_round13_verdicts(tutor, history, question, kind):
    reply = ask_case(tutor, history, question)
    assert reply.kind == kind, reply.answer


def test_a_choice_or_a_belonging_noun_with_nothing_of_its_own_leans_on_the_conversation(tutor):
    leans = tutor.answerability.leans_on_conversation
    assert leans("which is worse")
    assert leans("which one is more dangerous?")
    assert leans("what signs should i look for?")
    assert leans("any risks?")
    assert not leans("which is the most abundant neurotransmitter?")  # names its own topic
    assert not leans("what signs of rain should i look for?")
    assert not leans("which is the best pizza in town?")
